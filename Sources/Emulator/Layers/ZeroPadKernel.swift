import FixedPoint
import Graph

// ZeroPadding1D/2D as hls4ml's zeropad*_cl: zeros around the spatial dimensions of a channels-last map,
// each copied value cast to result_t (hls4ml gives the layer its input's type, so the cast is normally
// the identity). We precompute, per output element, its source offset (-1 = zero).

/// Zero padding of a 1-D or 2-D channels-last map.
struct ZeroPadKernel: LayerKernel {
    let source: [Int32]
    let inSize: Int
    let cast: FixedCast

    static func make(_ ctx: KernelContext, _ z: ZeroPad) throws -> any LayerKernel {
        let shape = ctx.inputShape, rank = z.rank
        guard rank == 1 || rank == 2, shape.count == rank + 1, z.padding.count == rank else {
            throw ctx.error("ZeroPadding\(rank)D does not fit input shape \(shape)")
        }
        let inH = rank == 2 ? shape[0] : 1, inW = shape[rank - 1], ch = shape[rank]
        let pT = rank == 2 ? z.padding[0].before : 0, pB = rank == 2 ? z.padding[0].after : 0
        let pL = z.padding[rank - 1].before, pR = z.padding[rank - 1].after
        let outH = inH + pT + pB, outW = inW + pL + pR
        let expected = rank == 2 ? [outH, outW, ch] : [outW, ch]
        guard ctx.node.shape == expected else {
            throw ctx.error("zero-padding output shape \(ctx.node.shape) differs from the computed \(expected)")
        }
        var source: [Int32] = []
        source.reserveCapacity(outH * outW * ch)
        for r in 0..<outH {
            for c in 0..<outW {
                let ir = r - pT, ic = c - pL
                let inside = ir >= 0 && ir < inH && ic >= 0 && ic < inW
                for k in 0..<ch { source.append(inside ? Int32((ir * inW + ic) * ch + k) : -1) }
            }
        }
        return ZeroPadKernel(source: source, inSize: inH * inW * ch, cast: FixedCast(from: ctx.inputFormat, to: ctx.resultFormat))
    }

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        copyGather(source, inSize: inSize, batch: batch, x: inputs[0], y: output, cast: cast)
    }
}

/// `y[s][i] = cast(x[s][source[i]])` (0 for a negative source) for each sample of a tile.
@inline(__always)
func copyGather(_ source: [Int32], inSize: Int, batch: Int, x: UnsafePointer<Int64>, y: UnsafeMutablePointer<Int64>,
                cast: FixedCast) {
    let n = source.count
    source.withUnsafeBufferPointer { src in
        for s in 0..<batch {
            let xs = x + s * inSize, ys = y + s * n
            for i in 0..<n {
                let k = Int(src[i])
                ys[i] = k < 0 ? 0 : cast.apply(xs[k])
            }
        }
    }
}
