import FixedPoint
import Foundation
import Graph
import Import
import NPY
import Testing

@testable import Emulator

// Activation kernels against three references:
//  1. hls4ml's golden traces: every activation node of every golden case, fed the golden trace of
//     its input (so no other kernel is involved), must reproduce hls4ml's traced output;
//  2. the tables hls4ml's own C++ init functions filled (Tests/Fixtures/hls4ml/tables);
//  3. hls4ml 1.3's nnet_activation.h compiled with g++ (ActivationHarness): exhaustive over every raw
//     value of narrow input types, random beyond, odd formats and modes, softmax in all four
//     implementations, and NaN / ±inf / -0 / boundary inputs assigned from double.

private func format(_ text: String) -> FixedFormat { try! FixedFormat(parsing: text) }

/// Deterministic generator (SplitMix64).
private struct Mix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func rawRange(_ f: FixedFormat) -> ClosedRange<Int64> { Int64(f.minRaw)...Int64(f.maxRaw) }

/// Every raw value of `f` (narrow formats), padded to whole samples of `n`.
private func everyRaw(_ f: FixedFormat, n: Int) -> [Int64] {
    var v = Array(rawRange(f))
    let pad = (n - v.count % n) % n
    v += v.prefix(pad)
    return v
}

/// `count` values: the extremes and neighbours of zero first, then uniform random raws.
private func randomRaws(_ f: FixedFormat, count: Int, seed: UInt64) -> [Int64] {
    let r = rawRange(f)
    var v: [Int64] = [r.lowerBound, r.upperBound, 0, 1, -1, r.lowerBound + 1, r.upperBound - 1].filter { r.contains($0) }
    var g = Mix(state: seed)
    while v.count < count { v.append(Int64.random(in: r, using: &g)) }
    return v
}

/// Values near the table edges (±8, ±4 and the index steps around 0) plus random raws.
private func tableRaws(_ f: FixedFormat, count: Int, seed: UInt64) -> [Int64] {
    var v: [Int64] = []
    let r = rawRange(f)
    for edge in [0.0, 1.0 / 64, 1.0 / 128, 4, 8, 16, 0.5, 1] {
        for sign in [1.0, -1.0] {
            let raw = Int64(f.quantize(sign * edge))
            for d in -3...3 where r.contains(raw &+ Int64(d)) { v.append(raw + Int64(d)) }
        }
    }
    v += randomRaws(f, count: max(0, count - v.count), seed: seed)
    return v
}

/// Softmax input vectors: narrow spreads, wide spreads (wrapping differences), ties, one spike.
private func softmaxRaws(_ f: FixedFormat, n: Int, samples: Int, seed: UInt64) -> [Int64] {
    var g = Mix(state: seed)
    let r = rawRange(f)
    let one = max(1, Int64(f.quantize(1.0)))
    var v: [Int64] = []
    for s in 0..<samples {
        let centre = Int64.random(in: r, using: &g)
        for _ in 0..<n {
            let x: Int64
            switch s % 5 {
            case 0: x = centre &+ Int64.random(in: -2 * one...2 * one, using: &g)
            case 1: x = Int64.random(in: r, using: &g)
            case 2: x = centre
            case 3: x = centre &+ Int64.random(in: -8 * one...8 * one, using: &g)
            default: x = Int64.random(in: 0...3, using: &g) == 0 ? r.upperBound : Int64.random(in: -one...one, using: &g)
            }
            v.append(min(max(x, r.lowerBound), r.upperBound))
        }
    }
    return v
}

/// The harness cases: every function on several format combinations, then softmax.
private let harnessCases: [ActivationCase] = {
    var cases: [ActivationCase] = []
    var g = Mix(state: 7)
    let prelu64 = (0..<64).map { _ in Double(Float.random(in: -0.6...0.9, using: &g)) }
    let functions: [ActivationFunction] = [
        .linear, .relu, .reluParameters(maxValue: 6, threshold: 0, negativeSlope: 0), .leakyRelu(alpha: 0.1),
        .leakyRelu(alpha: 0.3), .thresholdedRelu(theta: 0.7), .thresholdedRelu(theta: -1.3), .elu(alpha: 1),
        .elu(alpha: 0.7), .selu, .sigmoid, .tanh, .softplus, .softsign, .hardSigmoid, .prelu(alpha: prelu64),
    ]
    struct Combo {
        var name: String
        var input: FixedFormat
        var result: FixedFormat
        var table = AssignSettings.defaultTable
        var tableSize = 1024
        var param = FixedFormat.hlsDefault
        var exhaustive = true
    }
    let combos = [
        Combo(name: "default", input: format("ap_fixed<16,6>"), result: format("ap_fixed<16,6>")),
        Combo(name: "narrow-rounding", input: format("ap_fixed<10,4>"), result: format("ap_fixed<8,2,AP_RND,AP_SAT>"),
              table: format("ap_fixed<14,3,AP_RND_CONV,AP_SAT>"), tableSize: 512, param: format("ap_fixed<8,1,AP_RND>")),
        Combo(name: "unsigned-in", input: format("ap_ufixed<12,3>"), result: format("ap_fixed<12,2,AP_RND_INF,AP_SAT_SYM>"),
              tableSize: 2048, param: format("ap_fixed<12,3,AP_RND_ZERO,AP_SAT>")),
        Combo(name: "negative-fraction", input: format("ap_fixed<12,14>"), result: format("ap_fixed<16,6>")),
        Combo(name: "tiny-fraction", input: format("ap_fixed<8,-1>"), result: format("ap_fixed<16,6>"), tableSize: 256),
        Combo(name: "integer-in", input: format("ap_int<8>"), result: format("ap_fixed<10,5,AP_TRN,AP_WRAP,2>")),
        Combo(name: "odd-table-size", input: format("ap_fixed<16,6>"), result: format("ap_fixed<16,6>"), tableSize: 1000),
        Combo(name: "wide", input: format("ap_fixed<32,12>"), result: format("ap_fixed<24,8,AP_RND,AP_SAT>"),
              tableSize: 4096, param: format("ap_fixed<20,4>"), exhaustive: false),
        Combo(name: "very-wide", input: format("ap_fixed<60,30>"), result: format("ap_fixed<16,6>"),
              table: format("ap_fixed<24,8>"), exhaustive: false),
    ]
    for (k, combo) in combos.enumerated() {
        for f in functions {
            let n = 64
            let raws = combo.exhaustive ? everyRaw(combo.input, n: n)
                : tableRaws(combo.input, count: 64 * 128, seed: UInt64(1000 + k))
            cases.append(ActivationCase(
                label: "#\(cases.count) \(f.name)-\(combo.name)", activation: Activation(f, tableSize: combo.tableSize),
                input: combo.input, result: combo.result, n: n, table: combo.table, param: combo.param, raws: raws))
        }
    }
    struct SoftmaxCombo {
        var name: String
        var input: FixedFormat
        var result: FixedFormat
        var n: Int
        var accum = FixedFormat.hlsDefault
        var expTable = AssignSettings.defaultSoftmaxTable
        var invTable = AssignSettings.defaultSoftmaxTable
        var tableSize = 1024
    }
    let softmaxCombos = [
        SoftmaxCombo(name: "default", input: format("ap_fixed<16,6>"), result: format("ap_fixed<16,6>"), n: 8),
        SoftmaxCombo(name: "f10", input: format("ap_fixed<10,4>"), result: format("ap_fixed<10,4>"), n: 5,
                     accum: format("ap_fixed<10,4>")),
        SoftmaxCombo(name: "narrow-sat-accum", input: format("ap_fixed<8,3>"), result: format("ap_ufixed<8,0,AP_RND,AP_SAT>"),
                     n: 13, accum: format("ap_fixed<12,4,AP_RND,AP_SAT>")),
        SoftmaxCombo(name: "unsigned-in", input: format("ap_ufixed<12,4>"), result: format("ap_fixed<16,2,AP_RND_CONV>"),
                     n: 6, accum: format("ap_fixed<18,8>"), expTable: format("ap_fixed<16,4,AP_RND,AP_SAT>"),
                     invTable: format("ap_fixed<20,10,AP_RND_CONV,AP_SAT>"), tableSize: 2048),
        SoftmaxCombo(name: "single", input: format("ap_fixed<16,6>"), result: format("ap_fixed<16,6>"), n: 1),
        SoftmaxCombo(name: "three", input: format("ap_fixed<14,5>"), result: format("ap_fixed<12,1,AP_RND,AP_SAT>"), n: 3,
                     accum: format("ap_fixed<10,2,AP_TRN,AP_SAT>")),
        SoftmaxCombo(name: "wide", input: format("ap_fixed<24,10>"), result: format("ap_fixed<18,2>"), n: 10,
                     accum: format("ap_fixed<24,10,AP_TRN,AP_SAT>"), tableSize: 4096),
    ]
    for (k, combo) in softmaxCombos.enumerated() {
        for impl in SoftmaxImplementation.allCases {
            cases.append(ActivationCase(
                label: "softmax-\(impl.rawValue)-\(combo.name)",
                activation: Activation(.softmax, tableSize: combo.tableSize, softmax: impl), input: combo.input,
                result: combo.result, n: combo.n, accum: combo.accum, expTable: combo.expTable,
                invTable: combo.invTable, raws: softmaxRaws(combo.input, n: combo.n, samples: 600, seed: UInt64(77 + k))))
        }
    }
    // Legacy softmax with a table size that is not a power of two (its index is arithmetic, not bits).
    cases.append(ActivationCase(
        label: "softmax-legacy-odd-table-size", activation: Activation(.softmax, tableSize: 1000, softmax: .legacy),
        input: format("ap_fixed<16,6>"), result: format("ap_fixed<16,6>"), n: 8,
        raws: softmaxRaws(format("ap_fixed<16,6>"), n: 8, samples: 600, seed: 99)))
    // Inputs assigned from double: NaN, ±inf, -0, subnormals, huge values, table edges.
    var specials: [Double] = [0, -0.0, .nan, -.nan, .infinity, -.infinity, .greatestFiniteMagnitude,
                              -.greatestFiniteMagnitude, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e300, -1e300]
    for e in [1.0 / 64, 15.0 / 1024, 4, 8, 31.999, 32, 64, 100] {
        specials += [e, -e, e.nextUp, e.nextDown, -e.nextUp, -e.nextDown]
    }
    while specials.count % 8 != 0 { specials.append(0.5) }
    let specialBits = specials.map { Int64(bitPattern: $0.bitPattern) }
    for input in [format("ap_fixed<16,6>"), format("ap_fixed<16,6,AP_RND,AP_SAT>"), format("ap_ufixed<12,3,AP_RND_CONV,AP_SAT_SYM>")] {
        for f in functions where f != .prelu(alpha: prelu64) {
            cases.append(ActivationCase(label: "#\(cases.count) \(f.name)-doubles-\(input.shorthand)", activation: Activation(f), input: input,
                                        result: format("ap_fixed<16,6>"), n: 8, raws: specialBits, doubles: true))
        }
        cases.append(ActivationCase(label: "softmax-doubles-\(input.shorthand)", activation: Activation(.softmax), input: input,
                                    result: format("ap_fixed<16,6>"), n: 8, raws: specialBits, doubles: true))
    }
    return cases
}()

/// The harness's answers, computed once per process.
private let harnessResults: Result<[[Int64]], Error> = Result { try ActivationHarness.run(harnessCases) }

@Suite struct ActivationTests {
    // MARK: hls4ml 1.3 C++ (nnet_activation.h) through g++

    @Test(arguments: harnessCases)
    func agreesWithNnetActivation(_ c: ActivationCase) throws {
        if let why = ActivationHarness.unavailable {
            print("skipping \(c.label): \(why)")
            return
        }
        let index = harnessCases.firstIndex { $0.label == c.label }!
        let theirs = try harnessResults.get()[index]
        let ours = try KernelRunner.run(c)
        var bad = 0
        var shown: [String] = []
        for k in 0..<ours.count where ours[k] != theirs[k] {
            bad += 1
            if shown.count < 6 {
                let x = c.doubles ? "\(Double(bitPattern: UInt64(bitPattern: c.raws[k])))" : "raw \(c.raws[k])"
                shown.append("[\(k)] input \(x): ours \(ours[k]), hls4ml \(theirs[k])")
            }
        }
        #expect(bad == 0, "\(c.label): \(bad) of \(ours.count) outputs differ: \(shown.joined(separator: "; "))")
    }

    /// The same special doubles through a whole emulator (input layer quantization included).
    @Test func emulatorQuantizesSpecialInputsLikeAPTypes() throws {
        if let why = ActivationHarness.unavailable {
            print("skipping: \(why)")
            return
        }
        for c in harnessCases where c.doubles && c.activation.function == .sigmoid {
            var b = GraphBuilder(name: "special")
            let i = try b.input("in", shape: [c.n])
            let a = try b.add("act", sourceClass: "Activation", op: .activation(c.activation), inputs: [i])
            var g = try b.finish(output: a)
            g.nodes[i].types = LayerTypes(result: c.input)
            g.nodes[a].types = c.node.types
            let emu = try Emulator(g)
            let doubles = c.raws.map { Double(bitPattern: UInt64(bitPattern: $0)) }
            var out = [Int64](repeating: 0, count: doubles.count)
            doubles.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { emu.run(input: x.baseAddress!, samples: c.samples, rawOutput: $0.baseAddress!) }
            }
            let theirs = try harnessResults.get()[harnessCases.firstIndex { $0.label == c.label }!]
            #expect(out == theirs, "\(c.label): emulator differs from nnet::sigmoid on special doubles")
        }
    }

    // MARK: hls4ml's golden C-simulation traces

    /// Every activation node of every golden case, fed the golden trace of its input.
    @Test(arguments: Goldens.cases.filter { !$0.traceLayers.isEmpty })
    func activationLayersMatchGoldenTraces(_ c: Goldens.Case) throws {
        if c.needsShared && !Goldens.sharedPresent {
            print("skipping \(c.name): ../shared/zoo is absent")
            return
        }
        let g = try Goldens.graph(c)
        let dir = Goldens.dir(c)
        var checked = 0
        for node in g.nodes {
            guard case .activation = node.op else { continue }
            let outPath = dir.appendingPathComponent("trace/\(node.name).npy").path
            guard FileManager.default.fileExists(atPath: outPath) else { continue }
            // The traced ancestor: the input node (x.npy) or a layer hls4ml traced (reshapes move no data).
            var src = g.nodes[node.inputs[0]]
            while case .reshape = src.op { src = g.nodes[src.inputs[0]] }
            let inPath = src.id == g.input ? dir.appendingPathComponent("x.npy").path
                : dir.appendingPathComponent("trace/\(src.name).npy").path
            guard FileManager.default.fileExists(atPath: inPath) else {
                Issue.record("\(c.name): no golden values for '\(src.name)', the input of '\(node.name)'")
                continue
            }
            let inFormat = g.nodes[node.inputs[0]].types.result
            #expect(src.types.result == inFormat, "\(c.name): '\(node.name)' reads through a cast")
            let theirs = try NPYArray(contentsOf: outPath).doubles()
            let samples = theirs.count / node.size
            let inputs = Array(try NPYArray(contentsOf: inPath).doubles().prefix(samples * node.size))
            let raws = try inputs.map { v -> Int64 in
                let r = inFormat.quantize64(v)
                // x.npy holds the doubles given to the C simulation; traces hold values of the type.
                guard src.id == g.input || Double(r) * inFormat.ulp == v else {
                    throw EmulatorError(layer: node.name, "golden input \(v) is not a value of \(inFormat)")
                }
                return r
            }
            let ours = try KernelRunner.run(node: node, input: inFormat, raws: raws, inputShape: g.nodes[node.inputs[0]].shape)
                .map { Double($0) * node.types.result.ulp }
            let (count, text) = Goldens.mismatches(ours, theirs, width: node.size)
            #expect(count == 0, "\(c.name) layer \(node.name): \(count) of \(ours.count) values differ: \(text)")
            checked += 1
        }
        let traced = g.nodes.contains { node in
            if case .activation = node.op { return c.traceLayers.contains(node.name) }
            return false
        }
        #expect(!traced || checked > 0, "\(c.name): traced activations but none checked")
    }

    /// Single-activation cases: the kernel alone reproduces all of y.npy.
    @Test(arguments: Goldens.cases)
    func singleActivationCasesMatchOutputs(_ c: Goldens.Case) throws {
        if c.needsShared && !Goldens.sharedPresent { return }
        let g = try Goldens.graph(c)
        let out = g.nodes[g.output]
        guard case .activation = out.op, out.inputs == [g.input] else { return }
        let inFormat = g.nodes[g.input].types.result
        let x = try NPYArray(contentsOf: Goldens.dir(c).appendingPathComponent("x.npy").path).doubles()
        let y = try NPYArray(contentsOf: Goldens.dir(c).appendingPathComponent("y.npy").path).doubles()
        let ours = try KernelRunner.run(node: out, input: inFormat, raws: x.map { inFormat.quantize64($0) })
            .map { Double($0) * out.types.result.ulp }
        let (count, text) = Goldens.mismatches(ours, y, width: out.size)
        #expect(count == 0, "\(c.name): \(count) of \(ours.count) outputs differ: \(text)")
    }

    // MARK: tables dumped from hls4ml's own init functions

    @Test func tablesMatchHls4mlDumps() throws {
        let dir = Goldens.hls4ml.appendingPathComponent("tables")
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("index.json").path) else {
            Issue.record("Tests/Fixtures/hls4ml/tables is missing")
            return
        }
        let t18 = AssignSettings.defaultTable, wide = format("ap_fixed<48,8>"), sm = AssignSettings.defaultSoftmaxTable
        let kinds: [(String, ActivationTables.Kind)] = [("sigmoid", .sigmoid), ("tanh", .tanh), ("softplus", .softplus),
                                                         ("softsign", .softsign), ("elu", .elu), ("selu", .selu)]
        var tables: [(String, FixedFormat, [Int128])] = []
        for (name, kind) in kinds {
            tables.append((name, t18, ActivationTables.raw(kind, size: 1024, format: t18)))
            tables.append((name + "_wide", wide, ActivationTables.raw(kind, size: 1024, format: wide)))
        }
        tables.append(("softmax_stable_exp", sm,
                       ActivationTables.softmaxExp(size: 1024, index: format("ap_ufixed<15,5>"), negative: true, exp: sm)))
        tables.append(("softmax_latency_exp", sm,
                       ActivationTables.softmaxExp(size: 1024, index: format("ap_fixed<16,6>"), negative: false, exp: sm)))
        tables.append(("softmax_inv", sm, ActivationTables.softmaxInvert(size: 1024, index: sm, inv: sm)))
        tables.append(("softmax_legacy_exp", t18, ActivationTables.raw(.legacyExp, size: 1024, format: t18)))
        tables.append(("softmax_legacy_inv", t18, ActivationTables.raw(.legacyInvert, size: 1024, format: t18)))
        for (name, f, raw) in tables {
            let theirs = try NPYArray(contentsOf: dir.appendingPathComponent("\(name).npy").path).doubles()
            let ours = raw.map { f.value(ofRaw: $0) }
            let bad = zip(ours, theirs).enumerated().filter { $0.element.0 != $0.element.1 }
            #expect(theirs.count == 1024 && bad.isEmpty,
                    "\(name): \(bad.count) entries differ, first \(bad.first.map { "[\($0.offset)] ours \($0.element.0), hls4ml \($0.element.1)" } ?? "-")")
        }
    }

    // MARK: documented edge behaviour (independent of the harness)

    /// sigmoid on ap_fixed<16,6>: the index truncates toward zero, so (-1/64, 1/64) all read entry 512;
    /// inputs beyond ±8 clamp to the first and last entries; NaN/±inf assigned to a wrapping type are 0.
    @Test func sigmoidIndexEdges() throws {
        let f = FixedFormat.hlsDefault
        let sigmoid = try NPYArray(contentsOf: Goldens.hls4ml.appendingPathComponent("tables/sigmoid.npy").path).doubles()
        var node = Node(id: 1, name: "s", sourceClass: "Activation", op: .activation(Activation(.sigmoid)), inputs: [0], shape: [1])
        node.types.table = AssignSettings.defaultTable
        let cases: [(Double, Int)] = [
            (0, 512), (-0.0, 512), (15.0 / 1024, 512), (-15.0 / 1024, 512), (16.0 / 1024, 513), (-16.0 / 1024, 511),
            (-17.0 / 1024, 511), (7.984375, 1023), (8, 1023), (31.999, 1023), (-7.984375, 1), (-8, 0), (-32, 0),
            (.nan, 512), (.infinity, 512), (-.infinity, 512),
        ]
        for (x, entry) in cases {
            let out = try KernelRunner.run(node: node, input: f, raws: [f.quantize64(x)])
            #expect(Double(out[0]) * f.ulp == sigmoid[entry], "sigmoid(\(x)) should read entry \(entry)")
        }
    }

    /// Keras ReLU(max_value=6) is a plain relu in hls4ml 1.3 (its parameters are dropped).
    @Test func reluParametersAreIgnoredLikeHls4ml() throws {
        let f = FixedFormat.hlsDefault
        let node = Node(id: 1, name: "r", sourceClass: "ReLU",
                        op: .activation(Activation(.reluParameters(maxValue: 6, threshold: 0.5, negativeSlope: 0.1))),
                        inputs: [0], shape: [4])
        let out = try KernelRunner.run(node: node, input: f, raws: [10.0, 0.25, -3, 31.5].map { f.quantize64($0) })
        #expect(out.map { Double($0) * f.ulp } == [10, 0.25, 0, 31.5])
    }

    /// Softmax stable with ap_fixed<16,6>: a difference of 33 wraps in ap_ufixed<15,5> to 1, so the
    /// small element gets exp(-1), not exp(-33); equal inputs split evenly.
    @Test func softmaxStableWrapsLargeDifferences() throws {
        let f = FixedFormat.hlsDefault
        var node = Node(id: 1, name: "sm", sourceClass: "Activation", op: .activation(Activation(.softmax)), inputs: [0], shape: [2])
        node.types.accum = f
        node.types.expTable = AssignSettings.defaultSoftmaxTable
        node.types.invTable = AssignSettings.defaultSoftmaxTable
        let wrapped = try KernelRunner.run(node: node, input: f, raws: [20.0, -13.0].map { f.quantize64($0) })
        let plain = try KernelRunner.run(node: node, input: f, raws: [20.0, 19.0].map { f.quantize64($0) })
        #expect(wrapped == plain)
        #expect(wrapped[1] > 0)
        let even = try KernelRunner.run(node: node, input: f, raws: [3.0, 3.0].map { f.quantize64($0) })
        #expect(even[0] == even[1])
    }
}

/// Which config keys reach a softmax's settings, as checked with hls4ml 1.3's keras_v2_to_hls: Model-level
/// TableSize / Implementation / table_t and Precision-dict table keys are ignored; LayerType/LayerName
/// TableSize and Implementation, `exp_table_t:` keys and the accum precision are honoured.
@Suite struct ActivationSettingsTests {
    func softmaxNode(_ hlsConfig: String) throws -> Node {
        let model = Goldens.hls4ml.appendingPathComponent("softmax_legacy")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-act-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = """
            KerasJson: \(model.appendingPathComponent("model.json").path)
            KerasH5: \(model.appendingPathComponent("weights.h5").path)
            IOType: io_parallel
            HLSConfig:
            \(hlsConfig)
            """
        let path = dir.appendingPathComponent("config.yml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let cfg = try ProjectConfig(contentsOf: path)
        var g = try KerasImporter.load(config: cfg)
        try Pipeline.run(Pipeline.standard(cfg.hls), on: &g)
        return try #require(g.node(named: "softmax"))
    }

    @Test func modelLevelAndPrecisionDictTableKeysAreIgnored() throws {
        let node = try softmaxNode("""
              Model:
                Precision: ap_fixed<16,6>
                TableSize: 256
                Implementation: latency
                table_t: ap_fixed<12,4>
              LayerName:
                softmax:
                  Precision:
                    exp_table: ap_fixed<14,4>
                    inv_table: ap_fixed<14,4>
                    accum: ap_fixed<20,8>
            """)
        guard case .activation(let a) = node.op else { Issue.record("not an activation"); return }
        #expect(a.tableSize == 1024 && a.softmax == .stable)
        #expect(node.types.expTable == AssignSettings.defaultSoftmaxTable)
        #expect(node.types.invTable == AssignSettings.defaultSoftmaxTable)
        #expect(node.types.accum == format("ap_fixed<20,8>"))
    }

    @Test func layerLevelKeysAreHonoured() throws {
        let node = try softmaxNode("""
              Model:
                Precision: ap_fixed<16,6>
              LayerType:
                Softmax:
                  TableSize: 256
                  Implementation: latency
              LayerName:
                softmax:
                  exp_table_t: ap_fixed<14,4>
                  Precision: ap_fixed<10,3>
            """)
        guard case .activation(let a) = node.op else { Issue.record("not an activation"); return }
        #expect(a.tableSize == 256 && a.softmax == .latency)
        #expect(node.types.expTable == format("ap_fixed<14,4>"))
        #expect(node.types.invTable == AssignSettings.defaultSoftmaxTable)
        #expect(node.types.accum == format("ap_fixed<10,3>") && node.types.result == format("ap_fixed<10,3>"))
    }
}
