import FixedPoint
import Foundation
import Graph
import Testing
@testable import Codegen

// Random small networks built with GraphBuilder — every layer family, several precisions (rounding and
// saturating result and accumulator types, unsigned inputs, narrow tables), Latency and Resource, reuse
// factors 1 and > 1 (also above n_in), output arrays read by later layers, reshaped and copied outputs —
// emitted, compiled with g++ and compared bit for bit with the emulator. Seeds are fixed, so the cached
// binaries are reused between runs.

/// SplitMix64: a small deterministic generator.
struct SeededRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53)
    }

    /// `n` float32-valued weights in [-scale, scale), about one in eight exactly zero.
    mutating func weights(_ n: Int, scale: Double = 1) -> [Double] {
        (0..<n).map { _ in next() % 8 == 0 ? 0 : Double(Float(uniform(-scale, scale))) }
    }
}

/// Builders of the random networks and their settings.
enum RandomNetworks {
    static func f(_ text: String) -> FixedFormat { try! FixedFormat(parsing: text) }

    /// Layer settings from precision strings.
    static func layer(_ p: [PrecisionKey: String] = [:], rf: Int? = nil, strategy: Strategy? = nil,
                      table: Int? = nil, softmax: SoftmaxImplementation? = nil) -> LayerSettings {
        var l = LayerSettings()
        l.precision = p.mapValues { f($0) }
        l.reuseFactor = rf
        l.strategy = strategy
        l.tableSize = table
        l.softmax = softmax
        return l
    }

    static func settings(model: [PrecisionKey: String] = [:], rf: Int? = nil, strategy: Strategy? = nil,
                         names: [String: LayerSettings] = [:]) -> HLSSettings {
        var s = HLSSettings()
        s.model = layer(model, rf: rf, strategy: strategy)
        s.byName = names
        return s
    }

    static func dense(_ b: inout GraphBuilder, _ name: String, _ input: NodeID, _ nIn: Int, _ nOut: Int,
                      _ rng: inout SeededRandom, activation: ActivationFunction? = nil) throws -> NodeID {
        try b.add(name, sourceClass: "Dense",
                  op: .dense(Dense(inputs: nIn, outputs: nOut, weights: rng.weights(nIn * nOut), bias: rng.weights(nOut, scale: 0.5))),
                  inputs: [input], activation: activation)
    }

    static func conv(_ b: inout GraphBuilder, _ name: String, _ input: NodeID, kernel: [Int], strides: [Int],
                     same: Bool, filters: Int, _ rng: inout SeededRandom, activation: ActivationFunction? = nil) throws -> NodeID {
        let shape = b.shape(of: input)
        let rank = kernel.count, ch = shape.last!
        let padding = (0..<rank).map { same ? Padding.same(input: shape[$0], kernel: kernel[$0], stride: strides[$0]) : Padding(0, 0) }
        let n = kernel.reduce(1, *) * ch * filters
        return try b.add(name, sourceClass: "Conv\(rank)D",
                         op: .conv(Conv(rank: rank, kernel: kernel, strides: strides, padding: padding, filters: filters,
                                        inChannels: ch, weights: rng.weights(n), bias: rng.weights(filters, scale: 0.5))),
                         inputs: [input], activation: activation)
    }

    static func act(_ b: inout GraphBuilder, _ name: String, _ input: NodeID, _ fn: ActivationFunction,
                    softmax: SoftmaxImplementation = .stable) throws -> NodeID {
        try b.add(name, sourceClass: "Activation", op: .activation(Activation(fn, softmax: softmax)), inputs: [input])
    }

    static func merge(_ b: inout GraphBuilder, _ name: String, _ kind: Merge.Kind, _ a: NodeID, _ c: NodeID, axis: Int = -1) throws -> NodeID {
        let ax = axis >= 0 ? axis : b.shape(of: a).count - 1
        return try b.add(name, sourceClass: kind.rawValue.capitalized, op: .merge(Merge(kind, axis: ax)), inputs: [a, c])
    }

    static func finish(_ b: GraphBuilder, _ out: NodeID, _ s: HLSSettings) throws -> Graph {
        var g = try b.finish(output: out)
        try Pipeline.run(Pipeline.standard(s), on: &g)
        return g
    }

    /// input [12] → Dense 12→8 relu → Dense 8→6 softmax.
    static func mlp(_ name: String, seed: UInt64, _ s: HLSSettings) throws -> Graph {
        var rng = SeededRandom(state: seed)
        var b = GraphBuilder(name: name)
        let x = try b.input("x", shape: [12])
        let d1 = try dense(&b, "fc1", x, 12, 8, &rng, activation: .relu)
        let d2 = try dense(&b, "fc2", d1, 8, 6, &rng, activation: .softmax)
        return try finish(b, d2, s)
    }

    /// input [6,7,2] → ZeroPadding2D → Conv2D same → BatchNorm → LeakyReLU → MaxPool same → Conv2D valid/stride 2
    /// relu → AveragePooling2D → GlobalMaxPooling2D → Dense sigmoid.
    static func cnn2d(_ name: String, seed: UInt64, _ s: HLSSettings) throws -> Graph {
        var rng = SeededRandom(state: seed)
        var b = GraphBuilder(name: name)
        let x = try b.input("x", shape: [6, 7, 2])
        let zp = try b.add("zp", sourceClass: "ZeroPadding2D", op: .zeroPad(ZeroPad(rank: 2, padding: [Padding(1, 0), Padding(0, 2)])), inputs: [x])
        let c1 = try conv(&b, "conv_a", zp, kernel: [3, 3], strides: [1, 1], same: true, filters: 3, &rng)
        let bn = try b.add("bn", sourceClass: "BatchNormalization",
                           op: .batchNorm(BatchNorm(scale: rng.weights(3, scale: 2).map { $0 == 0 ? 1.5 : $0 }, bias: rng.weights(3))), inputs: [c1])
        let lr = try act(&b, "leaky", bn, .leakyRelu(alpha: 0.1))
        let mp = try b.add("pool_max", sourceClass: "MaxPooling2D",
                           op: .pool(Pool(kind: .max, rank: 2, global: false, size: [2, 2], strides: [2, 2],
                                          padding: [Padding.same(input: 7, kernel: 2, stride: 2), Padding.same(input: 9, kernel: 2, stride: 2)])),
                           inputs: [lr])
        let c2 = try conv(&b, "conv_b", mp, kernel: [2, 2], strides: [1, 2], same: false, filters: 4, &rng, activation: .relu)
        let ap = try b.add("pool_avg", sourceClass: "AveragePooling2D",
                           op: .pool(Pool(kind: .average, rank: 2, global: false, size: [2, 2], strides: [1, 1], padding: [Padding(0, 1), Padding(1, 0)])),
                           inputs: [c2])
        let gp = try b.add("gmax", sourceClass: "GlobalMaxPooling2D",
                           op: .pool(Pool(kind: .max, rank: 2, global: true, size: [], strides: [], padding: [])), inputs: [ap])
        let d = try dense(&b, "fc", gp, 4, 3, &rng, activation: .sigmoid)
        return try finish(b, d, s)
    }

    /// input [10,3] → Conv1D same stride 2 tanh → UpSampling1D ×2 → AveragePooling1D same → Conv1D valid →
    /// GlobalAveragePooling1D → hard_sigmoid.
    static func cnn1d(_ name: String, seed: UInt64, _ s: HLSSettings) throws -> Graph {
        var rng = SeededRandom(state: seed)
        var b = GraphBuilder(name: name)
        let x = try b.input("x", shape: [10, 3])
        let c1 = try conv(&b, "conv_a", x, kernel: [3], strides: [2], same: true, filters: 4, &rng, activation: .tanh)
        let up = try b.add("up", sourceClass: "UpSampling1D", op: .upSample(UpSample(rank: 1, factors: [2])), inputs: [c1])
        let ap = try b.add("pool_avg", sourceClass: "AveragePooling1D",
                           op: .pool(Pool(kind: .average, rank: 1, global: false, size: [3], strides: [2],
                                          padding: [Padding.same(input: 10, kernel: 3, stride: 2)])), inputs: [up])
        let c2 = try conv(&b, "conv_b", ap, kernel: [2], strides: [1], same: false, filters: 2, &rng)
        let gp = try b.add("gavg", sourceClass: "GlobalAveragePooling1D",
                           op: .pool(Pool(kind: .average, rank: 1, global: true, size: [], strides: [], padding: [])), inputs: [c2])
        let hs = try act(&b, "hsig", gp, .hardSigmoid)
        return try finish(b, hs, s)
    }

    /// input [8] → two Dense branches → every merge, 1-D and 2-D concatenations → Dense.
    static func merges(_ name: String, seed: UInt64, _ s: HLSSettings) throws -> Graph {
        var rng = SeededRandom(state: seed)
        var b = GraphBuilder(name: name)
        let x = try b.input("x", shape: [8])
        let a = try dense(&b, "fa", x, 8, 6, &rng)
        let c = try dense(&b, "fb", x, 8, 6, &rng, activation: .relu)
        var outs: [NodeID] = []
        for k in [Merge.Kind.add, .subtract, .multiply, .average, .maximum, .minimum] {
            outs.append(try merge(&b, "m_\(k.rawValue)", k, a, c))
        }
        let c1 = try merge(&b, "cat1", .concatenate, outs[0], outs[1])
        let c2 = try merge(&b, "cat2", .concatenate, outs[2], outs[3])
        let c3 = try merge(&b, "cat3", .concatenate, outs[4], outs[5])
        let s12 = try merge(&b, "sum12", .add, c1, c2)
        let m = try merge(&b, "mul3", .multiply, s12, c3)
        let ra = try b.add("ra", sourceClass: "Reshape", op: .reshape, inputs: [a], shape: [2, 3])
        let rc = try b.add("rc", sourceClass: "Reshape", op: .reshape, inputs: [c], shape: [2, 3])
        let ax0 = try merge(&b, "cat_ax0", .concatenate, ra, rc, axis: 0)
        let ax1 = try merge(&b, "cat_ax1", .concatenate, ra, rc, axis: 1)
        let f0 = try b.add("flat0", sourceClass: "Flatten", op: .reshape, inputs: [ax0], shape: [12])
        let f1 = try b.add("flat1", sourceClass: "Flatten", op: .reshape, inputs: [ax1], shape: [12])
        let both = try merge(&b, "cat_flat", .concatenate, f0, f1)
        let all = try merge(&b, "cat_all", .concatenate, m, both)
        let d = try dense(&b, "fc", all, 36, 4, &rng)
        return try finish(b, d, s)
    }

    /// input [10] → a chain through every element-wise activation.
    static func activations(_ name: String, seed: UInt64, _ s: HLSSettings) throws -> Graph {
        var rng = SeededRandom(state: seed)
        var b = GraphBuilder(name: name)
        let x = try b.input("x", shape: [10])
        var h = try dense(&b, "fc0", x, 10, 10, &rng, activation: .elu(alpha: 0.7))
        h = try dense(&b, "fc1", h, 10, 10, &rng, activation: .selu)
        h = try dense(&b, "fc2", h, 10, 10, &rng)
        h = try act(&b, "prelu", h, .prelu(alpha: rng.weights(10, scale: 0.6)))
        h = try act(&b, "thr", h, .thresholdedRelu(theta: 0.3))
        h = try act(&b, "relu6", h, .reluParameters(maxValue: 6, threshold: 0, negativeSlope: 0))
        h = try dense(&b, "fc3", h, 10, 10, &rng, activation: .softplus)
        h = try dense(&b, "fc4", h, 10, 10, &rng, activation: .softsign)
        h = try dense(&b, "fc5", h, 10, 10, &rng, activation: .tanh)
        h = try act(&b, "cast", h, .linear)
        h = try dense(&b, "fc6", h, 10, 10, &rng, activation: .sigmoid)
        h = try dense(&b, "fc7", h, 10, 10, &rng, activation: .leakyRelu(alpha: 0.25))
        h = try dense(&b, "fc8", h, 10, 10, &rng, activation: .relu)
        h = try act(&b, "hsig", h, .hardSigmoid)
        return try finish(b, h, s)
    }

    /// input [3,5] → Dense 5→4 on every row (a 1×1 convolution) → softmax over the last axis → Flatten.
    static func softmax(_ name: String, seed: UInt64, impl: SoftmaxImplementation, _ s: HLSSettings) throws -> Graph {
        var rng = SeededRandom(state: seed)
        var b = GraphBuilder(name: name)
        let x = try b.input("x", shape: [3, 5])
        let d = try dense(&b, "fc", x, 5, 4, &rng)
        let sm = try act(&b, "sm", d, .softmax, softmax: impl)
        let fl = try b.add("flat", sourceClass: "Flatten", op: .reshape, inputs: [sm], shape: [12])
        return try finish(b, fl, s)
    }

    /// The output is a middle layer that later layers also read (so it is copied into y at the end).
    static func outputRead(_ name: String, seed: UInt64, _ s: HLSSettings) throws -> Graph {
        var rng = SeededRandom(state: seed)
        var b = GraphBuilder(name: name)
        let x = try b.input("x", shape: [6])
        let d1 = try dense(&b, "fc1", x, 6, 6, &rng, activation: .relu)
        let d2 = try dense(&b, "fc2", d1, 6, 3, &rng)
        _ = d2
        var g = try b.finish(output: d1)
        try Pipeline.run(Pipeline.standard(s), on: &g)
        return g
    }

    /// input [4,3] → reshape [12]: the output is the input itself (copied and cast into y).
    static func identity(_ name: String, _ s: HLSSettings) throws -> Graph {
        var b = GraphBuilder(name: name)
        let x = try b.input("x", shape: [4, 3])
        let r = try b.add("flat", sourceClass: "Flatten", op: .reshape, inputs: [x], shape: [12])
        return try finish(b, r, s)
    }

    /// A reshape given its own (narrower, saturating) type after the passes: a cast, emitted as linear.
    static func castingReshape(_ name: String, seed: UInt64) throws -> Graph {
        var rng = SeededRandom(state: seed)
        var b = GraphBuilder(name: name)
        let x = try b.input("x", shape: [6])
        let d = try dense(&b, "fc", x, 6, 6, &rng)
        let r = try b.add("view", sourceClass: "Reshape", op: .reshape, inputs: [d], shape: [2, 3])
        var g = try finish(b, r, HLSSettings())
        g.nodes[g.output].types.result = f("ap_fixed<8,2,AP_RND,AP_SAT>")
        return g
    }

    /// Every random case: (network, input range).
    static func all() throws -> [NetworkCase] {
        var out: [NetworkCase] = []
        func add(_ g: Graph, range: Double = 5, samples: Int = 40, seed: UInt64 = 7) {
            var rng = SeededRandom(state: seed ^ UInt64(out.count) &* 0x1234_5678)
            let n = g.inputSize * samples
            // Mostly moderate values, some far out to reach saturation and table clamps.
            let input = (0..<n).map { i in i % 11 == 0 ? rng.uniform(-8 * range, 8 * range) : rng.uniform(-range, range) }
            out.append(NetworkCase(name: g.name, graph: g, input: input, samples: samples))
        }
        let satAccum = "ap_fixed<12,4,AP_RND_CONV,AP_SAT>"
        // Dense MLPs: both strategies, reuse 1 and > 1, reuse above n_in, rounding/saturating types.
        add(try mlp("r_mlp_latency", seed: 1, settings()))
        add(try mlp("r_mlp_latency_rf5_rndsat", seed: 2, settings(model: [.default: "ap_fixed<12,4,AP_RND,AP_SAT>", .accum: "ap_fixed<14,5,AP_TRN,AP_SAT>"], rf: 5)))
        add(try mlp("r_mlp_resource_rf3", seed: 3, settings(model: [.accum: satAccum], strategy: .resource,
                                                            names: ["fc1": layer(rf: 3), "fc2": layer(rf: 2)])))
        add(try mlp("r_mlp_resource_rf_gt_nin", seed: 4, settings(model: [.accum: satAccum], strategy: .resource,
                                                                  names: ["fc1": layer(rf: 24), "fc2": layer(rf: 48),
                                                                          "fc1_relu": layer([.result: "ap_ufixed<10,4,AP_RND,AP_SAT>"])])))
        add(try mlp("r_mlp_resource_rf1_modes", seed: 5, settings(
            model: [.weight: "ap_fixed<6,1,AP_RND_ZERO>", .bias: "ap_fixed<8,3,AP_RND_INF,AP_SAT_SYM>", .accum: "ap_fixed<20,8>"],
            rf: 1, strategy: .resource,
            names: ["x": layer([.result: "ap_ufixed<10,4>"]), "fc2_softmax": layer(softmax: .latency)])))
        add(try mlp("r_mlp_resource_full", seed: 6, settings(model: [.default: "ap_fixed<18,7,AP_RND_MIN_INF,AP_SAT_ZERO>"],
                                                             strategy: .resource, names: ["fc1": layer(rf: 96), "fc2": layer(rf: 8)])))
        // 2-D convolutions.
        add(try cnn2d("r_cnn2d_latency", seed: 11, settings()))
        add(try cnn2d("r_cnn2d_latency_rf2_rnd", seed: 12, settings(model: [.default: "ap_fixed<14,5,AP_RND>", .accum: "ap_fixed<16,6,AP_RND,AP_SAT>"], rf: 2)))
        add(try cnn2d("r_cnn2d_resource", seed: 13, settings(model: [.accum: satAccum], strategy: .resource,
                                                             names: ["conv_a": layer(rf: 6), "conv_b": layer(rf: 4), "fc": layer(rf: 2),
                                                                     "bn": layer([.scale: "ap_fixed<10,3>", .bias: "ap_fixed<8,2>", .result: "ap_fixed<12,4,AP_RND,AP_SAT>"]),
                                                                     "pool_avg": layer([.accum: "ap_fixed<10,3,AP_RND,AP_SAT>"])])))
        add(try cnn2d("r_cnn2d_resource_rf1_ufixed", seed: 14, settings(strategy: .resource,
                                                                        names: ["leaky": layer([.result: "ap_ufixed<12,4,AP_RND,AP_SAT>", .param: "ap_fixed<8,1,AP_RND>"]),
                                                                                "pool_max": layer([.accum: "ap_ufixed<10,3>"])])))
        // 1-D convolutions.
        add(try cnn1d("r_cnn1d_latency", seed: 21, settings()))
        add(try cnn1d("r_cnn1d_resource", seed: 22, settings(model: [.default: "ap_fixed<12,4,AP_RND_CONV,AP_SAT>", .accum: satAccum], strategy: .resource,
                                                             names: ["conv_a": layer(rf: 3), "conv_b": layer(rf: 4),
                                                                     "gavg": layer([.accum: "ap_fixed<9,3>"])])))
        add(try cnn1d("r_cnn1d_latency_rf4_tables", seed: 23, settings(rf: 4, names: ["conv_a_tanh": layer([.table: "ap_fixed<12,3,AP_RND>"], table: 256)])))
        // Merges.
        add(try merges("r_merge_default", seed: 31, settings()))
        add(try merges("r_merge_types", seed: 32, settings(model: [.default: "ap_fixed<12,4>"], names: [
            "m_add": layer([.result: "ap_fixed<10,4,AP_RND,AP_SAT>"]), "m_subtract": layer([.result: "ap_fixed<8,3,AP_RND_CONV,AP_SAT_SYM>"]),
            "m_multiply": layer([.result: "ap_fixed<9,2,AP_TRN,AP_SAT>"]), "m_average": layer([.result: "ap_ufixed<8,3,AP_RND,AP_SAT>"]),
            "m_maximum": layer([.result: "ap_fixed<6,2,AP_RND>"]), "m_minimum": layer([.result: "ap_fixed<14,6,AP_TRN_ZERO,AP_SAT>"]),
            "cat_ax1": layer([.result: "ap_fixed<7,3,AP_RND,AP_SAT>"]), "fb": layer(rf: 3), "fa": layer(rf: 4, strategy: .resource)])))
        // Activations, with custom tables and parameter types.
        add(try activations("r_acts_default", seed: 41, settings()), range: 3)
        add(try activations("r_acts_types", seed: 42, settings(model: [.default: "ap_fixed<14,5,AP_RND,AP_SAT>", .param: "ap_fixed<10,2,AP_RND>"], rf: 2, names: [
            "fc0_elu": layer([.table: "ap_fixed<12,4>"], table: 512), "fc1_selu": layer(table: 2048),
            "fc3_softplus": layer([.table: "ap_fixed<16,6,AP_RND,AP_SAT>"], table: 256), "fc4_softsign": layer(table: 128),
            "cast": layer([.result: "ap_fixed<9,3,AP_RND,AP_SAT>"]), "fc6_sigmoid": layer([.result: "ap_ufixed<8,0,AP_RND,AP_SAT>"], table: 4096),
            "thr": layer([.param: "ap_fixed<6,2>"]), "prelu": layer([.param: "ap_fixed<7,1,AP_RND_CONV>"])])), range: 3)
        // Softmax: every implementation, over the last axis of a 2-D tensor (Dense per row).
        for (k, impl) in SoftmaxImplementation.allCases.enumerated() {
            add(try softmax("r_softmax_\(impl.rawValue)", seed: 51 + UInt64(k), impl: impl, settings(names: ["fc": layer(rf: 5, strategy: .resource)])), range: 3)
            add(try softmax("r_softmax_\(impl.rawValue)_narrow", seed: 61 + UInt64(k), impl: impl, settings(names: [
                "fc": layer([.result: "ap_fixed<8,3>"]),
                "sm": layer([.expTable: "ap_fixed<14,6,AP_RND,AP_SAT>", .invTable: "ap_fixed<12,4,AP_RND,AP_SAT>", .accum: "ap_fixed<14,6>",
                             .result: "ap_ufixed<10,0,AP_RND,AP_SAT>"], table: 512)])), range: 3)
        }
        // Output handling.
        add(try outputRead("r_output_read_by_others", seed: 71, settings()))
        add(try identity("r_identity", settings(names: ["x": layer([.result: "ap_fixed<10,3,AP_RND,AP_SAT>"])])))
        add(try castingReshape("r_casting_reshape", seed: 72))
        return out
    }
}

@Suite struct NetworkRandomTests {
    @Test func randomNetworksMatchEmulator() throws {
        guard NetworkHarness.available else {
            print("skipping: g++ or .cache/ap_types missing (run tools/setup.sh)")
            return
        }
        let cases = try RandomNetworks.all()
        let started = Date()
        let results = try NetworkHarness.run(cases, perUnit: 6)
        var outputs = 0
        for c in cases {
            switch results[c.name] {
            case .success(let o):
                let bad = o.mismatches
                let first = bad.first.map { k in
                    "first at \(k): firmware \(NetworkHarness.value(o.firmware[k], o.format)), emulator \(NetworkHarness.value(o.emulator[k], o.format))"
                } ?? ""
                #expect(bad.isEmpty, "\(c.name): \(bad.count) of \(o.firmware.count) outputs differ; \(first)")
                // A network that outputs one constant would prove little.
                #expect(Set(o.firmware).count >= 2, "\(c.name): every output is \(o.firmwareValues.first ?? .nan)")
                outputs += o.firmware.count
            case .failure(let f):
                Issue.record("\(c.name): \(f)")
            case nil:
                Issue.record("\(c.name): no result")
            }
        }
        print("random networks: \(cases.count) networks, \(outputs) outputs compared bit for bit in \(Int(Date().timeIntervalSince(started))) s")
    }

    /// The comparison is not vacuous: the same network with its relu replaced by linear is caught.
    @Test func harnessCatchesAWrongFirmware() throws {
        guard NetworkHarness.available else { return }
        let g = try RandomNetworks.mlp("r_tampered", seed: 1, RandomNetworks.settings())
        var rng = SeededRandom(state: 3)
        let c = NetworkCase(name: g.name, graph: g, input: (0..<(12 * 16)).map { _ in rng.uniform(-5, 5) }, samples: 16)
        let results = try NetworkHarness.run([c], perUnit: 1) { _, files in
            files["firmware/r_tampered.cpp"] = files["firmware/r_tampered.cpp"]!.replacingOccurrences(of: "fpgarun::relu<", with: "fpgarun::linear<")
        }
        let o = try #require(try results["r_tampered"]?.get())
        #expect(!o.mismatches.isEmpty)
    }
}
