import CEmulatorKernels
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
// contributes exactly zero and is skipped (ReLU outputs are often zero): the nonzero inputs are
// compacted first without branches.
// - int32: W_accum <= 32 and every product plus the rounding half fits Int32 (checked from the actual
//   weights and the input format's range). Outputs are register-blocked (SIMD16/8/4 accumulators kept
//   over all inputs).
// - int16: int32 with inputs and weights that fit Int16, stored as Int16: sign-extended 16×16-bit
//   products compile to pmullw/pmulhw on baseline x86-64, which has no 32-bit lane multiply.
//   Conv with few filters vectorises over pixels instead (runPixels).
// - wrap16: accum_t of at most 16 bits with AP_TRN (or a left shift): only bits rs..rs+15 of each
//   32-bit product matter, so the whole product-cast-add runs on Int16 lanes, twice as many per
//   register as int16's Int32 accumulators: the product's low and high halves (pmullw, pmulhw) are
//   shifted together, and the 16-bit lane sums wrap exactly as accum_t does (W <= 16). A weight w with
//   w·2^(16-rs) in Int16 (most trained weights at hls4ml's defaults) can be stored so shifted, and its
//   term is then one high-half product, mulhi(x, w·2^(16-rs)) = floor(x·w / 2^rs); a layer whose wide
//   weights are few enough keeps them apart (Wrap16Tables). The kernels
//   (compaction, 64/32/16-output register blocks, widening) are C in CEmulatorKernels, built for
//   AVX2 and baseline x86-64.
// - int64: the same on Int64 (scalar).
// Otherwise (saturating accum_t, other rounding modes, ap_int accum_t with a right shift, or an
// irregular resource walk) the exact path replays hls4ml's steps in order with FixedCast on Int128.

/// A matrix-vector product with hls4ml's Dense/Conv numerics, precomputed for one layer.
struct MacEngine: Sendable {
    enum Path: Sendable { case wrap16, int16, int32, int64, exact }

    let nIn: Int
    let nOut: Int
    let path: Path

    // Fast paths: weights in Keras [in][out] layout, bias already cast to accum_t (wrapped raw).
    let weights16: [Int16]
    /// wrap16: the C kernels' tables (see Wrap16Tables).
    let wrap16: Wrap16Tables?
    let wrap16Mode: Wrap16Mode
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
    let toResult: FastCast

    // Exact path.
    let stepOutput: [Int32]
    let stepInput: [Int32]
    let stepWeight: [Int64]
    let productToAccum: FixedCast
    let sumToAccum: FixedCast
    let biasAccum: [Int64]

    /// How wrap16 takes accum_t's 16 bits out of a product's two halves.
    enum Wrap16Mode: Sendable {
        /// (p << ls) mod 2^16: the low half shifted left (ls < 16).
        case low(Int16)
        /// (p >> rs) mod 2^16 for 0 < rs < 16: high half << (16 - rs) | low half >>> rs.
        case split(Int16)
        /// (p >> rs) mod 2^16 for rs >= 16: the high half >> (rs - 16), at most 15.
        case high(Int16)
        /// ls >= 16: every product wraps to zero.
        case zero
    }

    /// Int64 scratch elements one `run` needs.
    /// (wrap16 needs (nIn + 9) / 2 + (nOut + 15) / 4 + 1 of them, the other paths more.)
    var scratchCount: Int { nIn + nOut + 8 }

    /// Precomputes a layer: `weights` raw in `weight` format, `[nIn][nOut]`; `bias` raw in `bias`.
    /// `allowed` limits the fast paths and `narrow` forces wrap16's pre-shifted weights on or off
    /// (tests compare each against the exact path).
    init(nIn: Int, nOut: Int, weights: [Int64], bias: [Int64], input: FixedFormat, weight: FixedFormat,
         biasFormat: FixedFormat, accum: FixedFormat, result: FixedFormat, steps: [AccumulationStep],
         layer: String, allowed: [Path] = [.wrap16, .int16, .int32, .int64], narrow: Bool? = nil) throws {
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
        toResult = FastCast(from: accum, to: result)
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
        let fast = wraps && roundingOK && plain && shiftsOK
        let can32 = fast && accum.width <= 32 && maxX <= Int128(Int32.max) && maxW <= Int128(Int32.max)
            && (rightShift == 0 || maxProduct <= Int128(Int32.max)) && leftShift < 31
        let can16 = can32 && input.minRaw >= Int128(Int16.min) && input.maxRaw <= Int128(Int16.max)
            && weights.allSatisfy { $0 >= Int64(Int16.min) && $0 <= Int64(Int16.max) }
        let can64 = fast && (rightShift == 0 || maxProduct <= Int128(Int64.max))
        // Any product of two Int16 fits 32 bits, so the halves are exact whatever the shift.
        let canWrap16 = wraps && plain && accum.width <= 16 && nIn < 1 << 16 && halfValue == 0 && roundingOK
            && input.minRaw >= Int128(Int16.min) && input.maxRaw <= Int128(Int16.max)
            && weights.allSatisfy { $0 >= Int64(Int16.min) && $0 <= Int64(Int16.max) }
        if canWrap16 && allowed.contains(.wrap16) {
            path = .wrap16
        } else if can16 && allowed.contains(.int16) {
            path = .int16
        } else if can32 && allowed.contains(.int32) {
            path = .int32
        } else if can64 && allowed.contains(.int64) {
            path = .int64
        } else {
            path = .exact
        }
        // wrap16 keeps the int16 tables too: Conv's pixel form (runPixels) uses them.
        let int16Tables = (path == .int16 || path == .wrap16) && can16
        weights16 = int16Tables ? weights.map { Int16(truncatingIfNeeded: $0) } : []
        weights32 = path == .int32 ? weights.map { Int32(truncatingIfNeeded: $0) } : []
        bias32 = path == .int32 || int16Tables ? biasAccum.map { Int32(truncatingIfNeeded: $0) } : []
        let rs = rightShift, ls = leftShift
        let mode: Wrap16Mode = ls >= 16 ? .zero : ls > 0 || rs == 0 ? .low(Int16(ls))
            : rs < 16 ? .split(Int16(rs)) : .high(Int16(min(rs - 16, 15)))
        wrap16Mode = mode
        wrap16 = path == .wrap16
            ? Wrap16Tables(weights: weights, bias: biasAccum, nIn: nIn, nOut: nOut, mode: mode, narrow: narrow) : nil
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

    /// Which compiled variant the wrap16 kernels run on this thread: "avx2" or "baseline" (see
    /// CEmulatorKernels).
    static var kernelVariant: String { String(cString: cek_wrap16_variant()) }

    /// Runs `body` with the baseline (SSE2/scalar) wrap16 kernels even where AVX2 exists, so tests
    /// hold both variants to the exact path. The switch holds for the calling thread only.
    static func withKernels<T>(baseline: Bool, _ body: () throws -> T) rethrows -> T {
        let was = cek_use_baseline(baseline ? 1 : 0)
        defer { _ = cek_use_baseline(was) }
        return try body()
    }

    /// 1 when `v` is nonzero, else 0, as arithmetic: LLVM turns `v != 0 ? 1 : 0` into a branch here,
    /// which mispredicts on ReLU outputs (measured: the compaction loop took 45% of a Dense layer).
    @inline(__always)
    static func isNonzero(_ v: Int16) -> Int {
        Int(truncatingIfNeeded: (UInt32(UInt16(bitPattern: v)) &+ 0xFFFF) &>> 16)
    }

    /// The wrapped accumulator as a canonical accum_t raw value.
    @inline(__always)
    func canonical(_ v: Int64) -> Int64 {
        accumSigned ? (v &<< Int64(accumExtend)) &>> Int64(accumExtend) : v & accumMask
    }

    /// Computes one vector: inputs are `x[i]`, or with `gather` `x[gather[i]]` (a negative index reads
    /// zero: padding). Writes `nOut` result raws to `out`. With `relu`, also writes relu(y) there (a
    /// following ReLU layer fused in, see DenseKernel).
    @inline(__always)
    func run(x: UnsafePointer<Int64>, gather: UnsafePointer<Int32>?, out: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>, relu: UnsafeMutablePointer<Int64>? = nil) {
        switch path {
        case .wrap16:
            runWrap16(x: x, gather: gather, out: out, scratch: scratch, relu: relu)
            return
        case .int16: run16(x: x, gather: gather, out: out, scratch: scratch)
        case .int32: run32(x: x, gather: gather, out: out, scratch: scratch)
        case .int64: run64(x: x, gather: gather, out: out, scratch: scratch)
        case .exact: runExact(x: x, gather: gather, out: out, scratch: scratch)
        }
        if let relu { for o in 0..<nOut { relu[o] = max(out[o], 0) } }
    }

    /// `run` over `rows` vectors: x rows of nIn, out (and relu) rows of nOut. A wrap16 layer whose
    /// result type is accum_t itself (hls4ml's default) runs as one C call.
    @inline(__always)
    func runRows(_ rows: Int, x: UnsafePointer<Int64>, out: UnsafeMutablePointer<Int64>,
                 scratch: UnsafeMutablePointer<Int64>, relu: UnsafeMutablePointer<Int64>?) {
        guard path == .wrap16 && toResult.isIdentity && accumSigned && accumExtend == 48 else {
            for r in 0..<rows {
                run(x: x + r * nIn, gather: nil, out: out + r * nOut, scratch: scratch, relu: relu.map { $0 + r * nOut })
            }
            return
        }
        let packed = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: UInt32.self)
        let acc = UnsafeMutableRawPointer(scratch + (nIn + 9) / 2).assumingMemoryBound(to: Int16.self)
        cek_wrap16_rows(wrap16!.layer, x, rows, out, relu, packed, acc)
    }

    /// y[o] = result(canonical accumulator): the common casts as branch-free loops (the mode switch
    /// hoisted out), anything else through FixedCast.
    @inline(__always)
    private func finish<T: FixedWidthInteger>(_ acc: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<Int64>,
                                              relu: UnsafeMutablePointer<Int64>? = nil) {
        let nOut = self.nOut
        let e = Int64(accumExtend)
        if toResult.isIdentity && accumSigned && accumExtend == 64 - T.bitWidth {
            // accum_t == result_t (hls4ml's default) and W is the accumulator's own width: a plain
            // sign extension, and a fused ReLU is a max on the narrow lanes.
            if T.self == Int16.self {
                cek_widen16(UnsafeRawPointer(acc).assumingMemoryBound(to: Int16.self), out, relu, nOut)
                return
            }
            if let relu {
                for o in 0..<nOut {
                    let a = acc[o]
                    out[o] = Int64(a)
                    relu[o] = Int64(max(a, 0))
                }
            } else {
                for o in 0..<nOut { out[o] = Int64(acc[o]) }
            }
            return
        }
        defer { if let relu { for o in 0..<nOut { relu[o] = max(out[o], 0) } } }
        if toResult.isIdentity && accumSigned {
            // Only the sign extension from W bits.
            for o in 0..<nOut { out[o] = (Int64(acc[o]) &<< e) &>> e }
            return
        }
        guard let c = toResult.simple, accumSigned else {
            for o in 0..<nOut { out[o] = toResult.apply(canonical(Int64(acc[o]))) }
            return
        }
        let h = c.half, rs = c.rightShift, ls = c.leftShift
        switch c.overflow {
        case .wrapSigned:
            let x = c.extend
            for o in 0..<nOut {
                let v = (Int64(acc[o]) &<< e) &>> e
                out[o] = ((((v &+ h) &>> rs) &<< ls) &<< x) &>> x
            }
        case .wrapUnsigned:
            let mask = c.mask
            for o in 0..<nOut {
                let v = (Int64(acc[o]) &<< e) &>> e
                out[o] = (((v &+ h) &>> rs) &<< ls) & mask
            }
        case .saturate:
            let lo = c.low, hi = c.high
            for o in 0..<nOut {
                let v = (Int64(acc[o]) &<< e) &>> e
                out[o] = min(max(((v &+ h) &>> rs) &<< ls, lo), hi)
            }
        }
    }

    /// Pixels padded to whole SIMD16 blocks for `runPixels`.
    static func paddedPixels(_ pixels: Int) -> Int { (pixels + 15) & ~15 }

    /// Int64 scratch elements `runPixels` needs for `pixels` pixels of an `inSize`-value sample.
    func pixelScratchCount(pixels: Int, inSize: Int) -> Int { (nIn * Self.paddedPixels(pixels) + inSize + 1 + 3) / 4 + 1 }

    /// The transposed im2col table `runPixels` takes: `[nIn][paddedPixels]` offsets into a sample, with
    /// padding (and the pad lanes) pointing at `inSize`, a zero slot.
    static func transposedGather(_ gather: [Int32], pixels: Int, nIn: Int, inSize: Int) -> [Int32] {
        let pp = paddedPixels(pixels)
        var t = [Int32](repeating: Int32(inSize), count: nIn * pp)
        for p in 0..<pixels {
            for i in 0..<nIn where gather[p * nIn + i] >= 0 { t[i * pp + p] = gather[p * nIn + i] }
        }
        return t
    }

    /// Every pixel of one sample at once (Conv with few filters, Int16 path only): the im2col matrix is
    /// built transposed, [input][pixel], and each filter's sum is vectorised over 16 pixels with its
    /// weight broadcast — the per-pixel form would leave most SIMD lanes idle for 2–8 filters.
    /// `gatherT` comes from `transposedGather`; writes `out[p · nOut + f]`.
    func runPixels(x: UnsafePointer<Int64>, inSize: Int, gatherT: UnsafePointer<Int32>, pixels: Int,
                   out: UnsafeMutablePointer<Int64>, scratch: UnsafeMutablePointer<Int64>) {
        precondition(!weights16.isEmpty, "runPixels needs the Int16 tables")
        let nIn = self.nIn, nOut = self.nOut, pp = Self.paddedPixels(pixels)
        scratch.withMemoryRebound(to: Int16.self, capacity: nIn * pp + inSize + 1) { s16 in
            // The sample as Int16 with a zero slot at the end, then the transposed im2col by table.
            let x16 = s16 + nIn * pp, xt = s16
            for k in 0..<inSize { x16[k] = Int16(truncatingIfNeeded: x[k]) }
            x16[inSize] = 0
            for k in 0..<(nIn * pp) { xt[k] = x16[Int(gatherT[k])] }
            weights16.withUnsafeBufferPointer { wb in
                bias32.withUnsafeBufferPointer { bb in
                    let w = wb.baseAddress!
                    let h = SIMD16<Int32>(repeating: Int32(truncatingIfNeeded: half))
                    let rs = Int32(rightShift), ls = Int32(leftShift), plain = half == 0 && leftShift == 0
                    for pb in stride(from: 0, to: pp, by: 16) {
                        let lanes = min(16, pixels - pb)
                        for f in 0..<nOut {
                            var a = SIMD16<Int32>(repeating: bb[f])
                            if plain {
                                for i in 0..<nIn {
                                    let xv = SIMD16<Int32>(widening: UnsafeRawPointer(xt + i * pp + pb).loadUnaligned(as: SIMD16<Int16>.self))
                                    a &+= (xv &* SIMD16<Int32>(widening: SIMD16<Int16>(repeating: w[i * nOut + f]))) &>> rs
                                }
                            } else {
                                for i in 0..<nIn {
                                    let xv = SIMD16<Int32>(widening: UnsafeRawPointer(xt + i * pp + pb).loadUnaligned(as: SIMD16<Int16>.self))
                                    let p = xv &* SIMD16<Int32>(widening: SIMD16<Int16>(repeating: w[i * nOut + f]))
                                    a &+= ((p &+ h) &>> rs) &<< ls
                                }
                            }
                            for l in 0..<lanes { out[(pb + l) * nOut + f] = toResult.apply(canonical(Int64(a[l]))) }
                        }
                    }
                }
            }
        }
    }

    private func runWrap16(x: UnsafePointer<Int64>, gather: UnsafePointer<Int32>?, out: UnsafeMutablePointer<Int64>,
                           scratch: UnsafeMutablePointer<Int64>, relu: UnsafeMutablePointer<Int64>?) {
        // packed[nIn + 8] UInt32: the nonzero inputs with their row (see cek_wrap16_compact) | acc[padded]
        // as Int16.
        let packed = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: UInt32.self)
        let count = cek_wrap16_compact(x, gather, nIn, packed)
        (scratch + (nIn + 9) / 2).withMemoryRebound(to: Int16.self, capacity: wrap16!.padded) { acc in
            cek_wrap16_accumulate(wrap16!.layer, packed, count, x, gather, acc)
            finish(acc, out, relu: relu)
        }
    }

    private func run16(x: UnsafePointer<Int64>, gather: UnsafePointer<Int32>?, out: UnsafeMutablePointer<Int64>,
                       scratch: UnsafeMutablePointer<Int64>) {
        let nIn = self.nIn, nOut = self.nOut
        scratch.withMemoryRebound(to: Int32.self, capacity: 2 * (nIn + nOut)) { s32 in
            // acc[nOut] | rows[nIn] (weight-row offsets of the nonzero inputs) | xv[nIn] as Int16.
            let acc = s32, rows = s32 + nOut
            (s32 + nOut + nIn).withMemoryRebound(to: Int16.self, capacity: nIn) { xv in
                // Branch-free compaction of the nonzero inputs: zero inputs contribute exactly zero, and
                // skipping them with a branch mispredicts on ReLU outputs.
                // Wrapping arithmetic: no overflow checks on the count chain.
                var count = 0
                if let g = gather {
                    for i in 0..<nIn {
                        let k = Int(g[i])
                        let v = k < 0 ? 0 : Int16(truncatingIfNeeded: x[k])
                        xv[count] = v
                        rows[count] = Int32(truncatingIfNeeded: i &* nOut)
                        count &+= Self.isNonzero(v)
                    }
                } else {
                    for i in 0..<nIn {
                        let v = Int16(truncatingIfNeeded: x[i])
                        xv[count] = v
                        rows[count] = Int32(truncatingIfNeeded: i &* nOut)
                        count &+= Self.isNonzero(v)
                    }
                }
                weights16.withUnsafeBufferPointer { wb in
                    bias32.withUnsafeBufferPointer { bb in
                        let w = wb.baseAddress!, b = bb.baseAddress!
                        let h = Int32(truncatingIfNeeded: half), rs = Int32(rightShift), ls = Int32(leftShift)
                        var o = 0
                        while o + 16 <= nOut {
                            Self.block16(SIMD16<Int32>.self, o, count, xv, rows, w, b, acc, h, rs, ls)
                            o += 16
                        }
                        if o + 8 <= nOut {
                            Self.block16(SIMD8<Int32>.self, o, count, xv, rows, w, b, acc, h, rs, ls)
                            o += 8
                        }
                        if o + 4 <= nOut {
                            Self.block16(SIMD4<Int32>.self, o, count, xv, rows, w, b, acc, h, rs, ls)
                            o += 4
                        }
                        while o < nOut {
                            var a = b[o]
                            for k in 0..<count {
                                a &+= ((Int32(xv[k]) &* Int32(w[Int(rows[k]) + o]) &+ h) &>> rs) &<< ls
                            }
                            acc[o] = a
                            o += 1
                        }
                    }
                }
            }
            finish(acc, out)
        }
    }

    /// Outputs `o..<o+V.scalarCount` over the `count` compacted nonzero inputs, with Int16 operands: the
    /// sign-extended 16×16 → 32-bit products map to pmullw/pmulhw even on baseline x86-64, where a
    /// 32-bit lane multiply is not available.
    @inline(__always)
    private static func block16<V: WidenedLanes>(
        _: V.Type, _ o: Int, _ count: Int, _ xv: UnsafeMutablePointer<Int16>, _ rows: UnsafeMutablePointer<Int32>,
        _ w: UnsafePointer<Int16>, _ b: UnsafePointer<Int32>, _ acc: UnsafeMutablePointer<Int32>, _ h: Int32,
        _ rs: Int32, _ ls: Int32
    ) {
        var a = UnsafeRawPointer(b + o).loadUnaligned(as: V.self)
        let hv = V(repeating: h)
        if ls == 0 && h == 0 {
            // AP_TRN: a plain arithmetic shift per product (the common case; one add fewer).
            for k in 0..<count {
                let wv = V(widening: UnsafeRawPointer(w + Int(rows[k]) + o).loadUnaligned(as: V.Narrow.self))
                a &+= (V(widening: V.Narrow(repeating: xv[k])) &* wv) &>> rs
            }
        } else if ls == 0 {
            for k in 0..<count {
                let wv = V(widening: UnsafeRawPointer(w + Int(rows[k]) + o).loadUnaligned(as: V.Narrow.self))
                a &+= (V(widening: V.Narrow(repeating: xv[k])) &* wv &+ hv) &>> rs
            }
        } else {
            for k in 0..<count {
                let wv = V(widening: UnsafeRawPointer(w + Int(rows[k]) + o).loadUnaligned(as: V.Narrow.self))
                a &+= (V(widening: V.Narrow(repeating: xv[k])) &* wv) &<< ls
            }
        }
        UnsafeMutableRawPointer(acc + o).storeBytes(of: a, as: V.self)
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
                    let w = wb.baseAddress!, b = bb.baseAddress!
                    let h = Int32(truncatingIfNeeded: half), rs = Int32(rightShift), ls = Int32(leftShift)
                    // Register blocking: a block of outputs stays in one SIMD accumulator over all inputs.
                    var o = 0
                    while o + 16 <= nOut {
                        Self.block(SIMD16<Int32>.self, o, nIn, nOut, xv, w, b, acc, h, rs, ls)
                        o += 16
                    }
                    if o + 8 <= nOut {
                        Self.block(SIMD8<Int32>.self, o, nIn, nOut, xv, w, b, acc, h, rs, ls)
                        o += 8
                    }
                    if o + 4 <= nOut {
                        Self.block(SIMD4<Int32>.self, o, nIn, nOut, xv, w, b, acc, h, rs, ls)
                        o += 4
                    }
                    while o < nOut {
                        var a = b[o]
                        for i in 0..<nIn {
                            a &+= ((xv[i] &* w[i * nOut + o] &+ h) &>> rs) &<< ls
                        }
                        acc[o] = a
                        o += 1
                    }
                }
            }
            finish(acc, out)
        }
    }

    /// Outputs `o..<o+V.scalarCount`: acc = bias + Σ_i ((x_i·w_io + h) >> rs) << ls on Int32 lanes,
    /// skipping zero inputs (their products are exactly zero).
    @inline(__always)
    private static func block<V: SIMD>(
        _: V.Type, _ o: Int, _ nIn: Int, _ nOut: Int, _ xv: UnsafeMutablePointer<Int32>, _ w: UnsafePointer<Int32>,
        _ b: UnsafePointer<Int32>, _ acc: UnsafeMutablePointer<Int32>, _ h: Int32, _ rs: Int32, _ ls: Int32
    ) where V.Scalar == Int32 {
        var a = UnsafeRawPointer(b + o).loadUnaligned(as: V.self)
        let hv = V(repeating: h)
        if ls == 0 {
            for i in 0..<nIn {
                let xi = xv[i]
                if xi == 0 { continue }
                let wv = UnsafeRawPointer(w + i * nOut + o).loadUnaligned(as: V.self)
                a &+= (V(repeating: xi) &* wv &+ hv) &>> rs
            }
        } else {
            for i in 0..<nIn {
                let xi = xv[i]
                if xi == 0 { continue }
                let wv = UnsafeRawPointer(w + i * nOut + o).loadUnaligned(as: V.self)
                a &+= (V(repeating: xi) &* wv) &<< ls
            }
        }
        UnsafeMutableRawPointer(acc + o).storeBytes(of: a, as: V.self)
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

/// Int32 SIMD lanes with their Int16 counterpart, for sign-extending loads.
protocol WidenedLanes: SIMD where Scalar == Int32 {
    associatedtype Narrow: SIMD where Narrow.Scalar == Int16
    init(widening: Narrow)
}

// Lane-by-lane sign extension: LLVM turns it into one vector sext (the stdlib's generic
// init(truncatingIfNeeded:) stayed an out-of-line call), and a multiply of two sexts into 16-bit
// multiplies.
extension SIMD16: WidenedLanes where Scalar == Int32 {
    @inline(__always) init(widening n: SIMD16<Int16>) {
        self.init(lowHalf: SIMD8<Int32>(widening: n.lowHalf), highHalf: SIMD8<Int32>(widening: n.highHalf))
    }
}

extension SIMD8: WidenedLanes where Scalar == Int32 {
    @inline(__always) init(widening n: SIMD8<Int16>) {
        self.init(Int32(n[0]), Int32(n[1]), Int32(n[2]), Int32(n[3]), Int32(n[4]), Int32(n[5]), Int32(n[6]), Int32(n[7]))
    }
}

extension SIMD4: WidenedLanes where Scalar == Int32 {
    @inline(__always) init(widening n: SIMD4<Int16>) {
        self.init(Int32(n[0]), Int32(n[1]), Int32(n[2]), Int32(n[3]))
    }
}

/// wrap16's tables in one allocation, with the C kernels' description of the layer pointing into it
/// (built once, so a call passes one pointer).
final class Wrap16Tables: @unchecked Sendable {  // immutable after init
    let padded: Int
    /// SPLIT_NARROW was chosen: most weights pre-shifted, the wide ones apart.
    let narrow: Bool
    let layer: UnsafeMutablePointer<cek_wrap16_layer>
    private let storage: UnsafeMutableRawPointer

    /// `weights` `[nIn][nOut]` raws (in Int16 range), `bias` accum_t raws. `narrow` nil: pre-shift
    /// when fewer than a third of the (input row, 16-output group) pairs hold a weight too wide for it
    /// (each such pair costs a split term for every input, zero or not; a pre-shifted one is a third
    /// of the work of a split term, and only nonzero inputs do it).
    init(weights: [Int64], bias: [Int64], nIn: Int, nOut: Int, mode: MacEngine.Wrap16Mode, narrow: Bool?) {
        let padded = (nOut + 15) & ~15, groups = padded / 16
        self.padded = padded
        var cMode: Int32, shift: Int32
        switch mode {
        case .low(let s): (cMode, shift) = (Int32(CEK_WRAP16_LOW), Int32(s))
        case .split(let s): (cMode, shift) = (Int32(CEK_WRAP16_SPLIT), Int32(s))
        case .high(let s): (cMode, shift) = (Int32(CEK_WRAP16_HIGH), Int32(s))
        case .zero: (cMode, shift) = (Int32(CEK_WRAP16_ZERO), 0)
        }
        // Pre-shifted weights and the (row, group) pairs holding a wide one.
        let b = 16 - Int(shift)
        func isWide(_ w: Int64) -> Bool { w << b < Int64(Int16.min) || w << b > Int64(Int16.max) }
        var wideRows: [[UInt16]] = Array(repeating: [], count: groups)
        if case .split = mode {
            for g in 0..<groups {
                for i in 0..<nIn where (16 * g..<min(16 * g + 16, nOut)).contains(where: { isWide(weights[i * nOut + $0]) }) {
                    wideRows[g].append(UInt16(i))
                }
            }
        }
        let wideCount = wideRows.reduce(0) { $0 + $1.count }
        let useNarrow: Bool
        if case .split = mode { useNarrow = narrow ?? (3 * wideCount < nIn * groups) } else { useNarrow = false }
        self.narrow = useNarrow
        if useNarrow { cMode = Int32(CEK_WRAP16_SPLIT_NARROW) }
        // Layout: weights | bias | wide | wide_start | wide_rows, 32-byte aligned.
        let table = nIn * padded * 2
        let sizes = [table, padded * 2, useNarrow ? table : 0, useNarrow ? (groups + 1) * 4 : 0, useNarrow ? wideCount * 2 : 0]
        var offsets: [Int] = [], total = 0
        for size in sizes {
            offsets.append(total)
            total += (size + 31) & ~31
        }
        storage = UnsafeMutableRawPointer.allocate(byteCount: max(total, 32), alignment: 32)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: max(total, 32))
        let w = (storage + offsets[0]).assumingMemoryBound(to: Int16.self)
        let bp = (storage + offsets[1]).assumingMemoryBound(to: Int16.self)
        let wide = (storage + offsets[2]).assumingMemoryBound(to: Int16.self)
        let start = (storage + offsets[3]).assumingMemoryBound(to: Int32.self)
        let rows = (storage + offsets[4]).assumingMemoryBound(to: UInt16.self)
        for i in 0..<nIn {
            for o in 0..<nOut {
                let v = weights[i * nOut + o]
                if !useNarrow {
                    w[i * padded + o] = Int16(truncatingIfNeeded: v)
                } else if isWide(v) {
                    wide[i * padded + o] = Int16(truncatingIfNeeded: v)
                } else {
                    w[i * padded + o] = Int16(truncatingIfNeeded: v << b)
                }
            }
        }
        for o in 0..<nOut { bp[o] = Int16(truncatingIfNeeded: bias[o]) }
        if useNarrow {
            var k = 0
            for g in 0..<groups {
                start[g] = Int32(k)
                for r in wideRows[g] {
                    rows[k] = r
                    k += 1
                }
            }
            start[groups] = Int32(k)
        }
        layer = .allocate(capacity: 1)
        layer.initialize(to: cek_wrap16_layer(
            mode: cMode, shift: shift, n_in: nIn, n_out: nOut, padded: padded, weights: w, bias: bp,
            wide: useNarrow ? UnsafePointer(wide) : nil, wide_rows: useNarrow ? UnsafePointer(rows) : nil,
            wide_start: useNarrow ? UnsafePointer(start) : nil))
    }

    deinit {
        layer.deallocate()
        storage.deallocate()
    }
}
