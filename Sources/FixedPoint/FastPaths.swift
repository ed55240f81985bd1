// Fast paths: Double -> raw on Int64, and precomputed raw -> raw casts on Int64 / Int128.
//
// They compute the same function as the reference path (FixedFormat+Conversion.swift) and fall back
// to it for anything unusual (huge or non-finite inputs, AP_WRAP with N > 0 and AP_WRAP_SM out of
// range, shifts beyond the word). The differential test holds both paths against ap_types.
//
// Why the Double path may use floating point: x * 2^F is exact whenever it is a normal Double (a
// power-of-two scaling), and below 2^62 the truncation Int64(t) and the remainder t - Double(i) are
// exact too, so every rounding decision is made on exact quantities. Within |F| <= 960 ap_types'
// subnormal quirk cannot change a result (both the true and the quirky value are far below half an
// LSB, with the same sign).

extension FixedFormat {
    /// Quantizes like `quantize` into an Int64; requires `fitsInt64`. Meant for per-element loops:
    /// inlinable, no Int128 on the common path.
    @inlinable
    public func quantize64(_ x: Double) -> Int64 {
        precondition(fitsInt64, "quantize64 needs a format whose raw values fit Int64 (fitsInt64)")
        let t = x * q64Scale
        let a = t.magnitude
        guard a < q64High && a >= q64Low else { return quantize64Slow(x) }
        let i = Int64(t)
        let f = t - Double(i)
        var r: Int64
        // Decisions as 0/1 integers, not branches: the sign of the data is random, so a branch
        // would mispredict about half the time.
        switch q64Rounding {
        case .trn: r = i &- one(f < 0)
        case .trnZero: r = i
        case .rnd: r = i &+ one(f >= 0.5) &- one(f < -0.5)
        case .rndZero: r = i &+ one(f > 0.5) &- one(f < -0.5)
        case .rndMinInf: r = i &+ one(f > 0.5) &- one(f <= -0.5)
        case .rndInf: r = i &+ one(f >= 0.5) &- one(f <= -0.5)
        case .rndConv:
            // Adding and removing 1.5 * 2^52 rounds to an integer half-to-even, exactly, for
            // |t| <= 2^51 (q64High is 2^51 for this mode); tests on f would compile to branches.
            r = Int64((t + 0x1.8p52) - 0x1.8p52)
        case .apInt:
            // i is 0 whenever -0.5 < t < 0, so OR-ing in 1 there gives exactly 1.
            r = i | (one(t < 0) & one(t > -0.5))
        }
        switch q64Overflow {
        case .wrap:
            r = isSigned ? (r &<< wrapShift64) &>> wrapShift64 : r & max64
        case .clamp:
            r = Swift.min(Swift.max(r, clampLow64), max64)
        case .zero:
            if r > max64 || r < min64 { r = 0 }
        case .other:
            if r > max64 || r < min64 { return quantize64Slow(x) }
        }
        return r
    }

    /// Quantizes a buffer (the count of the shorter buffer); requires `fitsInt64`.
    @inlinable
    public func quantize64(_ input: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Int64>) {
        let n = Swift.min(input.count, output.count)
        guard let (scale, low, high) = truncWrapFastPath else {
            for k in 0..<n { output[k] = quantize64(input[k]) }
            return
        }
        // ap_fixed's default modes (AP_TRN, AP_WRAP) with the mode switch out of the loop: floor,
        // then sign-extend (signed) or mask (unsigned) to W bits. Out-of-range inputs take the
        // element-wise path.
        let shift = isSigned ? wrapShift64 : 0, mask = isSigned ? -1 : max64
        for k in 0..<n {
            let t = input[k] * scale, a = t.magnitude
            if a < high && a >= low {
                let i = Int64(t)
                let r = i &- one(t < Double(i))
                output[k] = ((r &<< shift) &>> shift) & mask
            } else {
                output[k] = quantize64Slow(input[k])
            }
        }
    }

    /// quantize64's branch-free form for AP_TRN with AP_WRAP, for vectorised callers (the emulator's C
    /// kernels); nil for other modes. A value x with low <= |x·scale| < high quantizes to
    /// floor(x·scale) wrapped to `width` bits (sign-extended when signed); any other (NaN, too large,
    /// too small to scale exactly) needs `quantize64`.
    public var truncWrapFastPath: (scale: Double, low: Double, high: Double)? {
        guard q64Rounding == .trn && q64Overflow == .wrap && q64High > 0 else { return nil }
        return (q64Scale, q64Low, q64High)
    }

    @usableFromInline
    func quantize64Slow(_ x: Double) -> Int64 {
        Int64(truncatingIfNeeded: quantizeReference(x))
    }

    /// Converts like `convert` on Int64 raw values; requires both formats to satisfy `fitsInt64`.
    /// Builds a `FixedCast` per call: in loops, build one `FixedCast` and call `apply`.
    public func convert64(_ raw: Int64, from source: FixedFormat) -> Int64 {
        precondition(fitsInt64 && source.fitsInt64, "convert64 needs both formats to satisfy fitsInt64")
        return FixedCast(from: source, to: self).apply(raw)
    }
}

/// 1 or 0: lets rounding decisions compile to flag moves instead of branches.
@inlinable @inline(__always)
func one<T: FixedWidthInteger>(_ condition: Bool) -> T { condition ? 1 : 0 }

/// A conversion between two formats with its shifts, masks and bounds precomputed, so a loop can
/// call `apply` per element with no format logic left (same results as `FixedFormat.convert`).
public struct FixedCast: Hashable, Sendable {
    /// The format of the raw values given to `apply`.
    public let source: FixedFormat
    /// The format of the results.
    public let target: FixedFormat

    @usableFromInline let kind64: Kind
    @usableFromInline let kind128: Kind
    /// d = F2 - F when positive: bits dropped (with rounding).
    @usableFromInline let rightShift: Int
    /// -d when positive: alignment shift to the left (no rounding).
    @usableFromInline let leftShift: Int
    /// Whether a left-shifted raw may leave the word (then it is checked per element).
    @usableFromInline let checkLeft64: Bool
    @usableFromInline let checkLeft128: Bool
    @usableFromInline let rounding: FastRounding
    @usableFromInline let overflowRule: FastOverflow
    @usableFromInline let max128: Int128
    @usableFromInline let min128: Int128
    @usableFromInline let clampLow128: Int128
    @usableFromInline let wrapShift: Int
    /// Integer targets: the source's I2 (ap_int truncation) and F2.
    @usableFromInline let sourceIntegerBits: Int
    @usableFromInline let sourceFraction: Int

    @usableFromInline
    enum Kind: UInt8, Sendable {
        /// Fixed-point target, word-sized arithmetic.
        case fixed
        /// ap_int/ap_uint target, word-sized arithmetic.
        case integer
        /// The reference path.
        case general
    }

    /// Precomputes the conversion of `source` raw values into `target`.
    public init(from source: FixedFormat, to target: FixedFormat) {
        self.source = source
        self.target = target
        let d = source.fractionBits - target.fractionBits
        rightShift = Swift.max(d, 0)
        leftShift = Swift.max(-d, 0)
        let s2 = source.isSigned
        // Significant bits of a source raw value as a signed number.
        let sourceBits = source.width + (s2 ? 0 : 1)
        checkLeft64 = sourceBits + leftShift > 64
        checkLeft128 = sourceBits + leftShift > 128
        let rounds = d > 0 && target.quantization != .trn && !(target.quantization == .trnZero && !s2)
        rounding = rounds ? FastRounding(target.quantization) : .trn
        sourceIntegerBits = source.integerBits
        sourceFraction = source.fractionBits
        wrapShift = 128 - target.width  // Int64 users subtract 64
        max128 = target.maxRaw
        min128 = target.minRaw
        let w = target.width

        let i2 = source.integerBits
        let mayGrow = rounds || (s2 && target.overflow == .satSym)
        let check = (target.overflow != .wrap || target.saturationBits != 0)
            && ((!target.isSigned && s2)
                || target.integerBits - (target.isSigned ? 1 : 0) < i2 - (s2 ? 1 : 0) + (mayGrow ? 1 : 0))
        if target.isInteger || !check {
            overflowRule = .wrap
        } else {
            switch target.overflow {
            case .sat, .satSym: overflowRule = .clamp
            case .satZero: overflowRule = .zero
            case .wrap, .wrapSM: overflowRule = .other
            }
        }
        let sym = target.overflow == .satSym && s2 && target.isSigned && w > 1
        clampLow128 = sym ? min128 + 1 : min128

        func kind(wordBits: Int) -> Kind {
            let fits: (FixedFormat) -> Bool = { $0.isSigned ? $0.width <= wordBits : $0.width < wordBits }
            guard fits(source), fits(target) else { return .general }
            if target.isInteger {
                return .integer
            }
            // The half bit and the remainder mask must fit the word; a left shift must be < word.
            return d <= wordBits - 2 && -d < wordBits ? .fixed : .general
        }
        kind64 = kind(wordBits: 64)
        kind128 = kind(wordBits: 128)
    }

    /// Converts one raw value of `source` (canonical: within the source's raw range) into `target`.
    @inlinable
    public func apply(_ raw: Int64) -> Int64 {
        switch kind64 {
        case .fixed:
            return fixedCore(
                raw, checkLeft: checkLeft64, max: Int64(truncatingIfNeeded: max128),
                min: Int64(truncatingIfNeeded: min128), clampLow: Int64(truncatingIfNeeded: clampLow128),
                wrapShift: wrapShift - 64) ?? applySlow64(raw)
        case .integer:
            return integerCore(raw, wrapShift: wrapShift - 64, mask: Int64(truncatingIfNeeded: max128))
        case .general:
            return applySlow64(raw)
        }
    }

    /// Converts one raw value of `source` (any width up to 128) into `target`.
    @inlinable
    public func apply(_ raw: Int128) -> Int128 {
        switch kind128 {
        case .fixed:
            return fixedCore(
                raw, checkLeft: checkLeft128, max: max128, min: min128, clampLow: clampLow128,
                wrapShift: wrapShift) ?? target.convertReference(raw, from: source)
        case .integer:
            return integerCore(raw, wrapShift: wrapShift, mask: max128)
        case .general:
            return target.convertReference(raw, from: source)
        }
    }

    /// Converts a buffer of raw values (the count of the shorter buffer).
    @inlinable
    public func apply(_ input: UnsafeBufferPointer<Int64>, into output: UnsafeMutableBufferPointer<Int64>) {
        let n = Swift.min(input.count, output.count)
        for k in 0..<n { output[k] = apply(input[k]) }
    }

    /// Converts a buffer of Int128 raw values (the count of the shorter buffer).
    @inlinable
    public func apply(_ input: UnsafeBufferPointer<Int128>, into output: UnsafeMutableBufferPointer<Int128>) {
        let n = Swift.min(input.count, output.count)
        for k in 0..<n { output[k] = apply(input[k]) }
    }

    @usableFromInline
    func applySlow64(_ raw: Int64) -> Int64 {
        Int64(truncatingIfNeeded: target.convertReference(Int128(raw), from: source))
    }

    /// Fixed-point target on a word; nil when the general path must decide.
    @inlinable @inline(__always)
    func fixedCore<T: FixedWidthInteger & SignedInteger>(
        _ raw: T, checkLeft: Bool, max: T, min: T, clampLow: T, wrapShift: Int
    ) -> T? {
        var r: T
        if rightShift > 0 {
            let floor = raw &>> T(rightShift)
            let half = T(1) &<< T(rightShift - 1)
            let frac = raw & ((half &<< 1) &- 1)
            switch rounding {
            case .trn, .apInt: r = floor
            case .rnd: r = floor &+ one(frac >= half)
            case .rndZero: r = floor &+ (one(frac > half) | (one(frac == half) & one(raw < 0)))
            case .rndMinInf: r = floor &+ one(frac > half)
            case .rndInf: r = floor &+ (one(frac > half) | (one(frac == half) & one(raw >= 0)))
            case .rndConv: r = floor &+ (one(frac > half) | (one(frac == half) & floor & 1))
            case .trnZero: r = floor &+ (one(raw < 0) & one(frac != 0))
            }
        } else if leftShift > 0 {
            r = raw &<< T(leftShift)
            if checkLeft && (r &>> T(leftShift)) != raw { return nil }
        } else {
            r = raw
        }
        switch overflowRule {
        case .wrap:
            return target.isSigned ? (r &<< T(wrapShift)) &>> T(wrapShift) : r & max
        case .clamp:
            return Swift.min(Swift.max(r, clampLow), max)
        case .zero:
            return r > max || r < min ? 0 : r
        case .other:
            return r > max || r < min ? nil : r
        }
    }

    /// ap_int/ap_uint target on a word: truncation toward zero, then wrap (see the reference path).
    @inlinable @inline(__always)
    func integerCore<T: FixedWidthInteger & SignedInteger>(_ raw: T, wrapShift: Int, mask: T) -> T {
        var r: T
        if sourceIntegerBits <= 0 {
            r = source.isSigned && raw < 0 ? -1 : 0
        } else if sourceFraction >= 0 {
            r = raw &>> T(sourceFraction)
            let low = (T(1) &<< T(sourceFraction)) &- 1
            r = r &+ (one(raw < 0) & one(raw & low != 0))
        } else {
            let k = -sourceFraction
            r = k < T.bitWidth ? raw &<< T(k) : 0
        }
        return target.isSigned ? (r &<< T(wrapShift)) &>> T(wrapShift) : r & mask
    }
}
