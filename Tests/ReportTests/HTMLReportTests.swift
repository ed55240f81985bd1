import Foundation
import Graph
import Report
import Testing

/// The HTML report: self-contained, escaped, with every section; profile ranges are sensible.
@Suite struct HTMLReportTests {
    @Test func pageIsSelfContainedWithPlots() throws {
        let (cfg, graph) = try Support.load(Support.root.appendingPathComponent("tools/example/jet_tagger.yml").path)
        let e = Estimator().estimate(graph, part: cfg.part!, clockPeriodNs: cfg.clockPeriod)
        var page = HTMLReport(graph: graph, estimate: e)
        page.profile = try PrecisionProfile(graph: graph, inputs: nil, source: "random", randomSamples: 64)
        let html = page.render()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)  // network + profile (no bench given)
        #expect(html.contains("fixed&lt;16,6&gt;") && !html.contains("fixed<16,6>"))
        #expect(html.contains("#1f77b4") && html.contains("#ff7f0e"))
        let profile = try #require(page.profile)
        let softmax = try #require(profile.layers.last)
        // Softmax outputs lie in (0, 1] and are not all equal (measured in the real graph).
        #expect(softmax.activations.max <= 1 && softmax.activations.min >= 0 && softmax.activations.max > softmax.activations.min)
        let fc1 = try #require(profile.layers.first { $0.name == "fc1" })
        #expect(fc1.weights != nil && fc1.weightFormat == "ap_fixed<16,6>")
    }

    @Test func cliWritesHTMLAndRejectsBadBench() throws {
        let dir = Support.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cfg = Support.root.appendingPathComponent("tools/example/jet_tagger.yml").path
        let out = dir.appendingPathComponent("r.html").path
        let ok = try Support.fpgarun(["report", "--config", cfg, "--html", out])
        #expect(ok.status == 0)
        #expect(FileManager.default.fileExists(atPath: out))
        let bad = dir.appendingPathComponent("bench.json")
        try "{\"project\": 3}".write(to: bad, atomically: true, encoding: .utf8)
        let out2 = dir.appendingPathComponent("r2.html").path
        let r = try Support.fpgarun(["report", "--config", cfg, "--html", out2, "--bench", bad.path])
        #expect(r.status == 2 && r.stderr.contains("bench.json: not a bench JSON"))
        #expect(!FileManager.default.fileExists(atPath: out2))  // nothing half-written
        let j = try Support.fpgarun(["report", "--config", cfg, "--json"])
        #expect(j.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        let total = (doc?["estimate"] as? [String: Any])?["total"] as? [String: Any]
        #expect(Set(total?.keys.map { $0 } ?? []) == ["latency", "ii", "dsp", "lut", "ff", "bram"])
    }
}
