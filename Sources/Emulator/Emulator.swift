import Dispatch
import Synchronization
import FixedPoint
import Graph

/// Runs a graph bit-exactly on raw fixed-point integers, as the firmware's C simulation does.
///
/// The graph is compiled once into a plan of kernels over one arena per thread: every node's
/// output for a tile of samples has a fixed slot, so running allocates nothing per sample.
/// Samples are independent, so threads split the batch into contiguous ranges.
public final class Emulator: Sendable {
    /// The graph it runs (after the passes).
    public let graph: Graph
    /// Format of the network input (the input node's result type).
    public let inputFormat: FixedFormat
    /// Format of the network output.
    public let outputFormat: FixedFormat

    struct Step: Sendable {
        let node: NodeID
        let kernel: any LayerKernel
        let inputs: [NodeID]
    }

    let steps: [Step]
    /// `steps` flattened for runTile: 4 per step (output slot, input count, input slots).
    let stepSlots: [Int]
    /// Each step's kernel in a box, and unretained references to the boxes (kept alive by
    /// `runnerBoxes`) that runTile calls through without touching reference counts.
    let runnerBoxes: [KernelBox]
    let runnerRefs: [Unmanaged<KernelBox>]
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
            steps.append(Step(node: node.id, kernel: kernel, inputs: node.inputs))
        }
        self.steps = fuse ? Self.fuseRelus(steps, offsets: offsets, tile: tile) : steps
        self.offsets = offsets
        // Per step: output slot, input count, input slots (kernels take at most two inputs).
        var slots: [Int] = []
        for step in self.steps {
            precondition(step.inputs.count >= 1 && step.inputs.count <= 2, "a kernel takes one or two inputs")
            slots += [offsets[step.node] * tile, step.inputs.count, offsets[step.inputs[0]] * tile,
                      offsets[step.inputs.last!] * tile]
        }
        stepSlots = slots
        runnerBoxes = self.steps.map { KernelBox($0.kernel) }
        runnerRefs = runnerBoxes.map { Unmanaged.passUnretained($0) }
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
                out[k] = Step(node: out[k].node, kernel: fused, inputs: out[k].inputs)
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
        let outSize = outputSize
        let scale = Double(sign: .plus, exponent: -outputFormat.fractionBits, significand: 1)
        let outBase = offsets[graph.output] * tile
        // Workers write disjoint ranges of the caller's buffers.
        nonisolated(unsafe) let input = input, output = output
        forEachBlock(samples: samples, threads: threads) { range, arena in
            var start = range.lowerBound
            while start < range.upperBound {
                let n = min(self.tile, range.upperBound - start)
                self.runTile(n, input: input + start * self.inputSize, arena: arena)
                let raw = arena + outBase, o = output + start * outSize
                for i in 0..<(n * outSize) { o[i] = Double(raw[i]) * scale }
                start += n
            }
        }
    }

    /// Samples a worker takes at a time: small enough to balance the workers' loads, large enough
    /// that taking one costs nothing.
    private var blockSamples: Int { tile * 16 }

    /// Runs `body` on consecutive blocks of `samples`, each worker with its own arena, taking the
    /// next block from a shared counter (a worker slowed by the machine takes fewer blocks instead
    /// of holding the others at the end of a fixed split). Every block but the last is whole tiles.
    private func forEachBlock(samples: Int, threads: Int, _ body: @Sendable (Range<Int>, UnsafeMutablePointer<Int64>) -> Void) {
        let block = blockSamples
        let blocks = (samples + block - 1) / block
        let workers = max(1, min(threads, blocks))
        let next = Atomic<Int>(0)
        let arenaCount = arenaPerSample * tile + scratchPerTile
        @Sendable func work() {
            let arena = UnsafeMutablePointer<Int64>.allocate(capacity: arenaCount)
            arena.initialize(repeating: 0, count: arenaCount)
            defer { arena.deallocate() }
            while true {
                let b = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if b >= blocks { break }
                body((b * block)..<min(samples, (b + 1) * block), arena)
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
        let count = arenaPerSample * tile + scratchPerTile
        let arena = UnsafeMutablePointer<Int64>.allocate(capacity: count)
        arena.initialize(repeating: 0, count: count)
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
    func runTile(_ n: Int, input: UnsafePointer<Double>, arena: UnsafeMutablePointer<Int64>) {
        let count = n * inputValues
        inputFormat.quantize64(UnsafeBufferPointer(start: input, count: count),
                               into: UnsafeMutableBufferPointer(start: arena + inputSlot, count: count))
        let scratch = arena + arenaPerSample * tile
        // Through unsafe pointers and precomputed slots: iterating `steps` by value retained and
        // released each step's kernel and input array per tile, and with several workers those
        // reference counts (shared cache lines) cost more than the small layers themselves.
        withUnsafeTemporaryAllocation(of: UnsafePointer<Int64>.self, capacity: 2) { ptrs in
            runnerRefs.withUnsafeBufferPointer { runners in
                stepSlots.withUnsafeBufferPointer { slots in
                    for k in 0..<runners.count {
                        let s = 4 * k
                        ptrs[0] = UnsafePointer(arena + slots[s + 2])
                        if slots[s + 1] > 1 { ptrs[1] = UnsafePointer(arena + slots[s + 3]) }
                        runners[k]._withUnsafeGuaranteedRef {
                            $0.kernel.run(batch: n, inputs: UnsafePointer(ptrs.baseAddress!), output: arena + slots[s], scratch: scratch)
                        }
                    }
                }
            }
        }
    }
}

/// A kernel behind a class reference, so that workers can call it through an unretained reference.
final class KernelBox: Sendable {
    let kernel: any LayerKernel
    init(_ kernel: any LayerKernel) { self.kernel = kernel }
}
