import Foundation
import Testing

/// `fpgarun predict` end to end: hls4ml goldens through the CLI, threads, trace, bad input.
@Suite struct PredictCLITests {
    static let fixtures = CLIRunner.root.appendingPathComponent("Tests/Fixtures/hls4ml")

    @Test(arguments: ["conv2d_bn_relu_pool_dense", "merge_concatenate2d_axis1", "act_softmax_dense", "precision_rounding_saturating"])
    func goldenThroughTheCLI(_ name: String) throws {
        let dir = Self.fixtures.appendingPathComponent(name)
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        for threads in ["1", "2"] {
            let out = tmp.appendingPathComponent("y\(threads).npy").path
            let r = try CLIRunner.run(["predict", "--config", dir.appendingPathComponent("config.yml").path,
                                       "--input", dir.appendingPathComponent("x.npy").path, "--output", out, "--threads", threads])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            #expect(try CLIRunner.differing(out, dir.appendingPathComponent("y.npy").path) == "0", "\(name) with \(threads) threads")
        }
    }

    @Test func traceWritesEveryLayer() throws {
        let dir = Self.fixtures.appendingPathComponent("conv2d_bn_relu_pool_dense")
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let trace = tmp.appendingPathComponent("trace").path
        let r = try CLIRunner.run(["predict", "--config", dir.appendingPathComponent("config.yml").path,
                                   "--input", dir.appendingPathComponent("x.npy").path,
                                   "--output", tmp.appendingPathComponent("y.npy").path, "--trace", trace])
        #expect(r.status == 0, "\(r.stderr)")
        let ours = Set(try FileManager.default.contentsOfDirectory(atPath: trace))
        let golden = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("trace").path)
        #expect(!golden.isEmpty)
        for file in golden where ours.contains(file) {
            // Golden traces hold the first samples only.
            let check = try CLIRunner.differing(trace + "/" + file, dir.appendingPathComponent("trace/\(file)").path, prefix: true)
            #expect(check == "0", "\(file)")
        }
        #expect(golden.filter { ours.contains($0) }.count >= golden.count - 1, "ours \(ours.sorted()), golden \(golden.sorted())")
    }

    @Test func badInputLeavesNoOutput() throws {
        let dir = Self.fixtures.appendingPathComponent("act_relu_dense")
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let wrong = tmp.appendingPathComponent("wrong.npy").path
        _ = try CLIRunner.python("import numpy as np, sys; np.save(sys.argv[1], np.zeros((10, 15)))", wrong)
        let out = tmp.appendingPathComponent("y.npy").path
        let cfg = dir.appendingPathComponent("config.yml").path
        let r = try CLIRunner.run(["predict", "--config", cfg, "--input", wrong, "--output", out])
        #expect(r.status == 2)
        #expect(r.stderr == "fpgarun: error: \(wrong): the model takes 16 features per sample (input shape [16]); the file has shape [10, 15]\n")
        let missing = try CLIRunner.run(["predict", "--config", cfg, "--input", tmp.appendingPathComponent("none.npy").path, "--output", out])
        #expect(missing.status == 2 && missing.stderr.contains("none.npy: cannot open"))
        let noDir = try CLIRunner.run(["predict", "--config", cfg, "--input", dir.appendingPathComponent("x.npy").path,
                                       "--output", tmp.appendingPathComponent("no/such/dir/y.npy").path])
        #expect(noDir.status == 2 && noDir.stderr.contains("cannot create output"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == ["wrong.npy"])
        let usage = try CLIRunner.run(["predict", "--config", cfg, "--input", wrong, "--output", out, "--threads", "0"])
        #expect(usage.status == 64)
    }
}
