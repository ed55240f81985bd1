import Foundation
import Report
import Testing

/// Vendor report parsing on fixtures written in the Vitis HLS / Vivado formats.
@Suite struct VendorReportTests {
    static let fixtures = Support.root.appendingPathComponent("Tests/Fixtures/reports")

    @Test func readsAProjectFolder() throws {
        let v = try VendorReports(folder: Self.fixtures.appendingPathComponent("vitis_prj").path)
        let s = try #require(v.synthesis)
        #expect(s.file.hasSuffix("myproject_csynth.xml"))  // the top report, not the per-module one
        #expect(s.top == "myproject" && s.part == "xcu250-figd2104-2L-e" && s.version == "2022.2")
        #expect(s.bestLatency == 14 && s.worstLatency == 14 && s.intervalMin == 1 && s.intervalMax == 1)
        #expect(s.estimatedClockNs == 3.634 && s.targetClockNs == 5)
        #expect(s.resources == ["BRAM_18K": 4, "DSP": 1502, "FF": 9412, "LUT": 101_879, "URAM": 0])
        #expect(s.available["DSP"] == 12288)
        let c = try #require(v.cosim)
        #expect(c.rtl == "Verilog" && c.status == "Pass" && c.latencyMin == 14 && c.latencyMax == 14 && c.intervalMax == 1)
        let u = try #require(v.utilization)
        #expect(u.used["LUT"] == 61234 && u.used["FF"] == 10871 && u.used["DSP"] == 1490 && u.used["BRAM_18K"] == 4)
        #expect(u.available["LUT"] == 1_728_000 && u.available["BRAM_18K"] == 5376 && u.device == "xcu250-figd2104-2L-e")
        let t = try #require(v.timing)
        #expect(t.wns == 0.412 && t.whs == 0.031 && t.met)
    }

    @Test func dsp48eIsReadAsDSP() throws {
        let dir = Support.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let xml = try String(contentsOf: Self.fixtures.appendingPathComponent("vitis_prj/myproject_prj/solution1/syn/report/myproject_csynth.xml"), encoding: .utf8)
            .replacingOccurrences(of: "<DSP>", with: "<DSP48E>").replacingOccurrences(of: "</DSP>", with: "</DSP48E>")
        try xml.write(to: dir.appendingPathComponent("myproject_csynth.xml"), atomically: true, encoding: .utf8)
        let v = try VendorReports(folder: dir.path)
        #expect(v.synthesis?.resources["DSP"] == 1502)
    }

    @Test func folderWithoutReportsIsAnError() throws {
        let dir = Support.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "hello".write(to: dir.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        let e = #expect(throws: ReportError.self) { try VendorReports(folder: dir.path) }
        #expect(e?.description.hasPrefix(dir.path + ": no Vitis/Vivado HLS reports found") == true)
        #expect(throws: ReportError.self) { try VendorReports(folder: dir.path + "/missing") }
    }

    @Test func corruptXMLNamesTheFile() throws {
        let e = #expect(throws: ReportError.self) {
            try VendorReports(folder: Self.fixtures.appendingPathComponent("corrupt").path)
        }
        let text = e?.description ?? ""
        #expect(text.contains("corrupt/myproject_csynth.xml: not well-formed XML"))
        #expect(!text.contains("\n"))
    }

    @Test func missingFieldNamesTheField() throws {
        let dir = Support.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "<profile><PerformanceEstimates/></profile>".write(to: dir.appendingPathComponent("top_csynth.xml"), atomically: true, encoding: .utf8)
        let e = #expect(throws: ReportError.self) { try VendorReports(folder: dir.path) }
        #expect(e?.description.contains("missing PerformanceEstimates/SummaryOfOverallLatency/Best-caseLatency") == true)
    }

    @Test func cliReadsProjectAndFailsClearly() throws {
        let ok = try Support.fpgarun(["report", Self.fixtures.appendingPathComponent("vitis_prj").path])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("latency (cycles)") && ok.stdout.contains("1502") && ok.stdout.contains("cosim Verilog"))
        let bad = try Support.fpgarun(["report", Self.fixtures.appendingPathComponent("corrupt").path])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("fpgarun: error: ") && bad.stderr.contains("myproject_csynth.xml: not well-formed XML"))
        #expect(bad.stderr.split(separator: "\n").count == 1)
        let dir = Support.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let none = try Support.fpgarun(["report", dir.path])
        #expect(none.status == 2 && none.stderr.contains("no Vitis/Vivado HLS reports found"))
    }
}
