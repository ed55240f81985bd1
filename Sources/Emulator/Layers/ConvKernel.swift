import FixedPoint
import Graph

// Conv1D/Conv2D as hls4ml's io_parallel firmware computes them: an im2col row per output pixel
// (row index (kh·KW + kw)·C + c, zeros for padded cells — hls4ml generates this as fill_buffer code),
// then per pixel exactly the Dense arithmetic with n_in = KH·KW·C, n_out = filters and the Keras
// kernel [kh][kw][c][f] read as [n_in][n_out]. Resource strategy uses the conv resource walk
// (AccumulationOrder.convResource). Output is channels-last [out_h][out_w][filters].
// We precompute, per output pixel, the input offsets of its im2col row (-1 for padding), so a tile
// runs without copying rows.

/// A 1-D or 2-D convolution on raw fixed-point values.
struct ConvKernel: LayerKernel {
    let engine: MacEngine
    /// `pixels × nIn` input offsets within a sample (-1 = padding).
    let gather: [Int32]
    /// The same transposed for `runPixels` (empty when not used).
    let gatherT: [Int32]
    let pixels: Int
    let nIn: Int
    let filters: Int
    let inSize: Int

    static func make(_ ctx: KernelContext, _ c: Conv) throws -> any LayerKernel {
        let t = ctx.node.types
        guard let wf = t.weight, let bf = t.bias, let af = t.accum else {
            throw ctx.error("Conv needs weight, bias and accum types (run the standard passes first)")
        }
        let rank = c.rank
        let shape = ctx.inputShape
        guard rank == 1 || rank == 2, shape.count == rank + 1, c.kernel.count == rank, c.strides.count == rank,
              c.padding.count == rank, shape[rank] == c.inChannels else {
            throw ctx.error("Conv\(rank)D payload does not fit input shape \(shape)")
        }
        // Treat 1-D as 2-D with height 1.
        let inH = rank == 2 ? shape[0] : 1, inW = shape[rank - 1], ch = c.inChannels
        let kH = rank == 2 ? c.kernel[0] : 1, kW = c.kernel[rank - 1]
        let sH = rank == 2 ? c.strides[0] : 1, sW = c.strides[rank - 1]
        let pT = rank == 2 ? c.padding[0].before : 0, pB = rank == 2 ? c.padding[0].after : 0
        let pL = c.padding[rank - 1].before, pR = c.padding[rank - 1].after
        guard sH > 0, sW > 0, inH + pT + pB >= kH, inW + pL + pR >= kW else {
            throw ctx.error("Conv window larger than the padded input")
        }
        let outH = (inH + pT + pB - kH) / sH + 1, outW = (inW + pL + pR - kW) / sW + 1
        let expected = rank == 2 ? [outH, outW, c.filters] : [outW, c.filters]
        guard ctx.node.shape == expected else {
            throw ctx.error("Conv output shape \(ctx.node.shape) differs from the computed \(expected)")
        }
        let nIn = kH * kW * ch
        guard c.weights.count == nIn * c.filters, c.bias.count == c.filters else {
            throw ctx.error("Conv weights/bias counts do not match kernel \(c.kernel) × \(ch) × \(c.filters)")
        }
        var gather = [Int32]()
        gather.reserveCapacity(outH * outW * nIn)
        for oh in 0..<outH {
            for ow in 0..<outW {
                for kh in 0..<kH {
                    let row = oh * sH + kh - pT
                    for kw in 0..<kW {
                        let col = ow * sW + kw - pL
                        let inside = row >= 0 && row < inH && col >= 0 && col < inW
                        for cc in 0..<ch { gather.append(inside ? Int32((row * inW + col) * ch + cc) : -1) }
                    }
                }
            }
        }
        let w = effectiveWeights(try WeightText.quantize(c.weights, to: wf, layer: ctx.node.name, what: "weight"), format: wf)
        let b = try WeightText.quantize(c.bias, to: bf, layer: ctx.node.name, what: "bias")
        let loop: AccumulationOrder.Loop = ctx.node.strategy == .resource ? .convResource(rank: rank) : .latency
        let steps: [AccumulationStep]
        do {
            steps = try AccumulationOrder.steps(loop, reuse: ctx.node.reuseFactor, nIn: nIn, nOut: c.filters)
        } catch let e as EmulatorError {
            throw ctx.error(e.message)
        }
        let engine = try MacEngine(
            nIn: nIn, nOut: c.filters, weights: w, bias: b, input: ctx.inputFormat, weight: wf, biasFormat: bf,
            accum: af, result: ctx.resultFormat, steps: steps, layer: ctx.node.name)
        let byPixels = !engine.weights16.isEmpty && c.filters < 16
        return ConvKernel(
            engine: engine, gather: gather,
            gatherT: byPixels ? MacEngine.transposedGather(gather, pixels: outH * outW, nIn: nIn, inSize: inH * inW * ch) : [],
            pixels: outH * outW, nIn: nIn, filters: c.filters, inSize: inH * inW * ch)
    }

    /// Few filters: vectorise over pixels instead of filters (MacEngine.runPixels).
    var byPixels: Bool { !gatherT.isEmpty }

    func scratchCount(batch: Int) -> Int {
        byPixels ? engine.pixelScratchCount(pixels: pixels, inSize: inSize) : engine.scratchCount
    }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0]
        let outSize = pixels * filters
        if byPixels {
            gatherT.withUnsafeBufferPointer { g in
                for s in 0..<batch {
                    engine.runPixels(x: x + s * inSize, inSize: inSize, gatherT: g.baseAddress!, pixels: pixels,
                                     out: output + s * outSize, scratch: scratch)
                }
            }
            return
        }
        gather.withUnsafeBufferPointer { g in
            let table = g.baseAddress!
            for s in 0..<batch {
                let xs = x + s * inSize, ys = output + s * outSize
                for p in 0..<pixels {
                    engine.run(x: xs, gather: table + p * nIn, out: ys + p * filters, scratch: scratch)
                }
            }
        }
    }
}
