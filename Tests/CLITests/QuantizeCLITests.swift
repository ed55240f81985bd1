import Foundation
import ProcessRunner
import Testing

/// `fpgarun quantize` run as a user would, checked against ap_types compiled by g++.
@Suite(.serialized) struct QuantizeCLITests {
    /// The formats of quantize_harness.cpp, in its argv order, each in the spelling a user might type.
    static let formats = ["ap_fixed<16,6>", "fixed<8,3,RND,SAT>", "ap_ufixed<10, 0, AP_RND_CONV, AP_SAT_ZERO>",
                          "ap_fixed<12,-2,AP_RND_INF,AP_WRAP_SM,1>", "int<8>", "ap_uint<4>",
                          "ap_fixed<40,20,AP_RND_MIN_INF,AP_SAT_SYM>", "fixed<6,9,TRN_ZERO,WRAP,2>"]

    static let harness: URL? = {
        let headers = CLIRunner.root.appendingPathComponent(".cache/ap_types")
        guard FileManager.default.fileExists(atPath: headers.appendingPathComponent("ap_fixed.h").path) else { return nil }
        let exe = CLIRunner.tempDir().appendingPathComponent("quantize_harness")
        let r = try? ChildProcess.run(["g++", "-O1", "-std=c++14", "-I", headers.path, "-o", exe.path,
                                       CLIRunner.root.appendingPathComponent("Tests/Fixtures/cli/quantize_harness.cpp").path],
                                      ownGroup: true, timeout: CLIRunner.timeout)
        return r?.termination.succeeded == true ? exe : nil
    }()

    /// Edge values and a deterministic spread of magnitudes.
    static let values: [Double] = {
        var v: [Double] = [0, -0.0, 0.3, -1.75, 31.99, 1e9, -1e9, 0.5, -0.5, 1.5, 2.5, -2.5, 1.0 / 1024, 3.0 / 2048,
                           -3.0 / 2048, 511.999, -512, 7.96875, -8, 1e-30, 123456.789, -0.00048828125]
        var state: UInt64 = 0x9E3779B97F4A7C15
        for _ in 0..<400 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let mant = Double(state >> 11) / Double(1 << 53) * 2 - 1
            let exp = Int((state >> 3) % 24) - 12
            v.append(mant * pow(2, Double(exp)))
        }
        return v
    }()

    func reference(_ index: Int) throws -> [String] {
        let harness = try #require(Self.harness, "ap_types headers missing or g++ failed: run `make setup`")
        let r = try ChildProcess.run([harness.path, String(index)],
                                     stdin: .text(Self.values.map { String(format: "%.17g", $0) }.joined(separator: "\n")),
                                     stderr: .null, ownGroup: true, timeout: CLIRunner.timeout)
        #expect(r.termination.succeeded, "quantize harness: \(r.termination)")
        return r.stdout.split(separator: "\n").map(String.init)
    }

    @Test func stdinAgreesWithAPTypes() throws {
        for (i, type) in Self.formats.enumerated() {
            let expected = try reference(i)
            let r = try CLIRunner.run(["quantize", "--type", type],
                                      stdin: Self.values.map { String(format: "%.17g", $0) }.joined(separator: "\n") + "\n")
            #expect(r.status == 0, "\(type): \(r.stderr)")
            let got = r.stdout.split(separator: "\n").map(String.init)
            #expect(got.count == expected.count, "\(type)")
            var mismatches = 0
            for (k, (g, e)) in zip(got, expected).enumerated() where Double(g) != Double(e) {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(type): input \(Self.values[k]) → fpgarun \(g), ap_types \(e)") }
            }
            #expect(mismatches == 0, "\(type): \(mismatches) mismatches")
        }
    }

    @Test func exampleFromTheIssue() throws {
        let r = try CLIRunner.run(["quantize", "--type", "ap_fixed<16,6>"], stdin: "0.3\n")
        #expect(r.status == 0 && r.stdout == "0.2998046875\n")
        let raw = try CLIRunner.run(["quantize", "--type", "ap_fixed<16,6>", "--raw"], stdin: "0.3\n-1\n")
        #expect(raw.stdout == "307\n-1024\n")
    }

    @Test func npyFilesAgreeWithAPTypes() throws {
        let dir = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("x.npy").path
        let text = Self.values.map { String(format: "%.17g", $0) }.joined(separator: ",")
        try CLIRunner.python("import numpy as np; np.save('\(input)', np.array([\(text)]).reshape(-1, 2))")
        for (i, type) in Self.formats.enumerated() {
            let out = dir.appendingPathComponent("y\(i).npy").path, rawOut = dir.appendingPathComponent("r\(i).npy").path
            let r = try CLIRunner.run(["quantize", "--type", type, "--input", input, "--output", out])
            #expect(r.status == 0, "\(r.stderr)")
            let rr = try CLIRunner.run(["quantize", "--type", type, "--input", input, "--output", rawOut, "--raw"])
            #expect(rr.status == 0, "\(rr.stderr)")
            let expected = try reference(i)
            let check = try CLIRunner.python("""
            import numpy as np
            y = np.load('\(out)'); r = np.load('\(rawOut)'); e = np.array([\(expected.joined(separator: ","))])
            assert y.shape == (\(Self.values.count / 2), 2) and y.dtype == np.float64 and r.dtype == np.int64
            print(int((y.ravel() != e).sum()), int((r.ravel() != np.round(e * 2.0 ** (\(fractionBits(i)))).astype(np.int64)).sum()))
            """)
            #expect(check == "0 0", "\(type): mismatching values/raws \(check)")
        }
    }

    /// F = W − I of each harness format (raw = value · 2^F).
    func fractionBits(_ i: Int) -> Int { [10, 5, 10, 14, 0, 0, 20, -3][i] }

    @Test func badInputGivesOneLineErrorAndNoOutput() throws {
        let dir = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for bad in ["ap_fixed<0,3>", "ap_fixed<16,6,AP_FOO>", "fixed<>", "ap_fixed<16,6", "float"] {
            let r = try CLIRunner.run(["quantize", "--type", bad], stdin: "1\n")
            #expect(r.status == 2, "\(bad)")
            #expect(r.stderr.hasPrefix("fpgarun: error: --type:") && r.stderr.contains(bad), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        let nonNumeric = try CLIRunner.run(["quantize", "--type", "fixed<8,3>"], stdin: "1\n2\nabc\n")
        #expect(nonNumeric.status == 2 && nonNumeric.stderr == "fpgarun: error: stdin line 3: 'abc' is not a number\n")
        let notNpy = dir.appendingPathComponent("bad.npy").path
        try Data("not an array".utf8).write(to: URL(fileURLWithPath: notNpy))
        let out = dir.appendingPathComponent("out.npy").path
        let r = try CLIRunner.run(["quantize", "--type", "fixed<8,3>", "--input", notNpy, "--output", out])
        #expect(r.status == 2 && r.stderr.contains(notNpy) && r.stderr.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["bad.npy"])
        let usage = try CLIRunner.run(["quantize", "--type", "fixed<8,3>", "--input", notNpy])
        #expect(usage.status == 64)
    }
}
