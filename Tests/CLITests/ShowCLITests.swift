import Foundation
import Testing

/// `fpgarun show` and the import errors every model-reading command shares.
@Suite struct ShowCLITests {
    static let caseDir = CLIRunner.root.appendingPathComponent("Tests/Fixtures/hls4ml/act_relu_dense")
    static var modelJSON: String { caseDir.appendingPathComponent("model.json").path }
    static var weights: String { caseDir.appendingPathComponent("weights.h5").path }

    @Test func showsLayersShapesAndTypes() throws {
        let r = try CLIRunner.run(["show", "--config", Self.caseDir.appendingPathComponent("config.yml").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("dense_relu_relu"))
        #expect(r.stdout.contains("weight=ap_fixed<16,6>"))
        #expect(r.stdout.contains("input [16], output [16]"))
    }

    /// Writes `text` to a file in `dir` and returns its path.
    func file(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func badModelsGiveOneLineErrorsNamingFileAndLayer() throws {
        let dir = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try String(contentsOfFile: Self.modelJSON, encoding: .utf8)
        let h5 = try Data(contentsOf: URL(fileURLWithPath: Self.weights))
        let truncated = dir.appendingPathComponent("truncated.h5")
        try h5.prefix(h5.count / 2).write(to: truncated)
        let garbage = dir.appendingPathComponent("garbage.h5")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131) }).write(to: garbage)
        let lstm = try file(dir, "lstm.json", original.replacingOccurrences(of: "\"class_name\": \"Dense\"", with: "\"class_name\": \"LSTM\""))
        let renamed = try file(dir, "renamed.json", original.replacingOccurrences(of: "dense_relu", with: "other_dense"))
        let notKeras = try file(dir, "notkeras.json", "{\"foo\": [1, 2, 3]}")
        let notJSON = try file(dir, "notjson.json", "layers: [")
        let cases: [([String], String)] = [
            (["--model", Self.modelJSON, "--weights", truncated.path], truncated.path),
            (["--model", Self.modelJSON, "--weights", garbage.path], garbage.path),
            (["--model", lstm, "--weights", Self.weights], "layer 'dense_relu': unsupported layer class LSTM"),
            (["--model", renamed, "--weights", Self.weights], "layer 'other_dense': no weights stored"),
            (["--model", notKeras, "--weights", Self.weights], "\(notKeras): not a Keras model"),
            (["--model", notJSON, "--weights", Self.weights], "\(notJSON): not valid JSON"),
            (["--model", dir.appendingPathComponent("missing.json").path, "--weights", Self.weights], "missing.json: no such file"),
            (["--model", Self.modelJSON], "needs weights"),
        ]
        for (args, fragment) in cases {
            let r = try CLIRunner.run(["show"] + args)
            #expect(r.status == 2, "\(args): status \(r.status) \(r.stderr)")
            #expect(r.stderr.hasPrefix("fpgarun: error: ") && r.stderr.contains(fragment), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func badConfigsNameTheKey() throws {
        let dir = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = "KerasJson: \(Self.modelJSON)\nKerasH5: \(Self.weights)\n"
        let cases: [(String, String)] = [
            ("HLSConfig:\n  Model:\n    Precision: ap_fixed<0,3>\n", "HLSConfig.Model.Precision: invalid"),
            ("HLSConfig:\n  Model:\n    ReuseFactor: -2\n", "HLSConfig.Model.ReuseFactor: '-2' is not a positive integer"),
            ("HLSConfig:\n  LayerName:\n    dense_relu:\n      Strategy: Fastest\n", "HLSConfig.LayerName.dense_relu.Strategy: 'Fastest'"),
            ("IOType: io_serial\n", "IOType: 'io_serial'"),
            ("HLSConfig: [1, 2\n", "not valid YAML"),
        ]
        for (i, (yaml, fragment)) in cases.enumerated() {
            let cfg = try file(dir, "c\(i).yml", base + yaml)
            let r = try CLIRunner.run(["show", "--config", cfg])
            #expect(r.status == 2, "\(yaml): \(r.stderr)")
            #expect(r.stderr.contains("\(cfg): \(fragment)"), "\(yaml): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        let warn = try file(dir, "w.yml", base + "Frobnicate: 3\nHLSConfig:\n  LayerName:\n    nosuch:\n      ReuseFactor: 2\n")
        let r = try CLIRunner.run(["show", "--config", warn])
        #expect(r.status == 0)
        #expect(r.stderr.contains("unknown key 'Frobnicate' ignored"))
        #expect(r.stderr.contains("HLSConfig.LayerName.nosuch names no layer"))
    }
}
