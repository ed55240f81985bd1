import FixedPoint

// The raw → raw casts hot loops do most (AP_TRN or AP_RND, then AP_WRAP or AP_SAT, between fixed-point
// formats of at most 62 bits) as a handful of inlined integer operations. FixedCast covers every mode
// but is a call with a mode switch per value, which cost a third of a Dense layer's time; kernels take
// a SimpleCast when `init?` succeeds and fall back to FixedCast otherwise. Same results as FixedCast:
// quantize first (floor, or floor after adding half an LSB), then handle overflow on the rounded value.

/// A specialised fixed-point cast for the common modes; nil when a mode needs FixedCast.
struct SimpleCast: Sendable {
    enum Overflow: Sendable { case wrapSigned, wrapUnsigned, saturate }

    let rightShift: Int64
    let leftShift: Int64
    let half: Int64
    let overflow: Overflow
    /// 64 - W for sign extension; W's mask for unsigned wrap.
    let extend: Int64
    let mask: Int64
    let low: Int64
    let high: Int64
    // The three overflow rules folded into one branch-free form (apply): sign-extend from `wrapShift`,
    // mask with `wrapMask`, clamp to [clampLow, clampHigh]; the unused steps are identities.
    let wrapShift: Int64
    let wrapMask: Int64
    let clampLow: Int64
    let clampHigh: Int64

    init?(from source: FixedFormat, to target: FixedFormat) {
        guard !source.isInteger || source.fractionBits == 0, !target.isInteger, source.width <= 62, target.width <= 62 else {
            return nil
        }
        let d = source.fractionBits - target.fractionBits
        guard d < 62, -d < 62, source.width + max(-d, 0) <= 62 else { return nil }
        rightShift = Int64(max(d, 0))
        leftShift = Int64(max(-d, 0))
        if d > 0 {
            switch target.quantization {
            case .trn: half = 0
            case .rnd: half = Int64(1) << (d - 1)
            default: return nil
            }
        } else {
            half = 0
        }
        switch target.overflow {
        case .wrap where target.saturationBits == 0:
            overflow = target.isSigned ? .wrapSigned : .wrapUnsigned
        case .sat:
            overflow = .saturate
        default:
            return nil
        }
        extend = Int64(64 - target.width)
        mask = (Int64(1) << Int64(target.width)) - 1
        low = Int64(truncatingIfNeeded: target.minRaw)
        high = Int64(truncatingIfNeeded: target.maxRaw)
        wrapShift = overflow == .wrapSigned ? extend : 0
        wrapMask = overflow == .wrapUnsigned ? mask : -1
        clampLow = overflow == .saturate ? low : .min
        clampHigh = overflow == .saturate ? high : .max
    }

    /// Casts one canonical raw value of the source format (branch-free, so loops stay straight).
    @inline(__always)
    func apply(_ raw: Int64) -> Int64 {
        let r = ((raw &+ half) &>> rightShift) &<< leftShift
        return min(max(((r &<< wrapShift) &>> wrapShift) & wrapMask, clampLow), clampHigh)
    }
}

/// A cast that takes the SimpleCast route when it can.
struct FastCast: Sendable {
    let simple: SimpleCast?
    let general: FixedCast
    /// Source and target are the same format: the cast is the identity on raw values.
    let isIdentity: Bool

    init(from source: FixedFormat, to target: FixedFormat) {
        simple = SimpleCast(from: source, to: target)
        general = FixedCast(from: source, to: target)
        isIdentity = source == target
    }

    @inline(__always)
    func apply(_ raw: Int64) -> Int64 {
        if let s = simple { return s.apply(raw) }
        return general.apply(raw)
    }
}
