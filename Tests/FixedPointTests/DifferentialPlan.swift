import Foundation

@testable import FixedPoint

/// What the differential test compiles and asks: formats for Double input, (source, target) pairs
/// for raw conversions, and operand pairs for result types. Deterministic from one seed.
///
/// Compile time grows with the number of template instantiations (~0.1 s each at -O1), so formats
/// are few but chosen to cover the grid: every quantization x overflow pair, widths 1...128 (a
/// share above 64, where ap_types switches to multi-word storage), signed and unsigned, integer
/// bits negative / zero / inside / equal / beyond the width, N > 0, plus named edge formats. Values
/// are many (cheap at run time) and aimed at edges: ties, range limits, wrap regions, specials.
struct DifferentialPlan: Sendable {
    var quantFormats: [FixedFormat] = []
    var convPairs: [Pair] = []
    var rtypePairs: [Pair] = []

    struct Pair: Sendable {
        var source: FixedFormat
        var target: FixedFormat
    }

    static let seed: UInt64 = 0x6170_5F66_6978_6564  // "ap_fixed"

    static func make() -> DifferentialPlan {
        var g = SplitMix64(seed: seed)
        var plan = DifferentialPlan()
        let combos = QuantizationMode.allCases.flatMap { q in OverflowMode.allCases.map { (q, $0) } }

        // Double -> format: 7 random formats per mode pair, then named edges.
        for (q, o) in combos {
            for _ in 0..<7 { plan.quantFormats.append(randomFormat(&g, q, o)) }
        }
        let named = [
            "ap_fixed<16,6>", "ap_fixed<18,8>", "ap_fixed<16,6,AP_RND,AP_SAT>", "ap_fixed<18,8,AP_RND,AP_SAT>",
            "ap_ufixed<8,0,AP_RND_CONV,AP_WRAP,2>", "ap_fixed<1,1,AP_RND,AP_SAT_SYM>", "ap_fixed<1,0,AP_TRN,AP_SAT_SYM>",
            "ap_ufixed<1,0,AP_RND_INF,AP_SAT>", "ap_fixed<1,1,AP_RND_CONV,AP_WRAP_SM>", "ap_fixed<2,1,AP_TRN,AP_WRAP_SM,2>",
            "ap_fixed<64,32,AP_RND_CONV,AP_SAT_SYM>", "ap_fixed<64,64,AP_RND,AP_SAT>", "ap_ufixed<63,10,AP_RND,AP_SAT>",
            "ap_ufixed<64,10,AP_RND,AP_SAT>", "ap_fixed<128,64,AP_RND,AP_SAT>", "ap_ufixed<128,1,AP_RND_INF,AP_WRAP>",
            "ap_fixed<128,-20,AP_RND_ZERO,AP_SAT_SYM>", "ap_fixed<54,2,AP_RND_CONV,AP_SAT>", "ap_fixed<53,53,AP_RND,AP_WRAP>",
            // Subnormal inputs matter only this deep; inf/NaN keep nonzero low bits only this high.
            "ap_fixed<8,-1070,AP_TRN,AP_WRAP>", "ap_fixed<12,-1068,AP_RND,AP_SAT>", "ap_ufixed<20,-1060,AP_RND_CONV,AP_SAT>",
            "ap_fixed<40,-1000,AP_RND_INF,AP_WRAP>", "ap_fixed<16,1030,AP_TRN,AP_WRAP>", "ap_fixed<100,1080,AP_RND,AP_WRAP,3>",
            "ap_ufixed<30,1000,AP_TRN,AP_WRAP>",
        ]
        plan.quantFormats += named.map { try! FixedFormat(parsing: $0) }
        for w in [1, 2, 3, 7, 8, 16, 31, 32, 33, 52, 53, 54, 62, 63, 64, 65, 100, 127, 128] {
            plan.quantFormats.append(try! .int(w, signed: true))
            plan.quantFormats.append(try! .int(w, signed: false))
        }

        // Raw conversions: targets cycle through the mode pairs; sources sit near the target's grid.
        for k in 0..<300 {
            let (q, o) = combos[k % combos.count]
            let target: FixedFormat
            if k % 11 == 10 {
                target = try! .int(pickWidth(&g), signed: Bool.random(using: &g))
            } else {
                target = randomFormat(&g, q, o)
            }
            plan.convPairs.append(Pair(source: sourceFormat(&g, for: target), target: target))
        }

        // Named pairs: each quirk and fast-path boundary the implementation relies on.
        let namedPairs = [
            // ap_int targets: integer part 0 (a negative source gives -1), truncation toward zero, I2 > W2.
            ("ap_fixed<8,0>", "ap_int<8>"), ("ap_fixed<8,0>", "ap_uint<5>"), ("ap_ufixed<8,0>", "ap_int<4>"),
            ("ap_fixed<8,4>", "ap_int<3>"), ("ap_fixed<8,12>", "ap_uint<8>"), ("ap_fixed<128,1>", "ap_int<64>"),
            ("ap_fixed<70,35>", "ap_int<128>"), ("ap_int<64>", "ap_fixed<64,32,AP_RND,AP_SAT>"),
            ("ap_uint<128>", "ap_ufixed<128,64,AP_RND_INF,AP_SAT_ZERO>"),
            // Alignment shift equal to a 128-bit target's width (bit W of the result is source bit 0).
            ("ap_fixed<8,8>", "ap_fixed<128,0,AP_TRN,AP_WRAP_SM>"), ("ap_fixed<8,8>", "ap_fixed<128,0,AP_RND,AP_SAT>"),
            ("ap_ufixed<128,128>", "ap_fixed<128,0,AP_TRN,AP_SAT_SYM>"),
            // Saturation-bit and symmetric modes at their corners.
            ("ap_fixed<8,4>", "ap_ufixed<6,3,AP_TRN,AP_WRAP,2>"), ("ap_fixed<8,4>", "ap_fixed<1,1,AP_TRN,AP_SAT_SYM>"),
            ("ap_fixed<8,4>", "ap_fixed<1,0,AP_RND,AP_SAT_SYM>"), ("ap_fixed<12,4>", "ap_fixed<6,2,AP_RND,AP_WRAP_SM>"),
            ("ap_fixed<12,4>", "ap_fixed<6,2,AP_RND_INF,AP_WRAP_SM,1>"), ("ap_fixed<12,4>", "ap_fixed<6,2,AP_RND_ZERO,AP_WRAP_SM,3>"),
            ("ap_fixed<12,4>", "ap_fixed<6,2,AP_RND_MIN_INF,AP_WRAP,3>"),
            // hls4ml-typical casts and rounding carries into overflow.
            ("ap_fixed<16,6>", "ap_fixed<8,3,AP_RND_CONV,AP_SAT>"), ("ap_fixed<32,12>", "ap_fixed<16,6>"),
            ("ap_fixed<16,6>", "ap_fixed<18,8,AP_RND,AP_SAT>"), ("ap_fixed<10,2>", "ap_fixed<6,2,AP_RND,AP_SAT>"),
            ("ap_ufixed<10,2>", "ap_ufixed<6,2,AP_RND_CONV,AP_SAT>"), ("ap_fixed<8,2>", "ap_fixed<4,2,AP_RND_ZERO,AP_SAT>"),
            ("ap_fixed<8,-2>", "ap_fixed<8,4,AP_RND_CONV,AP_SAT>"), ("ap_fixed<6,2>", "ap_fixed<4,-2,AP_RND,AP_WRAP>"),
            // Rounding shift equal to the source width (the half bit is the sign), and past it with AP_TRN.
            ("ap_fixed<8,4>", "ap_fixed<8,12,AP_RND,AP_SAT>"), ("ap_ufixed<8,4>", "ap_fixed<8,12,AP_RND_INF,AP_SAT_SYM>"),
            ("ap_fixed<8,-60>", "ap_fixed<8,4,AP_TRN,AP_SAT>"), ("ap_ufixed<8,-60>", "ap_fixed<8,4,AP_TRN_ZERO,AP_SAT>"),
            // Int64 fast-path limits: right shifts 62 / 63 / 64, left shifts needing a per-value check.
            ("ap_fixed<64,-10>", "ap_fixed<16,4,AP_RND,AP_SAT>"), ("ap_fixed<64,-11>", "ap_fixed<16,4,AP_TRN_ZERO,AP_SAT>"),
            ("ap_fixed<64,-12>", "ap_fixed<16,4,AP_RND_CONV,AP_SAT>"), ("ap_fixed<40,20>", "ap_fixed<64,10,AP_TRN,AP_WRAP>"),
            ("ap_fixed<64,64>", "ap_fixed<64,1,AP_TRN,AP_SAT>"), ("ap_fixed<64,0>", "ap_ufixed<63,0,AP_RND_CONV,AP_SAT>"),
            ("ap_fixed<128,60>", "ap_fixed<100,50,AP_RND_CONV,AP_SAT_SYM>"),
        ]
        plan.convPairs += namedPairs.map { Pair(source: try! FixedFormat(parsing: $0.0), target: try! FixedFormat(parsing: $0.1)) }

        // Result types: small enough that sum and product stay within 128 bits.
        while plan.rtypePairs.count < 200 {
            let n = plan.rtypePairs.count
            let a: FixedFormat
            let b: FixedFormat
            if n % 6 == 0 {
                a = try! .int(Int.random(in: 1...60, using: &g), signed: Bool.random(using: &g))
                b = try! .int(Int.random(in: 1...60, using: &g), signed: Bool.random(using: &g))
            } else if n % 6 == 1 {
                a = try! .int(Int.random(in: 1...60, using: &g), signed: Bool.random(using: &g))
                b = randomFormat(&g, .trn, .wrap)
            } else {
                a = randomFormat(&g, .allCases.randomElement(using: &g)!, .sat)
                b = randomFormat(&g, .trn, .wrap)
            }
            let fits = FixedOperation.allCases.allSatisfy { (try? FixedFormat.resultFormat($0, a, b)) != nil }
                && max(a.integerBits, b.integerBits) + max(a.fractionBits, b.fractionBits) + 2 <= 128
            if fits { plan.rtypePairs.append(Pair(source: a, target: b)) }
        }
        return plan
    }

    static func pickWidth(_ g: inout SplitMix64) -> Int {
        let roll = Int.random(in: 0..<100, using: &g)
        switch roll {
        case 0..<12: return Int.random(in: 65...128, using: &g)
        case 12..<16: return [64, 63, 128, 127, 1].randomElement(using: &g)!
        case 16..<36: return Int.random(in: 1...8, using: &g)
        default: return Int.random(in: 9...64, using: &g)
        }
    }

    static func randomFormat(_ g: inout SplitMix64, _ q: QuantizationMode, _ o: OverflowMode) -> FixedFormat {
        let w = pickWidth(&g)
        let signed = o == .wrapSM || Int.random(in: 0..<100, using: &g) < 65
        let c = Int.random(in: 0..<100, using: &g)
        let i: Int
        switch c {
        case 0..<15: i = -Int.random(in: 1...12, using: &g)
        case 15..<25: i = 0
        case 25..<72: i = Int.random(in: 1...w, using: &g)
        case 72..<90: i = w + Int.random(in: 1...12, using: &g)
        default: i = Bool.random(using: &g) ? -Int.random(in: 30...80, using: &g) : w + Int.random(in: 30...80, using: &g)
        }
        var n = 0
        if o == .wrap || o == .wrapSM {
            if Int.random(in: 0..<100, using: &g) < 50 {
                n = Int.random(in: 0..<100, using: &g) < 15 ? w : Int.random(in: 1...min(w, 5), using: &g)
            }
        } else if Int.random(in: 0..<100, using: &g) < 10 {
            n = Int.random(in: 1...min(w, 3), using: &g)
        }
        return try! FixedFormat(
            width: w, integerBits: i, signed: signed, quantization: q, overflow: o, saturationBits: n)
    }

    /// A source near the target's grid (so rounding, carries and range edges all happen), avoiding
    /// the two cases where ap_types itself misbehaves: a rounding shift past the source width
    /// (an assert in ap_private::get_bit) and fixed -> int with negative integer bits (reads an
    /// uninitialised value).
    static func sourceFormat(_ g: inout SplitMix64, for target: FixedFormat) -> FixedFormat {
        while true {
            let source: FixedFormat
            if Int.random(in: 0..<100, using: &g) < 10 {
                source = try! .int(pickWidth(&g), signed: Bool.random(using: &g))
            } else {
                let w2 = pickWidth(&g)
                let roll = Int.random(in: 0..<100, using: &g)
                let delta = roll < 55 ? Int.random(in: -4...8, using: &g)
                    : roll < 85 ? Int.random(in: -40...40, using: &g) : Int.random(in: -130...130, using: &g)
                let f2 = target.fractionBits + delta
                let i2 = w2 - f2
                guard abs(i2) <= 2000 else { continue }
                source = try! FixedFormat(
                    width: w2, integerBits: i2, signed: Int.random(in: 0..<100, using: &g) < 65,
                    quantization: .allCases.randomElement(using: &g)!, overflow: .sat)
            }
            let d = source.fractionBits - target.fractionBits
            let rounds = !target.isInteger && d > 0 && target.quantization != .trn
                && !(target.quantization == .trnZero && !source.isSigned)
            if rounds && d > source.width { continue }
            if target.isInteger && !source.isInteger && source.integerBits < 0 { continue }
            return source
        }
    }

    /// C++ for one table unit: every entry whose index is `part` modulo `parts`.
    func tableUnit(part: Int, of parts: Int) -> String {
        func mine(_ i: Int) -> Bool { i % parts == part }
        var out = """
            // Generated by Tests/FixedPointTests/DifferentialPlan.swift (seed \(String(Self.seed, radix: 16))); do not edit.
            #define APTYPES_HARNESS_TABLES 1
            #include "aptypes_harness.cpp"

            """
        out += "static const QuantEntry kQuant[] = {\n"
        for (i, f) in quantFormats.enumerated() where mine(i) { out += "  {\(i), &quant<\(f) > },\n" }
        out += "  {-1, 0}};\nstatic const ConvEntry kConv[] = {\n"
        for (i, p) in convPairs.enumerated() where mine(i) { out += "  {\(i), &conv<\(p.source), \(p.target) > },\n" }
        out += "  {-1, 0}};\nstatic const RTypeEntry kRType[] = {\n"
        for (i, p) in rtypePairs.enumerated() where mine(i) { out += "  {\(i), &rtype<\(p.source), \(p.target) > },\n" }
        out += "  {-1, 0}};\nstatic const bool kRegistered = registerTables(kQuant, kConv, kRType);\n"
        return out
    }

    // MARK: - Values

    /// Doubles for one format: specials, range edges, exact ties and their neighbours, fractions,
    /// wrap regions, random exponents around the format, random bit patterns.
    static func quantValues(for f: FixedFormat, _ g: inout SplitMix64) -> [Double] {
        var v: [Double] = [
            0, -0.0, .infinity, -.infinity, .nan, -Double.nan,
            Double(bitPattern: 0x7ff0_0000_0000_0001), Double(bitPattern: 0xfff8_0000_dead_beef),
            Double(bitPattern: 0x7ff4_0000_0000_0000),
            .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, -.leastNormalMagnitude,
            Double(bitPattern: 0x000f_ffff_ffff_ffff), -Double(bitPattern: 0x000f_ffff_ffff_ffff),
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-300, -1e-300, 1e300, -1e300,
            1, -1, 0.5, -0.5, 0.25, -0.25, 0.75, -0.75, 1.5, -1.5, 2.5, -2.5, -0.4999999999999999, -0.5000000000000001,
        ]
        let fBits = f.fractionBits
        if abs(fBits) < 1000 && abs(f.integerBits) < 1000 {
            let ulp = f.ulp
            let half = ulp / 2
            let maxV = f.maxValue
            let minV = f.minValue
            v += [maxV, minV, maxV + half, maxV - half, maxV + ulp, minV - half, minV + half, minV - ulp,
                  2 * maxV, -2 * maxV, 4 * maxV + ulp, minV * 3, half, -half, ulp, -ulp, half * 0.999, -half * 1.001]
            let top = Double(sign: .plus, exponent: f.integerBits, significand: 1)
            v += [top, -top, top / 2, -top / 2, top / 2 - half, -top / 2 - half, top * 2, -top * 2]
            let wEff = min(f.width, 50)
            let span = Int64(1) << Int64(wEff + 1)
            func raw(_ scale: Int64) -> Int64 { Int64.random(in: -scale...scale, using: &g) }
            for _ in 0..<70 {
                let k = raw(span)
                let tie = (Double(k) + 0.5) * ulp
                v.append(tie)
                if v.count % 3 == 0 { v += [tie.nextUp, tie.nextDown] }
            }
            for _ in 0..<60 {
                v.append((Double(raw(span)) + Double.random(in: 0..<1, using: &g)) * ulp)
            }
            for _ in 0..<30 {
                // Wrap region: several times the range, still exact multiples of half an ULP.
                v.append((Double(raw(span << 3)) + 0.5 * Double(Int.random(in: 0...1, using: &g))) * ulp)
            }
            if f.width <= 50 {
                let hi = Int64(f.maxRaw)
                let lo = Int64(f.minRaw)
                for k in [hi - 1, hi, hi + 1, lo - 1, lo, lo + 1] {
                    v += [Double(k) * ulp, (Double(k) + 0.5) * ulp, (Double(k) - 0.5) * ulp]
                }
            }
        }
        let lowExp = max(-1074, -fBits - 8)
        let highExp = min(1023, f.integerBits + 8)
        for _ in 0..<60 {
            let e = lowExp <= highExp ? Int.random(in: lowExp...highExp, using: &g) : Int.random(in: -1074...1023, using: &g)
            let m = Double(UInt64.random(in: 0..<(1 << 52), using: &g)) / 0x1p52
            let x = Double(sign: Bool.random(using: &g) ? .minus : .plus, exponent: e, significand: 1 + m)
            v.append(x)
        }
        for _ in 0..<12 { v.append(Double(bitPattern: g.next())) }
        return v
    }

    /// Source raw patterns (low W2 bits) for one conversion pair.
    static func convRaws(for p: Pair, _ g: inout SplitMix64) -> [UInt128] {
        let s = p.source
        let w2 = s.width
        let mask: UInt128 = w2 == 128 ? ~0 : (UInt128(1) << UInt128(w2)) - 1
        func random() -> UInt128 { (UInt128(g.next()) << 64 | UInt128(g.next())) & mask }
        let msb = UInt128(1) << UInt128(w2 - 1)
        var raws: [UInt128] = [0, 1, 2, 3, mask, mask - 1, msb, msb - 1, msb &+ 1, msb >> 1, (msb >> 1) &- 1]
        let d = s.fractionBits - p.target.fractionBits
        if d > 0 && d <= w2 {
            let halfBit = UInt128(1) << UInt128(d - 1)
            let below = halfBit - 1
            for _ in 0..<24 {
                let high = random() & ~((halfBit << 1) - 1)
                raws += [high | halfBit, (high | halfBit | (random() & below))]
                if raws.count % 2 == 0 { raws.append(high | below) }
            }
        }
        // The target's range limits expressed in source units, and their neighbours.
        for t in [p.target.maxRaw, p.target.minRaw, p.target.maxRaw &+ 1, p.target.minRaw &- 1] where d > -100 && d < 100 {
            let wide = Wide(t)
            let aligned = d >= 0 ? (d < 120 ? wide.shiftedLeft(d) : Wide.zero) : wide.shiftedRight(-d)
            let base = UInt128(truncatingIfNeeded: aligned.lo) & mask
            for delta: UInt128 in [0, 1, 2, mask, mask - 1] { raws.append((base &+ delta) & mask) }
        }
        // Small magnitudes of either sign (rounding toward and across zero).
        let small = min(w2 - 1, max(d, 0) + 3)
        for _ in 0..<12 {
            let m = small > 0 ? UInt128(g.next()) & ((UInt128(1) << UInt128(small)) - 1) : 0
            raws += [m & mask, (0 &- m) & mask]
        }
        while raws.count < 120 { raws.append(random()) }
        return raws
    }
}
