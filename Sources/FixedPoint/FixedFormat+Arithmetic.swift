// Full-precision result formats of a + b, a - b and a * b, as ap_fixed_base::RType (ap_fixed_base.h)
// and ap_int_base::RType (ap_int_base.h) define them, so the exact result never overflows:
//   F = max(F_a, F_b) for sums, F_a + F_b for products;
//   sum/difference integer bits = max(I_a + (b signed && a unsigned), I_b + (a signed && b unsigned)) + 1;
//   product integer bits = I_a + I_b; width = integer bits + F;
//   signed if either operand is (a difference is always signed).
// The result type carries the default modes (AP_TRN, AP_WRAP, N = 0). It is ap_int/ap_uint only when
// both operands are; an ap_int operand otherwise acts as ap_fixed<W,W>.

/// The arithmetic operations whose exact result format ap_types defines.
public enum FixedOperation: String, CaseIterable, Sendable {
    /// a + b
    case sum
    /// a - b
    case difference
    /// a * b
    case product
}

extension FixedFormat {
    /// The exact result format of `op` on a and b; throws when it would be wider than 128 bits.
    public static func resultFormat(_ op: FixedOperation, _ a: FixedFormat, _ b: FixedFormat) throws -> FixedFormat {
        let fa = a.fractionBits
        let fb = b.fractionBits
        let integerBits: Int
        let fraction: Int
        let signed: Bool
        switch op {
        case .product:
            integerBits = a.integerBits + b.integerBits
            fraction = fa + fb
            signed = a.isSigned || b.isSigned
        case .sum, .difference:
            let ia = a.integerBits + (b.isSigned && !a.isSigned ? 1 : 0)
            let ib = b.integerBits + (a.isSigned && !b.isSigned ? 1 : 0)
            integerBits = Swift.max(ia, ib) + 1
            fraction = Swift.max(fa, fb)
            signed = op == .difference || a.isSigned || b.isSigned
        }
        let width = integerBits + fraction
        let integer = a.isInteger && b.isInteger
        do {
            return try FixedFormat(
                width: width, integerBits: integerBits, signed: signed, quantization: .trn,
                overflow: .wrap, saturationBits: 0, isInteger: integer, text: nil)
        } catch is FixedPointError {
            throw FixedPointError(
                text: "\(a) \(op == .sum ? "+" : op == .difference ? "-" : "*") \(b)",
                reason: "the exact result needs \(width) bits (at most 128 supported)")
        }
    }

    /// The exact format of a + b (ap_fixed_base::RType plus); traps beyond 128 bits (see resultFormat).
    public static func sumFormat(_ a: FixedFormat, _ b: FixedFormat) -> FixedFormat {
        exactly(.sum, a, b)
    }

    /// The exact format of a - b (ap_fixed_base::RType minus, always signed); traps beyond 128 bits.
    public static func differenceFormat(_ a: FixedFormat, _ b: FixedFormat) -> FixedFormat {
        exactly(.difference, a, b)
    }

    /// The exact format of a * b (ap_fixed_base::RType mult); traps beyond 128 bits.
    public static func productFormat(_ a: FixedFormat, _ b: FixedFormat) -> FixedFormat {
        exactly(.product, a, b)
    }

    private static func exactly(_ op: FixedOperation, _ a: FixedFormat, _ b: FixedFormat) -> FixedFormat {
        do {
            return try resultFormat(op, a, b)
        } catch {
            preconditionFailure("\(error)")
        }
    }
}
