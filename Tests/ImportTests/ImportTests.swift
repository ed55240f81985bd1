import Foundation
import Graph
import Testing
@testable import Import

/// Paths of the committed fixtures and the shared zoo.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    static let zoo = root.deletingLastPathComponent().appendingPathComponent("shared/zoo")
    static var zooPresent: Bool { FileManager.default.fileExists(atPath: zoo.path) }

    /// Golden case folders listed in a cases.json index (those hls4ml converted).
    static func cases(_ index: String) -> [String] {
        let url = fixtures.appendingPathComponent(index)
        guard let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = json["cases"] as? [[String: Any]] else { return [] }
        return cases.filter { ($0["converted"] as? Bool) ?? true }.compactMap { $0["case"] as? String }
    }

    static func standard(_ g: Graph, _ cfg: ProjectConfig) throws -> Graph {
        var g = g
        try Pipeline.run(Pipeline.standard(cfg.hls), on: &g)
        return g
    }
}

@Suite struct ImportTests {
    @Test(arguments: Fixtures.cases("hls4ml/cases.json"))
    func everyGoldenCaseImportsWithHls4mlLayerNames(_ name: String) throws {
        let dir = Fixtures.fixtures.appendingPathComponent("hls4ml/\(name)")
        let cfg = try ProjectConfig(contentsOf: dir.appendingPathComponent("config.yml").path)
        if name.hasPrefix("zoo_") && !Fixtures.zooPresent {
            print("skipping \(name): ../shared/zoo is absent")
            return
        }
        let g = try Fixtures.standard(try KerasImporter.load(config: cfg), cfg)
        // hls4ml's graph lists its layers (after its own optimisers); each of ours that computes
        // something must be there under the same name.
        let data = try Data(contentsOf: dir.appendingPathComponent("hls4ml_graph.json"))
        let theirs = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let theirNames = Set(theirs.compactMap { $0["name"] as? String })
        for node in g.nodes where node.op != .reshape {
            #expect(theirNames.contains(node.name), "\(name): our layer '\(node.name)' is not in hls4ml's graph \(theirNames.sorted())")
        }
    }

    @Test func keras3ArchivesImport() throws {
        for name in Fixtures.cases("keras3/cases.json") {
            let dir = Fixtures.fixtures.appendingPathComponent("keras3/\(name)")
            let g = try Fixtures.standard(try KerasImporter.load(model: dir.appendingPathComponent("model.keras").path), ProjectConfig())
            #expect(g.nodes.count > 2, "\(name)")
            #expect(g.nodes.allSatisfy { node in node.op == .input || node.parameterCount > 0 || node.inputs.count > 0 })
        }
        let mlp = try KerasImporter.load(model: Fixtures.fixtures.appendingPathComponent("keras3/mlp_dense/model.keras").path)
        #expect(mlp.nodes[mlp.input].shape == [16])
        #expect(mlp.nodes[mlp.output].shape == [5])
    }

    @Test func wholeModelH5EqualsJsonPlusWeights() throws {
        let caseDir = Fixtures.fixtures.appendingPathComponent("hls4ml/act_relu_dense")
        let pair = try KerasImporter.load(json: caseDir.appendingPathComponent("model.json").path,
                                          weights: caseDir.appendingPathComponent("weights.h5").path)
        let whole = try KerasImporter.load(model: Fixtures.fixtures.appendingPathComponent("import/act_relu_dense_whole.h5").path)
        #expect(whole.nodes == pair.nodes)
    }

    @Test func zooModelsHaveTheirKnownShapes() throws {
        guard Fixtures.zooPresent else { print("skipping: ../shared/zoo is absent"); return }
        let k = Fixtures.zoo.appendingPathComponent("keras")
        let g = try KerasImporter.load(json: k.appendingPathComponent("KERAS_3layer.json").path,
                                       weights: k.appendingPathComponent("KERAS_3layer_weights.h5").path)
        #expect(g.nodes.map(\.name) == ["input_1", "fc1_relu", "fc2_relu", "fc3_relu", "output_softmax"])
        #expect(g.nodes.map(\.shape) == [[16], [64], [32], [32], [5]])
        if case .dense(let d) = g.nodes[1].op {
            #expect(d.weights.count == 16 * 64 && d.bias.count == 64)
        } else {
            Issue.record("fc1_relu is not Dense")
        }
    }
}
