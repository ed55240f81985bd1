import Foundation
import Graph
import Import
import ProcessRunner
import Testing

/// Shared helpers of the Report tests.
enum Support {
    /// The repository root (Tests/ReportTests/Support.swift → ../../).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The shared model zoo (../shared/zoo relative to the repo root), nil when absent.
    static let zoo: URL? = {
        let u = root.deletingLastPathComponent().appendingPathComponent("shared/zoo/keras")
        return FileManager.default.fileExists(atPath: u.appendingPathComponent("KERAS_3layer.json").path) ? u : nil
    }()

    /// A fresh temporary folder.
    static func tempDir() -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-report-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// Writes an hls4ml YAML for the zoo jet tagger with `reuse`/`strategy` and returns its path.
    static func jetTaggerConfig(reuse: Int, strategy: String = "Latency", in dir: URL) throws -> String {
        let zoo = zoo!
        let yml = """
        KerasJson: \(zoo.appendingPathComponent("KERAS_3layer.json").path)
        KerasH5: \(zoo.appendingPathComponent("KERAS_3layer_weights.h5").path)
        OutputDir: prj
        ProjectName: jet
        Part: xcu250-figd2104-2L-e
        ClockPeriod: 5
        IOType: io_parallel
        HLSConfig:
          Model:
            Precision: ap_fixed<16,6>
            ReuseFactor: \(reuse)
            Strategy: \(strategy)

        """
        let path = dir.appendingPathComponent("jet_rf\(reuse).yml").path
        try yml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Loads a config and runs the standard passes.
    static func load(_ path: String) throws -> (ProjectConfig, Graph) {
        let cfg = try ProjectConfig(contentsOf: path)
        var g = try KerasImporter.load(config: cfg, model: nil, weights: nil)
        try Pipeline.run(Pipeline.standard(cfg.hls), on: &g)
        return (cfg, g)
    }
}

extension Support {
    /// The `fpgarun` binary built beside the tests.
    static let binary: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("fpgarun")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/fpgarun")
    }()

    /// Runs `fpgarun args…`, capturing both streams; a run over 15 minutes is killed and fails.
    static func fpgarun(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let r = try ChildProcess.run([binary.path] + args, ownGroup: true, timeout: 900)
        return (r.status, r.stdout, r.stderr)
    }
}
