// XRTDevice: the `Device` protocol over XRT's native API, through the CXRT C target (which loads the
// C++ shim, libFPGARunXRT.so, on first use; the shim turns every C++ exception into a status and
// XRT's message). XRT picks its driver library once per process
// from XILINX_XRT and XCL_EMULATION_MODE (noop → libxrt_noop.so.2), so the shim checks for it before
// the first XRT call: with XILINX_XRT unset, XRT would otherwise throw from deep inside device open.

import CXRT
import Foundation

/// What `XRTDevice.available()` found: where XRT is and which driver library it will load.
public struct XRTAvailability: Sendable, Equatable {
    /// The XILINX_XRT folder.
    public var root: String
    /// The driver library XRT will load (`$XILINX_XRT/lib/libxrt_<mode>.so.2`).
    public var driverLibrary: String
    /// XCL_EMULATION_MODE (`noop`, `hw_emu`, `sw_emu`), or nil for hardware.
    public var emulationMode: String?
}

/// One device as XRT sees it (for `fpgarun devices`).
public struct XRTDeviceInfo: Sendable, Equatable, Codable {
    /// XRT's device index.
    public var index: Int
    /// XRT's name for the card/shell, or nil when the driver does not report one.
    public var name: String?
    /// PCIe address, or nil when the driver does not report one.
    public var bdf: String?
}

/// An Alveo card (or XRT's noop emulation) through XRT.
public final class XRTDevice: Device, @unchecked Sendable {
    /// Who this device is (backend `"xrt"`).
    public let identity: DeviceIdentity
    fileprivate let handle: OpaquePointer
    // The uuid of the xclbin this object loaded last; guarded by `lock` (load and openKernel may race).
    private var loaded: UUID?
    private let lock = NSLock()

    /// Opens XRT device `index`.
    public convenience init(index: Int) throws {
        guard index >= 0, index <= Int(UInt32.max) else {
            throw RuntimeError(.noDevice, "XRT device \(index): no such device index")
        }
        var out: OpaquePointer?
        try XRTShim.call(label: "XRT device \(index)") { cxrt_device_open_index(UInt32(index), &out, $0, $1) }
        self.init(handle: out!, index: index, openedBy: nil)
    }

    /// Opens the XRT device at PCIe address `bdf` (`dddd:bb:dd.f` or `bb:dd.f`).
    public convenience init(bdf: String) throws {
        var out: OpaquePointer?
        try XRTShim.call(label: "XRT device \(bdf)") { cxrt_device_open_bdf(bdf, &out, $0, $1) }
        self.init(handle: out!, index: XRTDevice.index(ofBDF: bdf) ?? -1, openedBy: bdf)
    }

    private init(handle: OpaquePointer, index: Int, openedBy bdf: String?) {
        self.handle = handle
        let name = XRTDevice.info(handle, CXRT_INFO_NAME) ?? XRTDevice.info(handle, CXRT_INFO_PLATFORM)
        // Noop emulation answers no info query; say which mode the nameless device is.
        let mode = ProcessInfo.processInfo.environment["XCL_EMULATION_MODE"].map { $0.isEmpty ? "" : "\($0) " } ?? ""
        identity = DeviceIdentity(
            backend: "xrt", name: name ?? "XRT \(mode)device \(index)",
            bdf: XRTDevice.info(handle, CXRT_INFO_BDF) ?? bdf, index: index)
    }

    deinit { cxrt_device_close(handle) }

    /// Checks that XRT can be used here (XILINX_XRT set, its driver library present) without calling XRT.
    public static func available() throws -> XRTAvailability {
        let lib = try withUnsafeTemporaryAllocation(of: CChar.self, capacity: 4096) { buf -> String in
            try XRTShim.call(label: "XRT") { cxrt_probe(buf.baseAddress, buf.count, $0, $1) }
            return String(cString: buf.baseAddress!)
        }
        let env = ProcessInfo.processInfo.environment
        return XRTAvailability(
            root: env["XILINX_XRT"] ?? "", driverLibrary: lib,
            emulationMode: env["XCL_EMULATION_MODE"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The same check as `available()`, as a `Result`.
    public static func probe() -> Result<XRTAvailability, RuntimeError> {
        do { return .success(try available()) } catch let error as RuntimeError {
            return .failure(error)
        } catch {
            return .failure(RuntimeError(.backend, "XRT: \(error)"))
        }
    }

    /// Number of devices XRT enumerates (0 in noop mode, which still opens any index).
    public static func count() throws -> Int {
        var n: UInt32 = 0
        try XRTShim.call(label: "XRT") { cxrt_device_count(&n, $0, $1) }
        return Int(n)
    }

    /// The devices XRT enumerates, each opened once to read its name and PCIe address.
    public static func list() throws -> [XRTDeviceInfo] {
        try (0..<count()).map { index in
            var out: OpaquePointer?
            try XRTShim.call(label: "XRT device \(index)") { cxrt_device_open_index(UInt32(index), &out, $0, $1) }
            defer { cxrt_device_close(out) }
            return XRTDeviceInfo(index: index, name: info(out!, CXRT_INFO_NAME), bdf: info(out!, CXRT_INFO_BDF))
        }
    }

    /// Loads an xclbin file and returns its uuid; checks XRT then reports that uuid as loaded.
    public func load(xclbin path: String) throws -> UUID {
        var raw = [UInt8](repeating: 0, count: 16)
        try XRTShim.call(label: "\(label): xclbin \(path)") { cxrt_device_load_xclbin(handle, path, &raw, $0, $1) }
        let uuid = XRTShim.uuid(raw)
        let current = try loadedUUID()
        guard current == uuid else {
            throw RuntimeError(
                .uuidMismatch,
                "\(label): xclbin \(path) has uuid \(uuid.uuidString.lowercased()) but the device reports \(current.uuidString.lowercased())")
        }
        lock.withLock { loaded = uuid }
        return uuid
    }

    /// The uuid of the xclbin XRT reports as loaded on this device.
    public func loadedUUID() throws -> UUID {
        var raw = [UInt8](repeating: 0, count: 16)
        try XRTShim.call(label: label) { cxrt_device_xclbin_uuid(handle, &raw, $0, $1) }
        return XRTShim.uuid(raw)
    }

    /// Opens a kernel of the xclbin this object loaded (`name` or `name:{cu1,cu2}`).
    public func openKernel(_ name: String) throws -> any DeviceKernel {
        guard let uuid = lock.withLock({ loaded }) else {
            throw RuntimeError(.noKernel, "\(label): kernel \(name): no xclbin loaded (load one first)")
        }
        return try openKernel(name, xclbin: uuid)
    }

    /// Opens a kernel of the xclbin with `uuid`, which must be the one loaded on the device.
    public func openKernel(_ name: String, xclbin uuid: UUID) throws -> XRTKernel {
        let current = try loadedUUID()
        guard current == uuid else {
            throw RuntimeError(
                .uuidMismatch,
                "\(label): kernel \(name): expected xclbin \(uuid.uuidString.lowercased()), device has \(current.uuidString.lowercased())")
        }
        var raw = XRTShim.bytes(uuid)
        var out: OpaquePointer?
        try XRTShim.call(label: "\(label): kernel \(name)") { cxrt_kernel_open(handle, &raw, name, &out, $0, $1) }
        return XRTKernel(handle: out!, name: name, device: self)
    }

    fileprivate var label: String {
        identity.index >= 0 ? "XRT device \(identity.index)" : "XRT device \(identity.bdf ?? "?")"
    }

    // A device information string, or nil when the driver does not answer (noop answers nothing).
    private static func info(_ handle: OpaquePointer, _ key: Int) -> String? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1024) { buf -> String? in
            let status = XRTShim.withMessage { cxrt_device_info(handle, Int32(key), buf.baseAddress, buf.count, $0, $1) }
            guard status.0 == 0 else { return nil }
            let text = String(cString: buf.baseAddress!).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }
    }

    // The XRT index of the device at `bdf`, found by opening each enumerated device.
    private static func index(ofBDF bdf: String) -> Int? {
        guard let devices = try? list() else { return nil }
        let wanted = bdf.lowercased()
        return devices.first { d in
            guard let b = d.bdf?.lowercased() else { return false }
            return b == wanted || b.hasSuffix(wanted) || wanted.hasSuffix(b)
        }?.index
    }
}

/// A kernel (one or more compute units) of the xclbin loaded on an `XRTDevice`.
public final class XRTKernel: DeviceKernel, @unchecked Sendable {
    /// The kernel name as opened.
    public let name: String
    fileprivate let handle: OpaquePointer
    fileprivate let device: XRTDevice

    fileprivate init(handle: OpaquePointer, name: String, device: XRTDevice) {
        self.handle = handle
        self.name = name
        self.device = device
    }

    deinit { cxrt_kernel_close(handle) }

    private var label: String { "\(device.label): kernel \(name)" }

    /// The memory bank (XRT group id) argument `index` is connected to.
    public func bank(ofArgument index: Int) throws -> Int {
        var group: Int32 = -1
        let (status, message) = XRTShim.withMessage { cxrt_kernel_group_id(handle, Int32(index), &group, $0, $1) }
        // XRT 2.13 answers a scalar, stream or out-of-range argument with a bare vector range error.
        if status == Int32(CXRT_ARGUMENT.rawValue) {
            throw RuntimeError(.argument, "\(label): argument \(index) is not connected to a memory bank (XRT: \(message))")
        }
        guard status == 0 else { throw RuntimeError(XRTShim.code(status), "\(label): argument \(index): \(message)") }
        guard group >= 0 else {
            throw RuntimeError(.argument, "\(label): argument \(index) is not connected to a memory bank")
        }
        return Int(group)
    }

    /// Allocates a buffer of `bytes` bytes in `bank` and maps it into the host.
    public func allocate(bytes: Int, bank: Int) throws -> any DeviceBuffer {
        guard bytes > 0, bank >= 0, bank <= Int(UInt32.max) else {
            throw RuntimeError(.argument, "\(label): cannot allocate \(bytes) bytes in bank \(bank)")
        }
        var bo: OpaquePointer?
        try XRTShim.call(label: "\(label): buffer of \(bytes) bytes in bank \(bank)") {
            cxrt_bo_alloc(device.handle, bytes, UInt32(bank), &bo, $0, $1)
        }
        var host: UnsafeMutableRawPointer?
        do {
            try XRTShim.call(label: "\(label): mapping a buffer of \(bytes) bytes") { cxrt_bo_map(bo, &host, $0, $1) }
        } catch {
            cxrt_bo_free(bo)
            throw error
        }
        return XRTBuffer(handle: bo!, size: bytes, host: host!, label: "\(device.label): buffer in bank \(bank)")
    }

    /// Starts one run; `arguments` are set by position (`.unset` ones are left alone).
    public func start(_ arguments: [KernelArgument]) throws -> any DeviceRun {
        var run: OpaquePointer?
        try XRTShim.call(label: "\(label): run") { cxrt_run_create(handle, &run, $0, $1) }
        let owned = XRTRun(handle: run!, label: "\(label): run", kernel: self)
        var held: [XRTBuffer] = []
        for (i, argument) in arguments.enumerated() {
            switch argument {
            case .buffer(let buffer):
                guard let bo = buffer as? XRTBuffer else {
                    throw RuntimeError(.argument, "\(label): argument \(i) is not an XRT buffer")
                }
                try XRTShim.call(label: "\(label): argument \(i)") { cxrt_run_set_arg_bo(run, Int32(i), bo.handle, $0, $1) }
                held.append(bo)
            case .uint32(let value):
                try XRTShim.call(label: "\(label): argument \(i)") { cxrt_run_set_arg_u32(run, Int32(i), value, $0, $1) }
            case .unset:
                continue
            }
        }
        try XRTShim.call(label: "\(label): start") { cxrt_run_start(run, $0, $1) }
        owned.buffers = held
        return owned
    }
}

/// A buffer object of an `XRTDevice` with its host mapping.
public final class XRTBuffer: DeviceBuffer, @unchecked Sendable {
    /// Size in bytes.
    public let size: Int
    /// The host mapping (valid as long as the buffer lives).
    public let host: UnsafeMutableRawPointer
    fileprivate let handle: OpaquePointer
    private let label: String

    fileprivate init(handle: OpaquePointer, size: Int, host: UnsafeMutableRawPointer, label: String) {
        self.handle = handle
        self.size = size
        self.host = host
        self.label = label
    }

    deinit { cxrt_bo_free(handle) }

    /// The buffer's device address.
    public var deviceAddress: UInt64 {
        get throws {
            var address: UInt64 = 0
            try XRTShim.call(label: label) { cxrt_bo_address(handle, &address, $0, $1) }
            return address
        }
    }

    /// Moves `bytes` bytes at `offset` between the host mapping and device memory.
    public func sync(_ direction: SyncDirection, bytes: Int, offset: Int) throws {
        // XRT's noop driver checks nothing, and a real one fails with a less useful message.
        guard bytes >= 0, offset >= 0, offset <= size, bytes <= size - offset else {
            throw RuntimeError(.argument, "\(label): sync of \(bytes) bytes at offset \(offset) exceeds its \(size) bytes")
        }
        let dir = direction == .toDevice ? CXRT_SYNC_TO_DEVICE : CXRT_SYNC_FROM_DEVICE
        try XRTShim.call(label: "\(label): sync") { cxrt_bo_sync(handle, Int32(dir), bytes, offset, $0, $1) }
    }
}

/// A started run of an `XRTKernel`.
public final class XRTRun: DeviceRun, @unchecked Sendable {
    fileprivate let handle: OpaquePointer
    private let label: String
    // Kept alive until the run is gone: XRT reads and writes them while the kernel runs.
    private let kernel: XRTKernel
    fileprivate var buffers: [XRTBuffer] = []

    fileprivate init(handle: OpaquePointer, label: String, kernel: XRTKernel) {
        self.handle = handle
        self.label = label
        self.kernel = kernel
    }

    deinit { cxrt_run_close(handle) }

    /// Waits up to `timeout` seconds (infinity waits for ever); throws `.timeout` when XRT says it is not done.
    public func wait(timeout: Double) throws -> RunState {
        // XRT reads 0 ms as "no time-out", so round up to at least 1 ms.
        let ms: UInt32 = timeout.isInfinite ? 0 : UInt32(min(max((timeout * 1000).rounded(.up), 1), Double(UInt32.max)))
        var state: Int32 = 0
        try XRTShim.call(label: label) { cxrt_run_wait(handle, ms, &state, $0, $1) }
        switch Int(state) {
        case CXRT_RUN_COMPLETED: return .completed
        case CXRT_RUN_ERROR: return .error("\(label): the kernel reported an error")
        case CXRT_RUN_ABORT: return .error("\(label): aborted")
        case CXRT_RUN_NORESPONSE: return .error("\(label): the device did not respond")
        default: return .error("\(label): ended in XRT command state \(state)")
        }
    }
}

/// Calls into CXRT and turns a failure status into a `RuntimeError`.
enum XRTShim {
    static let messageCapacity = 1024

    /// Runs `body` with a message buffer; returns its status and message.
    static func withMessage(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> (Int32, String) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: messageCapacity) { buf in
            buf[0] = 0
            let status = body(buf.baseAddress!, buf.count)
            return (status, status == 0 ? "" : String(cString: buf.baseAddress!))
        }
    }

    /// Runs `body`; throws a `RuntimeError` "`label`: XRT's message" when it fails.
    static func call(label: String, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        let (status, message) = withMessage(body)
        guard status != 0 else { return }
        throw RuntimeError(code(status), "\(label): \(message.isEmpty ? "failed (status \(status))" : message)")
    }

    /// The error code for a cxrt_status.
    static func code(_ status: Int32) -> RuntimeError.Code {
        switch Int(status) {
        case Int(CXRT_XRT_MISSING.rawValue): return .xrtMissing
        case Int(CXRT_NO_DEVICE.rawValue): return .noDevice
        case Int(CXRT_BAD_XCLBIN.rawValue): return .badXclbin
        case Int(CXRT_NO_KERNEL.rawValue): return .noKernel
        case Int(CXRT_TIMEOUT.rawValue): return .timeout
        case Int(CXRT_ARGUMENT.rawValue): return .argument
        default: return .backend
        }
    }
}

extension XRTShim {
    /// Makes a uuid from its 16 bytes in order.
    static func uuid(_ b: [UInt8]) -> UUID {
        UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// The 16 bytes of `uuid` in order.
    static func bytes(_ uuid: UUID) -> [UInt8] {
        withUnsafeBytes(of: uuid.uuid) { Array($0) }
    }
}
