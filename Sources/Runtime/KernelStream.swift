// Streams batches of packed samples through a design's kernels on any Device.
//
// Algorithm: `depth` buffer sets per compute unit form a ring of slots; batch b uses slot
// b mod slots (so compute unit b mod CUs). Before batch b fills its slot, the batch that last used it
// (b − slots) is finished: wait for its run, sync its output from the device, hand it to `consume`.
// So while the device computes batch k, the host fills k+1 and drains k−1 (with depth ≥ 2), and with
// several compute units their runs overlap. Batches are finished strictly in order, so `consume`
// sees samples in index order. Memory is the slots only: the input side is whatever `fill` reads
// (a memory-mapped .npy), so the stream length is unbounded.

import Codegen
import Foundation

/// Where a design's kernels are and how its samples are packed.
public struct KernelLayout: Sendable {
    /// Project name: kernels are `<project>_mm`, or `<project>_mm2s/_axis/_s2mm`.
    public var project: String
    /// Which interface to stream through.
    public var interface: CSimInterface
    /// Compute units to use (for axis: chains), numbered 1... as v++ names them (`<kernel>_<i>`).
    public var computeUnits: Int
    /// Packing of one input sample.
    public var input: SamplePacking
    /// Packing of one output sample.
    public var output: SamplePacking

    /// Makes a layout.
    public init(project: String, interface: CSimInterface, computeUnits: Int, input: SamplePacking, output: SamplePacking) {
        self.project = project
        self.interface = interface
        self.computeUnits = computeUnits
        self.input = input
        self.output = output
    }
}

/// Streaming settings.
public struct StreamOptions: Sendable {
    /// Samples per batch (per kernel run).
    public var batch: Int = 1024
    /// Buffer sets in flight per compute unit (2 = double buffering).
    public var depth: Int = 2
    /// Seconds a run may take before it counts as hung.
    public var timeout: Double = 10

    /// Defaults: batch 1024, double buffering, 10 s time-out.
    public init() {}
}

/// When and how long one batch took.
public struct BatchTiming: Sendable {
    /// Batch number in this stream.
    public var index: Int
    /// Samples in the batch.
    public var samples: Int
    /// Host → device sync, seconds.
    public var hostToDevice: Double
    /// Kernel execution, seconds (the device's own figure where it reports one, else start → done).
    public var kernel: Double
    /// Device → host sync, seconds.
    public var deviceToHost: Double
    /// Submit to result: host→device + start→completion + device→host, seconds.
    public var latency: Double
}

/// A batch handed to `fill` / `consume`.
public struct StreamBatch {
    /// Batch number in this stream.
    public var index: Int
    /// Global index of its first sample.
    public var first: Int
    /// Samples in it.
    public var samples: Int
}

/// The streaming scheduler over one device and design.
public final class KernelStream {
    public let device: any Device
    public let layout: KernelLayout
    public let options: StreamOptions
    private var slots: [Slot] = []

    /// Buffer sets in the ring (compute units × depth): batch b uses set b mod slotCount.
    public var slotCount: Int { slots.count }

    /// One buffer set with the kernels of its compute unit.
    private struct Slot {
        var kernels: [any DeviceKernel]  // mm: [mm]; axis: [mm2s, axis, s2mm]
        var input: any DeviceBuffer
        var output: any DeviceBuffer
        var inFlight: InFlight?
    }

    private struct InFlight {
        var batch: StreamBatch
        var runs: [any DeviceRun]
        var submitted: UInt64
        var hostToDevice: Double
        var started: UInt64
    }

    /// Opens the kernels of every compute unit and allocates `depth` buffer sets per unit in the
    /// banks their arguments are connected to.
    public init(device: any Device, layout: KernelLayout, options: StreamOptions) throws {
        guard options.batch >= 1 else { throw RuntimeError(.argument, "batch size must be at least 1") }
        guard options.depth >= 1 else { throw RuntimeError(.argument, "depth must be at least 1") }
        guard layout.computeUnits >= 1 else { throw RuntimeError(.argument, "need at least one compute unit") }
        self.device = device
        self.layout = layout
        self.options = options
        let inBytes = options.batch * layout.input.bytesPerSample
        let outBytes = options.batch * layout.output.bytesPerSample
        guard options.batch * max(layout.input.wordsPerSample, layout.output.wordsPerSample) <= Int(UInt32.max) else {
            throw RuntimeError(.argument, "batch of \(options.batch) samples exceeds the kernels' 32-bit word counts")
        }
        // A buffer set lives in device memory: keep each buffer well inside one bank.
        let limit = 1 << 30
        guard max(inBytes, outBytes) <= limit else {
            throw RuntimeError(.argument, "batch of \(options.batch) samples needs \(max(inBytes, outBytes) >> 20) MiB per buffer; at most \(limit >> 20) MiB (lower --batch)")
        }
        let p = layout.project
        for cu in 1...layout.computeUnits {
            func open(_ suffix: String) throws -> any DeviceKernel {
                try device.openKernel("\(p)_\(suffix):{\(p)_\(suffix)_\(cu)}")
            }
            let kernels: [any DeviceKernel]
            let inBank: Int, outBank: Int
            switch layout.interface {
            case .mm:
                let k = try open("mm")
                kernels = [k]
                inBank = try k.bank(ofArgument: 0)
                outBank = try k.bank(ofArgument: 1)
            case .axis:
                kernels = [try open("mm2s"), try open("axis"), try open("s2mm")]
                inBank = try kernels[0].bank(ofArgument: 0)
                outBank = try kernels[2].bank(ofArgument: 1)
            }
            for _ in 0..<options.depth {
                slots.append(Slot(kernels: kernels,
                                  input: try kernels[0].allocate(bytes: inBytes, bank: inBank),
                                  output: try kernels[kernels.count - 1].allocate(bytes: outBytes, bank: outBank)))
            }
        }
        // Interleave so consecutive batches go to different compute units.
        let depth = options.depth, units = layout.computeUnits
        slots = (0..<(depth * units)).map { i in slots[(i % units) * depth + i / units] }
    }

    /// Streams `samples` samples (or, with `seconds`, batches until that much time has passed), calling
    /// `fill` to pack a batch's inputs into device memory and `consume` with its packed outputs.
    /// Returns the number of samples streamed.
    @discardableResult
    public func run(samples total: Int, seconds: Double? = nil,
                    fill: (StreamBatch, UnsafeMutableRawPointer) throws -> Void,
                    consume: (StreamBatch, UnsafeRawPointer, BatchTiming) throws -> Void) throws -> Int {
        let begin = DispatchTime.now().uptimeNanoseconds
        let stopAt = seconds.map { begin + UInt64($0 * 1e9) }
        var b = 0, first = 0
        while true {
            let n: Int
            if let stopAt {
                if DispatchTime.now().uptimeNanoseconds >= stopAt { break }
                n = options.batch
            } else {
                n = min(options.batch, total - first)
                if n <= 0 { break }
            }
            let s = b % slots.count
            if let previous = slots[s].inFlight { try finish(s, previous, consume) }
            let batch = StreamBatch(index: b, first: first, samples: n)
            try fill(batch, slots[s].input.host)
            let submitted = DispatchTime.now().uptimeNanoseconds
            try slots[s].input.sync(.toDevice, bytes: n * layout.input.bytesPerSample, offset: 0)
            let synced = DispatchTime.now().uptimeNanoseconds
            let runs = try start(slots[s], samples: n)
            slots[s].inFlight = InFlight(batch: batch, runs: runs, submitted: submitted,
                                         hostToDevice: Double(synced - submitted) / 1e9, started: synced)
            b += 1
            first += n
        }
        // Finish what is in flight, oldest first.
        for k in 0..<slots.count {
            let s = (b + k) % slots.count
            if let previous = slots[s].inFlight { try finish(s, previous, consume) }
        }
        return first
    }

    private func start(_ slot: Slot, samples n: Int) throws -> [any DeviceRun] {
        // With one buffer set the run is waited for at once: nothing to overlap it with.
        let alone = slots.count == 1
        func start(_ k: any DeviceKernel, _ args: [KernelArgument]) throws -> any DeviceRun {
            alone ? try k.startForImmediateWait(args) : try k.start(args)
        }
        switch layout.interface {
        case .mm:
            return [try start(slot.kernels[0], [.buffer(slot.input), .buffer(slot.output), .uint32(UInt32(n))])]
        case .axis:
            // Receiver first, then the network, then the sender: nothing waits on an unstarted peer.
            let s2mm = try start(slot.kernels[2], [.unset, .buffer(slot.output), .uint32(UInt32(n * layout.output.wordsPerSample))])
            let net = try start(slot.kernels[1], [.unset, .unset, .uint32(UInt32(n))])
            let mm2s = try start(slot.kernels[0], [.buffer(slot.input), .unset, .uint32(UInt32(n * layout.input.wordsPerSample))])
            return [mm2s, net, s2mm]
        }
    }

    private func finish(_ s: Int, _ f: InFlight, _ consume: (StreamBatch, UnsafeRawPointer, BatchTiming) throws -> Void) throws {
        slots[s].inFlight = nil
        var kernel = 0.0
        for run in f.runs {
            let state: RunState
            do {
                state = try run.wait(timeout: options.timeout)
            } catch let e as RuntimeError where e.code == .timeout {
                throw RuntimeError(.timeout, "batch \(f.batch.index) (samples \(f.batch.first)..<\(f.batch.first + f.batch.samples)): \(e.message)")
            }
            if case .error(let message) = state {
                throw RuntimeError(.backend, "batch \(f.batch.index) (samples \(f.batch.first)..<\(f.batch.first + f.batch.samples)): \(message)")
            }
            kernel = max(kernel, run.deviceSeconds ?? 0)
        }
        let done = DispatchTime.now().uptimeNanoseconds
        let completed = f.runs.compactMap(\.completedAt).max() ?? done
        if f.runs.allSatisfy({ $0.deviceSeconds == nil }) { kernel = Double(completed - f.started) / 1e9 }
        try slots[s].output.sync(.fromDevice, bytes: f.batch.samples * layout.output.bytesPerSample, offset: 0)
        let received = DispatchTime.now().uptimeNanoseconds
        let d2h = Double(received - done) / 1e9
        let timing = BatchTiming(index: f.batch.index, samples: f.batch.samples, hostToDevice: f.hostToDevice,
                                 kernel: kernel, deviceToHost: d2h,
                                 latency: f.hostToDevice + Double(completed - min(completed, f.started)) / 1e9 + d2h)
        try consume(f.batch, slots[s].output.host, timing)
    }
}
