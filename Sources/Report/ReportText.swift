// Plain-text renderings of estimates and vendor reports for the terminal: fixed-width tables, one row
// per layer, totals last, then the part's resources and the warnings.

import Foundation

/// Text tables for `fpgarun report`.
public enum ReportText {
    /// The estimate as a table: per layer latency, II, DSP, LUT, FF, BRAM and the multiplier split;
    /// then totals, what the part has, the throughput and the warnings.
    public static func estimateTable(_ e: DesignEstimate) -> String {
        var rows: [[String]] = [["layer", "class", "latency", "ii", "dsp", "lut", "ff", "bram", "mults", "dsp/lut/free"]]
        for l in e.layers where l.kind != "Input" {
            rows.append([l.name, l.kind, String(l.latency), String(l.ii), String(l.dsp), String(l.lut), String(l.ff),
                         String(l.bram), String(l.multiplies),
                         l.multiplies > 0 ? "\(l.dspMultiplies)/\(l.lutMultiplies)/\(l.freeMultiplies)" : "-"])
        }
        let t = e.total
        rows.append(["total", "", String(t.latency), String(t.ii), String(t.dsp), String(t.lut), String(t.ff), String(t.bram), "", ""])
        if let a = e.available {
            rows.append(["available", a.part, "", "", String(a.dsp), String(a.lut), String(a.ff), String(a.bram18k), "", ""])
            rows.append(["used %", "", "", "", percent(t.dsp, a.dsp), percent(t.lut, a.lut), percent(t.ff, a.ff),
                         percent(t.bram, a.bram18k), "", ""])
        }
        var text = table(rows, rightAligned: Set(2...9))
        text += "\nestimate for \(e.part) at \(format(e.clockPeriodNs)) ns: latency \(t.latency) cycles (\(format(e.latencyNs)) ns), "
            + "II \(t.ii), \(formatRate(e.samplesPerSecond)) samples/s\n"
        for w in e.warnings { text += "warning: \(w)\n" }
        return text
    }

    /// `used / available` as a percentage with one decimal.
    static func percent(_ used: Int, _ available: Int) -> String {
        available > 0 ? String(format: "%.1f%%", Double(used) / Double(available) * 100) : "-"
    }

    /// A number without trailing zeros (5, 4.345).
    static func format(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%.3f", x).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    /// 2e8 → "200.0M".
    static func formatRate(_ x: Double) -> String {
        if x >= 1e9 { return String(format: "%.2fG", x / 1e9) }
        if x >= 1e6 { return String(format: "%.1fM", x / 1e6) }
        if x >= 1e3 { return String(format: "%.1fk", x / 1e3) }
        return String(format: "%.0f", x)
    }

    /// Fixed-width columns, two spaces apart; columns in `rightAligned` are right-aligned.
    static func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return rightAligned.contains(c) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n"
    }
}

extension ReportText {
    /// The vendor reports as a table of figures, reported beside estimated (when an estimate is given)
    /// and beside what the part has.
    public static func vendorTable(_ v: VendorReports, estimate e: DesignEstimate?) -> String {
        var text = "reports in \(v.folder)\n"
        var rows: [[String]] = [["figure", "reported", "estimated", "available", "used %", "source"]]
        let t = e?.total
        func short(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
        if let s = v.synthesis {
            let src = short(s.file)
            rows.append(["latency (cycles)", s.bestLatency == s.worstLatency ? "\(s.bestLatency)" : "\(s.bestLatency)-\(s.worstLatency)",
                         t.map { String($0.latency) } ?? "", "", "", src])
            rows.append(["interval (cycles)", s.intervalMin == s.intervalMax ? "\(s.intervalMin)" : "\(s.intervalMin)-\(s.intervalMax)",
                         t.map { String($0.ii) } ?? "", "", "", src])
            if let c = s.estimatedClockNs {
                rows.append(["clock (ns)", format(c), e.map { format($0.clockPeriodNs) } ?? "",
                             s.targetClockNs.map { "target " + format($0) } ?? "", "", src])
            }
            let est: [String: Int] = t.map { ["DSP": $0.dsp, "LUT": $0.lut, "FF": $0.ff, "BRAM_18K": $0.bram] } ?? [:]
            for key in ["DSP", "LUT", "FF", "BRAM_18K", "URAM"] {
                guard let used = s.resources[key] else { continue }
                let has = s.available[key]
                rows.append([key, String(used), est[key].map(String.init) ?? "", has.map(String.init) ?? "",
                             has.map { percent(used, $0) } ?? "", src])
            }
        }
        if let c = v.cosim {
            let src = short(c.file)
            rows.append(["cosim \(c.rtl)", c.status, "", "", "", src])
            func range(_ a: Int?, _ b: Int?) -> String {
                guard let a, let b else { return "NA" }
                return a == b ? "\(a)" : "\(a)-\(b)"
            }
            rows.append(["cosim latency", range(c.latencyMin, c.latencyMax), t.map { String($0.latency) } ?? "", "", "", src])
            rows.append(["cosim interval", range(c.intervalMin, c.intervalMax), t.map { String($0.ii) } ?? "", "", "", src])
        }
        if let u = v.utilization {
            let src = short(u.file)
            let est: [String: Int] = t.map { ["DSP": $0.dsp, "LUT": $0.lut, "FF": $0.ff, "BRAM_18K": $0.bram] } ?? [:]
            for key in ["LUT", "FF", "DSP", "BRAM_18K", "URAM"] {
                guard let used = u.used[key] else { continue }
                let has = u.available[key] ?? 0
                rows.append(["Vivado \(key)", format(used), est[key].map(String.init) ?? "", format(has),
                             has > 0 ? String(format: "%.1f%%", used / has * 100) : "-", src])
            }
        }
        if let tm = v.timing {
            rows.append(["WNS / WHS (ns)", "\(format(tm.wns)) / \(format(tm.whs))", "", "", tm.met ? "met" : "VIOLATED", short(tm.file)])
        }
        text += table(rows, rightAligned: [1, 2, 3, 4])
        if let e { for w in e.warnings { text += "warning: \(w)\n" } }
        return text
    }
}
