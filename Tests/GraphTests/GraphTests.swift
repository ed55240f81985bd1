import FixedPoint
import Testing
@testable import Graph

@Suite struct GraphTests {
    /// input(16) → dense(relu) → dense(softmax), with a linear Activation in between.
    func mlp() throws -> Graph {
        var b = GraphBuilder(name: "mlp")
        let x = try b.input("input_1", shape: [16])
        let d1 = try b.add("fc1", sourceClass: "Dense",
                           op: .dense(Dense(inputs: 16, outputs: 8, weights: .init(repeating: 0.5, count: 128), bias: .init(repeating: 0, count: 8))),
                           inputs: [x], activation: .relu)
        let lin = try b.add("lin", sourceClass: "Activation", op: .activation(Activation(.linear)), inputs: [d1])
        let d2 = try b.add("fc2", sourceClass: "Dense",
                           op: .dense(Dense(inputs: 8, outputs: 4, weights: .init(repeating: 0.25, count: 32), bias: [1, 2, 3, 4])),
                           inputs: [lin], activation: .softmax)
        return try b.finish(output: d2)
    }

    @Test func splitsActivationsAndRemovesLinear() throws {
        var g = try mlp()
        try Pipeline.run(Pipeline.standard(HLSSettings()), on: &g)
        #expect(g.nodes.map(\.name) == ["input_1", "fc1", "fc1_relu", "fc2", "fc2_softmax"])
        #expect(g.nodes.map(\.shape) == [[16], [8], [8], [4], [4]])
        #expect(g.nodes[3].inputs == [2])
        #expect(g.output == 4)
        #expect(g.nodes[1].types.weight == .hlsDefault && g.nodes[1].types.accum == .hlsDefault)
        #expect(g.nodes[4].types.expTable == AssignSettings.defaultSoftmaxTable)
        #expect(g.nodes[1].multiplyCount == 128 && g.nodes[1].parameterCount == 136)
    }

    @Test func settingsPrecedenceNameOverTypeOverModel() throws {
        var g = try mlp()
        var s = HLSSettings()
        let f10 = try FixedFormat(parsing: "ap_fixed<10,4>")
        let f8 = try FixedFormat(parsing: "ap_fixed<8,3>")
        let r12 = try FixedFormat(parsing: "ap_fixed<12,4,AP_RND_CONV,AP_SAT>")
        s.model.precision = [.default: f10]
        s.model.reuseFactor = 4
        s.model.strategy = .resource
        s.byType["Dense"] = { var l = LayerSettings(); l.precision = [.weight: f8]; return l }()
        s.byName["fc2"] = { var l = LayerSettings(); l.precision = [.result: r12]; l.reuseFactor = 2; return l }()
        try Pipeline.run(Pipeline.standard(s), on: &g)
        let fc1 = g.node(named: "fc1")!, fc2 = g.node(named: "fc2")!
        #expect(fc1.types.weight == f8 && fc1.types.result == f10 && fc1.reuseFactor == 4 && fc1.strategy == .resource)
        #expect(fc2.types.weight == f8 && fc2.types.result == r12 && fc2.types.bias == f10 && fc2.reuseFactor == 2)
    }

    @Test func shapeErrorsNameTheLayer() throws {
        var b = GraphBuilder(name: "bad")
        let x = try b.input("in", shape: [10])
        do {
            try b.add("fc", sourceClass: "Dense",
                      op: .dense(Dense(inputs: 12, outputs: 2, weights: .init(repeating: 0, count: 24), bias: [0, 0])), inputs: [x])
            Issue.record("a Dense of 12 inputs on 10 features must fail")
        } catch {
            #expect("\(error)" == "layer 'fc': expects 12 input features, gets shape [10]")
        }
        #expect(throws: GraphError.self) { try b.add("in", sourceClass: "Dense", op: .reshape, inputs: [x], shape: [10]) }
    }

    @Test func convAndPoolExtentsFollowKeras() throws {
        #expect(Padding.same(input: 5, kernel: 3, stride: 2) == Padding(1, 1))
        #expect(Padding.same(input: 6, kernel: 3, stride: 2) == Padding(0, 1))
        #expect(Padding.same(input: 4, kernel: 4, stride: 1) == Padding(1, 2))
        var b = GraphBuilder(name: "cnn")
        let x = try b.input("in", shape: [9, 7, 2])
        let c = try b.add("conv", sourceClass: "Conv2D",
                          op: .conv(Conv(rank: 2, kernel: [3, 2], strides: [2, 1], padding: [Padding(0, 0), Padding(0, 0)],
                                         filters: 3, inChannels: 2, weights: .init(repeating: 0, count: 36), bias: [0, 0, 0])),
                          inputs: [x])
        let p = try b.add("pool", sourceClass: "MaxPooling2D",
                          op: .pool(Pool(kind: .max, rank: 2, global: false, size: [2, 2], strides: [2, 2],
                                         padding: [Padding.same(input: 4, kernel: 2, stride: 2), Padding.same(input: 6, kernel: 2, stride: 2)])),
                          inputs: [c])
        var g = try b.finish(output: p)
        try Pipeline.run(Pipeline.standard(HLSSettings()), on: &g)
        #expect(g.nodes[1].shape == [4, 6, 3])
        #expect(g.nodes[2].shape == [2, 3, 3])
        #expect(g.dump().contains("3 layers, input [9, 7, 2], output [2, 3, 3]"))
    }
}
