import FixedPoint
import Graph

// Dense, as hls4ml's dense_latency / dense_resource compute it (see MacEngine for the casts and
// AccumulationOrder for the order; the two strategies differ only in the order, which matters only
// for a saturating accum_t). Weights and bias pass through hls4ml's decimal text (WeightText).
// An input with more than one row of `inputs` values (Dense on a sequence) applies the layer to each
// row, as hls4ml's pointwise replacement does.

/// A Dense layer on raw fixed-point values.
struct DenseKernel: LayerKernel {
    let engine: MacEngine
    let rows: Int
    let nIn: Int
    let nOut: Int
    /// A fused ReLU's slot, relative to the output (see LayerKernel.fusingRelu).
    var reluOffset: Int? = nil

    static func make(_ ctx: KernelContext, _ d: Dense) throws -> any LayerKernel {
        let t = ctx.node.types
        guard let wf = t.weight, let bf = t.bias, let af = t.accum else {
            throw ctx.error("Dense needs weight, bias and accum types (run the standard passes first)")
        }
        let inSize = ctx.inputShape.reduce(1, *)
        guard d.inputs > 0, inSize % d.inputs == 0, ctx.node.size == inSize / d.inputs * d.outputs else {
            throw ctx.error("Dense \(d.inputs)→\(d.outputs) does not fit input shape \(ctx.inputShape) and output \(ctx.node.shape)")
        }
        guard d.weights.count == d.inputs * d.outputs, d.bias.count == d.outputs else {
            throw ctx.error("Dense weights/bias counts do not match \(d.inputs)→\(d.outputs)")
        }
        let w = effectiveWeights(try WeightText.quantize(d.weights, to: wf, layer: ctx.node.name, what: "weight"), format: wf)
        let b = try WeightText.quantize(d.bias, to: bf, layer: ctx.node.name, what: "bias")
        let loop: AccumulationOrder.Loop = ctx.node.strategy == .resource ? .denseResource : .latency
        let steps: [AccumulationStep]
        do {
            steps = try AccumulationOrder.steps(loop, reuse: ctx.node.reuseFactor, nIn: d.inputs, nOut: d.outputs)
        } catch let e as EmulatorError {
            throw ctx.error(e.message)
        }
        let engine = try MacEngine(
            nIn: d.inputs, nOut: d.outputs, weights: w, bias: b, input: ctx.inputFormat, weight: wf,
            biasFormat: bf, accum: af, result: ctx.resultFormat, steps: steps, layer: ctx.node.name)
        return DenseKernel(engine: engine, rows: inSize / d.inputs, nIn: d.inputs, nOut: d.outputs)
    }

    func scratchCount(batch: Int) -> Int { engine.scratchCount }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        engine.runRows(batch * rows, x: inputs[0], out: output, scratch: scratch, relu: reluOffset.map { output + $0 })
    }

    func fusingRelu(reluOffset: Int) -> (any LayerKernel)? {
        var k = self
        k.reluOffset = reluOffset
        return k
    }
}

/// The weight raws the products effectively use. hls4ml picks its `weight_ternary` product for a
/// signed 2-bit integer weight type: it returns 0 for w == 0, -x for w == -1 and x otherwise, so a
/// stored -2 acts as +1. Other formats multiply as stored.
func effectiveWeights(_ w: [Int64], format: FixedFormat) -> [Int64] {
    guard format.isInteger && format.isSigned && format.width == 2 else { return w }
    return w.map { $0 == 0 || $0 == -1 ? $0 : 1 }
}
