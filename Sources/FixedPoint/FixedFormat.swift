// FixedFormat: one ap_fixed / ap_ufixed / ap_int / ap_uint type, the single source of numeric truth.
//
// Raw values: a value of format (W, I, signed) is raw * 2^-(W - I) where raw is the W-bit pattern,
// sign-extended for signed formats and zero-extended for unsigned ones, carried in an Int128 (or an
// Int64 on the fast paths). The one pattern that does not fit that rule is an unsigned 128-bit raw
// value >= 2^127: it is carried as its bit pattern (a negative Int128); every API here reads it back
// as unsigned. Inputs are always reduced to their low W bits first.
//
// Semantics come from the Vitis ap_types headers (ap_fixed_base.h, ap_int_base.h, etc/ap_private.h),
// read as documentation and re-derived here; Tests/FixedPointTests holds a differential test that
// compiles those headers with g++ and compares every mode bit for bit.

/// ap_types quantization (rounding) modes, named as in C++.
public enum QuantizationMode: String, CaseIterable, Sendable {
    /// Round half toward plus infinity.
    case rnd = "AP_RND"
    /// Round half toward zero.
    case rndZero = "AP_RND_ZERO"
    /// Round half toward minus infinity.
    case rndMinInf = "AP_RND_MIN_INF"
    /// Round half away from zero.
    case rndInf = "AP_RND_INF"
    /// Round half to even (convergent).
    case rndConv = "AP_RND_CONV"
    /// Truncate toward minus infinity (floor); the ap_types default.
    case trn = "AP_TRN"
    /// Truncate toward zero.
    case trnZero = "AP_TRN_ZERO"

    /// The hls4ml spelling: the C++ name without `AP_`.
    public var shortName: String { String(rawValue.dropFirst(3)) }
}

/// ap_types overflow modes, named as in C++.
public enum OverflowMode: String, CaseIterable, Sendable {
    /// Saturate to the maximum or minimum.
    case sat = "AP_SAT"
    /// Overflow or underflow gives zero.
    case satZero = "AP_SAT_ZERO"
    /// Saturate symmetrically: underflow gives -max instead of min (signed formats).
    case satSym = "AP_SAT_SYM"
    /// Keep the low bits (two's-complement wrap); the ap_types default.
    case wrap = "AP_WRAP"
    /// Sign-magnitude wrap (signed formats only).
    case wrapSM = "AP_WRAP_SM"

    /// The hls4ml spelling: the C++ name without `AP_`.
    public var shortName: String { String(rawValue.dropFirst(3)) }
}

/// One fixed-point or integer type of ap_types: width, integer bits, signedness and modes.
public struct FixedFormat: Hashable, Sendable, CustomStringConvertible {
    /// Total width W in bits, 1...128.
    public let width: Int
    /// Integer bits I (the binary point sits I bits below the top); may be negative or exceed W.
    public let integerBits: Int
    /// Whether the raw pattern is two's complement (ap_fixed, ap_int) or unsigned.
    public let isSigned: Bool
    /// Rounding applied when bits below the LSB are dropped.
    public let quantization: QuantizationMode
    /// What happens to values beyond the range.
    public let overflow: OverflowMode
    /// N, the number of saturation bits used by AP_WRAP and AP_WRAP_SM (0...W).
    public let saturationBits: Int
    /// Spelled ap_int/ap_uint: I == W, AP_TRN, AP_WRAP; conversions into it follow ap_int_base, which
    /// truncates toward zero (see `convert` and `quantize`).
    public let isInteger: Bool

    /// Largest accepted magnitude of `integerBits`. ap_types takes any int; beyond this no Double
    /// value is distinguishable anyway, and the bound keeps all shift arithmetic far from overflow.
    public static let integerBitsLimit = 1 << 16

    // Precomputed for the inlinable fast paths (not part of the identity: see == and hash).
    @usableFromInline let q64Scale: Double
    @usableFromInline let q64Low: Double
    @usableFromInline let q64High: Double
    @usableFromInline let q64Rounding: FastRounding
    @usableFromInline let q64Overflow: FastOverflow
    @usableFromInline let max64: Int64
    @usableFromInline let min64: Int64
    @usableFromInline let clampLow64: Int64
    @usableFromInline let wrapShift64: Int64

    /// Creates an ap_fixed (signed) or ap_ufixed (unsigned) format, validating it like ap_types would.
    public init(
        width: Int, integerBits: Int, signed: Bool = true, quantization: QuantizationMode = .trn,
        overflow: OverflowMode = .wrap, saturationBits: Int = 0
    ) throws {
        try self.init(
            width: width, integerBits: integerBits, signed: signed, quantization: quantization,
            overflow: overflow, saturationBits: saturationBits, isInteger: false, text: nil)
    }

    /// An ap_int<w> (signed) or ap_uint<w> (unsigned) format.
    public static func int(_ w: Int, signed: Bool = true) throws -> FixedFormat {
        try FixedFormat(
            width: w, integerBits: w, signed: signed, quantization: .trn, overflow: .wrap,
            saturationBits: 0, isInteger: true, text: nil)
    }

    init(
        width: Int, integerBits: Int, signed: Bool, quantization: QuantizationMode,
        overflow: OverflowMode, saturationBits: Int, isInteger: Bool, text: String?
    ) throws {
        func fail(_ reason: String) -> FixedPointError {
            let shown = text ?? FixedFormat.spell(
                width: width, integerBits: integerBits, signed: signed, quantization: quantization,
                overflow: overflow, saturationBits: saturationBits, isInteger: isInteger, short: false)
            return FixedPointError(text: shown, reason: reason)
        }
        guard (1...128).contains(width) else { throw fail("width must be 1...128") }
        guard abs(integerBits) <= FixedFormat.integerBitsLimit else {
            throw fail("integer bits must be within ±\(FixedFormat.integerBitsLimit)")
        }
        guard (0...width).contains(saturationBits) else {
            // ap_types indexes bit W-N when N > 0 (an out-of-range assert for N > W).
            throw fail("saturation bits must be 0...width")
        }
        if !signed && overflow == .wrapSM {
            // ap_fixed_base::report() prints "cannot support AP_WRAP_SM" and exits.
            throw fail("AP_WRAP_SM needs a signed type")
        }
        self.width = width
        self.integerBits = integerBits
        self.isSigned = signed
        self.quantization = quantization
        self.overflow = overflow
        self.saturationBits = saturationBits
        self.isInteger = isInteger

        let fits = signed ? width <= 64 : width <= 63
        let f = width - integerBits
        if fits {
            max64 = signed ? Int64.max >> (64 - width) : Int64((UInt64(1) << UInt64(width)) - 1)
            min64 = signed ? Int64.min >> (64 - width) : 0
        } else {
            max64 = 0
            min64 = 0
        }
        wrapShift64 = Int64(64 - width)
        // SAT_SYM on a signed type: a negative result at or below min becomes the pattern 10...01
        // (-max), which for W == 1 is the pattern 1 (that is, min itself).
        clampLow64 = (overflow == .satSym && signed && width > 1) ? min64 + 1 : min64
        if isInteger {
            q64Scale = 1
            q64Rounding = .apInt
            q64Overflow = .wrap
        } else {
            // |F| <= 960 keeps 2^F a normal Double and keeps the subnormal quirk of the double
            // constructor (see FixedFormat+Conversion.swift) invisible to the fast path.
            q64Scale = abs(f) <= 960 ? Double(sign: .plus, exponent: f, significand: 1) : 1
            q64Rounding = FastRounding(quantization)
            switch overflow {
            case .wrap where saturationBits == 0: q64Overflow = .wrap
            case .sat, .satSym: q64Overflow = .clamp
            case .satZero: q64Overflow = .zero
            default: q64Overflow = .other
            }
        }
        let fastDouble = fits && (isInteger || abs(f) <= 960)
        // Below 2^62 the scaled value, its truncation and +-1 are exact Int64s (2^51 for AP_RND_CONV,
        // see quantize64). For F < 0 the scaled value must also stay normal (scaling down could
        // round a tiny input to zero).
        q64High = fastDouble ? (q64Rounding == .rndConv ? 0x1p51 : 0x1p62) : 0
        q64Low = (!isInteger && f < 0) ? 0x1p-1022 : 0
    }

    public static func == (a: FixedFormat, b: FixedFormat) -> Bool {
        a.width == b.width && a.integerBits == b.integerBits && a.isSigned == b.isSigned
            && a.quantization == b.quantization && a.overflow == b.overflow
            && a.saturationBits == b.saturationBits && a.isInteger == b.isInteger
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(width)
        hasher.combine(integerBits)
        hasher.combine(isSigned)
        hasher.combine(quantization)
        hasher.combine(overflow)
        hasher.combine(saturationBits)
        hasher.combine(isInteger)
    }

    /// F = W - I, the number of bits below the binary point (negative when I > W).
    public var fractionBits: Int { width - integerBits }

    /// Whether every raw value fits an Int64 (signed W <= 64, unsigned W <= 63): the fast paths apply.
    public var fitsInt64: Bool { isSigned ? width <= 64 : width <= 63 }

    /// Largest raw value (for ap_ufixed<128,...> this is the all-ones pattern, i.e. -1 as Int128).
    public var maxRaw: Int128 {
        if isSigned { return Int128.max >> Int128(128 - width) }
        return Int128(truncatingIfNeeded: UInt128.max >> UInt128(128 - width))
    }

    /// Smallest raw value (0 for unsigned formats).
    public var minRaw: Int128 { isSigned ? Int128.min >> Int128(128 - width) : 0 }

    /// The weight of one LSB, 2^-F (0 or +inf when beyond Double's range).
    public var ulp: Double { Double(sign: .plus, exponent: -fractionBits, significand: 1) }

    /// The largest value, rounded to nearest Double.
    public var maxValue: Double { value(ofRaw: maxRaw) }

    /// The smallest value, rounded to nearest Double.
    public var minValue: Double { value(ofRaw: minRaw) }

    /// The value raw * 2^-F of a raw value (low W bits used), rounded to the nearest Double, ties to
    /// even. Exact whenever the value has at most 53 significant bits and is a normal Double; a
    /// result in the subnormal range may be rounded twice (integer to Double, then the scaling).
    public func value(ofRaw raw: Int128) -> Double {
        let r = normalize(raw)
        let d: Double
        if !isSigned && width == 128 {
            d = Double(UInt128(truncatingIfNeeded: r))
        } else {
            d = Double(r)
        }
        return Double(sign: .plus, exponent: -fractionBits, significand: d)
    }

    /// Reduces any Int128 to this format's canonical raw value: low W bits, extended per signedness.
    public func normalize(_ raw: Int128) -> Int128 {
        FixedFormat.extend(UInt128(truncatingIfNeeded: raw), width: width, signed: isSigned)
    }

    static func extend(_ bits: UInt128, width: Int, signed: Bool) -> Int128 {
        let s = UInt128(128 - width)
        if signed { return Int128(truncatingIfNeeded: bits << s) >> Int128(s) }
        return Int128(truncatingIfNeeded: (bits << s) >> s)
    }

    /// C++ spelling with trailing default template arguments omitted, e.g. `ap_fixed<16,6,AP_RND>`.
    public var description: String { spelled(short: false) }

    /// hls4ml spelling, e.g. `fixed<16,6>`, `ufixed<8,0,RND_CONV,WRAP,2>`, `int<8>`.
    public var shorthand: String { spelled(short: true) }

    func spelled(short: Bool) -> String {
        FixedFormat.spell(
            width: width, integerBits: integerBits, signed: isSigned, quantization: quantization,
            overflow: overflow, saturationBits: saturationBits, isInteger: isInteger, short: short)
    }

    static func spell(
        width: Int, integerBits: Int, signed: Bool, quantization: QuantizationMode,
        overflow: OverflowMode, saturationBits: Int, isInteger: Bool, short: Bool
    ) -> String {
        let prefix = short ? "" : "ap_"
        let u = signed ? "" : "u"
        if isInteger { return "\(prefix)\(u)int<\(width)>" }
        var args = ["\(width)", "\(integerBits)"]
        let q = short ? quantization.shortName : quantization.rawValue
        let o = short ? overflow.shortName : overflow.rawValue
        if saturationBits != 0 {
            args += [q, o, "\(saturationBits)"]
        } else if overflow != .wrap {
            args += [q, o]
        } else if quantization != .trn {
            args += [q]
        }
        return "\(prefix)\(u)fixed<\(args.joined(separator: ","))>"
    }
}

/// Rounding rule of the Double fast path (FastPaths.swift).
@usableFromInline
enum FastRounding: UInt8, Sendable {
    case trn, trnZero, rnd, rndZero, rndMinInf, rndInf, rndConv
    /// ap_int_base's double constructor: toward zero, but negative values above -0.5 give 1.
    case apInt

    init(_ q: QuantizationMode) {
        switch q {
        case .trn: self = .trn
        case .trnZero: self = .trnZero
        case .rnd: self = .rnd
        case .rndZero: self = .rndZero
        case .rndMinInf: self = .rndMinInf
        case .rndInf: self = .rndInf
        case .rndConv: self = .rndConv
        }
    }
}

/// Overflow handling of the fast paths once the exactly rounded result is known.
@usableFromInline
enum FastOverflow: UInt8, Sendable {
    /// Keep the low W bits (AP_WRAP with N == 0, ap_int, or an overflow check ap_types skips).
    case wrap
    /// Clamp to [clampLow, max] (AP_SAT, AP_SAT_SYM).
    case clamp
    /// Out of range gives 0 (AP_SAT_ZERO).
    case zero
    /// In range: done; out of range: take the general path (AP_WRAP with N > 0, AP_WRAP_SM).
    case other
}
