// Small exact helpers shared by the activation kernels: the C++ table-index expression and
// full-precision products cast to a result type.
//
// The index expression `int i = data * N / R;` (data an ap_fixed with F fraction bits, N the unsigned
// table size, R a small int) is, in ap_types: an exact product (ap_fixed<W+32,I+32>), a division whose
// quotient keeps F fraction bits and truncates toward zero (APInt sdiv), then `operator int()`, which
// truncates toward zero again and keeps the low 32 bits. Two truncating divisions by positive powers of
// two compose into one, so for F >= 0 the index is trunc0(raw·N / 2^(log2 R + F)); for F < 0 the
// quotient is already an integer and is shifted left by -F.

import FixedPoint

/// `int(data * size / ±2^rangeShift)` for raw values of one input format, as ap_types computes it.
struct ScaledIndex: Sendable {
    /// N, the table size (the C++ `unsigned` multiplier).
    let size: Int64
    /// log2 of |R|.
    let rangeShift: Int
    /// R < 0 (ELU/SELU divide by -8).
    let negate: Bool
    /// F of the input format.
    let fraction: Int
    /// raw·N may not fit Int64: use Int128.
    let wide: Bool

    init(size: Int, range: Int, input: FixedFormat) {
        precondition(size > 0 && range != 0 && range.magnitude & (range.magnitude - 1) == 0, "range must be ±2^k")
        self.size = Int64(size)
        rangeShift = range.magnitude.trailingZeroBitCount
        negate = range < 0
        fraction = input.fractionBits
        let rawBits = input.width + (input.isSigned ? 0 : 1)
        wide = rawBits + (Int.bitWidth - size.leadingZeroBitCount) > 62
    }

    /// The C++ `int` index (low 32 bits of the truncated quotient).
    @inline(__always)
    func callAsFunction(_ raw: Int64) -> Int32 {
        if !wide {
            let p = raw &* size
            let v: Int64
            if fraction >= 0 {
                v = Self.truncShift(p, rangeShift + fraction)
            } else {
                let q = Self.truncShift(p, rangeShift)
                v = -fraction >= 64 ? 0 : q &<< Int64(-fraction)
            }
            return Int32(truncatingIfNeeded: negate ? 0 &- v : v)
        }
        return slow(raw)
    }

    private func slow(_ raw: Int64) -> Int32 {
        let p = Int128(raw) * Int128(size)
        let v: Int128
        if fraction >= 0 {
            v = Self.truncShift(p, rangeShift + fraction)
        } else {
            let q = Self.truncShift(p, rangeShift)
            v = -fraction >= 128 ? 0 : q &<< Int128(-fraction)
        }
        return Int32(truncatingIfNeeded: negate ? 0 &- v : v)
    }

    /// x / 2^k truncated toward zero (x + (2^k - 1 if negative), then an arithmetic shift: no branch
    /// on the sign; |x| < 2^(bitWidth-2) here, so the bias cannot overflow).
    @inline(__always)
    static func truncShift<T: FixedWidthInteger & SignedInteger>(_ x: T, _ k: Int) -> T {
        if k <= 0 { return x }
        if k >= T.bitWidth - 1 { return 0 }
        let bias = (x &>> T(T.bitWidth - 1)) & ((T(1) &<< T(k)) &- 1)
        return (x &+ bias) &>> T(k)
    }
}

/// a·b at full precision (ap_types' product type), cast to a target format.
struct ProductCast: Sendable {
    /// Product → target when the product fits 62 bits (the common case; FastCast is Layers/SimpleCast.swift's).
    let fast: FastCast
    /// The same for any width, on Int128.
    let cast: FixedCast
    /// The product needs more than 62 bits: multiply in Int128.
    let wide: Bool

    init(_ a: FixedFormat, _ b: FixedFormat, to target: FixedFormat) throws(EmulatorError) {
        guard a.width + b.width <= 128 else {
            throw EmulatorError(layer: nil, "product \(a) × \(b) is wider than 128 bits")
        }
        let product = FixedFormat.productFormat(a, b)
        cast = FixedCast(from: product, to: target)
        wide = product.width + (product.isSigned ? 0 : 1) > 62
        fast = FastCast(from: wide ? target : product, to: target)
    }

    @inline(__always)
    func callAsFunction(_ a: Int64, _ b: Int64) -> Int64 {
        wide ? Int64(truncatingIfNeeded: cast.apply(Int128(a) * Int128(b))) : fast.apply(a &* b)
    }
}

/// Helpers for exact constants.
enum ActivationMath {
    /// A raw value of `source` converted to `target`, as Int64 (the target fits Int64).
    static func convert(_ raw: Int128, from source: FixedFormat, to target: FixedFormat) -> Int64 {
        Int64(truncatingIfNeeded: FixedCast(from: source, to: target).apply(raw))
    }

    /// The value of a raw fixed-point number as a C++ `float`, as ap_fixed_base::to_float() rounds it
    /// (to nearest, ties to even, from the exact value).
    static func float(raw: Int128, fraction: Int) -> Float {
        // Both conversions round to nearest even; scaling by a power of two is exact for the
        // magnitudes tables use (no overflow or subnormal results).
        let f = raw.magnitude < UInt128(1) << 63 ? Float(Int64(raw)) : Float(raw)
        return fraction == 0 ? f : f * Float(sign: .plus, exponent: -fraction, significand: 1)
    }

    /// ceillog2 of nnet_helpers.h: address bits of a table (1 for sizes 1 and 2).
    static func ceilLog2(_ x: Int) -> Int {
        x <= 2 ? 1 : 1 + ceilLog2((x + 1) / 2)
    }
}
