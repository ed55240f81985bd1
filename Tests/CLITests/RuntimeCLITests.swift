import Foundation
import Testing
import Xclbin

/// `fpgarun bench` and `fpgarun validate` as a user runs them: convert → build --target csim →
/// stream through the emulated device, and what happens on bad input.
@Suite(.serialized) struct RuntimeCLITests {
    static let example = CLIRunner.root.appendingPathComponent("tools/example/jet_tagger.yml").path
    static let zoo = CLIRunner.root.appendingPathComponent("Tests/Fixtures/hls4ml/zoo_keras_3layer/config.yml").path
    static let sharedPresent = FileManager.default.fileExists(
        atPath: CLIRunner.root.appendingPathComponent("../shared/zoo/keras/KERAS_3layer.json").path)

    /// A project of `config` built for the emulated device with `units` compute units; returns its xclbin.
    static func built(_ config: String, _ dir: URL, units: Int = 1) throws -> String {
        let prj = dir.appendingPathComponent("prj").path
        let c = try CLIRunner.run(["convert", "--config", config, "--output-dir", prj])
        #expect(c.status == 0, "\(c.stderr)")
        let b = try CLIRunner.run(["build", "--target", "csim", "--compute-units", "\(units)", prj])
        #expect(b.status == 0, "\(b.stderr)")
        let csim = prj + "/csim"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: csim).first { $0.hasSuffix(".xclbin") })
        return csim + "/" + name
    }

    /// Random inputs in [-4, 4) as a float64 .npy.
    static func inputs(_ path: String, samples: Int, features: Int = 16, seed: Int = 1) throws {
        _ = try CLIRunner.python("""
        import numpy as np, sys
        n, f, s = (int(v) for v in sys.argv[2:5])
        np.save(sys.argv[1], np.random.default_rng(s).uniform(-4, 4, (n, f)))
        """, path, "\(samples)", "\(features)", "\(seed)")
    }

    /// The end-to-end check: the zoo jet tagger through both kernel interfaces. The debug
    /// build that tests run checks 20,000 samples in ~40 s (its emulator is unoptimised); `make demo`
    /// runs the same on 100,000 samples with the release build, and FPGARUN_E2E_SAMPLES sets the count here.
    @Test func zooJetTaggerBothInterfaces() throws {
        guard Self.sharedPresent else {
            print("skipping zooJetTaggerBothInterfaces: ../shared/zoo is absent")
            return
        }
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let xclbin = try Self.built(Self.zoo, tmp, units: 2)
        let x = tmp.appendingPathComponent("x.npy").path
        let n = ProcessInfo.processInfo.environment["FPGARUN_E2E_SAMPLES"].flatMap { Int($0) } ?? 20_000
        try Self.inputs(x, samples: n, seed: 42)
        for interface in ["mm", "axis"] {
            let r = try CLIRunner.run(["validate", "--xclbin", xclbin, "--config", Self.zoo, "--input", x,
                                       "--interface", interface, "--batch", "2048"])
            #expect(r.status == 0, "\(interface): \(r.stderr)")
            #expect(r.stdout.contains("\(interface) kernel: \(group(n)) of \(group(n)) samples match the emulator bit for bit"), "\(r.stdout)")
        }
    }

    @Test func benchAndValidateOnTheEmulatedDevice() throws {
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let xclbin = try Self.built(Self.example, tmp, units: 2)
        let json = tmp.appendingPathComponent("bench.json").path
        let b = try CLIRunner.run(["bench", "--xclbin", xclbin, "--batch", "64", "--samples", "3000", "--json", json])
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stdout.contains("EMULATED"), "\(b.stdout)")
        #expect(b.stdout.contains("2 compute units") && b.stdout.contains("latency  per batch: p50"), "\(b.stdout)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(o["emulated"] as? Bool == true)
        #expect(o["samples"] as? Int == 3000 && o["computeUnits"] as? Int == 2 && o["batch"] as? Int == 64)
        let l = try #require(o["latencyMicroseconds"] as? [String: Double])
        #expect(l["p50"]! > 0 && l["p50"]! <= l["p90"]! && l["p90"]! <= l["p99"]! && l["p99"]! <= l["max"]!)
        let split = try #require(o["splitMicroseconds"] as? [String: Double])
        #expect(split["kernel"]! > 0)
        #expect((o["uuid"] as? String)?.count == 36)

        // validate, with a report folder, then an injected fault with --trace.
        let x = tmp.appendingPathComponent("x.npy").path
        try Self.inputs(x, samples: 700, seed: 3)
        let report = tmp.appendingPathComponent("report").path
        let ok = try CLIRunner.run(["validate", "--xclbin", xclbin, "--config", Self.example, "--input", x, "--batch", "100",
                                    "--report", report])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("700 of 700 samples match"), "\(ok.stdout)")
        let v = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report + "/validate.json"))) as? [String: Any])
        #expect(v["matched"] as? Int == 700 && v["total"] as? Int == 700)

        let bad = try CLIRunner.run(["validate", "--xclbin", xclbin, "--config", Self.example, "--input", x, "--batch", "100",
                                     "--interface", "axis", "--inject", "flip:345:2", "--trace", "--report", report])
        #expect(bad.status == 1, "\(bad.stderr)")
        #expect(bad.stdout.contains("699 of 700 samples match"), "\(bad.stdout)")
        #expect(bad.stdout.contains("sample 345: output"), "\(bad.stdout)")
        #expect(bad.stdout.contains("emulator trace of sample 345"), "\(bad.stdout)")
        #expect(FileManager.default.fileExists(atPath: report + "/trace.json"))

        // A hang is a time-out naming the batch, not a hung command.
        let hang = try CLIRunner.run(["validate", "--xclbin", xclbin, "--config", Self.example, "--input", x, "--batch", "100",
                                      "--inject", "hang:250", "--timeout", "0.5"])
        #expect(hang.status == 2)
        #expect(hang.stderr.contains("batch 2 (samples 200..<300)") && hang.stderr.contains("did not finish"), "\(hang.stderr)")
    }

    /// bench and validate through XRTDevice in XRT's noop emulation (no card: every call of the
    /// sequence runs, nothing is computed, so validate must report mismatches, not crash or hang).
    @Test func xrtNoopModeRunsTheWholeStream() throws {
        let xrtRoot = CLIRunner.root.appendingPathComponent(".cache/xrt").path
        guard FileManager.default.fileExists(atPath: xrtRoot + "/lib/libxrt_noop.so.2") else {
            print("skipping xrtNoopModeRunsTheWholeStream: no .cache/xrt (run `make setup` with Debian's XRT)")
            return
        }
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        var card = try Xclbin.read(path: try Self.built(Self.example, tmp))
        card.csimLibrary = nil
        card.mode = .flat
        let cardFile = tmp.appendingPathComponent("card.xclbin").path
        try card.write(to: cardFile)
        let env: [String: String?] = ["XILINX_XRT": xrtRoot, "XCL_EMULATION_MODE": "noop"]
        let json = tmp.appendingPathComponent("bench.json").path
        let b = try CLIRunner.run(["bench", "--xclbin", cardFile, "--config", Self.example, "--samples", "2000", "--batch", "100",
                                   "--json", json], environment: env)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stdout.contains("[XRT]") && b.stdout.contains("2,000 samples in 20 batches"), "\(b.stdout)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(o["emulated"] as? Bool == false)
        #expect((o["device"] as? [String: Any])?["backend"] as? String == "xrt")
        #expect(o["uuid"] as? String == card.uuid.uuidString.lowercased())
        for interface in ["mm", "axis"] {
            let x = tmp.appendingPathComponent("x.npy").path
            try Self.inputs(x, samples: 300, seed: 8)
            let v = try CLIRunner.run(["validate", "--xclbin", cardFile, "--config", Self.example, "--input", x, "--batch", "64",
                                       "--interface", interface], environment: env)
            #expect(v.status == 1 || v.stdout.contains("300 of 300"), "\(interface): \(v.stdout) \(v.stderr)")
            #expect(v.stdout.contains("samples match the emulator"), "\(interface): \(v.stdout) \(v.stderr)")
        }
    }

    @Test func badInputs() throws {
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let xclbin = try Self.built(Self.example, tmp)
        let x = tmp.appendingPathComponent("x.npy").path
        try Self.inputs(x, samples: 10, seed: 4)
        func oneLineError(_ args: [String], _ needle: String, env: [String: String?] = [:]) throws {
            let r = try CLIRunner.run(args, environment: env)
            #expect(r.status == 2, "\(args): exit \(r.status), \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && r.stderr.hasPrefix("fpgarun: error: ") && r.stderr.contains(needle),
                    "\(args): \(r.stderr)")
        }
        // Not an xclbin; a truncated one.
        let notX = tmp.appendingPathComponent("model.xclbin").path
        try Data("KerasJson: x\n".utf8).write(to: URL(fileURLWithPath: notX))
        try oneLineError(["bench", "--xclbin", notX, "--samples", "10"], "model.xclbin")
        let cut = tmp.appendingPathComponent("cut.xclbin").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: xclbin))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        try oneLineError(["validate", "--xclbin", cut, "--config", Self.example, "--input", x], "cut.xclbin")
        // Wrong feature count.
        let x3 = tmp.appendingPathComponent("x3.npy").path
        try Self.inputs(x3, samples: 10, features: 3)
        try oneLineError(["validate", "--xclbin", xclbin, "--config", Self.example, "--input", x3], "16 features")
        // A model that is not the one the kernels were built for.
        let other = CLIRunner.root.appendingPathComponent("Tests/Fixtures/hls4ml/act_relu_dense/config.yml").path
        try oneLineError(["validate", "--xclbin", xclbin, "--config", other, "--input", x], "built for")
        // A missing kernel: more compute units than the xclbin has.
        try oneLineError(["bench", "--xclbin", xclbin, "--compute-units", "3", "--samples", "10"], "1 compute unit")
        // A card's xclbin (no C-sim library) with no XRT, and with XRT but no card.
        var card = try Xclbin.read(path: xclbin)
        card.csimLibrary = nil
        let cardFile = tmp.appendingPathComponent("card.xclbin").path
        try card.write(to: cardFile)
        try oneLineError(["bench", "--xclbin", cardFile, "--config", Self.example, "--samples", "10"], "XILINX_XRT",
                         env: ["XILINX_XRT": nil, "XCL_EMULATION_MODE": nil])
        let xrtRoot = CLIRunner.root.appendingPathComponent(".cache/xrt").path
        if FileManager.default.fileExists(atPath: xrtRoot + "/lib") {
            try oneLineError(["bench", "--xclbin", cardFile, "--config", Self.example, "--samples", "10", "--device", "3"], "device 3",
                             env: ["XILINX_XRT": xrtRoot, "XCL_EMULATION_MODE": nil])
        }
        // Faults on a card are refused.
        try oneLineError(["bench", "--xclbin", cardFile, "--inject", "drop:1", "--samples", "10"], "emulated device only")
        // Usage errors exit 64.
        #expect(try CLIRunner.run(["bench", "--samples", "10", "--seconds", "1"]).status == 64)
        #expect(try CLIRunner.run(["validate", "--config", Self.example, "--input", x]).status == 64)
        #expect(try CLIRunner.run(["validate", "--xclbin", xclbin, "--config", Self.example, "--input", x, "--inject", "bogus:1"]).status == 64)
    }
}

/// 20000 → "20,000".
private func group(_ n: Int) -> String {
    let f = NumberFormatter()
    f.numberStyle = .decimal
    f.groupingSeparator = ","
    f.usesGroupingSeparator = true
    return f.string(from: NSNumber(value: n)) ?? "\(n)"
}
