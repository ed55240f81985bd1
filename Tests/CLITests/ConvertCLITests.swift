import Foundation
import Testing

/// convert → build --target csim → predict --target csim (both kernel interfaces), as a user runs them,
/// against hls4ml's goldens and the emulator; and the errors of each step.
@Suite(.serialized) struct ConvertCLITests {
    static let fixtures = CLIRunner.root.appendingPathComponent("Tests/Fixtures/hls4ml")

    @Test(arguments: ["conv2d_bn_relu_pool_dense", "merge_concatenate2d_axis1", "precision_rounding_saturating",
                      "conv2d_resource_rf3", "upsampling2d", "softmax_latency"])
    func goldenThroughBothKernelInterfaces(_ name: String) throws {
        let dir = Self.fixtures.appendingPathComponent(name)
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let prj = tmp.appendingPathComponent("prj").path
        let convert = try CLIRunner.run(["convert", "--config", dir.appendingPathComponent("config.yml").path, "--output-dir", prj])
        #expect(convert.status == 0, "\(convert.stderr)")
        let build = try CLIRunner.run(["build", "--target", "csim", prj])
        #expect(build.status == 0, "\(build.stderr)")
        for interface in ["mm", "axis"] {
            let out = tmp.appendingPathComponent("\(interface).npy").path
            let r = try CLIRunner.run(["predict", "--target", "csim", "--project", prj, "--interface", interface,
                                       "--input", dir.appendingPathComponent("x.npy").path, "--output", out])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try CLIRunner.differing(out, dir.appendingPathComponent("y.npy").path) == "0", "\(name) via \(interface)")
        }
    }

    @Test func badInputsFailCleanly() throws {
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let caseDir = Self.fixtures.appendingPathComponent("act_relu_dense")
        let json = caseDir.appendingPathComponent("model.json").path, h5 = caseDir.appendingPathComponent("weights.h5").path
        let cfg = tmp.appendingPathComponent("c.yml")
        try Data("KerasJson: \(json)\nKerasH5: \(h5)\nHLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n    ReuseFactor: 5\n    Strategy: Resource\n".utf8).write(to: cfg)
        let prj = tmp.appendingPathComponent("prj").path
        let reuse = try CLIRunner.run(["convert", "--config", cfg.path, "--output-dir", prj])
        #expect(reuse.status == 2 && reuse.stderr.contains("ReuseFactor 5") && reuse.stderr.contains("valid"), "\(reuse.stderr)")
        #expect(reuse.stderr.split(separator: "\n").count == 1, "\(reuse.stderr)")
        let good = caseDir.appendingPathComponent("config.yml").path
        let platform = try CLIRunner.run(["convert", "--config", good, "--output-dir", prj, "--platform", "xilinx_u999"])
        #expect(platform.status == 2 && platform.stderr.contains("xilinx_u999"), "\(platform.stderr)")
        let unwritable = try CLIRunner.run(["convert", "--config", good, "--output-dir", "/proc/fpgarun-prj"])
        #expect(unwritable.status == 2 && unwritable.stderr.contains("/proc/fpgarun-prj"), "\(unwritable.stderr)")
        #expect(!FileManager.default.fileExists(atPath: prj))
        // A project whose firmware no longer compiles: one-line error, no library left behind.
        #expect(try CLIRunner.run(["convert", "--config", good, "--output-dir", prj]).status == 0)
        let top = try FileManager.default.contentsOfDirectory(atPath: prj + "/firmware").first { $0.hasSuffix(".cpp") }!
        try Data("this is not C++\n".utf8).write(to: URL(fileURLWithPath: prj + "/firmware/" + top))
        let broken = try CLIRunner.run(["build", "--target", "csim", prj])
        #expect(broken.status == 2 && broken.stderr.contains("failed") && broken.stderr.split(separator: "\n").count == 1, "\(broken.stderr)")
        #expect(!FileManager.default.fileExists(atPath: prj + "/csim/libfpgarun_csim.so"))
        let noLib = try CLIRunner.run(["predict", "--target", "csim", "--project", prj, "--input",
                                       caseDir.appendingPathComponent("x.npy").path, "--output", tmp.appendingPathComponent("y.npy").path])
        #expect(noLib.status == 2 && noLib.stderr.contains("build --target csim"), "\(noLib.stderr)")
        let noVitis = try CLIRunner.run(["build", "--target", "hw", prj])
        #expect(noVitis.status == 2 && noVitis.stderr.contains("v++"), "\(noVitis.stderr)")
    }
}
