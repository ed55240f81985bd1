// The emulated device: the compiled C-sim kernel library (`fpgarun build --target csim`) behind the
// same Device API a card has. It keeps the card's rules so host code that works here works there:
//   - buffers belong to a memory bank; a run rejects a buffer that is not in the bank its compute
//     unit's argument is connected to (as XRT does);
//   - a run reads only what was synced to the device: each buffer records which byte range has been
//     synced `toDevice` since it was allocated, and a run over unsynced input is an error;
//   - runs are asynchronous: each compute unit (for the AXI-stream design, each mm2s → axis → s2mm
//     chain) executes its runs in start order on its own thread; `wait` can time out;
//   - an AXI-stream chain runs only when all three of its kernels have been started (a card's chain
//     would stall on the stream otherwise), with consistent word counts.
// Host mapping and device memory are one allocation (no copy on sync): the emulated DMA is free, so
// the bench measures the runtime's own overhead, not memcpy.
// Faults (`EmulatedFault`) are applied to a run's output after the kernel wrote it, addressed by the
// sample's global index: samples are numbered in run start order, per design, from 0.

import Codegen
import Dispatch
import Foundation

/// What an emulated kernel is in the design.
public enum EmulatedRole: String, Sendable {
    /// The memory-mapped batch kernel `(in_mem, out_mem, n)`.
    case mm
    /// The input data mover `(mem, s, words)`.
    case mm2s
    /// The AXI-stream network `(in_stream, out_stream, n)`.
    case axis
    /// The output data mover `(s, mem, words)`.
    case s2mm

    /// Argument count of the kernel's signature.
    var argumentCount: Int { 3 }
}

/// One kernel of an emulated design with its compute units and their argument banks.
public struct EmulatedKernelSpec: Sendable {
    /// Kernel name (e.g. `myproject_mm`).
    public var name: String
    /// What it does.
    public var role: EmulatedRole
    /// Compute unit names, in order (e.g. `myproject_mm_1`).
    public var computeUnits: [String]
    /// Per compute unit, per argument: the memory bank it is connected to (nil for scalars/streams).
    public var banks: [[Int?]]

    /// Makes a kernel description.
    public init(name: String, role: EmulatedRole, computeUnits: [String], banks: [[Int?]]) {
        self.name = name
        self.role = role
        self.computeUnits = computeUnits
        self.banks = banks
    }
}

/// Everything the emulated device needs: the C-sim library and the kernels of the xclbin.
public struct EmulatedDesign: Sendable {
    /// The design's uuid (the xclbin's).
    public var uuid: UUID
    /// The platform it stands in for.
    public var platform: String
    /// The compiled kernels.
    public var library: CSimLibrary
    /// Memory bank tags, by index (e.g. `DDR[1]`).
    public var banks: [String]
    /// The kernels.
    public var kernels: [EmulatedKernelSpec]

    /// Makes a design.
    public init(uuid: UUID, platform: String, library: CSimLibrary, banks: [String], kernels: [EmulatedKernelSpec]) {
        self.uuid = uuid
        self.platform = platform
        self.library = library
        self.banks = banks
        self.kernels = kernels
    }

    /// The design `fpgarun build --target csim` describes for `library` with `computeUnits` CUs per
    /// kernel, banks as its xclbin maps them (CU i: input in bank 2i, output in 2i + 1).
    public static func standard(library: CSimLibrary, computeUnits: Int = 1, uuid: UUID = UUID()) -> EmulatedDesign {
        let p = library.project
        var kernels: [EmulatedKernelSpec] = []
        func spec(_ suffix: String, _ role: EmulatedRole, input: Int?, output: Int?) {
            func bank(_ cu: Int, _ arg: Int) -> Int? {
                arg == input ? 2 * cu + Platform.inputBank : arg == output ? 2 * cu + Platform.outputBank : nil
            }
            kernels.append(EmulatedKernelSpec(
                name: "\(p)_\(suffix)", role: role,
                computeUnits: (1...computeUnits).map { "\(p)_\(suffix)_\($0)" },
                banks: (0..<computeUnits).map { cu in (0..<role.argumentCount).map { bank(cu, $0) } }))
        }
        if library.interfaces.contains(.mm) { spec("mm", .mm, input: 0, output: 1) }
        if library.interfaces.contains(.axis) {
            spec("mm2s", .mm2s, input: 0, output: nil)
            spec("axis", .axis, input: nil, output: nil)
            spec("s2mm", .s2mm, input: nil, output: 1)
        }
        return EmulatedDesign(uuid: uuid, platform: "emulated", library: library,
                              banks: (0..<(2 * computeUnits)).map { "DDR[\($0)]" }, kernels: kernels)
    }
}

/// A fault the emulated device injects into outputs, addressed by global sample index.
public enum EmulatedFault: Sendable, Equatable, CustomStringConvertible {
    /// Flips output bit `bit` (counted over the sample's packed bits) of sample `sample`.
    case bitFlip(sample: Int, bit: Int)
    /// Loses sample `sample`: later samples of its run move up one place, the run's last slot is zero.
    case drop(sample: Int)
    /// Emits sample `sample` twice: later samples of its run move down one place (the last is lost).
    case duplicate(sample: Int)
    /// Swaps samples `sample` and `sample + 1` (within one run).
    case reorder(sample: Int)
    /// The run holding sample `sample` never completes.
    case hang(sample: Int)

    /// Parses `flip:S[:BIT]`, `drop:S`, `duplicate:S`, `reorder:S`, `hang:S`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":").map(String.init)
        let numbers = parts.dropFirst().map { Int($0) }
        guard parts.count >= 2, !numbers.contains(where: { $0 == nil || $0! < 0 }) else {
            throw RuntimeError(.argument, "fault '\(text)': expected KIND:SAMPLE (flip:S[:BIT], drop:S, duplicate:S, reorder:S, hang:S)")
        }
        let s = numbers[0]!
        switch (parts[0], parts.count) {
        case ("flip", 2): self = .bitFlip(sample: s, bit: 0)
        case ("flip", 3): self = .bitFlip(sample: s, bit: numbers[1]!)
        case ("drop", 2): self = .drop(sample: s)
        case ("duplicate", 2): self = .duplicate(sample: s)
        case ("reorder", 2): self = .reorder(sample: s)
        case ("hang", 2): self = .hang(sample: s)
        default:
            throw RuntimeError(.argument, "fault '\(text)': unknown kind (flip:S[:BIT], drop:S, duplicate:S, reorder:S, hang:S)")
        }
    }

    /// The sample the fault is addressed to.
    public var sample: Int {
        switch self {
        case .bitFlip(let s, _), .drop(let s), .duplicate(let s), .reorder(let s), .hang(let s): return s
        }
    }

    public var description: String {
        switch self {
        case .bitFlip(let s, let b): return "flip:\(s):\(b)"
        case .drop(let s): return "drop:\(s)"
        case .duplicate(let s): return "duplicate:\(s)"
        case .reorder(let s): return "reorder:\(s)"
        case .hang(let s): return "hang:\(s)"
        }
    }
}

/// The emulated device.
public final class EmulatedDevice: Device, @unchecked Sendable {  // mutable state behind `lock`
    public let identity: DeviceIdentity
    private let faults: [EmulatedFault]
    private let lock = NSLock()
    private var design: EmulatedDesign?
    private var units: [String: ComputeUnitWorker] = [:]
    /// Next global sample index, per numbering stream (the mm kernel, the s2mm movers).
    private var nextSample: [EmulatedRole: Int] = [:]

    /// An emulated device with index `index`, injecting `faults`.
    public init(index: Int = 0, faults: [EmulatedFault] = [], nullKernels: Bool = false) {
        identity = DeviceIdentity(backend: "emulated",
                                  name: nullKernels ? "fpgarun emulated device (null kernels)" : "fpgarun emulated device (C-sim kernels)",
                                  bdf: nil, index: index)
        self.faults = faults
        self.nullKernels = nullKernels
    }

    /// Runs complete without calling the kernels (outputs untouched): the runtime's own cost per
    /// batch, measured without a CPU-run kernel's time and the cache state it leaves behind.
    public let nullKernels: Bool

    deinit {
        for unit in units.values { unit.stop() }
    }

    /// Loads an xclbin written by `fpgarun build --target csim` (it names the C-sim library).
    public func load(xclbin path: String) throws -> UUID {
        try load(design: EmulatedXclbin.design(xclbin: path))
    }

    /// Loads a design directly (tests, and `bench` without an xclbin).
    @discardableResult
    public func load(design: EmulatedDesign) throws -> UUID {
        lock.lock()
        defer { lock.unlock() }
        for unit in units.values { unit.stop() }
        units = [:]
        nextSample = [:]
        self.design = design
        return design.uuid
    }

    /// The loaded design.
    public var loadedDesign: EmulatedDesign? {
        lock.lock()
        defer { lock.unlock() }
        return design
    }

    public func openKernel(_ name: String) throws -> any DeviceKernel {
        guard let design = loadedDesign else { throw RuntimeError(.noKernel, "\(identity.name): no xclbin loaded") }
        // `kernel` or `kernel:{cu1,cu2}` as XRT accepts.
        var kernelName = name, wanted: [String]? = nil
        if let colon = name.firstIndex(of: ":") {
            kernelName = String(name[..<colon])
            let list = name[name.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
            wanted = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        guard let spec = design.kernels.first(where: { $0.name == kernelName }) else {
            let known = design.kernels.map(\.name).joined(separator: ", ")
            throw RuntimeError(.noKernel, "no kernel '\(kernelName)' in the loaded xclbin (it has: \(known))")
        }
        var cus = Array(spec.computeUnits.indices)
        if let wanted {
            cus = try wanted.map { cu in
                guard let i = spec.computeUnits.firstIndex(of: cu) else {
                    throw RuntimeError(.noKernel, "kernel \(kernelName) has no compute unit '\(cu)' (it has: \(spec.computeUnits.joined(separator: ", ")))")
                }
                return i
            }
        }
        return EmulatedKernel(device: self, design: design, spec: spec, computeUnits: cus)
    }

    // MARK: execution

    /// The worker executing compute unit `cu` (for AXI-stream designs: chain `cu`).
    fileprivate func worker(chain: String) -> ComputeUnitWorker {
        lock.lock()
        defer { lock.unlock() }
        if let w = units[chain] { return w }
        let w = ComputeUnitWorker(name: chain)
        units[chain] = w
        return w
    }

    /// Reserves `count` global sample indices for a run of `role` and returns the first.
    fileprivate func reserveSamples(_ role: EmulatedRole, _ count: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let first = nextSample[role, default: 0]
        nextSample[role] = first + count
        return first
    }

    /// The faults that touch samples `first ..< first + count`.
    fileprivate func faults(in range: Range<Int>) -> [EmulatedFault] {
        faults.isEmpty ? [] : faults.filter { range.contains($0.sample) }
    }
}

/// A kernel handle on the emulated device (some or all of its compute units).
final class EmulatedKernel: DeviceKernel, @unchecked Sendable {  // `next` behind `lock`
    let device: EmulatedDevice
    let design: EmulatedDesign
    let spec: EmulatedKernelSpec
    let computeUnits: [Int]
    /// The thread of each opened compute unit (for AXI-stream kernels: of its chain), by position in `computeUnits`.
    private let workers: [ComputeUnitWorker]
    private let lock = NSLock()
    private var next = 0

    init(device: EmulatedDevice, design: EmulatedDesign, spec: EmulatedKernelSpec, computeUnits: [Int]) {
        self.device = device
        self.design = design
        self.spec = spec
        self.computeUnits = computeUnits
        workers = computeUnits.map { device.worker(chain: (spec.role == .mm ? "mm" : "axis") + String($0)) }
    }

    var name: String { spec.name }

    func bank(ofArgument index: Int) throws -> Int {
        guard index >= 0 && index < spec.role.argumentCount else {
            throw RuntimeError(.argument, "kernel \(spec.name) has no argument \(index)")
        }
        guard let bank = spec.banks[computeUnits[0]][index] else {
            throw RuntimeError(.argument, "argument \(index) of kernel \(spec.name) is not a memory argument")
        }
        return bank
    }

    func allocate(bytes: Int, bank: Int) throws -> any DeviceBuffer {
        guard bytes > 0 else { throw RuntimeError(.argument, "buffer of \(bytes) bytes") }
        guard design.banks.indices.contains(bank) else {
            throw RuntimeError(.argument, "no memory bank \(bank) (the xclbin has \(design.banks.count))")
        }
        return EmulatedBuffer(size: bytes, bank: bank)
    }

    func start(_ arguments: [KernelArgument]) throws -> any DeviceRun {
        try start(arguments, wake: true)
    }

    /// Queues the run without waking the compute unit's thread: the caller's `wait` runs it (or the
    /// unit's thread does, after the job it is busy with).
    func startForImmediateWait(_ arguments: [KernelArgument]) throws -> any DeviceRun {
        try start(arguments, wake: false)
    }

    private func start(_ arguments: [KernelArgument], wake: Bool) throws -> any DeviceRun {
        guard arguments.count == spec.role.argumentCount else {
            throw RuntimeError(.argument, "kernel \(spec.name) takes \(spec.role.argumentCount) arguments, got \(arguments.count)")
        }
        // XRT picks an idle CU of the kernel; here: round robin over the opened ones.
        lock.lock()
        let pick = next % computeUnits.count
        next += 1
        lock.unlock()
        let cu = computeUnits[pick], worker = workers[pick]
        for (i, bank) in spec.banks[cu].enumerated() {
            guard let bank else { continue }
            guard case .buffer(let b) = arguments[i], let buffer = b as? EmulatedBuffer else {
                throw RuntimeError(.argument, "\(spec.computeUnits[cu]): argument \(i) needs a buffer of this device")
            }
            guard buffer.bank == bank else {
                throw RuntimeError(.argument, "\(spec.computeUnits[cu]): argument \(i) is connected to \(design.banks[bank]), the buffer is in \(design.banks[buffer.bank])")
            }
        }
        let run = EmulatedRun(name: spec.computeUnits[cu])
        let lib = design.library
        let inBytes = lib.inWords * SamplePacking.wordBytes, outBytes = lib.outWords * SamplePacking.wordBytes
        func scalar(_ i: Int) throws -> Int {
            guard case .uint32(let v) = arguments[i] else {
                throw RuntimeError(.argument, "\(spec.computeUnits[cu]): argument \(i) must be a uint32 scalar")
            }
            return Int(v)
        }
        func buffer(_ i: Int) -> EmulatedBuffer {
            guard case .buffer(let b) = arguments[i] else { fatalError("checked above") }
            return b as! EmulatedBuffer
        }
        switch spec.role {
        case .mm:
            let n = try scalar(2)
            let input = buffer(0), output = buffer(1)
            try input.checkRead(bytes: n * inBytes, by: run.name)
            try output.checkFits(bytes: n * outBytes, by: run.name)
            let first = device.reserveSamples(.mm, n)
            let job = Job(runs: [run], first: first, samples: n, input: input, output: output, interface: .mm, library: lib)
            worker.submit(job, device: device, wake: wake)
        case .mm2s, .axis, .s2mm:
            try worker.stage(role: spec.role, run: run, arguments: arguments, device: device, library: lib, wake: wake)
        }
        return run
    }
}

/// A buffer of the emulated device: one page-aligned allocation serving as host mapping and device memory.
final class EmulatedBuffer: DeviceBuffer, @unchecked Sendable {  // `synced` behind `lock`
    let size: Int
    let bank: Int
    let host: UnsafeMutableRawPointer
    private let lock = NSLock()
    /// Bytes [0, synced) have been synced to the device at least once.
    private var synced = 0

    init(size: Int, bank: Int) {
        self.size = size
        self.bank = bank
        host = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        host.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    }

    deinit { host.deallocate() }

    func sync(_ direction: SyncDirection, bytes: Int, offset: Int) throws {
        guard bytes >= 0, offset >= 0, offset + bytes <= size else {
            throw RuntimeError(.argument, "sync of \(bytes) bytes at offset \(offset) outside a buffer of \(size) bytes")
        }
        if direction == .toDevice && offset <= synced {
            lock.lock()
            synced = max(synced, offset + bytes)
            lock.unlock()
        }
    }

    /// A run may read `bytes` bytes only once they were synced to the device.
    func checkRead(bytes: Int, by run: String) throws {
        try checkFits(bytes: bytes, by: run)
        lock.lock()
        let ok = synced >= bytes
        lock.unlock()
        guard ok else {
            throw RuntimeError(.argument, "\(run): input buffer read before it was synced to the device (\(bytes) bytes needed)")
        }
    }

    /// The buffer holds `bytes` bytes.
    func checkFits(bytes: Int, by run: String) throws {
        guard bytes <= size else {
            throw RuntimeError(.argument, "\(run): needs \(bytes) bytes, the buffer has \(size)")
        }
    }
}

/// A run of the emulated device.
final class EmulatedRun: DeviceRun, @unchecked Sendable {  // state behind `condition`
    let name: String
    private let condition = NSCondition()
    private var state: RunState?
    private var seconds: Double?
    private var finishedAt: UInt64?
    /// The compute unit that will execute the run (set when it is queued there).
    weak var worker: ComputeUnitWorker?

    init(name: String) { self.name = name }

    func finish(_ state: RunState, seconds: Double?) {
        condition.lock()
        self.state = state
        self.seconds = seconds
        finishedAt = DispatchTime.now().uptimeNanoseconds
        condition.broadcast()
        condition.unlock()
    }

    /// If the run is still waiting at the head of an idle compute unit's queue, the waiting thread
    /// executes it itself (the unit's order is kept: only the head job of an idle unit is taken).
    /// So a host that starts a run and waits for it pays no thread hand-off at all (waking a
    /// sleeping thread costs tens to hundreds of microseconds on a virtual machine); with runs in
    /// flight the unit's own thread takes them and the host's waits overlap its compute.
    func wait(timeout: Double) throws -> RunState {
        _ = worker?.runIfIdle(self)
        return try result(timeout: timeout)
    }

    private func result(timeout: Double) throws -> RunState {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while state == nil {
            if !condition.wait(until: deadline) && state == nil {
                throw RuntimeError(.timeout, "\(name): run did not finish within \(formatSeconds(timeout))")
            }
        }
        return state!
    }

    var deviceSeconds: Double? {
        condition.lock()
        defer { condition.unlock() }
        return seconds
    }

    var completedAt: UInt64? {
        condition.lock()
        defer { condition.unlock() }
        return finishedAt
    }
}

/// Work for a compute unit: one batch through one interface.
struct Job: @unchecked Sendable {  // buffers are only touched by the worker while the run is in flight
    var runs: [EmulatedRun]
    var first: Int
    var samples: Int
    var input: EmulatedBuffer
    var output: EmulatedBuffer
    var interface: CSimInterface
    var library: CSimLibrary
}

/// One compute unit (or AXI-stream chain): a thread executing its jobs in order.
final class ComputeUnitWorker: @unchecked Sendable {  // state behind `condition`
    let name: String
    private let condition = NSCondition()
    private var queue: [(Job, EmulatedDevice)] = []
    /// A job is executing (on this unit's thread or on a waiting host thread).
    private var busy = false
    private var stopped = false
    /// AXI-stream runs started but not yet matched into a chain run: per role, in start order.
    private var staged: [EmulatedRole: [(EmulatedRun, [KernelArgument])]] = [:]

    init(name: String) {
        self.name = name
        // The thread holds the worker until `stop()` ends its loop.
        let t = Thread { self.loop() }
        t.name = "fpgarun-cu-\(name)"
        t.start()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    func submit(_ job: Job, device: EmulatedDevice, wake: Bool = true) {
        for r in job.runs { r.worker = self }
        condition.lock()
        queue.append((job, device))
        condition.unlock()
        // Signalled after the unlock, so the woken thread does not block at once on the lock.
        if wake { condition.signal() }
    }

    /// Executes `run`'s job on the calling thread if it is next and the unit is idle; true if it did.
    func runIfIdle(_ run: EmulatedRun) -> Bool {
        condition.lock()
        guard !busy, !stopped, let head = queue.first, head.0.runs.contains(where: { $0 === run }) else {
            condition.unlock()
            return false
        }
        queue.removeFirst()
        busy = true
        condition.unlock()
        execute(head.0, device: head.1)
        condition.lock()
        busy = false
        let more = !queue.isEmpty
        condition.unlock()
        if more { condition.signal() }
        return true
    }

    /// Records a started mover/network run; when all three of a chain are there, queues the chain.
    func stage(role: EmulatedRole, run: EmulatedRun, arguments: [KernelArgument], device: EmulatedDevice,
               library: CSimLibrary, wake: Bool) throws {
        condition.lock()
        staged[role, default: []].append((run, arguments))
        guard let m = staged[.mm2s]?.first, let a = staged[.axis]?.first, let s = staged[.s2mm]?.first else {
            condition.unlock()
            return
        }
        staged[.mm2s]!.removeFirst()
        staged[.axis]!.removeFirst()
        staged[.s2mm]!.removeFirst()
        condition.unlock()
        let runs = [m.0, a.0, s.0]
        func scalar(_ args: [KernelArgument], _ i: Int) -> Int? {
            if case .uint32(let v) = args[i] { return Int(v) }
            return nil
        }
        guard case .buffer(let ib) = m.1[0], let input = ib as? EmulatedBuffer,
              case .buffer(let ob) = s.1[1], let output = ob as? EmulatedBuffer,
              let inWords = scalar(m.1, 2), let n = scalar(a.1, 2), let outWords = scalar(s.1, 2) else {
            for r in runs { r.finish(.error("AXI-stream chain \(name): movers need (buffer, -, words) and the network (-, -, n)"), seconds: nil) }
            return
        }
        // A card's chain with inconsistent counts stalls (or leaves beats behind): report it instead.
        guard inWords == n * library.inWords, outWords == n * library.outWords else {
            let message = "AXI-stream chain \(name): mm2s sends \(inWords) words, the network takes \(n * library.inWords) for \(n) samples; s2mm expects \(outWords), the network sends \(n * library.outWords)"
            for r in runs { r.finish(.error(message), seconds: nil) }
            return
        }
        do {
            try input.checkRead(bytes: inWords * SamplePacking.wordBytes, by: m.0.name)
            try output.checkFits(bytes: outWords * SamplePacking.wordBytes, by: s.0.name)
        } catch {
            for r in runs { r.finish(.error("\(error)"), seconds: nil) }
            return
        }
        let first = device.reserveSamples(.s2mm, n)
        submit(Job(runs: runs, first: first, samples: n, input: input, output: output, interface: .axis, library: library), device: device, wake: wake)
    }

    private func loop() {
        condition.lock()
        while true {
            while (queue.isEmpty || busy) && !stopped { condition.wait() }
            if stopped {
                let left = queue
                queue = []
                condition.unlock()
                for (job, _) in left { for r in job.runs { r.finish(.error("device closed"), seconds: nil) } }
                return
            }
            let (job, device) = queue.removeFirst()
            busy = true
            condition.unlock()
            execute(job, device: device)
            condition.lock()
            busy = false
        }
    }

    private func execute(_ job: Job, device: EmulatedDevice) {
        let faults = device.faults(in: job.first..<(job.first + job.samples))
        if faults.contains(where: { if case .hang = $0 { return true } else { return false } }) {
            return  // never finishes: `wait` times out
        }
        let lib = job.library
        let begin = DispatchTime.now().uptimeNanoseconds
        do {
            if job.samples > 0 && !device.nullKernels {
                try lib.run(job.interface, input: job.input.host, output: job.output.host, samples: job.samples)
            }
        } catch {
            for r in job.runs { r.finish(.error("\(error)"), seconds: nil) }
            return
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        if !faults.isEmpty {
            Self.inject(faults, first: job.first, samples: job.samples,
                        bytesPerSample: lib.outWords * SamplePacking.wordBytes, output: job.output.host)
        }
        for r in job.runs { r.finish(.completed, seconds: seconds) }
    }

    /// Applies output faults to a run's packed output.
    static func inject(_ faults: [EmulatedFault], first: Int, samples: Int, bytesPerSample: Int, output: UnsafeMutableRawPointer) {
        func slot(_ i: Int) -> UnsafeMutableRawPointer { output + i * bytesPerSample }
        for fault in faults {
            let i = fault.sample - first
            switch fault {
            case .bitFlip(_, let bit):
                let b = bit % (bytesPerSample * 8)
                slot(i).storeBytes(of: slot(i).load(fromByteOffset: b / 8, as: UInt8.self) ^ (1 << UInt8(b % 8)),
                                   toByteOffset: b / 8, as: UInt8.self)
            case .drop:
                if i + 1 < samples { slot(i).copyMemory(from: slot(i + 1), byteCount: (samples - i - 1) * bytesPerSample) }
                slot(samples - 1).initializeMemory(as: UInt8.self, repeating: 0, count: bytesPerSample)
            case .duplicate:
                if i + 1 < samples { slot(i + 1).copyMemory(from: slot(i), byteCount: (samples - i - 1) * bytesPerSample) }
            case .reorder:
                guard i + 1 < samples else { continue }
                let tmp = UnsafeMutableRawPointer.allocate(byteCount: bytesPerSample, alignment: 64)
                tmp.copyMemory(from: slot(i), byteCount: bytesPerSample)
                slot(i).copyMemory(from: slot(i + 1), byteCount: bytesPerSample)
                slot(i + 1).copyMemory(from: tmp, byteCount: bytesPerSample)
                tmp.deallocate()
            case .hang:
                break
            }
        }
    }
}

/// Seconds as a short human string (`250 ms`, `2.0 s`).
func formatSeconds(_ s: Double) -> String {
    s < 1 ? String(format: "%.0f ms", s * 1000) : String(format: "%.1f s", s)
}
