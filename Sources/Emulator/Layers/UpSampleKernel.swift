import FixedPoint
import Graph

// UpSampling1D/2D as hls4ml's resize_nearest: output pixel (i, j) reads input pixel
// (y2, x2) = ((i·ry) >> 16, (j·rx) >> 16) with r = ((in << 16) / out) + 1 in C int arithmetic — floor(j /
// factor) for the sizes that matter, but we keep the formula. hls4ml gives the layer its input's
// type; the cast is there in case a config differs (hls4ml's call would not compile then).

/// Nearest-neighbour upsampling of a 1-D or 2-D channels-last map.
struct UpSampleKernel: LayerKernel {
    let source: [Int32]
    let inSize: Int
    let cast: FixedCast

    static func make(_ ctx: KernelContext, _ u: UpSample) throws -> any LayerKernel {
        let shape = ctx.inputShape, rank = u.rank
        guard rank == 1 || rank == 2, shape.count == rank + 1, u.factors.count == rank, u.factors.allSatisfy({ $0 > 0 }) else {
            throw ctx.error("UpSampling\(rank)D does not fit input shape \(shape)")
        }
        let inH = rank == 2 ? shape[0] : 1, inW = shape[rank - 1], ch = shape[rank]
        let outH = inH * (rank == 2 ? u.factors[0] : 1), outW = inW * u.factors[rank - 1]
        let expected = rank == 2 ? [outH, outW, ch] : [outW, ch]
        guard ctx.node.shape == expected else {
            throw ctx.error("upsampling output shape \(ctx.node.shape) differs from the computed \(expected)")
        }
        // C `int` arithmetic, as in the firmware.
        let yRatio = Int32(truncatingIfNeeded: (inH << 16) / outH) &+ 1
        let xRatio = Int32(truncatingIfNeeded: (inW << 16) / outW) &+ 1
        var source: [Int32] = []
        source.reserveCapacity(outH * outW * ch)
        for i in 0..<outH {
            for j in 0..<outW {
                let x2 = Int((Int32(j) &* xRatio) >> 16), y2 = Int((Int32(i) &* yRatio) >> 16)
                guard x2 >= 0, x2 < inW, y2 >= 0, y2 < inH else {
                    throw ctx.error("upsampling source index out of range (input too large for hls4ml's 16.16 ratio)")
                }
                for k in 0..<ch { source.append(Int32((y2 * inW + x2) * ch + k)) }
            }
        }
        return UpSampleKernel(source: source, inSize: inH * inW * ch, cast: FixedCast(from: ctx.inputFormat, to: ctx.resultFormat))
    }

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        copyGather(source, inSize: inSize, batch: batch, x: inputs[0], y: output, cast: cast)
    }
}
