import FixedPoint
import Graph

// BatchNormalization as hls4ml's nnet::normalize computes it: y = result(x·scale + bias), with the
// product and the sum exact and one cast at the end. scale/bias are scale_t/bias_t values that went
// through hls4ml's decimal text. The parameter index is the element for rank-1 inputs (n_filt = -1)
// and the channel (element mod channels) for channels-last feature maps — both are `i % count`.
// The exact sum has F = max(F_x + F_scale, F_bias) fraction bits; we align both terms to it and cast
// once. Int64 when that sum format fits, Int128 otherwise.

/// A folded batch normalization on raw fixed-point values.
struct BatchNormKernel: LayerKernel {
    let size: Int
    let channels: Int
    let scale: [Int64]
    /// Bias aligned to the exact sum's fraction bits (Int64 path) / raw bias (Int128 path).
    let bias: [Int64]
    let productShift: Int
    let biasShift: Int
    let wide: Bool
    let cast: FixedCast
    /// The cast for the Int64 path, inlined when its modes allow.
    let fast: FastCast

    static func make(_ ctx: KernelContext, _ b: BatchNorm) throws -> any LayerKernel {
        let t = ctx.node.types
        guard let sf = t.scale, let bf = t.bias else {
            throw ctx.error("BatchNormalization needs scale and bias types (run the standard passes first)")
        }
        let channels = b.scale.count
        guard channels > 0, b.bias.count == channels, ctx.node.size % channels == 0,
              ctx.inputShape.reduce(1, *) == ctx.node.size else {
            throw ctx.error("BatchNormalization with \(channels) channels does not fit shape \(ctx.inputShape)")
        }
        let s = try WeightText.quantize(b.scale, to: sf, layer: ctx.node.name, what: "scale")
        let bias = try WeightText.quantize(b.bias, to: bf, layer: ctx.node.name, what: "bias")
        let product: FixedFormat, sum: FixedFormat
        do {
            product = try FixedFormat.resultFormat(.product, ctx.inputFormat, sf)
            sum = try FixedFormat.resultFormat(.sum, product, bf)
        } catch {
            throw ctx.error("BatchNormalization's exact x·scale + bias is wider than 128 bits")
        }
        let productShift = sum.fractionBits - product.fractionBits
        let biasShift = sum.fractionBits - bf.fractionBits
        let wide = sum.width > 62
        return BatchNormKernel(
            size: ctx.node.size, channels: channels, scale: s,
            bias: wide ? bias : bias.map { $0 << Int64(biasShift) },
            productShift: productShift, biasShift: biasShift, wide: wide,
            cast: FixedCast(from: sum, to: ctx.resultFormat), fast: FastCast(from: sum, to: ctx.resultFormat))
    }

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0]
        let size = self.size, channels = self.channels
        scale.withUnsafeBufferPointer { sc in
            bias.withUnsafeBufferPointer { bi in
                if !wide, let c = fast.simple {
                    // Locals and a branch-free cast: the loop is a few integer operations per value.
                    let ps = Int64(productShift)
                    for s in 0..<batch {
                        let xs = x + s * size, ys = output + s * size
                        var i = 0
                        while i < size {
                            for k in 0..<channels {
                                ys[i + k] = c.apply(((xs[i + k] &* sc[k]) &<< ps) &+ bi[k])
                            }
                            i += channels
                        }
                    }
                } else if !wide {
                    let ps = Int64(productShift)
                    for s in 0..<batch {
                        let xs = x + s * size, ys = output + s * size
                        var k = 0
                        for i in 0..<size {
                            ys[i] = cast.apply(((xs[i] &* sc[k]) &<< ps) &+ bi[k])
                            k += 1
                            if k == channels { k = 0 }
                        }
                    }
                } else {
                    let ps = Int128(productShift), bs = Int128(biasShift)
                    for s in 0..<batch {
                        let xs = x + s * size, ys = output + s * size
                        for i in 0..<size {
                            let k = i % channels
                            let v = ((Int128(xs[i]) * Int128(sc[k])) << ps) + (Int128(bi[k]) << bs)
                            ys[i] = Int64(truncatingIfNeeded: cast.apply(v))
                        }
                    }
                }
            }
        }
    }
}
