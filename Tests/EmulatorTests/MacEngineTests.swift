import Foundation
@testable import FixedPoint
import Testing
@testable import Emulator

// The Dense/Conv fast paths (wrap16, Int16/Int32 SIMD, Int64) against the exact path, which replays every
// cast with FixedCast (and is itself held to hls4ml's C-sim by the goldens). Random formats, weights
// and inputs; the fast paths must agree bit for bit whenever the engine picks them.

@Suite struct MacEngineTests {
    /// A small deterministic generator (tests must not depend on the system RNG).
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
        mutating func raw(_ f: FixedFormat) -> Int64 {
            let lo = Int64(f.minRaw), hi = Int64(f.maxRaw)
            // Mostly small values, sometimes the extremes.
            switch int(0...9) {
            case 0: return lo
            case 1: return hi
            case 2: return 0
            default:
                let span = UInt64(hi - lo) + 1
                return lo + Int64(next() % span)
            }
        }
    }

    static func format(_ rng: inout Rng, maxWidth: Int, modes: [String]) throws -> FixedFormat {
        let w = rng.int(2...maxWidth)
        let i = rng.int(-2...(w + 2))
        let signed = rng.int(0...4) != 0
        let mode = modes[rng.int(0...(modes.count - 1))]
        return try FixedFormat(parsing: "\(signed ? "ap_fixed" : "ap_ufixed")<\(w),\(i)\(mode)>")
    }

    /// Both compiled variants of the wrap16 kernels (AVX2 where the CPU has it, and baseline).
    @Test(arguments: [false, true]) func fastPathsAgreeWithExact(baseline: Bool) throws {
        var used: [MacEngine.Path: Int] = [:]
        try MacEngine.withKernels(baseline: baseline) {
            for seed in 0..<400 {
                for p in try Self.compare(seed: seed) { used[p, default: 0] += 1 }
            }
        }
        // Every fast path must have been exercised.
        for p in [MacEngine.Path.wrap16, .int16, .int32, .int64] {
            #expect(used[p, default: 0] >= 20, "path \(p) ran \(used[p, default: 0]) times")
        }
    }

    /// Runs one random configuration through every path it allows; returns the fast paths it used.
    static func compare(seed: Int) throws -> [MacEngine.Path] {
        var rng = Rng(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let input = try Self.format(&rng, maxWidth: 18, modes: [""])
        let weight = try Self.format(&rng, maxWidth: 18, modes: [""])
        let bias = try Self.format(&rng, maxWidth: 20, modes: [""])
        let accum = try Self.format(&rng, maxWidth: seed % 3 == 0 ? 40 : 32, modes: ["", ",AP_RND", ",AP_TRN,AP_WRAP"])
        let result = try Self.format(&rng, maxWidth: 24, modes: ["", ",AP_RND,AP_SAT", ",AP_RND_CONV,AP_SAT_SYM", ",AP_TRN,AP_SAT"])
        let nIn = rng.int(1...24), nOut = rng.int(1...37)
        let weights = (0..<(nIn * nOut)).map { _ in rng.raw(weight) }
        let biases = (0..<nOut).map { _ in rng.raw(bias) }
        let steps = try AccumulationOrder.steps(.latency, reuse: 1, nIn: nIn, nOut: nOut)
        func engine(_ allowed: [MacEngine.Path]) throws -> MacEngine {
            try MacEngine(nIn: nIn, nOut: nOut, weights: weights, bias: biases, input: input, weight: weight,
                          biasFormat: bias, accum: accum, result: result, steps: steps, layer: "t", allowed: allowed)
        }
        let exact = try engine([])
        #expect(exact.path == .exact)
        let candidates = try [engine([.wrap16, .int16, .int32, .int64]), engine([.int16]), engine([.int32]), engine([.int64])]
        // Half the cases read through a gather table with padding (-1), as Conv does.
        let useGather = seed % 2 == 1
        let source = 2 * nIn
        var x = [Int64](repeating: 0, count: source)
        var gather = [Int32](repeating: -1, count: nIn)
        var scratch = [Int64](repeating: 0, count: ([exact] + candidates).map(\.scratchCount).max()!)
        var want = [Int64](repeating: 0, count: nOut), got = want
        for trial in 0..<8 {
            for k in 0..<source { x[k] = rng.raw(input) }
            for i in 0..<nIn { gather[i] = rng.int(0...4) == 0 ? -1 : Int32(rng.int(0...(source - 1))) }
            if trial == 0 { for k in 0..<source where k % 3 == 0 { x[k] = 0 } }  // exercise the zero skip
            func run(_ e: MacEngine, into out: inout [Int64]) {
                x.withUnsafeBufferPointer { xb in
                    gather.withUnsafeBufferPointer { gb in
                        out.withUnsafeMutableBufferPointer { ob in
                            scratch.withUnsafeMutableBufferPointer { sb in
                                e.run(x: xb.baseAddress!, gather: useGather ? gb.baseAddress! : nil, out: ob.baseAddress!,
                                      scratch: sb.baseAddress!)
                            }
                        }
                    }
                }
            }
            run(exact, into: &want)
            for e in candidates where e.path != .exact {
                run(e, into: &got)
                #expect(got == want, "seed \(seed) path \(e.path): in \(input) w \(weight) b \(bias) acc \(accum) res \(result) \(nIn)→\(nOut)")
            }
        }
        return candidates.map(\.path).filter { $0 != .exact }
    }

    /// Conv's pixel-vectorised form equals running the engine pixel by pixel.
    @Test func pixelFormAgreesWithPerPixel() throws {
        var tested = 0
        for seed in 0..<300 {
            var rng = Rng(state: UInt64(seed) &* 0xD1B5_4A32_D192_ED03 &+ 7)
            let input = try Self.format(&rng, maxWidth: 16, modes: [""])
            let weight = try Self.format(&rng, maxWidth: 16, modes: [""])
            let accum = try Self.format(&rng, maxWidth: 32, modes: ["", ",AP_RND"])
            let result = try Self.format(&rng, maxWidth: 20, modes: ["", ",AP_RND,AP_SAT"])
            let nIn = rng.int(1...30), nOut = rng.int(1...9), pixels = rng.int(1...40), inSize = rng.int(1...50)
            let weights = (0..<(nIn * nOut)).map { _ in rng.raw(weight) }
            let biases = (0..<nOut).map { _ in rng.raw(accum) }
            let e = try MacEngine(nIn: nIn, nOut: nOut, weights: weights, bias: biases, input: input, weight: weight,
                                  biasFormat: accum, accum: accum, result: result,
                                  steps: AccumulationOrder.steps(.latency, reuse: 1, nIn: nIn, nOut: nOut), layer: "t")
            guard e.path == .int16 || e.path == .wrap16 else { continue }
            tested += 1
            let x = (0..<inSize).map { _ in rng.raw(input) }
            let gather = (0..<(pixels * nIn)).map { _ in rng.int(0...5) == 0 ? Int32(-1) : Int32(rng.int(0...(inSize - 1))) }
            let gatherT = MacEngine.transposedGather(gather, pixels: pixels, nIn: nIn, inSize: inSize)
            var want = [Int64](repeating: 0, count: pixels * nOut), got = want
            var scratch = [Int64](repeating: 0, count: max(e.scratchCount, e.pixelScratchCount(pixels: pixels, inSize: inSize)))
            x.withUnsafeBufferPointer { xb in
                scratch.withUnsafeMutableBufferPointer { sb in
                    gather.withUnsafeBufferPointer { gb in
                        want.withUnsafeMutableBufferPointer { wb in
                            for p in 0..<pixels {
                                e.run(x: xb.baseAddress!, gather: gb.baseAddress! + p * nIn, out: wb.baseAddress! + p * nOut,
                                      scratch: sb.baseAddress!)
                            }
                        }
                    }
                    gatherT.withUnsafeBufferPointer { tb in
                        got.withUnsafeMutableBufferPointer { ob in
                            e.runPixels(x: xb.baseAddress!, inSize: inSize, gatherT: tb.baseAddress!, pixels: pixels,
                                        out: ob.baseAddress!, scratch: sb.baseAddress!)
                        }
                    }
                }
            }
            #expect(got == want, "seed \(seed): in \(input) w \(weight) acc \(accum) res \(result)")
        }
        #expect(tested >= 50, "only \(tested) configurations took the Int16 path")
    }

    /// Every way wrap16 takes accum_t's bits from the product (left shift, split halves, high half,
    /// all shifted out) against the exact path, with extreme and random values.
    @Test(arguments: [false, true]) func wrap16EveryModeAgreesWithExact(baseline: Bool) throws {
        try MacEngine.withKernels(baseline: baseline) {
            if baseline { #expect(MacEngine.kernelVariant == "baseline") }
            try wrap16EveryMode()
        }
    }

    /// Every mode, with full-range weights (most too wide to pre-shift) and trained-like ones (most
    /// narrow, a few wide), pre-shifting forced off and on, gathered inputs with padding, and about a
    /// third of the inputs zero.
    func wrap16EveryMode() throws {
        let f16 = try FixedFormat(parsing: "ap_fixed<16,6>")
        // Product of two ap_fixed<16,6> has 20 fraction bits; accum_t's F sets the shift.
        let cases: [(String, String)] = [
            ("ap_fixed<16,-4>", "low(0)"), ("ap_fixed<16,-8>", "low(4)"), ("ap_fixed<16,6>", "split(10)"),
            ("ap_fixed<16,11>", "split(15)"), ("ap_fixed<16,12>", "high(0)"), ("ap_fixed<16,15>", "high(3)"),
            ("ap_fixed<16,26>", "high(14)"),
            ("ap_fixed<16,40>", "high(15)"), ("ap_fixed<16,-20>", "zero"), ("ap_ufixed<13,5>", "split(12)"),
            ("ap_fixed<9,3>", "split(14)"),
        ]
        var rng = Rng(state: 99)
        let nIn = 37, nOut = 83
        for (accumText, mode) in cases {
            let accum = try FixedFormat(parsing: accumText)
            let full = (0..<(nIn * nOut)).map { _ in rng.raw(f16) }
            let trained = (0..<(nIn * nOut)).map { _ in rng.int(0...30) == 0 ? rng.raw(f16) : rng.raw(f16) / 64 }
            let biases = (0..<nOut).map { _ in rng.raw(f16) }
            let steps = try AccumulationOrder.steps(.latency, reuse: 1, nIn: nIn, nOut: nOut)
            for (weights, narrow) in [(full, false), (full, true), (trained, false), (trained, true)] {
                func engine(_ allowed: [MacEngine.Path]) throws -> MacEngine {
                    try MacEngine(nIn: nIn, nOut: nOut, weights: weights, bias: biases, input: f16, weight: f16, biasFormat: f16,
                                  accum: accum, result: f16, steps: steps, layer: "t", allowed: allowed, narrow: narrow)
                }
                let fast = try engine([.wrap16]), exact = try engine([])
                #expect(fast.path == .wrap16 && "\(fast.wrap16Mode)" == mode, "\(accumText): \(fast.path) \(fast.wrap16Mode)")
                #expect(fast.wrap16?.narrow == (narrow && mode.hasPrefix("split")), "\(accumText)")
                var scratch = [Int64](repeating: 0, count: fast.scratchCount)
                var want = [Int64](repeating: 0, count: nOut), got = want
                let source = 2 * nIn
                for trial in 0..<20 {
                    let x = (0..<source).map { _ in rng.int(0...2) == 0 ? 0 : rng.raw(f16) }
                    let gather = (0..<nIn).map { _ in rng.int(0...5) == 0 ? Int32(-1) : Int32(rng.int(0...(source - 1))) }
                    let useGather = trial % 2 == 1
                    for (e, o) in [(exact, 0), (fast, 1)] {
                        x.withUnsafeBufferPointer { xb in
                            gather.withUnsafeBufferPointer { gb in
                                scratch.withUnsafeMutableBufferPointer { sb in
                                    func go(_ out: UnsafeMutablePointer<Int64>) {
                                        e.run(x: xb.baseAddress!, gather: useGather ? gb.baseAddress! : nil, out: out, scratch: sb.baseAddress!)
                                    }
                                    if o == 0 { want.withUnsafeMutableBufferPointer { go($0.baseAddress!) } }
                                    else { got.withUnsafeMutableBufferPointer { go($0.baseAddress!) } }
                                }
                            }
                        }
                    }
                    #expect(got == want, "\(accumText) narrow \(narrow) gather \(useGather)")
                }
            }
        }
    }

    /// runRows (one C call per layer for hls4ml's default types) equals `run` row by row, with and
    /// without a fused ReLU, for both kernel variants; sizes cover the 64/32/16 blocks and the
    /// compaction's 8-input steps and tail.
    @Test(arguments: [false, true]) func rowsEqualRowByRow(baseline: Bool) throws {
        let f16 = try FixedFormat(parsing: "ap_fixed<16,6>")
        var rng = Rng(state: 17)
        try MacEngine.withKernels(baseline: baseline) {
            for (nIn, nOut) in [(16, 64), (64, 32), (37, 83), (5, 5), (9, 120)] {
                let weights = (0..<(nIn * nOut)).map { _ in rng.raw(f16) / 8 }
                let biases = (0..<nOut).map { _ in rng.raw(f16) }
                let steps = try AccumulationOrder.steps(.latency, reuse: 1, nIn: nIn, nOut: nOut)
                let e = try MacEngine(nIn: nIn, nOut: nOut, weights: weights, bias: biases, input: f16, weight: f16,
                                      biasFormat: f16, accum: f16, result: f16, steps: steps, layer: "t", narrow: nIn % 2 == 0)
                #expect(e.path == .wrap16)
                let rows = 7
                // About half the inputs zero, as after a ReLU.
                let x = (0..<(rows * nIn)).map { _ in rng.int(0...1) == 0 ? 0 : rng.raw(f16) }
                var scratch = [Int64](repeating: 0, count: e.scratchCount)
                for fused in [false, true] {
                    var want = [Int64](repeating: 0, count: 2 * rows * nOut), got = want
                    x.withUnsafeBufferPointer { xb in
                        scratch.withUnsafeMutableBufferPointer { sb in
                            want.withUnsafeMutableBufferPointer { w in
                                for r in 0..<rows {
                                    e.run(x: xb.baseAddress! + r * nIn, gather: nil, out: w.baseAddress! + r * nOut,
                                          scratch: sb.baseAddress!, relu: fused ? w.baseAddress! + rows * nOut + r * nOut : nil)
                                }
                            }
                            got.withUnsafeMutableBufferPointer { g in
                                e.runRows(rows, x: xb.baseAddress!, out: g.baseAddress!, scratch: sb.baseAddress!,
                                          relu: fused ? g.baseAddress! + rows * nOut : nil)
                            }
                        }
                    }
                    #expect(got == want, "\(nIn)→\(nOut) relu \(fused)")
                }
            }
        }
    }

    /// Emulator.quantize (AVX2 four at a time for AP_TRN/AP_WRAP) equals FixedFormat.quantize64 on
    /// every value: ordinary ones, NaN, ±inf, ±0, huge, tiny and values next to the 2^31 limit, for
    /// signed and unsigned formats from 3 to 40 bits with positive and negative F, and other modes.
    @Test(arguments: [false, true]) func inputQuantizationEqualsQuantize64(baseline: Bool) throws {
        var rng = Rng(state: 23)
        let formats = ["ap_fixed<16,6>", "ap_fixed<3,1>", "ap_ufixed<8,3>", "ap_fixed<31,20>", "ap_fixed<32,12>",
                       "ap_fixed<40,30>", "ap_ufixed<40,35>", "ap_fixed<12,20>", "ap_fixed<10,-2>", "ap_int<8>",
                       "ap_uint<12>", "ap_fixed<16,6,AP_RND,AP_SAT>", "ap_ufixed<10,4,AP_TRN,AP_SAT>"]
        var values: [Double] = [.nan, -.nan, .infinity, -.infinity, 0, -0.0, 1e300, -1e300, 0x1p-1030, -0x1p-1030,
                                0x1p31, -0x1p31, 0x1p31.nextDown, -(0x1p31.nextDown)]
        for _ in 0..<2000 {
            let u = Double(rng.next() % 2_000_001) / 1_000_000 - 1
            values.append(u * Double(1 << Int(rng.next() % 40)) / 1024)
        }
        try MacEngine.withKernels(baseline: baseline) {
            for text in formats {
                let f = try FixedFormat(parsing: text)
                // The C path's own limit, |x·2^F| < 2^31, and its neighbours.
                let edge = Double(sign: .plus, exponent: 31 - f.fractionBits, significand: 1)
                let mine = values + [edge, -edge, edge.nextDown, -edge.nextDown, edge.nextUp, -edge.nextUp]
                // Every start offset, so that special values fall in every lane and in the tail.
                for start in 0..<4 {
                    let slice = Array(mine[start...])
                    var got = [Int64](repeating: 0, count: slice.count)
                    slice.withUnsafeBufferPointer { i in
                        got.withUnsafeMutableBufferPointer { Emulator.quantize(i.baseAddress!, count: slice.count, format: f, into: $0.baseAddress!) }
                    }
                    let want = slice.map { f.quantize64($0) }
                    #expect(got == want, "\(text) from \(start)")
                }
            }
        }
    }

    @Test func pathSelection() throws {
        let f16 = try FixedFormat(parsing: "ap_fixed<16,6>")
        let steps = try AccumulationOrder.steps(.latency, reuse: 1, nIn: 4, nOut: 3)
        func path(accum: String, resourceSteps: [AccumulationStep]? = nil) throws -> MacEngine.Path {
            try MacEngine(nIn: 4, nOut: 3, weights: [Int64](repeating: 300, count: 12), bias: [1, 2, 3], input: f16,
                          weight: f16, biasFormat: f16, accum: FixedFormat(parsing: accum), result: f16,
                          steps: resourceSteps ?? steps, layer: "t").path
        }
        #expect(try path(accum: "ap_fixed<16,6>") == .wrap16)
        #expect(try path(accum: "ap_fixed<12,6>") == .wrap16)
        #expect(try path(accum: "ap_ufixed<16,6>") == .wrap16)
        #expect(try path(accum: "ap_fixed<16,6,AP_RND>") == .int16)
        #expect(try path(accum: "ap_fixed<17,6>") == .int16)
        #expect(try path(accum: "ap_fixed<40,16>") == .int64)
        #expect(try path(accum: "ap_fixed<16,6,AP_TRN,AP_SAT>") == .exact)
        #expect(try path(accum: "ap_fixed<16,6,AP_RND_CONV>") == .exact)
        // A resource walk is order-free with a wrapping accumulator.
        let resource = try AccumulationOrder.steps(.denseResource, reuse: 2, nIn: 4, nOut: 3)
        #expect(try path(accum: "ap_fixed<16,6>", resourceSteps: resource) == .wrap16)
    }

    @Test func resourceOrderMatchesHls4mlLoops() throws {
        // Dense 4→3, RF 2 (rf_leq_nin): reuse step ir visits inputs ir, ir+2 for output 0, then for 1, 2.
        let s = try AccumulationOrder.steps(.denseResource, reuse: 2, nIn: 4, nOut: 3)
        #expect(s.map(\.output) == [0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2])
        #expect(s.map(\.input) == [0, 2, 0, 2, 0, 2, 1, 3, 1, 3, 1, 3])
        #expect(AccumulationOrder.isPlainProduct(s, nIn: 4, nOut: 3))
        // RF > n_in uses rf_gt_nin_rem0; RF not a multiple of n_in is refused (hls4ml asserts).
        #expect(AccumulationOrder.isPlainProduct(try AccumulationOrder.steps(.denseResource, reuse: 8, nIn: 4, nOut: 4), nIn: 4, nOut: 4))
        #expect(throws: EmulatorError.self) { try AccumulationOrder.steps(.denseResource, reuse: 6, nIn: 4, nOut: 3) }
        // Conv1D's resource loop asserts RF <= n_in.
        #expect(throws: EmulatorError.self) { try AccumulationOrder.steps(.convResource(rank: 1), reuse: 12, nIn: 4, nOut: 3) }
    }

    @Test func weightsPassThroughDecimalText() throws {
        // With F fraction bits hls4ml prints F decimals, so a float32 within 0.5·10^-F below a grid point
        // prints as the grid point: ap_fixed<8,5> (3 decimals), 0.125 - 2^-26 → "0.125" → raw 1, where
        // truncating the float itself gives 0. For F = 10 this only reaches tiny negative weights.
        let f3 = try FixedFormat(parsing: "ap_fixed<8,5>")
        let below = Double(Float(0.125).nextDown)
        #expect(f3.weightText(below) == "0.125")
        #expect(try WeightText.quantize([below], to: f3, layer: "t", what: "w") == [1])
        #expect(f3.quantize64(below) == 0)
        let f = try FixedFormat(parsing: "ap_fixed<16,6>")
        let tinyNegative = -1e-12
        #expect(try WeightText.quantize([tinyNegative], to: f, layer: "t", what: "w") == [0])
        #expect(f.quantize64(tinyNegative) == -1)
        // Ties round half to even on the exact binary value, as Python's format does.
        #expect(f.weightText(0.00048828125) == "0.0004882812")
        #expect((try FixedFormat(parsing: "ap_int<8>")).weightText(2.5) == "2")
        #expect((try FixedFormat(parsing: "ap_fixed<8,10>")).weightText(-3.5) == "-4")
    }

    /// quantizeWeight's shortcut (no text) gives strtod(printf) exactly: random floats and doubles,
    /// exact decimal ties, values a hair from ties and from grid points, at 0...24 decimals.
    @Test func printedAndReadMatchesText() throws {
        var rng = Rng(state: 5)
        var values: [Double] = [0, -0.0, 0.125, -0.125, 2.5, -3.5, 0.00048828125, 1e-12, -1e-12, 0.5, 1.5]
        for _ in 0..<3000 {
            let u = Double(rng.next() % 1_000_000) / 1_000_000 - 0.5
            let scale = Double(1 << Int(rng.next() % 12))
            values.append(u * scale)
            values.append(Double(Float(u * scale)))
            values.append(Double(Float(u)).nextUp)
        }
        for k in 0..<200 {
            let tie = (Double(k) + 0.5) / 1024   // exact binary ties at a few digit counts
            values += [tie, tie.nextUp, tie.nextDown, -tie]
        }
        var shortcuts = 0
        for digits in 0...24 {
            for v in values {
                let text = String(format: "%.*f", digits, v)
                let want = Double(text)!
                guard let got = FixedFormat.printedAndRead(v, digits: digits) else { continue }
                shortcuts += 1
                #expect(got.bitPattern == want.bitPattern || (got == 0 && want == 0), "\(v) at \(digits) digits: \(got) vs \(text)")
            }
        }
        #expect(shortcuts > 150_000)
    }
}
