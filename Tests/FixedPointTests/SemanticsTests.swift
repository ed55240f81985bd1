import Testing

@testable import FixedPoint

/// Readable examples of the semantics (each also covered by the differential test), and the fast
/// paths held against the reference path on random data (runs without g++).
@Suite("Semantics by example and fast-path consistency")
struct SemanticsTests {
    static func f(_ text: String) -> FixedFormat { try! FixedFormat(parsing: text) }

    @Test("Ties and fractions under every quantization mode (integer grid)")
    func roundingTable() {
        let inputs: [Double] = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.75, -0.75, 0.25, -0.25]
        let expected: [QuantizationMode: [Int128]] = [
            .rnd: [1, 2, 3, 0, -1, -2, 1, -1, 0, 0],
            .rndZero: [0, 1, 2, 0, -1, -2, 1, -1, 0, 0],
            .rndMinInf: [0, 1, 2, -1, -2, -3, 1, -1, 0, 0],
            .rndInf: [1, 2, 3, -1, -2, -3, 1, -1, 0, 0],
            .rndConv: [0, 2, 2, 0, -2, -2, 1, -1, 0, 0],
            .trn: [0, 1, 2, -1, -2, -3, 0, -1, 0, -1],
            .trnZero: [0, 1, 2, 0, -1, -2, 0, 0, 0, 0],
        ]
        for q in QuantizationMode.allCases {
            let format = try! FixedFormat(width: 8, integerBits: 8, quantization: q)
            #expect(inputs.map { format.quantize($0) } == expected[q]!, "\(format)")
        }
    }

    @Test("Overflow modes, saturation bits and rounding carries")
    func overflowExamples() {
        #expect(Self.f("ap_fixed<8,8,AP_TRN,AP_SAT_SYM>").quantize(-200) == -127)
        #expect(Self.f("ap_fixed<8,8,AP_TRN,AP_SAT_SYM>").quantize(-128) == -127)  // min itself becomes -max
        #expect(Self.f("ap_fixed<8,8,AP_TRN,AP_SAT_SYM>").quantize(200) == 127)
        #expect(Self.f("ap_fixed<8,8,AP_TRN,AP_SAT>").quantize(-200) == -128)
        #expect(Self.f("ap_fixed<8,8,AP_TRN,AP_SAT_ZERO>").quantize(200) == 0)
        #expect(Self.f("ap_ufixed<8,8,AP_TRN,AP_SAT>").quantize(-3) == 0)
        #expect(Self.f("ap_ufixed<8,8,AP_TRN,AP_SAT>").quantize(300) == 255)
        // 127.5 rounds up to 128: the carry is an overflow like any other.
        #expect(Self.f("ap_fixed<8,8,AP_RND,AP_SAT>").quantize(127.5) == 127)
        #expect(Self.f("ap_fixed<8,8,AP_RND,AP_WRAP>").quantize(127.5) == -128)
        #expect(Self.f("ap_fixed<8,8>").quantize(200) == -56)  // wrap
        // AP_WRAP with N = 2: the sign bit follows the true sign, the next bit its opposite.
        #expect(Self.f("ap_fixed<8,8,AP_TRN,AP_WRAP,2>").quantize(200) == 72)  // 0b0100_1000
        #expect(Self.f("ap_fixed<8,8,AP_TRN,AP_WRAP,2>").quantize(-200) == -72)  // 0b1011_1000
        // Unsigned AP_WRAP with N sets the top N bits on overflow and on underflow alike.
        #expect(Self.f("ap_ufixed<8,8,AP_TRN,AP_WRAP,2>").quantize(-3) == 253)
    }

    @Test("Double specials: NaN and ±inf act as ±2^1024, ±0 gives 0, subnormals are tiny")
    func doubleSpecials() {
        let wrap = Self.f("ap_fixed<8,4>")
        let sat = Self.f("ap_fixed<8,4,AP_RND,AP_SAT>")
        #expect([Double.infinity, -.infinity, .nan, -Double.nan].map { wrap.quantize($0) } == [0, 0, 0, 0])
        #expect([Double.infinity, -.infinity, .nan, -Double.nan].map { sat.quantize($0) } == [127, -128, 127, -128])
        #expect(sat.quantize(-0.0) == 0)
        #expect(wrap.quantize(-Double.leastNonzeroMagnitude) == -1)  // floor of a tiny negative
        #expect(sat.quantize(-Double.leastNonzeroMagnitude) == 0)
        // High enough in the grid, inf's stand-in 2^1024 leaves nonzero low bits under AP_WRAP.
        #expect(Self.f("ap_fixed<16,1030>").quantize(.infinity) == 1024)
    }

    @Test("ap_int targets truncate toward zero, with ap_types' quirks")
    func integerTargets() {
        let i8 = try! FixedFormat.int(8)
        #expect(i8.quantize(-7.9) == -7)
        #expect(i8.quantize(-0.1) == 1)  // negative |d| < 0.5 gives +1 in ap_int_base(double)
        #expect(i8.quantize(-0.5) == 0)
        #expect(i8.quantize(300) == 44)
        #expect(i8.quantize(.nan) == 0 && i8.quantize(-.infinity) == 0)
        #expect(i8.convert(Self.f("ap_fixed<8,4>").quantize(-7.5), from: Self.f("ap_fixed<8,4>")) == -7)
        #expect(i8.convert(Self.f("ap_fixed<8,0>").quantize(-0.5), from: Self.f("ap_fixed<8,0>")) == -1)
        #expect(i8.convert(Self.f("ap_fixed<8,0>").quantize(0.25), from: Self.f("ap_fixed<8,0>")) == 0)
        #expect(try! FixedFormat.int(4, signed: false).convert(-1, from: i8) == 15)
    }

    @Test("Raw values, bounds and Double values")
    func rawsAndValues() {
        let f = Self.f("ap_fixed<16,6>")
        #expect(f.maxRaw == 32767 && f.minRaw == -32768 && f.ulp == 0x1p-10)
        #expect(f.value(ofRaw: 1024) == 1.0 && f.maxValue == 32767.0 / 1024 && f.minValue == -32)
        #expect(f.value(ofRaw: 65535) == -0x1p-10)  // only the low W bits count
        #expect(f.normalize(0x1_0001) == 1)
        let u128 = Self.f("ap_ufixed<128,128>")
        #expect(u128.maxRaw == -1)  // the all-ones pattern
        #expect(u128.value(ofRaw: -1) == 0x1p128)
        #expect(u128.minRaw == 0 && !u128.fitsInt64)
        #expect(Self.f("ap_fixed<128,0>").minRaw == Int128.min)
        #expect(Self.f("ap_fixed<64,1>").fitsInt64 && Self.f("ap_ufixed<63,1>").fitsInt64)
        #expect(!Self.f("ap_ufixed<64,1>").fitsInt64 && !Self.f("ap_fixed<65,1>").fitsInt64)
        #expect(Self.f("ap_fixed<8,100>").ulp == 0x1p92)
    }

    @Test("Result formats of arithmetic")
    func resultFormats() throws {
        let a = Self.f("ap_fixed<16,6,AP_RND,AP_SAT>")
        #expect(FixedFormat.productFormat(a, a) == Self.f("ap_fixed<32,12>"))
        #expect(FixedFormat.sumFormat(a, a) == Self.f("ap_fixed<17,7>"))
        let u = Self.f("ap_ufixed<8,4>")
        #expect(FixedFormat.differenceFormat(u, u) == Self.f("ap_fixed<9,5>"))
        #expect(FixedFormat.sumFormat(u, u) == Self.f("ap_ufixed<9,5>"))
        #expect(FixedFormat.sumFormat(u, a) == Self.f("ap_fixed<17,7>"))  // max(4+1, 6) + 1 integer bits
        let i8 = try FixedFormat.int(8)
        #expect(FixedFormat.sumFormat(i8, i8) == (try FixedFormat.int(9)))
        #expect(FixedFormat.productFormat(i8, u) == Self.f("ap_fixed<16,12>"))
        let wide = Self.f("ap_fixed<100,50>")
        #expect(throws: FixedPointError.self) { try FixedFormat.resultFormat(.product, wide, wide) }
    }

    @Test("Fast paths equal the reference path on random formats and data")
    func fastPathsAgree() {
        var g = SplitMix64(seed: 42)
        let combos = QuantizationMode.allCases.flatMap { q in OverflowMode.allCases.map { (q, $0) } }
        var checked = 0
        for k in 0..<700 {
            let (q, o) = combos[k % combos.count]
            let format = DifferentialPlan.randomFormat(&g, q, o)
            let source = DifferentialPlan.sourceFormat(&g, for: format)
            let cast = FixedCast(from: source, to: format)
            let values = DifferentialPlan.quantValues(for: format, &g).prefix(60)
            for x in values {
                let reference = format.quantizeReference(x)
                #expect(format.quantize(x) == reference, "\(format) x=\(x)")
                if format.fitsInt64 { #expect(Int128(format.quantize64(x)) == reference, "\(format) x=\(x)") }
            }
            for pattern in DifferentialPlan.convRaws(for: .init(source: source, target: format), &g).prefix(40) {
                let raw = source.normalize(Int128(truncatingIfNeeded: pattern))
                let reference = format.convertReference(raw, from: source)
                #expect(cast.apply(raw) == reference, "\(source) \(raw) -> \(format)")
                if source.fitsInt64 && format.fitsInt64 {
                    #expect(Int128(cast.apply(Int64(raw))) == reference, "\(source) \(raw) -> \(format)")
                }
                checked += 1
            }
        }
        #expect(checked == 700 * 40)
    }

    @Test("Buffer forms match the element forms")
    func buffers() {
        let format = Self.f("ap_fixed<10,3,AP_RND_CONV,AP_SAT>")
        let xs: [Double] = (0..<1000).map { Double($0) * 0.0173 - 8 }
        var out = [Int64](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { format.quantize64(input, into: $0) }
        }
        #expect(out == xs.map { format.quantize64($0) })
        let cast = FixedCast(from: format, to: Self.f("ap_fixed<6,2,AP_RND,AP_WRAP>"))
        var converted = [Int64](repeating: 0, count: out.count)
        out.withUnsafeBufferPointer { input in
            converted.withUnsafeMutableBufferPointer { cast.apply(input, into: $0) }
        }
        #expect(converted == out.map { cast.apply($0) })
        #expect(converted == out.map { Int64(cast.target.convert(Int128($0), from: format)) })
    }
}
