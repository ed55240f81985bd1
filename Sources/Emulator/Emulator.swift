import CEmulatorKernels
import Dispatch
import Synchronization
import FixedPoint
import Graph

/// Runs a graph bit-exactly on raw fixed-point integers, as the firmware's C simulation does.
///
/// The graph is compiled once into a plan of kernels over one arena per thread: every node's
/// output for a tile of samples has a fixed slot, so running allocates nothing per sample.
/// Samples are independent, so worker threads take blocks of them from a shared counter.
public final class Emulator: Sendable {
    /// The graph it runs (after the passes).
    public let graph: Graph
    /// Format of the network input (the input node's result type).
    public let inputFormat: FixedFormat
    /// Format of the network output.
    public let outputFormat: FixedFormat

    /// One kernel call of the plan, with its arena slots (offsets of the tile's first value).
    /// A class so that runTile can call through unretained references: iterating structs holding
    /// the kernel existential retained and released the kernels' storage per tile, and the workers
    /// contended on those shared reference counts.
    final class Step: Sendable {
        let node: NodeID
        let kernel: any LayerKernel
        let inputs: [NodeID]
        let outputSlot: Int
        /// Kernels take one or two inputs.
        let inputSlots: (Int, Int)

        init(node: NodeID, kernel: any LayerKernel, inputs: [NodeID], offsets: [Int], tile: Int) {
            precondition(inputs.count == 1 || inputs.count == 2, "a kernel takes one or two inputs")
            self.node = node
            self.kernel = kernel
            self.inputs = inputs
            outputSlot = offsets[node] * tile
            inputSlots = (offsets[inputs[0]] * tile, offsets[inputs[inputs.count - 1]] * tile)
        }
    }

    let steps: [Step]
    /// `steps` as unretained references (kept alive by `steps`), for runTile.
    let stepRefs: [Unmanaged<Step>]
    /// The input node's slot and values per sample.
    let inputSlot: Int
    let inputValues: Int
    /// Arena offset of each node's tile, per sample of the tile: `offset[n] * tile + s * size`.
    let offsets: [Int]
    let arenaPerSample: Int
    let scratchPerTile: Int
    /// Samples computed per kernel call (weights stay in cache across a tile).
    let tile: Int

    /// Compiles `graph` (which must have been through `Pipeline.standard`). `fuse: false` keeps one
    /// step per node (tests compare the two plans).
    public init(_ graph: Graph, tile: Int = 16, fuse: Bool = true) throws {
        self.graph = graph
        self.tile = tile
        inputFormat = graph.nodes[graph.input].types.result
        outputFormat = graph.nodes[graph.output].types.result
        guard inputFormat.fitsInt64, outputFormat.fitsInt64 else {
            throw EmulatorError(layer: nil, "input/output formats wider than 64 bits are not supported")
        }
        var offsets = [Int](repeating: 0, count: graph.nodes.count)
        var total = 0
        var steps: [Step] = []
        var scratch = 0
        for node in graph.nodes {
            offsets[node.id] = total
            total += node.size
            if node.id == graph.input { continue }
            let ctx = KernelContext(node: node, inputFormats: node.inputs.map { graph.nodes[$0].types.result },
                                    inputShapes: node.inputs.map { graph.nodes[$0].shape })
            let kernel = try KernelFactory.make(ctx)
            scratch = max(scratch, kernel.scratchCount(batch: tile))
            steps.append(Step(node: node.id, kernel: kernel, inputs: node.inputs, offsets: offsets, tile: tile))
        }
        self.steps = fuse ? Self.fuseRelus(steps, offsets: offsets, tile: tile) : steps
        self.offsets = offsets
        stepRefs = self.steps.map { Unmanaged.passUnretained($0) }
        inputSlot = offsets[graph.input] * tile
        inputValues = graph.inputSize
        arenaPerSample = total
        scratchPerTile = scratch
    }

    /// A ReLU whose format equals its input's is computed by the kernel that produces its input, if
    /// that kernel can (Dense: a max on the accumulator lanes instead of another pass over the tile).
    /// The producer still writes its own output, so every node's slot holds the same values as
    /// before; the ReLU's values are only ready earlier, before any step that reads them.
    static func fuseRelus(_ steps: [Step], offsets: [Int], tile: Int) -> [Step] {
        var out: [Step] = []
        for step in steps {
            if let relu = step.kernel as? ReluKernel, relu.isFusable, step.inputs.count == 1,
               let k = out.lastIndex(where: { $0.node == step.inputs[0] }),
               let fused = out[k].kernel.fusingRelu(reluOffset: (offsets[step.node] - offsets[step.inputs[0]]) * tile) {
                out[k] = Step(node: out[k].node, kernel: fused, inputs: out[k].inputs, offsets: offsets, tile: tile)
                continue
            }
            out.append(step)
        }
        return out
    }

    /// Input values per sample.
    public var inputSize: Int { graph.inputSize }
    /// Output values per sample.
    public var outputSize: Int { graph.outputSize }

    /// Runs `samples` samples: `input` holds `samples × inputSize` values (quantized to the input
    /// format as ap_types assignment from double does), `output` receives `samples × outputSize`
    /// raw values in `outputFormat`.
    public func run(input: UnsafePointer<Double>, samples: Int, rawOutput: UnsafeMutablePointer<Int64>, threads: Int = 1) {
        // Workers write disjoint ranges of the caller's buffers.
        nonisolated(unsafe) let input = input, rawOutput = rawOutput
        forEachBlock(samples: samples, threads: threads) { range, arena in
            self.runRange(range, input: input, rawOutput: rawOutput, arena: arena)
        }
    }

    /// Like `run(input:samples:rawOutput:threads:)`, writing output values as Double (exact for
    /// output formats of up to 53 significant bits). Each worker converts its own blocks.
    public func run(input: UnsafePointer<Double>, samples: Int, output: UnsafeMutablePointer<Double>, threads: Int = 1) {
        // Workers write disjoint ranges of the caller's buffers.
        nonisolated(unsafe) let input = input, output = output
        forEachBlock(samples: samples, threads: threads) { range, arena in
            self.runValues(range.count, input: input + range.lowerBound * self.inputSize,
                           output: output + range.lowerBound * self.outputSize, arena: arena)
        }
    }

    /// A zeroed arena for one worker: every node's slot for a tile, then the kernels' scratch.
    func makeArena() -> UnsafeMutablePointer<Int64> {
        let count = arenaPerSample * tile + scratchPerTile
        let arena = UnsafeMutablePointer<Int64>.allocate(capacity: count)
        arena.initialize(repeating: 0, count: count)
        return arena
    }

    /// Runs `n` samples tile by tile on `arena`, writing the output values as Double.
    func runValues(_ n: Int, input: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>,
                   arena: UnsafeMutablePointer<Int64>) {
        let outSize = outputSize, raw = arena + offsets[graph.output] * tile
        let scale = Double(sign: .plus, exponent: -outputFormat.fractionBits, significand: 1)
        var start = 0
        while start < n {
            let m = min(tile, n - start)
            runTile(m, input: input + start * inputValues, arena: arena)
            let o = output + start * outSize
            for i in 0..<(m * outSize) { o[i] = Double(raw[i]) * scale }
            start += m
        }
    }

    /// Samples a worker takes at a time: small enough to balance the workers' loads, large enough
    /// that taking one costs nothing.
    private var blockSamples: Int { tile * 16 }

    /// Runs `body` on consecutive blocks of `samples`, each worker with its own arena, taking the
    /// next block from a shared counter (a worker slowed by the machine takes fewer blocks instead
    /// of holding the others at the end of a fixed split). Every block but the last is whole tiles.
    private func forEachBlock(samples: Int, threads: Int, _ body: @Sendable (Range<Int>, UnsafeMutablePointer<Int64>) -> Void) {
        forEachBlock(samples: samples, threads: threads, blocks: blockSamples...blockSamples,
                     worker: { self.makeArena() }, done: { $0.deallocate() }) { range, arena in
            body(range, arena)
            return true
        }
    }

    /// The shared loop of the batch runs: `workers` threads (the calling thread one of them) take
    /// blocks of samples from a shared counter and run `body` on each with their own state
    /// (`worker()` makes it on the worker's thread, `done` frees it). A block is an eighth of the
    /// samples left per worker, within `blocks` (whole tiles but for the last): large while much is
    /// left, so that per-block costs (a write, a read) are few, and small at the end, so that the
    /// workers finish together. A `body` returning false stops every worker after its block.
    func forEachBlock<State>(samples: Int, threads: Int, blocks: ClosedRange<Int>, worker: @Sendable () -> State,
                             done: @Sendable (State) -> Void, _ body: @Sendable (Range<Int>, State) -> Bool) {
        let smallest = max(1, blocks.lowerBound), largest = max(smallest, blocks.upperBound)
        let workers = max(1, min(threads, (samples + smallest - 1) / smallest))
        let next = Atomic<Int>(0)
        let tile = self.tile
        @Sendable func claim() -> Range<Int>? {
            var start = next.load(ordering: .relaxed)
            while start < samples {
                let guided = (samples - start) / (8 * workers)
                let n = min(samples - start, (min(largest, max(smallest, guided)) + tile - 1) / tile * tile)
                let (claimed, current) = next.compareExchange(expected: start, desired: start + n, ordering: .relaxed)
                if claimed { return start..<(start + n) }
                start = current
            }
            return nil
        }
        @Sendable func work() {
            let state = worker()
            defer { done(state) }
            while let range = claim() {
                if !body(range, state) {
                    next.store(samples, ordering: .relaxed)
                    break
                }
            }
        }
        if workers == 1 {
            work()
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in work() }
        }
    }

    /// Every node's output values for one sample (`input` has `inputSize` values), in node order.
    public func trace(input: [Double]) -> [[Double]] {
        precondition(input.count == inputSize, "trace needs one sample")
        var out = graph.nodes.map { _ in [Double]() }
        input.withUnsafeBufferPointer { i in
            trace(input: i.baseAddress!, samples: 1) { node, values in out[node] = Array(values) }
        }
        return out
    }

    /// Runs `samples` samples tile by tile on one arena and hands every node's output values for
    /// each tile (tile-size samples, sample-major) to `visit`, in node order; nothing is allocated
    /// per sample. `visit`'s buffer is only valid during the call.
    public func trace(input: UnsafePointer<Double>, samples: Int,
                      _ visit: (NodeID, UnsafeBufferPointer<Double>) throws -> Void) rethrows {
        let arena = makeArena()
        defer { arena.deallocate() }
        let values = UnsafeMutablePointer<Double>.allocate(capacity: max(1, graph.nodes.map(\.size).max()! * tile))
        defer { values.deallocate() }
        let scales = graph.nodes.map { Double(sign: .plus, exponent: -$0.types.result.fractionBits, significand: 1) }
        var start = 0
        while start < samples {
            let n = min(tile, samples - start)
            runTile(n, input: input + start * inputSize, arena: arena)
            for node in graph.nodes {
                let base = arena + offsets[node.id] * tile
                for i in 0..<(n * node.size) { values[i] = Double(base[i]) * scales[node.id] }
                try visit(node.id, UnsafeBufferPointer(start: values, count: n * node.size))
            }
            start += n
        }
    }

    private func runRange(_ range: Range<Int>, input: UnsafePointer<Double>, rawOutput: UnsafeMutablePointer<Int64>,
                          arena: UnsafeMutablePointer<Int64>) {
        let inSize = inputSize, outSize = outputSize
        let outBase = offsets[graph.output] * tile
        var start = range.lowerBound
        while start < range.upperBound {
            let n = min(tile, range.upperBound - start)
            runTile(n, input: input + start * inSize, arena: arena)
            (rawOutput + start * outSize).update(from: arena + outBase, count: n * outSize)
            start += n
        }
    }

    /// Runs `n ≤ tile` samples through every step, leaving each node's outputs in the arena.
    /// Input values to raws as `format.quantize64` does: the AP_TRN/AP_WRAP common case four at a time
    /// in C (AVX2); a group of four the C kernel stops at (NaN, an out-of-range value), the tail, other
    /// modes and CPUs without AVX2 through `quantize64`'s buffer loop.
    static func quantize(_ input: UnsafePointer<Double>, count: Int, format: FixedFormat, into out: UnsafeMutablePointer<Int64>) {
        func swift(_ k: Int, _ m: Int) {
            format.quantize64(UnsafeBufferPointer(start: input + k, count: m), into: UnsafeMutableBufferPointer(start: out + k, count: m))
        }
        guard let (scale, low, high) = format.truncWrapFastPath else { return swift(0, count) }
        var k = 0
        while k < count {
            let done = cek_quantize_trn_wrap(input + k, out + k, count - k, scale, low, high, Int32(format.width), format.isSigned ? 1 : 0)
            guard done >= 0 else { return swift(k, count - k) }
            k += done
            let m = min(4, count - k)
            if m > 0 { swift(k, m) }
            k += m
        }
    }

    func runTile(_ n: Int, input: UnsafePointer<Double>, arena: UnsafeMutablePointer<Int64>) {
        Self.quantize(input, count: n * inputValues, format: inputFormat, into: arena + inputSlot)
        let scratch = arena + arenaPerSample * tile
        // Through unretained references and precomputed slots (see Step).
        withUnsafeTemporaryAllocation(of: UnsafePointer<Int64>.self, capacity: 2) { ptrs in
            stepRefs.withUnsafeBufferPointer { refs in
                for ref in refs {
                    ref._withUnsafeGuaranteedRef { step in
                        ptrs[0] = UnsafePointer(arena + step.inputSlots.0)
                        ptrs[1] = UnsafePointer(arena + step.inputSlots.1)
                        step.kernel.run(batch: n, inputs: UnsafePointer(ptrs.baseAddress!), output: arena + step.outputSlot,
                                        scratch: scratch)
                    }
                }
            }
        }
    }
}
