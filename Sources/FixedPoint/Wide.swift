// A 256-bit two's-complement integer, just wide enough for the general conversion path.
//
// Why 256: a source raw value needs up to 129 bits (an unsigned 128-bit pattern plus a sign), and a
// left alignment shift is only ever computed for shifts below the target width (at most 127 bits;
// larger shifts are reduced to an equivalent small case before shifting), so 129 + 127 = 256 bits
// hold every exact intermediate. Only the operations the conversion needs are provided.

/// A 256-bit two's-complement integer: `hi` holds bits 128...255 (signed), `lo` bits 0...127.
@usableFromInline
struct Wide: Equatable, Sendable {
    @usableFromInline var hi: Int128
    @usableFromInline var lo: UInt128

    @inlinable init(hi: Int128, lo: UInt128) {
        self.hi = hi
        self.lo = lo
    }

    /// Sign-extends a 128-bit signed value.
    @inlinable init(_ value: Int128) {
        hi = value < 0 ? -1 : 0
        lo = UInt128(truncatingIfNeeded: value)
    }

    /// Zero-extends a 128-bit unsigned value.
    @inlinable init(unsigned value: UInt128) {
        hi = 0
        lo = value
    }

    static let zero = Wide(hi: 0, lo: 0)
    static let one = Wide(hi: 0, lo: 1)

    var isNegative: Bool { hi < 0 }
    var isZero: Bool { hi == 0 && lo == 0 }

    /// Bit `index` (index >= 0); indices past 255 read the sign.
    func bit(_ index: Int) -> Bool {
        precondition(index >= 0)
        if index < 128 { return (lo >> UInt128(index)) & 1 == 1 }
        if index < 256 { return (hi >> Int128(index - 128)) & 1 == 1 }
        return isNegative
    }

    /// Whether any of the lowest `count` bits is set (count past 256 includes the sign copies).
    func lowBitsNonZero(_ count: Int) -> Bool {
        if count <= 0 { return false }
        if count >= 256 { return !isZero }
        if count <= 128 {
            let mask: UInt128 = count == 128 ? ~0 : (UInt128(1) << UInt128(count)) - 1
            return lo & mask != 0
        }
        let k = count - 128
        let mask = (UInt128(1) << UInt128(k)) - 1
        return lo != 0 || UInt128(truncatingIfNeeded: hi) & mask != 0
    }

    /// Arithmetic shift right by `k` >= 0 (floor division by 2^k).
    func shiftedRight(_ k: Int) -> Wide {
        precondition(k >= 0)
        if k == 0 { return self }
        if k >= 256 { return isNegative ? Wide(hi: -1, lo: ~0) : .zero }
        if k >= 128 {
            return Wide(hi: hi < 0 ? -1 : 0, lo: UInt128(truncatingIfNeeded: hi >> Int128(k - 128)))
        }
        let s = UInt128(k)
        let newLo = (lo >> s) | (UInt128(truncatingIfNeeded: hi) << (128 - s))
        return Wide(hi: hi >> Int128(k), lo: newLo)
    }

    /// Shift left by `k` in 0..<256, dropping bits past 255.
    func shiftedLeft(_ k: Int) -> Wide {
        precondition(k >= 0 && k < 256)
        if k == 0 { return self }
        if k >= 128 {
            return Wide(hi: Int128(truncatingIfNeeded: lo << UInt128(k - 128)), lo: 0)
        }
        let s = UInt128(k)
        let newHi = (UInt128(truncatingIfNeeded: hi) << s) | (lo >> (128 - s))
        return Wide(hi: Int128(truncatingIfNeeded: newHi), lo: lo << s)
    }

    /// self + 1, wrapping at 256 bits (never reached here: values stay far below 2^255).
    func incremented() -> Wide {
        let (l, carry) = lo.addingReportingOverflow(1)
        return Wide(hi: carry ? hi &+ 1 : hi, lo: l)
    }

    /// Two's-complement negation.
    func negated() -> Wide {
        Wide(hi: ~hi, lo: ~lo).incremented()
    }

    /// The lowest `width` bits (1...128) as an unsigned pattern.
    func lowBits(_ width: Int) -> UInt128 {
        width >= 128 ? lo : lo & ((UInt128(1) << UInt128(width)) - 1)
    }

    /// Whether the value is representable in `width` bits with the given signedness.
    func fits(width: Int, signed: Bool) -> Bool {
        if signed {
            let top = shiftedRight(width - 1)
            return top.isZero || top == Wide(hi: -1, lo: ~0)
        }
        return !isNegative && shiftedRight(width).isZero
    }
}
