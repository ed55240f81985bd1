import FixedPoint
import Graph

// Pooling as hls4ml's Vitis io_parallel firmware computes it (nnet_pooling.h), per channel and window:
// - Max: the window's values in data_t, padded cells holding data_t's "most negative" pattern (only the
//   sign bit set: the minimum for signed types, but 2^(W-1)·ulp — a large positive value — for
//   unsigned ones, a quirk we keep); the maximum is cast to accum_t, then to result_t.
// - Average: acc = 0 in accum_t; acc = accum(acc + v) for every cell of the window (padded cells add
//   zero); then acc /= count, an integer division of the raw value truncating toward zero (ap_fixed
//   division by an unsigned int, whose quotient keeps accum_t's grid), with count = the unpadded
//   cells (Keras' count_pad = false); then cast to result_t.
// - Global pooling: the same over all positions, count = all positions.
// Window origins step by the stride over the padded input; output positions are row-major.

/// Max/average pooling, local or global, on raw fixed-point values.
struct PoolKernel: LayerKernel {
    let isMax: Bool
    let channels: Int
    let inSize: Int
    let outPositions: Int
    let window: Int
    /// `outPositions × window` input positions (spatial index, -1 = padding).
    let cells: [Int32]
    /// Unpadded cells per output position (average's divisor).
    let counts: [Int64]
    let padRaw: Int64
    let toAccum: FixedCast
    let sumToAccum: FixedCast
    let accumShift: Int
    let dataShift: Int
    let toResult: FixedCast

    static func make(_ ctx: KernelContext, _ p: Pool) throws -> any LayerKernel {
        guard let af = ctx.node.types.accum else {
            throw ctx.error("Pooling needs an accum type (run the standard passes first)")
        }
        let shape = ctx.inputShape
        let rank = p.rank
        guard rank == 1 || rank == 2, shape.count == rank + 1 else {
            throw ctx.error("Pooling\(rank)D does not fit input shape \(shape)")
        }
        let ch = shape[rank]
        let inH = rank == 2 ? shape[0] : 1, inW = shape[rank - 1]
        var cells: [Int32] = []
        var counts: [Int64] = []
        let window: Int
        let outPositions: Int
        if p.global {
            window = inH * inW
            outPositions = 1
            cells = (0..<window).map { Int32($0) }
            counts = [Int64(window)]
            guard ctx.node.shape == [ch] else {
                throw ctx.error("global pooling output shape \(ctx.node.shape) differs from [\(ch)]")
            }
        } else {
            guard p.size.count == rank, p.strides.count == rank, p.padding.count == rank else {
                throw ctx.error("Pooling\(rank)D payload has the wrong rank")
            }
            let kH = rank == 2 ? p.size[0] : 1, kW = p.size[rank - 1]
            let sH = rank == 2 ? p.strides[0] : 1, sW = p.strides[rank - 1]
            let pT = rank == 2 ? p.padding[0].before : 0, pB = rank == 2 ? p.padding[0].after : 0
            let pL = p.padding[rank - 1].before, pR = p.padding[rank - 1].after
            guard sH > 0, sW > 0, inH + pT + pB >= kH, inW + pL + pR >= kW else {
                throw ctx.error("pooling window larger than the padded input")
            }
            let outH = (inH + pT + pB - kH) / sH + 1, outW = (inW + pL + pR - kW) / sW + 1
            let expected = rank == 2 ? [outH, outW, ch] : [outW, ch]
            guard ctx.node.shape == expected else {
                throw ctx.error("pooling output shape \(ctx.node.shape) differs from the computed \(expected)")
            }
            window = kH * kW
            outPositions = outH * outW
            for oh in 0..<outH {
                for ow in 0..<outW {
                    var n: Int64 = 0
                    for kh in 0..<kH {
                        for kw in 0..<kW {
                            let r = oh * sH + kh - pT, c = ow * sW + kw - pL
                            if r >= 0 && r < inH && c >= 0 && c < inW {
                                cells.append(Int32(r * inW + c))
                                n += 1
                            } else {
                                cells.append(-1)
                            }
                        }
                    }
                    guard n > 0 || p.kind == .max else { throw ctx.error("an average-pooling window covers only padding") }
                    counts.append(n)
                }
            }
        }
        let data = ctx.inputFormat
        let sum: FixedFormat
        do {
            sum = try FixedFormat.resultFormat(.sum, af, data)
        } catch {
            throw ctx.error("pooling sum of \(af) and \(data) is wider than 128 bits")
        }
        return PoolKernel(
            isMax: p.kind == .max, channels: ch, inSize: inH * inW * ch, outPositions: outPositions, window: window,
            cells: cells, counts: counts,
            padRaw: data.isSigned ? Int64(truncatingIfNeeded: data.minRaw) : Int64(1) << Int64(data.width - 1),
            toAccum: FixedCast(from: data, to: af), sumToAccum: FixedCast(from: sum, to: af),
            accumShift: sum.fractionBits - af.fractionBits, dataShift: sum.fractionBits - data.fractionBits,
            toResult: FixedCast(from: af, to: ctx.resultFormat))
    }

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0]
        let ch = channels, window = self.window, outSize = outPositions * channels
        cells.withUnsafeBufferPointer { cb in
            for s in 0..<batch {
                let xs = x + s * inSize, ys = output + s * outSize
                for o in 0..<outPositions {
                    let w = cb.baseAddress! + o * window
                    for c in 0..<ch {
                        if isMax {
                            var y = w[0] < 0 ? padRaw : xs[Int(w[0]) * ch + c]
                            for k in 1..<max(window, 1) {
                                let v = w[k] < 0 ? padRaw : xs[Int(w[k]) * ch + c]
                                if v > y { y = v }
                            }
                            ys[o * ch + c] = toResult.apply(toAccum.apply(y))
                        } else {
                            var acc: Int128 = 0
                            let ash = Int128(accumShift), dsh = Int128(dataShift)
                            for k in 0..<window where w[k] >= 0 {
                                let v = Int128(xs[Int(w[k]) * ch + c])
                                acc = sumToAccum.apply((acc << ash) + (v << dsh))
                            }
                            let q = acc / Int128(counts[o])  // truncates toward zero, like ap_fixed's sdiv
                            ys[o * ch + c] = toResult.apply(Int64(truncatingIfNeeded: q))
                        }
                    }
                }
            }
        }
    }
}
