// The HTML report: one self-contained file (inline CSS and inline SVG, no script, nothing fetched), so
// it opens offline and can be mailed or archived as it is. Sections: summary against the part, the
// network graph, the per-layer table, the precision profile, vendor reports (when read) and the bench
// (when given). Plot colours are fixed (weights #1f77b4, activations #ff7f0e, format range #c8ced6,
// bench #2ca02c) so that tools/check_html_report.sh can find the plots in a screenshot.

import FixedPoint
import Foundation
import Graph

/// A self-contained HTML page describing a design.
public struct HTMLReport: Sendable {
    /// The design (after the passes).
    public var graph: Graph
    /// Its estimate.
    public var estimate: DesignEstimate
    /// Vendor reports, shown beside the estimate.
    public var vendor: VendorReports?
    /// A bench result.
    public var bench: BenchSummary?
    /// The precision profile.
    public var profile: PrecisionProfile?

    /// A page for `graph` and its estimate; the optional parts are set afterwards.
    public init(graph: Graph, estimate: DesignEstimate) {
        self.graph = graph
        self.estimate = estimate
    }

    /// The whole page.
    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>fpgarun report: \(esc(graph.name))</title>
        <style>\(css)</style></head>
        <body>
        <h1>fpgarun report: \(esc(graph.name))</h1>
        \(summary())
        \(warnings())
        <h2>Network</h2>
        \(networkSVG())
        <h2>Layers</h2>
        \(layerTable())
        \(profileSection())
        \(vendorSection())
        \(benchSection())
        <p class="foot">Estimates by fpgarun's analytic model (see Sources/Report/Estimator.swift for its assumptions and calibration). No vendor tool was run to make this page.</p>
        </body></html>

        """
    }

    private var css: String {
        """
        body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px;color:#1b1f24;max-width:1200px}
        h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
        table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:right}
        th{background:#f3f5f7}td.l,th.l{text-align:left}code{font-size:11px}
        .cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:120px}
        .card b{display:block;font-size:18px}.card span{font-size:11px;color:#57606a}
        .bar{height:6px;background:#eaeef2;border-radius:3px;margin-top:4px}.bar i{display:block;height:6px;background:#1f77b4;border-radius:3px}
        .warn{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px;margin:4px 0;font-size:13px}
        .foot{font-size:11px;color:#57606a;margin-top:30px}.legend span{display:inline-block;margin-right:14px;font-size:12px}
        .sw{display:inline-block;width:12px;height:12px;vertical-align:middle;margin-right:4px}
        """
    }

    // MARK: - Sections

    private func summary() -> String {
        let t = estimate.total
        var cards = [
            card("\(t.latency) cycles", "latency (\(ReportText.format(estimate.latencyNs)) ns at \(ReportText.format(estimate.clockPeriodNs)) ns)"),
            card("\(t.ii)", "initiation interval"),
            card(ReportText.formatRate(estimate.samplesPerSecond), "samples/s at the clock"),
        ]
        let a = estimate.available
        for (name, used, has) in [("DSP", t.dsp, a?.dsp), ("LUT", t.lut, a?.lut), ("FF", t.ff, a?.ff), ("BRAM_18K", t.bram, a?.bram18k)] {
            var extra = ""
            if let has, has > 0 {
                let pct = Double(used) / Double(has) * 100
                extra = "<div class=\"bar\"><i style=\"width:\(String(format: "%.1f", min(100, max(1, pct))))%\"></i></div>"
                cards.append(card(String(used), "\(name) (\(ReportText.percent(used, has)) of \(has))", extra: extra))
            } else {
                cards.append(card(String(used), name))
            }
        }
        return "<p>Part <code>\(esc(estimate.part))</code>, clock \(ReportText.format(estimate.clockPeriodNs)) ns.</p><div class=\"cards\">\(cards.joined())</div>"
    }

    private func card(_ value: String, _ label: String, extra: String = "") -> String {
        "<div class=\"card\"><b>\(esc(value))</b><span>\(esc(label))</span>\(extra)</div>"
    }

    private func warnings() -> String {
        estimate.warnings.map { "<div class=\"warn\">\(esc($0))</div>" }.joined()
    }

    /// Nodes placed by depth (longest path from the input), left to right within a depth.
    private func networkSVG() -> String {
        let nodes = graph.nodes
        var depth = [Int](repeating: 0, count: nodes.count)
        for n in nodes { for i in n.inputs { depth[n.id] = max(depth[n.id], depth[i] + 1) } }
        let levels = (depth.max() ?? 0) + 1
        var column = [Int](repeating: 0, count: nodes.count)
        var perLevel = [Int](repeating: 0, count: levels)
        for n in nodes { column[n.id] = perLevel[depth[n.id]]; perLevel[depth[n.id]] += 1 }
        let boxW = 230, boxH = 40, gapX = 30, gapY = 26
        let width = max(1, perLevel.max() ?? 1) * (boxW + gapX) + gapX
        let height = levels * (boxH + gapY) + gapY
        func origin(_ id: Int) -> (Int, Int) {
            let lvlCount = perLevel[depth[id]]
            let rowWidth = lvlCount * boxW + (lvlCount - 1) * gapX
            return ((width - rowWidth) / 2 + column[id] * (boxW + gapX), gapY + depth[id] * (boxH + gapY))
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"network graph\">"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#57606a\"/></marker></defs>"
        for n in nodes {
            for i in n.inputs {
                let (x0, y0) = origin(i), (x1, y1) = origin(n.id)
                svg += "<path d=\"M\(x0 + boxW / 2),\(y0 + boxH) C\(x0 + boxW / 2),\(y0 + boxH + gapY / 2) \(x1 + boxW / 2),\(y1 - gapY / 2) \(x1 + boxW / 2),\(y1 - 2)\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>"
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: estimate.layers.map { ($0.name, $0) })
        for n in nodes {
            let (x, y) = origin(n.id)
            let fill = n.op.kind == "Dense" || n.op.kind.hasPrefix("Conv") ? "#dbe9f6" : (n.id == graph.input ? "#e6f4ea" : "#f6f8fa")
            svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(boxW)\" height=\"\(boxH)\" rx=\"6\" fill=\"\(fill)\" stroke=\"#4a6fa5\" stroke-width=\"1.5\"/>"
            svg += "<text x=\"\(x + boxW / 2)\" y=\"\(y + 16)\" font-size=\"12\" text-anchor=\"middle\" font-weight=\"600\">\(esc(n.name))</text>"
            var sub = "\(n.op.kind) (\(n.shape.map(String.init).joined(separator: ",")))"
            if let e = byName[n.name], e.latency > 0 || e.dsp > 0 { sub += " · \(e.latency) cyc · \(e.dsp) DSP" }
            svg += "<text x=\"\(x + boxW / 2)\" y=\"\(y + 32)\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#57606a\">\(esc(sub))</text>"
        }
        return svg + "</svg>"
    }

    private func layerTable() -> String {
        let byName = Dictionary(uniqueKeysWithValues: estimate.layers.map { ($0.name, $0) })
        var rows = "<tr><th class=\"l\">layer</th><th class=\"l\">class</th><th>shape</th><th class=\"l\">types</th><th>params</th><th>mults</th><th>reuse</th><th class=\"l\">strategy</th><th>latency</th><th>II</th><th>DSP</th><th>LUT</th><th>FF</th><th>BRAM</th><th>DSP/LUT/free products</th></tr>"
        for n in graph.nodes {
            let e = byName[n.name]
            let types = n.types.named.map { "\($0.0)=\($0.1.shorthand)" }.joined(separator: "<br>")
            rows += "<tr><td class=\"l\">\(esc(n.name))</td><td class=\"l\">\(esc(n.op.kind))</td><td>(\(n.shape.map(String.init).joined(separator: ",")))</td>"
            rows += "<td class=\"l\"><code>\(types.split(separator: "<br>").map { esc(String($0)) }.joined(separator: "<br>"))</code></td>"
            rows += "<td>\(n.parameterCount)</td><td>\(n.multiplyCount)</td><td>\(n.reuseFactor)</td><td class=\"l\">\(n.strategy.rawValue)</td>"
            if let e {
                rows += "<td>\(e.latency)</td><td>\(e.ii)</td><td>\(e.dsp)</td><td>\(e.lut)</td><td>\(e.ff)</td><td>\(e.bram)</td>"
                rows += "<td>\(e.multiplies > 0 ? "\(e.dspMultiplies)/\(e.lutMultiplies)/\(e.freeMultiplies)" : "")</td>"
            } else {
                rows += String(repeating: "<td></td>", count: 7)
            }
            rows += "</tr>"
        }
        let t = estimate.total
        rows += "<tr><th class=\"l\">total</th><th></th><th></th><th></th><th>\(graph.nodes.map(\.parameterCount).reduce(0, +))</th><th>\(graph.nodes.map(\.multiplyCount).reduce(0, +))</th><th></th><th></th><th>\(t.latency)</th><th>\(t.ii)</th><th>\(t.dsp)</th><th>\(t.lut)</th><th>\(t.ff)</th><th>\(t.bram)</th><th></th></tr>"
        return "<table>\(rows)</table>"
    }

    /// One row per layer on a log2 magnitude axis: the format's representable magnitudes (LSB to max)
    /// as a grey band, weights and activations as coloured boxes from smallest to largest nonzero
    /// magnitude with a tick at the median, counts of overflow and underflow in red.
    private func profileSection() -> String {
        guard let profile else { return "" }
        let layers = profile.layers
        func lg(_ x: Double) -> Double { log2(x) }
        var lo = 0.0, hi = 0.0
        for l in layers {
            lo = min(lo, lg(l.resultLSB)); hi = max(hi, lg(l.resultMax))
            for r in [l.weights, l.activations] {
                if let r, r.maxMagnitude > 0 { lo = min(lo, lg(r.minMagnitude)); hi = max(hi, lg(r.maxMagnitude)) }
            }
            if let w = l.weightLSB { lo = min(lo, lg(w)) }
        }
        lo = (max(lo, -40) - 1).rounded(.down); hi = (min(hi, 40) + 1).rounded(.up)
        let left = 190, plotW = 760, right = 200, rowH = 34
        let width = left + plotW + right, height = layers.count * rowH + 50
        func px(_ v: Double) -> Double { Double(left) + (min(max(v, lo), hi) - lo) / (hi - lo) * Double(plotW) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"precision profile\">"
        // Axis: powers of two.
        let step = max(1, Int(((hi - lo) / 16).rounded(.up)))
        var e = Int(lo)
        while Double(e) <= hi {
            let x = px(Double(e))
            svg += "<line x1=\"\(f(x))\" y1=\"10\" x2=\"\(f(x))\" y2=\"\(height - 30)\" stroke=\"#eaeef2\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(height - 14)\" font-size=\"10\" text-anchor=\"middle\" fill=\"#57606a\">2^\(e)</text>"
            e += step
        }
        for (i, l) in layers.enumerated() {
            let y = 14 + i * rowH
            svg += "<text x=\"\(left - 8)\" y=\"\(y + 15)\" font-size=\"11\" text-anchor=\"end\">\(esc(l.name))</text>"
            // The result format's range (and the weight format's, thinner, above it).
            svg += "<rect x=\"\(f(px(lg(l.resultLSB))))\" y=\"\(y + 12)\" width=\"\(f(px(lg(l.resultMax)) - px(lg(l.resultLSB))))\" height=\"14\" fill=\"#c8ced6\"/>"
            if let wl = l.weightLSB, let wm = l.weightMax {
                svg += "<rect x=\"\(f(px(lg(wl))))\" y=\"\(y + 2)\" width=\"\(f(px(lg(wm)) - px(lg(wl))))\" height=\"8\" fill=\"#c8ced6\"/>"
            }
            if let w = l.weights, w.maxMagnitude > 0 {
                svg += box(w, y: y + 2, h: 8, color: "#1f77b4", px: px)
            }
            if l.activations.maxMagnitude > 0 {
                svg += box(l.activations, y: y + 14, h: 10, color: "#ff7f0e", px: px)
            }
            var notes: [String] = []
            let a = l.activations
            if a.overflow > 0 { notes.append("\(a.overflow) overflow") }
            if a.underflow > 0 { notes.append("\(a.underflow) underflow") }
            if let w = l.weights, w.overflow > 0 { notes.append("\(w.overflow) weights clip") }
            if let w = l.weights, w.underflow > 0 { notes.append("\(w.underflow) weights → 0") }
            let color = notes.isEmpty ? "#2f7d32" : "#cf222e"
            let text = notes.isEmpty ? "fits" : notes.joined(separator: ", ")
            svg += "<text x=\"\(left + plotW + 8)\" y=\"\(y + 20)\" font-size=\"10.5\" fill=\"\(color)\">\(esc(text))</text>"
        }
        svg += "</svg>"
        let legend = """
        <p class="legend"><span><i class="sw" style="background:#c8ced6"></i>format range (LSB to max; thin: weight type, thick: result type)</span>\
        <span><i class="sw" style="background:#1f77b4"></i>|weights|</span><span><i class="sw" style="background:#ff7f0e"></i>|activations| before the result cast</span>\
        <span>tick: median</span></p>
        """
        return "<h2>Precision profile</h2><p>Magnitudes on a log<sub>2</sub> axis; \(profile.samples) samples (\(esc(profile.source))).</p>\(legend)\(svg)"
    }

    private func box(_ r: LayerProfile.Range, y: Int, h: Int, color: String, px: (Double) -> Double) -> String {
        let x0 = px(log2(r.minMagnitude)), x1 = px(log2(r.maxMagnitude)), xm = px(log2(max(r.medianMagnitude, r.minMagnitude)))
        return "<rect x=\"\(f(x0))\" y=\"\(y)\" width=\"\(f(max(2, x1 - x0)))\" height=\"\(h)\" fill=\"\(color)\"/>"
            + "<line x1=\"\(f(xm))\" y1=\"\(y - 1)\" x2=\"\(f(xm))\" y2=\"\(y + h + 1)\" stroke=\"#1b1f24\" stroke-width=\"2\"/>"
    }

    private func vendorSection() -> String {
        guard let vendor else { return "" }
        let text = ReportText.vendorTable(vendor, estimate: estimate)
        let lines = text.split(separator: "\n").map(String.init)
        // Reuse the text table's cells: split on two or more spaces.
        var rows = ""
        for (i, line) in lines.dropFirst().enumerated() where !line.hasPrefix("warning:") {
            let cells = line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let tag = i == 0 ? "th" : "td"
            rows += "<tr>" + cells.map { "<\(tag) class=\"l\">\(esc($0))</\(tag)>" }.joined() + "</tr>"
        }
        return "<h2>Vendor reports</h2><p>\(esc(lines.first ?? ""))</p><table>\(rows)</table>"
    }

    /// Latency percentiles as bars (the bench JSON keeps percentiles, not the raw histogram) and throughput.
    private func benchSection() -> String {
        guard let b = bench else { return "" }
        let l = b.latencyMicroseconds
        let points: [(String, Double)] = [("min", l.min), ("p50", l.p50), ("p90", l.p90), ("p99", l.p99), ("p99.9", l.p999), ("max", l.max)]
        let top = max(points.map(\.1).max() ?? 1, 1e-9)
        let left = 60, barW = 70, gap = 24, plotH = 200
        let width = left + points.count * (barW + gap) + 20, height = plotH + 60
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"bench latency\">"
        svg += "<line x1=\"\(left)\" y1=\"20\" x2=\"\(left)\" y2=\"\(plotH + 20)\" stroke=\"#57606a\"/><line x1=\"\(left)\" y1=\"\(plotH + 20)\" x2=\"\(width - 10)\" y2=\"\(plotH + 20)\" stroke=\"#57606a\"/>"
        svg += "<text x=\"8\" y=\"14\" font-size=\"10\" fill=\"#57606a\">µs per batch</text>"
        for (i, (name, v)) in points.enumerated() {
            let h = Double(plotH) * v / top
            let x = left + gap / 2 + i * (barW + gap)
            svg += "<rect x=\"\(x)\" y=\"\(f(Double(plotH + 20) - h))\" width=\"\(barW)\" height=\"\(f(max(1, h)))\" fill=\"#2ca02c\"/>"
            svg += "<text x=\"\(x + barW / 2)\" y=\"\(plotH + 36)\" font-size=\"11\" text-anchor=\"middle\">\(name)</text>"
            svg += "<text x=\"\(x + barW / 2)\" y=\"\(f(Double(plotH + 16) - h))\" font-size=\"10\" text-anchor=\"middle\">\(esc(String(format: "%.1f", v)))</text>"
        }
        svg += "</svg>"
        let split = b.splitMicroseconds.map {
            String(format: "; mean per batch: host→device %.1f µs, kernel %.1f µs, device→host %.1f µs", $0.hostToDevice, $0.kernel, $0.deviceToHost)
        } ?? ""
        return """
        <h2>Bench</h2><p>\(esc(b.project)) on \(b.emulated ? "the emulated device" : "hardware"), \(esc(b.interface)) interface, batch \(b.batch), \
        \(b.samples) samples: <b>\(ReportText.formatRate(b.samplesPerSecond)) samples/s</b> measured \
        (estimated kernel rate \(ReportText.formatRate(estimate.samplesPerSecond)) samples/s); mean latency \(String(format: "%.1f", l.mean)) µs per batch\(esc(split)).</p>
        \(svg)
        """
    }

    private func f(_ x: Double) -> String { String(format: "%.1f", x) }
}

/// HTML-escapes text (`ap_fixed<16,6>` must not become a tag).
func esc(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}
