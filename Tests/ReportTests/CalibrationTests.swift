import Foundation
import Graph
import Report
import Testing

/// The estimator against the published jet-tagger figures (xcu250, 5 ns, ap_fixed<16,6>, Vitis HLS).
@Suite struct CalibrationTests {
    /// Published: RF 1 → 14 cycles, II 1, 1,502 DSP, ~102k LUT, 9.4k FF; RF 2 → 13 cycles, II 2, 1,476 DSP.
    static let published: [(rf: Int, latency: Int, ii: Int, dsp: Int, lut: Int?, ff: Int?)] = [
        (1, 14, 1, 1502, 102_000, 9400), (2, 13, 2, 1476, nil, nil),
    ]

    @Test func jetTaggerWithinTwentyPercent() throws {
        guard Support.zoo != nil else {
            print("CalibrationTests: skipped, ../shared/zoo/keras/KERAS_3layer.json is absent (relative to the repo root)")
            return
        }
        let dir = Support.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for p in Self.published {
            let (cfg, graph) = try Support.load(try Support.jetTaggerConfig(reuse: p.rf, in: dir))
            let e = Estimator().estimate(graph, part: cfg.part ?? "", clockPeriodNs: cfg.clockPeriod)
            print(ReportText.estimateTable(e))
            func dev(_ est: Int, _ pub: Int) -> Double { Double(est - pub) / Double(pub) * 100 }
            var line = "jet tagger RF \(p.rf): latency \(e.total.latency) vs \(p.latency) (\(fmt(dev(e.total.latency, p.latency)))), "
                + "II \(e.total.ii) vs \(p.ii) (\(fmt(dev(e.total.ii, p.ii)))), DSP \(e.total.dsp) vs \(p.dsp) (\(fmt(dev(e.total.dsp, p.dsp))))"
            if let lut = p.lut, let ff = p.ff {
                line += ", LUT \(e.total.lut) vs ~\(lut) (\(fmt(dev(e.total.lut, lut)))), FF \(e.total.ff) vs ~\(ff) (\(fmt(dev(e.total.ff, ff))))"
            }
            print(line)
            #expect(abs(dev(e.total.latency, p.latency)) <= 20, "latency RF \(p.rf)")
            #expect(abs(dev(e.total.ii, p.ii)) <= 20, "II RF \(p.rf)")
            #expect(abs(dev(e.total.dsp, p.dsp)) <= 20, "DSP RF \(p.rf)")
        }
    }

    private func fmt(_ d: Double) -> String { (d >= 0 ? "+" : "") + String(format: "%.1f%%", d) }
}
