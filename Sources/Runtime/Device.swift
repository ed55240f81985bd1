// The device abstraction the host runtime streams through. It mirrors XRT's native API (device →
// xclbin → kernel → buffer objects → runs) closely enough that `XRTDevice` is a thin wrapper, and
// loosely enough that `EmulatedDevice` can execute the compiled C-sim kernel wrapper behind it with
// the same semantics: buffers live in the memory bank of a kernel argument, the host writes through a
// mapping and syncs it to the device before a run and from the device after, runs are started and
// waited for with a time-out.

import Foundation

/// Which way a buffer sync moves data.
public enum SyncDirection: Sendable {
    /// Host mapping → device memory (before a run reads it).
    case toDevice
    /// Device memory → host mapping (after a run wrote it).
    case fromDevice
}

/// Who a device is: shown by `bench`/`validate` and written into their JSON.
public struct DeviceIdentity: Sendable, Codable, Equatable {
    /// `"xrt"` or `"emulated"`.
    public var backend: String
    /// Card or shell name (for the emulated device, what it emulates).
    public var name: String
    /// PCIe address `dddd:bb:dd.f`, or nil for the emulated device.
    public var bdf: String?
    /// Index the device was opened by.
    public var index: Int

    /// Makes an identity.
    public init(backend: String, name: String, bdf: String?, index: Int) {
        self.backend = backend
        self.name = name
        self.bdf = bdf
        self.index = index
    }
}

/// The state a run ends in.
public enum RunState: Sendable, Equatable {
    /// The kernel finished.
    case completed
    /// The kernel reported an error (message from the backend).
    case error(String)
}

/// One kernel argument for a run.
public enum KernelArgument {
    /// A buffer (its device address is passed).
    case buffer(any DeviceBuffer)
    /// A 32-bit scalar register.
    case uint32(UInt32)
    /// An argument the host leaves alone (an AXI stream wired at link time).
    case unset
}

/// A device: an Alveo card through XRT, or the emulated device.
public protocol Device: AnyObject, Sendable {
    /// Who this device is.
    var identity: DeviceIdentity { get }
    /// Loads an xclbin (making it the device's current one) and returns its uuid.
    func load(xclbin path: String) throws -> UUID
    /// Opens a kernel of the loaded xclbin by name (`name` or `name:{cu1,cu2}` as XRT accepts).
    func openKernel(_ name: String) throws -> any DeviceKernel
}

/// A kernel (one or more compute units) of the loaded xclbin.
public protocol DeviceKernel: AnyObject, Sendable {
    /// The kernel name.
    var name: String { get }
    /// The memory bank (XRT group id) argument `index` is connected to.
    func bank(ofArgument index: Int) throws -> Int
    /// Allocates a device buffer of `bytes` bytes in `bank`, mapped into the host.
    func allocate(bytes: Int, bank: Int) throws -> any DeviceBuffer
    /// Starts one run with `arguments` (one per kernel argument, in order).
    func start(_ arguments: [KernelArgument]) throws -> any DeviceRun
    /// Starts a run the caller will wait for at once (it has nothing to overlap with the run): a
    /// backend may then skip handing the run to another thread.
    func startForImmediateWait(_ arguments: [KernelArgument]) throws -> any DeviceRun
}

extension DeviceKernel {
    /// By default the same as `start`.
    public func startForImmediateWait(_ arguments: [KernelArgument]) throws -> any DeviceRun {
        try start(arguments)
    }
}

/// A device buffer with a host mapping.
public protocol DeviceBuffer: AnyObject, Sendable {
    /// Size in bytes.
    var size: Int { get }
    /// The host mapping (valid as long as the buffer lives).
    var host: UnsafeMutableRawPointer { get }
    /// Moves `bytes` bytes at `offset` between the host mapping and device memory.
    func sync(_ direction: SyncDirection, bytes: Int, offset: Int) throws
}

/// A started kernel run.
public protocol DeviceRun: AnyObject, Sendable {
    /// Waits up to `timeout` seconds; throws `RuntimeError` with code `.timeout` if it is not done by then.
    func wait(timeout: Double) throws -> RunState
    /// The kernel's own execution time, when the backend knows it (the emulated device does).
    var deviceSeconds: Double? { get }
    /// When the run completed (`DispatchTime` uptime nanoseconds), when the backend knows it.
    var completedAt: UInt64? { get }
}

extension DeviceRun {
    /// Unknown by default (XRT reports only completion).
    public var deviceSeconds: Double? { nil }
    /// Unknown by default: the host sees completion when `wait` returns.
    public var completedAt: UInt64? { nil }
}

/// An error of the runtime: one line, naming the device, file, kernel or sample it concerns.
public struct RuntimeError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// XRT is not installed or not usable (XILINX_XRT unset, driver library missing).
        case xrtMissing
        /// No device at that index/address.
        case noDevice
        /// A file that is not an xclbin, truncated, or lacking a section.
        case badXclbin
        /// The xclbin's uuid differs from the one loaded / expected.
        case uuidMismatch
        /// A kernel or compute unit the xclbin does not have.
        case noKernel
        /// A run did not finish in time.
        case timeout
        /// Invalid argument (size, bank, index).
        case argument
        /// The backend reported an error (XRT's message carried through).
        case backend
        /// Input data does not fit the kernel (feature count, format).
        case input
    }

    /// The failure kind.
    public let code: Code
    /// The one-line message.
    public let message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
