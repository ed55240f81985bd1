import FixedPoint

// The matrix-vector product shared by Dense and Conv, with hls4ml's casts:
//   acc[o] = accum(bias[o]);  acc[o] = accum(acc[o] + accum(x[i] * w[i][o]))  for each step;
//   y[o] = result(acc[o]).
// Each product x·w is exact and cast on its own to accum_t; the add is exact in accum_t's grid, so
// only accum_t's overflow mode acts on it.
//
// Fast paths (AP_WRAP accum_t with no saturation bits, quantization AP_TRN or AP_RND or none needed):
// the per-product cast is an arithmetic right shift (after adding half an LSB for AP_RND) or a left
// shift, and wrapping to W bits commutes with addition modulo 2^64 (or 2^32), so we add the shifted
// products with wrapping arithmetic in any order and wrap to W once at the end. A zero input
// contributes exactly zero and is skipped (ReLU outputs are often zero).
// - int32: W_accum <= 32 and every product plus the rounding half fits Int32 (checked from the actual
//   weights and the input format's range); vectorises over the outputs.
// - int64: the same on Int64.
// Otherwise (saturating accum_t, other rounding modes, ap_int accum_t with a right shift, or an
// irregular resource walk) the exact path replays hls4ml's steps in order with FixedCast on Int128.

/// A matrix-vector product with hls4ml's Dense/Conv numerics, precomputed for one layer.
struct MacEngine: Sendable {
    enum Path: Sendable { case int32, int64, exact }

    let nIn: Int
    let nOut: Int
    let path: Path

    // Fast paths: weights in Keras [in][out] layout, bias already cast to accum_t (wrapped raw).
    let weights32: [Int32]
    let bias32: [Int32]
    let weights64: [Int64]
    let bias64: [Int64]
    let rightShift: Int
    let leftShift: Int
    let half: Int64
    /// 64 - W_accum: sign-extends a wrapped accumulator (signed accum_t).
    let accumExtend: Int
    let accumSigned: Bool
    /// 2^W_accum - 1 (unsigned accum_t).
    let accumMask: Int64
    let toResult: FixedCast

    // Exact path.
    let stepOutput: [Int32]
    let stepInput: [Int32]
    let stepWeight: [Int64]
    let productToAccum: FixedCast
    let sumToAccum: FixedCast
    let biasAccum: [Int64]

    /// Int64 scratch elements one `run` needs.
    var scratchCount: Int { nIn + nOut }

    /// Precomputes a layer: `weights` raw in `weight` format, `[nIn][nOut]`; `bias` raw in `bias`.
    init(nIn: Int, nOut: Int, weights: [Int64], bias: [Int64], input: FixedFormat, weight: FixedFormat,
         biasFormat: FixedFormat, accum: FixedFormat, result: FixedFormat, steps: [AccumulationStep],
         layer: String) throws {
        precondition(weights.count == nIn * nOut && bias.count == nOut)
        guard accum.fitsInt64 else {
            throw EmulatorError(layer: layer, "accum_t \(accum) is wider than the emulator's 64-bit values")
        }
        self.nIn = nIn
        self.nOut = nOut
        let product: FixedFormat
        do {
            product = try FixedFormat.resultFormat(.product, input, weight)
        } catch {
            throw EmulatorError(layer: layer, "the product of \(input) and \(weight) is wider than 128 bits")
        }
        toResult = FixedCast(from: accum, to: result)
        productToAccum = FixedCast(from: product, to: accum)
        sumToAccum = FixedCast(from: FixedFormat.sumFormat(accum, accum), to: accum)
        let biasCast = FixedCast(from: biasFormat, to: accum)
        biasAccum = bias.map { biasCast.apply($0) }

        let shift = product.fractionBits - accum.fractionBits
        rightShift = max(shift, 0)
        leftShift = max(-shift, 0)
        accumExtend = 64 - accum.width
        accumSigned = accum.isSigned
        accumMask = accum.width >= 64 ? -1 : (Int64(1) << accum.width) - 1

        // Which path is exact here.
        var halfValue: Int64 = 0
        var roundingOK = true
        if rightShift > 0 {
            if accum.isInteger { roundingOK = false }
            switch accum.quantization {
            case .trn: halfValue = 0
            case .rnd: if rightShift <= 62 { halfValue = Int64(1) << (rightShift - 1) } else { roundingOK = false }
            default: roundingOK = false
            }
        }
        half = halfValue
        let wraps = accum.overflow == .wrap && accum.saturationBits == 0
        let plain = AccumulationOrder.isPlainProduct(steps, nIn: nIn, nOut: nOut)
        let maxX = max(input.maxRaw, -input.minRaw)
        let maxW = Int128(weights.map { $0.magnitude }.max() ?? 0)
        let (product0, overflow) = maxX.multipliedReportingOverflow(by: maxW)
        let maxProduct = overflow ? Int128.max : product0 + Int128(halfValue)
        let shiftsOK = rightShift < 63 && leftShift < 63
        if wraps && roundingOK && plain && shiftsOK && accum.width <= 32 && maxX <= Int128(Int32.max)
            && maxW <= Int128(Int32.max) && (rightShift == 0 || maxProduct <= Int128(Int32.max)) && leftShift < 31 {
            path = .int32
        } else if wraps && roundingOK && plain && shiftsOK && (rightShift == 0 || maxProduct <= Int128(Int64.max)) {
            path = .int64
        } else {
            path = .exact
        }
        weights32 = path == .int32 ? weights.map { Int32(truncatingIfNeeded: $0) } : []
        bias32 = path == .int32 ? biasAccum.map { Int32(truncatingIfNeeded: $0) } : []
        weights64 = path == .int64 ? weights : []
        bias64 = path == .int64 ? biasAccum : []
        if path == .exact {
            stepOutput = steps.map { Int32($0.output) }
            stepInput = steps.map { Int32($0.input) }
            stepWeight = steps.map { weights[$0.weight] }
        } else {
            stepOutput = []
            stepInput = []
            stepWeight = []
        }
    }

    /// The wrapped accumulator as a canonical accum_t raw value.
    @inline(__always)
    func canonical(_ v: Int64) -> Int64 {
        accumSigned ? (v &<< Int64(accumExtend)) &>> Int64(accumExtend) : v & accumMask
    }

    /// Computes one vector: inputs are `x[i]`, or with `gather` `x[gather[i]]` (a negative index reads
    /// zero: padding). Writes `nOut` result raws to `out`.
    @inline(__always)
    func run(x: UnsafePointer<Int64>, gather: UnsafePointer<Int32>?, out: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        switch path {
        case .int32: run32(x: x, gather: gather, out: out, scratch: scratch)
        case .int64: run64(x: x, gather: gather, out: out, scratch: scratch)
        case .exact: runExact(x: x, gather: gather, out: out, scratch: scratch)
        }
    }

    private func run32(x: UnsafePointer<Int64>, gather: UnsafePointer<Int32>?, out: UnsafeMutablePointer<Int64>,
                       scratch: UnsafeMutablePointer<Int64>) {
        let nIn = self.nIn, nOut = self.nOut
        scratch.withMemoryRebound(to: Int32.self, capacity: 2 * (nIn + nOut)) { s32 in
            let xv = s32, acc = s32 + nIn
            if let g = gather {
                for i in 0..<nIn {
                    let k = Int(g[i])
                    xv[i] = k < 0 ? 0 : Int32(truncatingIfNeeded: x[k])
                }
            } else {
                for i in 0..<nIn { xv[i] = Int32(truncatingIfNeeded: x[i]) }
            }
            weights32.withUnsafeBufferPointer { wb in
                bias32.withUnsafeBufferPointer { bb in
                    let w = wb.baseAddress!
                    for o in 0..<nOut { acc[o] = bb[o] }
                    if rightShift > 0 {
                        let h = Int32(truncatingIfNeeded: half), s = Int32(rightShift)
                        for i in 0..<nIn {
                            let xi = xv[i]
                            if xi == 0 { continue }
                            let row = w + i * nOut
                            for o in 0..<nOut { acc[o] &+= (xi &* row[o] &+ h) &>> s }
                        }
                    } else {
                        let s = Int32(leftShift)
                        for i in 0..<nIn {
                            let xi = xv[i]
                            if xi == 0 { continue }
                            let row = w + i * nOut
                            for o in 0..<nOut { acc[o] &+= (xi &* row[o]) &<< s }
                        }
                    }
                }
            }
            for o in 0..<nOut { out[o] = toResult.apply(canonical(Int64(acc[o]))) }
        }
    }

    private func run64(x: UnsafePointer<Int64>, gather: UnsafePointer<Int32>?, out: UnsafeMutablePointer<Int64>,
                       scratch: UnsafeMutablePointer<Int64>) {
        let nIn = self.nIn, nOut = self.nOut
        let acc = scratch
        weights64.withUnsafeBufferPointer { wb in
            bias64.withUnsafeBufferPointer { bb in
                let w = wb.baseAddress!
                for o in 0..<nOut { acc[o] = bb[o] }
                let h = half, rs = Int64(rightShift), ls = Int64(leftShift)
                for i in 0..<nIn {
                    let xi: Int64
                    if let g = gather {
                        let k = Int(g[i])
                        xi = k < 0 ? 0 : x[k]
                    } else {
                        xi = x[i]
                    }
                    if xi == 0 { continue }
                    let row = w + i * nOut
                    if rs > 0 {
                        for o in 0..<nOut { acc[o] &+= (xi &* row[o] &+ h) &>> rs }
                    } else {
                        for o in 0..<nOut { acc[o] &+= (xi &* row[o]) &<< ls }
                    }
                }
            }
        }
        for o in 0..<nOut { out[o] = toResult.apply(canonical(acc[o])) }
    }

    private func runExact(x: UnsafePointer<Int64>, gather: UnsafePointer<Int32>?, out: UnsafeMutablePointer<Int64>,
                          scratch: UnsafeMutablePointer<Int64>) {
        let acc = scratch
        for o in 0..<nOut { acc[o] = biasAccum[o] }
        let count = stepOutput.count
        stepOutput.withUnsafeBufferPointer { so in
            stepInput.withUnsafeBufferPointer { si in
                stepWeight.withUnsafeBufferPointer { sw in
                    for k in 0..<count {
                        let i = Int(si[k])
                        let xi: Int64
                        if let g = gather {
                            let idx = Int(g[i])
                            xi = idx < 0 ? 0 : x[idx]
                        } else {
                            xi = x[i]
                        }
                        let o = Int(so[k])
                        let c = productToAccum.apply(Int128(xi) * Int128(sw[k]))
                        acc[o] = Int64(truncatingIfNeeded: sumToAccum.apply(Int128(acc[o]) + c))
                    }
                }
            }
        }
        for o in 0..<nOut { out[o] = toResult.apply(acc[o]) }
    }
}
