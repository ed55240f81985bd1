// Exact decimal text of a fixed-point value raw * 2^-f. Every such value has a finite decimal
// expansion (2^-f = 5^f / 10^f), so printing it exactly needs only raw * 5^f in decimal digits,
// with the point placed f digits from the right. Doubles cannot do this past 53 bits.

/// Exact decimal rendering of fixed-point values.
public enum ExactDecimal {
    /// The exact decimal text of `raw * 2^-fractionBits`, shortest form (no trailing zeros,
    /// "0" for zero, no exponent).
    public static func string(raw: Int128, fractionBits: Int) -> String {
        if raw == 0 { return "0" }
        let negative = raw < 0
        var digits = decimalDigits(raw.magnitude)  // least significant first
        if fractionBits <= 0 {
            for _ in 0 ..< -fractionBits { multiply(&digits, by: 2) }
            return (negative ? "-" : "") + String(digits.reversed().map { Character(UnicodeScalar($0 + 48)) })
        }
        for _ in 0..<fractionBits { multiply(&digits, by: 5) }
        // digits now hold raw * 5^f; the value is that / 10^f.
        while digits.count <= fractionBits { digits.append(0) }
        var fraction = Array(digits[0..<fractionBits])
        let integer = Array(digits[fractionBits...])
        while let first = fraction.first, first == 0 { fraction.removeFirst() }
        var text = negative ? "-" : ""
        text += String(integer.reversed().map { Character(UnicodeScalar($0 + 48)) })
        if !fraction.isEmpty {
            text += "." + String(fraction.reversed().map { Character(UnicodeScalar($0 + 48)) })
        }
        return text
    }

    private static func decimalDigits(_ value: UInt128) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        while v > 0 {
            out.append(UInt8(v % 10))
            v /= 10
        }
        return out
    }

    private static func multiply(_ digits: inout [UInt8], by factor: UInt8) {
        var carry: UInt16 = 0
        for i in digits.indices {
            let p = UInt16(digits[i]) * UInt16(factor) + carry
            digits[i] = UInt8(p % 10)
            carry = p / 10
        }
        while carry > 0 {
            digits.append(UInt8(carry % 10))
            carry /= 10
        }
    }
}
