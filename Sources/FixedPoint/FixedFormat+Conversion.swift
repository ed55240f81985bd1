// The reference conversion semantics: exact for every format, any mode, widths up to 128.
//
// What ap_types does (re-derived from ap_fixed_base.h / ap_int_base.h, checked bit for bit by
// Tests/FixedPointTests/DifferentialTests.swift against g++-compiled headers):
//
// Fixed-point target (`ap_fixed<W,I,Q,O,N> y = x;`), source value src * 2^-F2 with src a W2-bit
// integer, target LSB at 2^-F, d = F2 - F:
//  1. Alignment. d <= 0: the exact value src << -d. d > 0: floor(src / 2^d), and unless Q is AP_TRN
//     (or AP_TRN_ZERO with an unsigned source, which cannot be negative) add 1 according to
//     qb = bit d-1 of src (the half bit), rest = any lower bit set, s = source negative,
//     lsb = bit 0 of the floor:  RND qb; RND_ZERO qb&&(s||rest); RND_MIN_INF qb&&rest;
//     RND_INF qb&&(!s||rest); RND_CONV qb&&(lsb||rest); TRN_ZERO s&&(qb||rest).
//     So rounding is exact: it acts on the infinitely precise source, and its carry can push the
//     result out of range (it is then an overflow like any other).
//  2. Overflow is only examined when O != AP_WRAP or N != 0, and only when the formats make it
//     possible: target unsigned with a signed source, or I - S < I2 - S2 + (rounding may add one, or
//     AP_SAT_SYM with a signed source). Otherwise the low W bits are kept (this gate never hides a
//     real overflow; it is mirrored literally anyway).
//  3. With R the exactly rounded integer: overflow = source non-negative and R > max; underflow =
//     R < min; AP_SAT_SYM with both sides signed also treats R == min as underflow.
//  4. The adjustment (ap_fixed_base::overflow_adjust), on V = the low W bits of R:
//     AP_SAT: max / min.  AP_SAT_SYM: max / the pattern 10...01 = -max (for W == 1 that pattern is
//     1, i.e. min).  AP_SAT_ZERO: 0.  AP_WRAP, N == 0: V.  AP_WRAP, N > 0, signed: sign bit := sign
//     of R, the N-1 bits below it := the opposite of that sign; unsigned: the top N bits := 1 (also
//     on underflow).  AP_WRAP_SM, N == 0: if bit W of floor (the first dropped bit, "lD") differs
//     from V's sign bit, invert V and set its sign bit to lD; N == 1: invert V if its sign bit differs
//     from R's sign; N > 1: invert V if bit W-N equals R's sign, then bits W-N...W-2 := opposite of
//     the sign; for N > 0 the sign bit then := R's sign.
//     lD is read from the source word only; a position past the source width reads as 0 (ap_types'
//     own choice, harmless: it only matters for positive overflow, where the true bit is 0 too).
//
// Double source (`ap_fixed<...> y = d;`, ap_fixed_base(double)): the double is taken as the 54-bit
// signed integer +-(2^52 + mantissa) with F2 = 52 - (biased exponent - 1023), then exactly as above.
// Consequences, all matched here:
//  - Normal doubles are converted exactly (one correct rounding of the true value).
//  - ±0 gives 0 (before any mode logic).
//  - Subnormals: the hidden bit is set anyway and the exponent taken as -1023, i.e. a subnormal acts
//    as (1 + m/2^52) * 2^-1023 instead of its true value. Only visible for formats with F >= ~1022.
//  - ±inf acts as ±2^1024 and NaN as ±(1 + payload/2^52) * 2^1024 (sign from the sign bit; ap_types
//    prints "WARNING: assign NaN to fixed point value" to stderr): saturating modes give max / min
//    (or 0 / -max...), AP_WRAP keeps the low bits, which are 0 unless I > ~970.
//
// Integer target (`ap_int<W> y = x;` for a fixed-point x): ap_int_base takes to_ap_int_base(), i.e.
// C-style truncation toward zero of the integer part, then wraps to W bits (no modes). Quirks:
//  - I2 == 0 (and I2 < 0, see below): the integer part is a 1-bit value initialised to 0, and a
//    negative source adds 1 to it, giving the 1-bit pattern 1 = -1. So a negative ap_fixed<8,0>
//    converts to -1 (all ones), not 0.
//  - I2 < 0: ap_types reads an uninitialised 1-bit value (undefined behaviour, results vary). Here it
//    is defined like I2 == 0; the differential test does not cover it.
//  - I2 > W2: the raw bits shifted left by I2 - W2.
// Integer target from a double (`ap_int<W> y = d;`, ap_int_base(double)): truncation toward zero of
// |d|, negated, wrapped to W bits; but a negative |d| < 0.5 (exponent <= -2, subnormals included)
// gives +1, because the too-far right shift yields -1 before the negation. ±inf and NaN give 0.
// An ap_int source converts like ap_fixed<W2,W2> (ap_fixed_base's ap_int_base constructor).

extension FixedFormat {
    /// Quantizes a Double exactly as `ap_fixed<...> x = d;` (or `ap_int<...> x = d;`) does, returning
    /// the raw value; see the file comment of FixedFormat+Conversion.swift for NaN, ±inf and
    /// subnormal inputs (NaN and ±inf act as ±2^1024; for ap_int they give 0).
    public func quantize(_ x: Double) -> Int128 {
        if q64High > 0 { return Int128(quantize64(x)) }
        return quantizeReference(x)
    }

    /// Converts a raw value of `source` into this format exactly as `T y = x;` does in ap_types,
    /// with x of type `source` and T this format (ap_int/ap_uint targets truncate toward zero).
    /// Only the low `source.width` bits of `raw` are used.
    public func convert(_ raw: Int128, from source: FixedFormat) -> Int128 {
        convertReference(raw, from: source)
    }

    /// The general double path: exact, no fast path.
    func quantizeReference(_ x: Double) -> Int128 {
        let bits = x.bitPattern
        if bits & 0x7fff_ffff_ffff_ffff == 0 { return 0 }
        let negative = bits >> 63 == 1
        let exponent = Int((bits >> 52) & 0x7ff) - 1023
        let mantissa = Int128(bits & 0x000f_ffff_ffff_ffff | (1 << 52))
        if isInteger { return integerFromDouble(negative: negative, exponent: exponent, mantissa: mantissa) }
        return convertCore(
            Wide(negative ? -mantissa : mantissa), sourceWidth: 54, sourceFraction: 52 - exponent,
            sourceSigned: true)
    }

    /// The general raw path: exact, no fast path.
    @usableFromInline
    func convertReference(_ raw: Int128, from source: FixedFormat) -> Int128 {
        let r = source.normalize(raw)
        let src = source.isSigned ? Wide(r) : Wide(unsigned: UInt128(truncatingIfNeeded: r))
        if isInteger { return integerFromFixed(src, source: source) }
        return convertCore(
            src, sourceWidth: source.width, sourceFraction: source.fractionBits,
            sourceSigned: source.isSigned)
    }

    /// ap_fixed_base assignment from a fixed-point value src * 2^-f2 of w2 bits.
    func convertCore(_ src: Wide, sourceWidth w2: Int, sourceFraction f2: Int, sourceSigned s2: Bool) -> Int128 {
        let w = width
        let negativeSource = src.isNegative
        let d = f2 - fractionBits
        let rounds = d > 0 && quantization != .trn && !(quantization == .trnZero && !s2)
        var r: Wide
        if d > 0 {
            r = src.shiftedRight(d)
            if rounds {
                let half = src.bit(d - 1)
                let rest = src.lowBitsNonZero(d - 1)
                if FixedFormat.roundsUp(quantization, half: half, rest: rest, negative: negativeSource, lsb: r.bit(0)) {
                    r = r.incremented()
                }
            }
        } else if d < 0 {
            let k = -d
            if k < 128 {
                r = src.shiftedLeft(k)  // at most 129 + 127 bits: exact
            } else {
                // Every source bit lands at or above bit W (W <= 128 <= k). What remains observable:
                // zero or not, the sign, and bit W (source bit W - k, which exists only when k == W).
                let b0: Int128 = (k == w && src.bit(0)) ? 1 : 0
                let small: Int128 = src.isZero ? 0 : (negativeSource ? -2 : 2) | b0
                r = Wide(small).shiftedLeft(w)
            }
        } else {
            r = src
        }
        var v = r.lowBits(w)

        let i2 = w2 - f2
        let sBit = isSigned ? 1 : 0
        let s2Bit = s2 ? 1 : 0
        let mayGrow = rounds || (s2 && overflow == .satSym)
        let check = (overflow != .wrap || saturationBits != 0)
            && ((!isSigned && s2) || integerBits - sBit < i2 - s2Bit + (mayGrow ? 1 : 0))
        guard check else { return FixedFormat.extend(v, width: w, signed: isSigned) }

        let negativeResult = r.isNegative
        let inRange = r.fits(width: w, signed: isSigned)
        let over = !negativeSource && !inRange
        var under = negativeResult && !inRange
        if overflow == .satSym && s2 && isSigned {
            let lowZero = w > 1 ? v & ((UInt128(1) << UInt128(w - 1)) - 1) == 0 : true
            under = under || (negativeResult && lowZero)
        }
        if over || under {
            let pos1 = d + w
            let lD = pos1 >= 0 && pos1 < w2 ? src.bit(pos1) : false
            v = adjust(v, overflowed: over, underflowed: under, lD: lD, sign: negativeResult)
        }
        return FixedFormat.extend(v, width: w, signed: isSigned)
    }

    /// Whether the quantization mode adds one LSB to the floor (see the file comment).
    @inlinable
    static func roundsUp(_ q: QuantizationMode, half: Bool, rest: Bool, negative: Bool, lsb: Bool) -> Bool {
        switch q {
        case .trn: return false
        case .rnd: return half
        case .rndZero: return half && (negative || rest)
        case .rndMinInf: return half && rest
        case .rndInf: return half && (!negative || rest)
        case .rndConv: return half && (lsb || rest)
        case .trnZero: return negative && (half || rest)
        }
    }

    /// ap_fixed_base::overflow_adjust on the W-bit pattern v.
    func adjust(_ value: UInt128, overflowed: Bool, underflowed: Bool, lD: Bool, sign: Bool) -> UInt128 {
        let w = width
        let n = saturationBits
        let mask: UInt128 = w == 128 ? ~0 : (UInt128(1) << UInt128(w)) - 1
        let msb = UInt128(1) << UInt128(w - 1)
        func setBits(_ x: UInt128, from lo: Int, through hi: Int, ones: Bool) -> UInt128 {
            guard hi >= lo else { return x }
            let count = hi - lo + 1
            let field: UInt128 = count == 128 ? ~0 : ((UInt128(1) << UInt128(count)) - 1) << UInt128(lo)
            return ones ? x | field : x & ~field
        }
        func withSign(_ x: UInt128, _ s: Bool) -> UInt128 { s ? x | msb : x & ~msb }
        var v = value
        switch overflow {
        case .wrap:
            if n == 0 { return v }
            if isSigned {
                v = withSign(v, sign)
                if n > 1 { v = setBits(v, from: w - n, through: w - 2, ones: !sign) }
            } else {
                v = setBits(v, from: w - n, through: w - 1, ones: true)
            }
            return v
        case .satZero:
            return 0
        case .wrapSM:
            // Unsigned AP_WRAP_SM is rejected at construction (ap_types exits on it).
            let ro = v & msb != 0
            if n == 0 {
                if lD != ro { v = withSign(~v & mask, lD) }
                return v
            }
            if n == 1 {
                if sign != ro { v = ~v & mask }
            } else {
                let lNo = (v >> UInt128(w - n)) & 1 == 1
                if lNo == sign { v = ~v & mask }
                v = setBits(v, from: w - n, through: w - 2, ones: !sign)
            }
            return withSign(v, sign)
        case .sat, .satSym:
            if isSigned {
                if overflowed { return msb - 1 }
                if underflowed { return overflow == .satSym ? msb | 1 : msb }
                return v
            }
            if overflowed { return mask }
            if underflowed { return 0 }
            return v
        }
    }

    /// ap_int_base(double): truncation toward zero of the magnitude, then negation (file comment).
    func integerFromDouble(negative: Bool, exponent: Int, mantissa: Int128) -> Int128 {
        let shift = 52 - exponent
        var v: Wide
        if shift == 0 {
            v = Wide(mantissa)
        } else if shift > 0 {
            v = shift < 54 ? Wide(mantissa >> Int128(shift)) : (negative ? Wide(-1) : .zero)
        } else {
            let k = -shift
            v = k < width ? Wide(mantissa).shiftedLeft(k) : .zero
        }
        if negative { v = v.negated() }
        return FixedFormat.extend(v.lowBits(width), width: width, signed: isSigned)
    }

    /// ap_int_base(ap_fixed_base): to_ap_int_base() (truncation toward zero), then wrap to W bits.
    func integerFromFixed(_ src: Wide, source: FixedFormat) -> Int128 {
        let i2 = source.integerBits
        let w2 = source.width
        let f2 = w2 - i2
        var ret: Wide
        if i2 <= 0 {
            ret = (source.isSigned && src.isNegative) ? Wide(-1) : .zero
        } else if i2 <= w2 {
            ret = src.shiftedRight(f2)
            if source.isSigned && src.isNegative && src.lowBitsNonZero(f2) { ret = ret.incremented() }
        } else {
            let k = i2 - w2
            ret = k < 128 ? src.shiftedLeft(k) : .zero
        }
        return FixedFormat.extend(ret.lowBits(width), width: width, signed: isSigned)
    }
}
