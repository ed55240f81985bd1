import Codegen
import Emulator
import Foundation
import Graph
import Import
import NPY
@testable import Runtime

/// The bundled example model, built once into a C-sim library for the runtime tests.
enum RuntimeSupport {
    /// The repository root (Tests/RuntimeTests/X.swift → ../../).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let apTypes = root.appendingPathComponent(".cache/ap_types")

    /// Whether g++ and ap_types are there (tests that build C-sim need them; `make setup` installs them).
    static let canCompile: Bool = FileManager.default.fileExists(atPath: apTypes.appendingPathComponent("ap_fixed.h").path)

    /// The example graph (after the standard passes), its emulator, and its built project.
    struct Example: @unchecked Sendable {
        let graph: Graph
        let emulator: Emulator
        let dir: String
        let library: CSimLibrary
    }

    /// Built on first use; the folder is removed when the process ends (temporary directory).
    static let example: Result<Example, Error> = Result {
        let cfg = try ProjectConfig(contentsOf: root.appendingPathComponent("tools/example/jet_tagger.yml").path)
        var graph = try KerasImporter.load(config: cfg)
        try Pipeline.run(Pipeline.standard(cfg.hls), on: &graph)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-rt-\(UUID().uuidString)").path
        let spec = try NetworkProject.spec(graph, projectName: "jet", clockPeriodNs: 5, platform: Platform.defaultPlatform)
        try ProjectWriter.write(try NetworkProject.files(graph, spec: spec), to: dir)
        var options = CSimBuildOptions(apTypes: apTypes.path)
        options.niceness = 10
        options.pchCache = root.appendingPathComponent(".cache/pch").path
        let library = try CSimLibrary(path: try CSimBuilder.build(projectDir: dir, options: options))
        return Example(graph: graph, emulator: try Emulator(graph), dir: dir, library: library)
    }

    /// `samples` random inputs in [-4, 4) written as a float64 .npy; returns its path.
    static func inputs(samples: Int, features: Int, seed: UInt64) throws -> String {
        var rng = SplitMix64(seed)
        let values = (0..<(samples * features)).map { _ in Double(rng.next() >> 11) / Double(1 << 53) * 8 - 4 }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-rt-x-\(UUID().uuidString).npy").path
        try NPY.write(values, shape: [samples, features], to: path)
        return path
    }
}
