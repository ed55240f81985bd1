import Foundation
import Testing

/// convert → build --target csim (which writes the emulated device's xclbin) → `fpgarun xclbin`, and
/// the command's errors.
@Suite(.serialized) struct XclbinCLITests {
    static let fixture = CLIRunner.root.appendingPathComponent("Tests/Fixtures/hls4ml/act_relu_dense/config.yml").path

    /// Converts the fixture with `extra` options and builds its C-sim library and xclbin.
    func project(_ tmp: URL, _ extra: [String], computeUnits: Int) throws -> String {
        let prj = tmp.appendingPathComponent("prj").path
        let convert = try CLIRunner.run(["convert", "--config", Self.fixture, "--output-dir", prj] + extra)
        #expect(convert.status == 0, "\(convert.stderr)")
        let build = try CLIRunner.run(["build", "--target", "csim", "--compute-units", "\(computeUnits)", prj])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stdout.contains("myproject.xclbin"), "\(build.stdout)")
        return prj
    }

    @Test func hbmCardMMOnlyTwoComputeUnits() throws {
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let prj = try project(tmp, ["--interface", "mm", "--platform", "xilinx_u50_gen3x16_xdma_5_202210_1"], computeUnits: 2)
        let file = prj + "/csim/myproject.xclbin"
        let r = try CLIRunner.run(["xclbin", file])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("platform      xilinx_u50_gen3x16_xdma_5_202210_1"), "\(r.stdout)")
        #expect(lines.contains("mode          sw_emu (XCLBIN_SW_EMU)"))
        #expect(lines.contains { $0.hasPrefix("C-sim library libfpgarun_csim.so -> ") && $0.hasSuffix("/csim/libfpgarun_csim.so") })
        #expect(lines.contains("myproject_mm  (2 compute units)"))
        #expect(lines.contains("0  in_mem   global  ap_uint<512>*  @0x10"))
        #expect(lines.contains("2  n        scalar  unsigned int  @0x28"))
        #expect(!r.stdout.contains("myproject_axis") && !r.stdout.contains("mm2s"))
        // CU 1 as link_mm.cfg maps it (bank_in HBM[0], bank_out HBM[1]); CU 2 on the next two banks.
        let cu1 = lines.firstIndex(of: "[0] myproject_mm:myproject_mm_1  base 0x1800000")
        let cu2 = lines.firstIndex(of: "[1] myproject_mm:myproject_mm_2  base 0x1810000")
        #expect(cu1 != nil && cu2 != nil, "\(r.stdout)")
        if let cu1, let cu2 {
            #expect(Array(lines[(cu1 + 1)...(cu1 + 2)]) == ["in_mem -> HBM[0]", "out_mem -> HBM[1]"])
            #expect(Array(lines[(cu2 + 1)...(cu2 + 2)]) == ["in_mem -> HBM[2]", "out_mem -> HBM[3]"])
        }
        #expect(lines.contains("memories (32, 4 used)"))
        let cfg = try String(contentsOfFile: prj + "/link_mm.cfg", encoding: .utf8)
        #expect(cfg.contains("sp=myproject_mm_1.in_mem:HBM[0]") && cfg.contains("sp=myproject_mm_1.out_mem:HBM[1]"))
    }

    @Test func ddrCardBothInterfacesJSON() throws {
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let prj = try project(tmp, [], computeUnits: 1)
        let file = prj + "/csim/myproject.xclbin"
        let r = try CLIRunner.run(["xclbin", "--json", file])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["platform"] as? String == "xilinx_u250_gen3x16_xdma_4_1_202210_1")
        #expect(o["csim_library"] as? String == "libfpgarun_csim.so")
        #expect((o["uuid"] as? String)?.count == 36)
        let kernels = try #require(o["kernels"] as? [[String: Any]])
        #expect(kernels.map { $0["name"] as? String } == ["myproject_mm", "myproject_mm2s", "myproject_axis", "myproject_s2mm"])
        let axisArgs = try #require(kernels[2]["args"] as? [[String: Any]])
        #expect(axisArgs.map { $0["name"] as? String } == ["in_stream", "out_stream", "n"])
        #expect(axisArgs.map { $0["kind"] as? String } == ["stream", "stream", "scalar"])
        let cus = try #require(o["compute_units"] as? [[String: Any]])
        #expect(cus.map { $0["name"] as? String } == ["myproject_mm:myproject_mm_1", "myproject_mm2s:myproject_mm2s_1",
                                                      "myproject_axis:myproject_axis_1", "myproject_s2mm:myproject_s2mm_1"])
        func tags(_ cu: [String: Any]) -> [String] {
            ((cu["connections"] as? [[String: Any]]) ?? []).compactMap { $0["tag"] as? String }
        }
        #expect(tags(cus[0]) == ["DDR[0]", "DDR[1]"])
        #expect(tags(cus[1]) == ["DDR[0]"])
        #expect(tags(cus[2]) == [])
        #expect(tags(cus[3]) == ["DDR[1]"])
        let sections = try #require(o["sections"] as? [[String: Any]])
        #expect(Set(sections.compactMap { $0["kind"] as? String })
                    .isSuperset(of: ["EMBEDDED_METADATA", "MEM_TOPOLOGY", "CONNECTIVITY", "IP_LAYOUT", "USER_METADATA"]))
        // A fresh uuid per build.
        let again = try CLIRunner.run(["build", "--target", "csim", prj])
        #expect(again.status == 0, "\(again.stderr)")
        let o2 = try JSONSerialization.jsonObject(with: Data(try CLIRunner.run(["xclbin", "--json", file]).stdout.utf8)) as? [String: Any]
        #expect(o2?["uuid"] as? String != o["uuid"] as? String)
    }

    @Test func badInputsFailCleanly() throws {
        let tmp = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let text = tmp.appendingPathComponent("notes.txt").path
        try Data("definitely not an xclbin\n".utf8).write(to: URL(fileURLWithPath: text))
        let notX = try CLIRunner.run(["xclbin", text])
        #expect(notX.status == 2 && notX.stderr == "fpgarun: error: \(text): not an xclbin (bad magic)\n", "\(notX.stderr)")
        let missing = try CLIRunner.run(["xclbin", tmp.appendingPathComponent("nope.xclbin").path])
        #expect(missing.status == 2 && missing.stderr.contains("nope.xclbin: no such file"), "\(missing.stderr)")
        // A truncated xclbin: the magic and half the header.
        let cut = tmp.appendingPathComponent("cut.xclbin").path
        try Data(Array("xclbin2".utf8) + [0] + [UInt8](repeating: 0xFF, count: 200)).write(to: URL(fileURLWithPath: cut))
        let truncated = try CLIRunner.run(["xclbin", "--json", cut])
        #expect(truncated.status == 2 && truncated.stderr.contains("cut.xclbin: truncated"), "\(truncated.stderr)")
        #expect(truncated.stdout.isEmpty)
        let zero = try CLIRunner.run(["build", "--target", "csim", "--compute-units", "0", tmp.path])
        #expect(zero.status == 64 && zero.stderr.contains("--compute-units must be 1...16"), "\(zero.stderr)")
        let hw = try CLIRunner.run(["build", "--target", "hw", "--compute-units", "2", tmp.path])
        #expect(hw.status == 64 && hw.stderr.contains("--target csim"), "\(hw.stderr)")
    }
}
