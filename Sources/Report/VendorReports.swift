// Reading the reports Vitis HLS, Vivado HLS and Vivado leave in a project folder:
//
// - `<top>_csynth.xml` (also plain `csynth.xml`), the synthesis report: `profile` root with
//   UserAssignments (Part, TopModelName, TargetClockPeriod), PerformanceEstimates
//   (SummaryOfTimingAnalysis/EstimatedClockPeriod; SummaryOfOverallLatency/Best-caseLatency,
//   Worst-caseLatency, Interval-min, Interval-max) and AreaEstimates (Resources and AvailableResources
//   with BRAM_18K, DSP48E (Vivado HLS) or DSP (Vitis HLS), FF, LUT, URAM). Per-module reports share the
//   schema; the top one is the file named after TopModelName (or `csynth.xml`).
// - `<top>_cosim.rpt`, the C/RTL co-simulation report: a table with one row per RTL language,
//   `| Verilog| Pass| min| avg| max| min| avg| max|` (latency then interval, `NA` when not run).
// - Vivado `report_utilization` text: `| CLB LUTs | used | fixed | [prohibited |] available | util% |`
//   rows (7-series: `Slice LUTs`, `Slice Registers`); block RAM in 36-Kb tiles (`Block RAM Tile`).
// - Vivado `report_timing_summary` text: the line after the `WNS(ns) TNS(ns) …` header and its dashes.
//
// Anything that cannot be read is an error naming the file; a folder without any report is an error too.

import Foundation
import XMLScanner

/// A failure reading vendor reports: one line naming the file.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    /// The file or folder concerned.
    public var path: String
    /// What is wrong.
    public var message: String

    /// Creates an error about `path`.
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// What a `*_csynth.xml` synthesis report says about the top function.
public struct SynthesisReport: Sendable, Codable, Equatable {
    /// The file read.
    public var file: String
    /// Tool version (ReportVersion/Version).
    public var version: String?
    /// FPGA part.
    public var part: String?
    /// Top function.
    public var top: String?
    /// Target clock period, ns.
    public var targetClockNs: Double?
    /// Estimated clock period, ns.
    public var estimatedClockNs: Double?
    /// Best-case latency, cycles.
    public var bestLatency: Int
    /// Worst-case latency, cycles.
    public var worstLatency: Int
    /// Interval range, cycles.
    public var intervalMin: Int, intervalMax: Int
    /// Used resources: BRAM_18K, DSP, FF, LUT, URAM (DSP48E is reported as DSP).
    public var resources: [String: Int]
    /// What the part has, same keys.
    public var available: [String: Int]

    /// Parses the XML at `path`.
    public init(contentsOf path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ReportError(path, "cannot read: \(error.localizedDescription)")
        }
        let tree = try XMLLeaves(data: data, path: path)
        guard tree.root == "profile" else {
            throw ReportError(path, "not a csynth report (the root element is <\(tree.root)>, not <profile>)")
        }
        func text(_ key: String) -> String? { tree.leaves[key] }
        func int(_ key: String) throws -> Int {
            guard let s = text(key) else { throw ReportError(path, "missing \(key)") }
            guard let v = Int(s) else { throw ReportError(path, "\(key) is '\(s)', not a whole number") }
            return v
        }
        func counts(_ prefix: String) -> [String: Int] {
            var out: [String: Int] = [:]
            for (key, value) in tree.leaves where key.hasPrefix(prefix + "/") {
                let name = String(key.dropFirst(prefix.count + 1))
                guard !name.contains("/"), let v = Int(value) else { continue }
                out[name == "DSP48E" ? "DSP" : name] = v
            }
            return out
        }
        file = path
        version = text("ReportVersion/Version")
        part = text("UserAssignments/Part")
        top = text("UserAssignments/TopModelName")
        targetClockNs = text("UserAssignments/TargetClockPeriod").flatMap(Double.init)
        estimatedClockNs = text("PerformanceEstimates/SummaryOfTimingAnalysis/EstimatedClockPeriod").flatMap(Double.init)
        let lat = "PerformanceEstimates/SummaryOfOverallLatency/"
        bestLatency = try int(lat + "Best-caseLatency")
        worstLatency = try int(lat + "Worst-caseLatency")
        intervalMin = try int(lat + "Interval-min")
        intervalMax = try int(lat + "Interval-max")
        resources = counts("AreaEstimates/Resources")
        available = counts("AreaEstimates/AvailableResources")
        if self.resources.isEmpty { throw ReportError(path, "missing AreaEstimates/Resources") }
    }

}

/// The leaf elements of an XML document by their path below the root (`A/B/C` → text); a malformed
/// document is an error naming the file and line.
struct XMLLeaves {
    /// The root element's name.
    var root = ""
    /// Text of every element without child elements, by path (first occurrence wins).
    var leaves: [String: String] = [:]

    init(data: Data, path: String) throws {
        var stack: [String] = []
        var text = ""
        var hasChild: [Bool] = []
        do {
            try XMLScanner.scan(Array(data)) { event, _ in
                switch event {
                case .start(let name, _):
                    if stack.isEmpty { root = name }
                    if !hasChild.isEmpty { hasChild[hasChild.count - 1] = true }
                    stack.append(name)
                    hasChild.append(false)
                    text = ""
                case .text(let string):
                    text += string
                case .end:
                    if hasChild.last == false, stack.count > 1 {
                        let key = stack.dropFirst().joined(separator: "/")
                        if leaves[key] == nil { leaves[key] = text.trimmingCharacters(in: .whitespacesAndNewlines) }
                    }
                    stack.removeLast()
                    hasChild.removeLast()
                    text = ""
                }
            }
        } catch let e as XMLSyntaxError {
            throw ReportError(path, "not well-formed XML (\(e.message), line \(e.line))")
        }
    }
}

/// The result row of a `*_cosim.rpt` co-simulation report.
public struct CosimReport: Sendable, Codable, Equatable {
    /// The file read.
    public var file: String
    /// RTL language simulated (Verilog or VHDL).
    public var rtl: String
    /// Pass or Fail.
    public var status: String
    /// Latency min/avg/max in cycles (nil when NA).
    public var latencyMin: Int?, latencyAvg: Int?, latencyMax: Int?
    /// Interval min/avg/max in cycles (nil when NA).
    public var intervalMin: Int?, intervalAvg: Int?, intervalMax: Int?

    /// Parses the report at `path`: the first RTL row whose status is not NA.
    public init(contentsOf path: String) throws {
        let text = try readText(path)
        for line in text.split(whereSeparator: \.isNewline) {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard cells.count >= 8, cells[0] == "Verilog" || cells[0] == "VHDL", cells[1] != "NA" else { continue }
            file = path
            rtl = cells[0]
            status = cells[1]
            let n = cells[2...7].map { Int($0) }
            (latencyMin, latencyAvg, latencyMax, intervalMin, intervalAvg, intervalMax) = (n[0], n[1], n[2], n[3], n[4], n[5])
            if latencyMax == nil && cells[4] != "NA" { throw ReportError(path, "latency '\(cells[4])' is not a whole number") }
            return
        }
        throw ReportError(path, "no co-simulation result row (| Verilog| Pass| … or | VHDL| …) found")
    }
}

/// Used and available counts from a Vivado `report_utilization` text report.
public struct UtilizationReport: Sendable, Codable, Equatable {
    /// The file read.
    public var file: String
    /// The device, when the header names it.
    public var device: String?
    /// Used resources: LUT, FF, BRAM_18K (tiles × 2), DSP, URAM.
    public var used: [String: Double]
    /// Available resources, same keys.
    public var available: [String: Double]

    /// Parses the report at `path`.
    public init(contentsOf path: String) throws {
        let text = try readText(path)
        let names: [(String, [String], Double)] = [
            ("LUT", ["CLB LUTs", "Slice LUTs"], 1), ("FF", ["CLB Registers", "Slice Registers"], 1),
            ("BRAM_18K", ["Block RAM Tile"], 2), ("DSP", ["DSPs"], 1), ("URAM", ["URAM"], 1),
        ]
        var used: [String: Double] = [:], available: [String: Double] = [:]
        var device: String?
        for line in text.split(whereSeparator: \.isNewline) {
            if line.contains("| Device"), let v = line.split(separator: ":", maxSplits: 1).last {
                device = device ?? v.trimmingCharacters(in: CharacterSet(charactersIn: " |"))
            }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "*"))
            guard let (key, _, scale) = names.first(where: { $0.1.contains(name) }), used[key] == nil,
                  let u = Double(cells[1]), let a = Double(cells[cells.count - 2]) else { continue }
            used[key] = u * scale
            available[key] = a * scale
        }
        if used.isEmpty { throw ReportError(path, "no utilization rows (| CLB LUTs | … |) found") }
        file = path
        self.device = device
        self.used = used
        self.available = available
    }
}

/// Worst slacks from a Vivado `report_timing_summary` text report.
public struct TimingReport: Sendable, Codable, Equatable {
    /// The file read.
    public var file: String
    /// Worst negative (setup) slack, ns.
    public var wns: Double
    /// Total negative slack, ns.
    public var tns: Double
    /// Worst hold slack, ns.
    public var whs: Double
    /// True when all constraints are met (WNS ≥ 0 and WHS ≥ 0).
    public var met: Bool { wns >= 0 && whs >= 0 }

    /// Parses the report at `path`.
    public init(contentsOf path: String) throws {
        let lines = try readText(path).split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.firstIndex(where: { $0.contains("WNS(ns)") && $0.contains("TNS(ns)") }) else {
            throw ReportError(path, "no design timing summary (WNS(ns) TNS(ns) …) found")
        }
        let values = lines.dropFirst(header + 1).first { l in
            !l.trimmingCharacters(in: .whitespaces).isEmpty && !l.trimmingCharacters(in: .whitespaces).hasPrefix("-")
        }.map { $0.split(separator: " ").map(String.init) } ?? []
        guard values.count >= 5, let wns = Double(values[0]), let tns = Double(values[1]), let whs = Double(values[4]) else {
            throw ReportError(path, "the design timing summary row is not WNS TNS … WHS numbers")
        }
        file = path
        self.wns = wns
        self.tns = tns
        self.whs = whs
    }
}

/// Every report found in a project folder.
public struct VendorReports: Sendable, Codable, Equatable {
    /// The folder searched.
    public var folder: String
    /// The top function's synthesis report.
    public var synthesis: SynthesisReport?
    /// The co-simulation report.
    public var cosim: CosimReport?
    /// Vivado utilization.
    public var utilization: UtilizationReport?
    /// Vivado timing summary.
    public var timing: TimingReport?

    /// Searches `folder` (recursively, skipping HLS's `.autopilot` databases) and reads what it finds.
    public init(folder: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) else {
            throw ReportError(folder, "no such folder")
        }
        guard isDir.boolValue else { throw ReportError(folder, "not a folder") }
        self.folder = folder
        var csynth: [String] = [], cosim: [String] = [], util: [String] = [], timing: [String] = []
        let base = URL(fileURLWithPath: folder)
        let e = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isDirectoryKey])
        while let url = e?.nextObject() as? URL {
            let name = url.lastPathComponent
            if name == ".autopilot" || name == ".Xil" { e?.skipDescendants(); continue }
            let path = url.path
            if name.hasSuffix("csynth.xml") { csynth.append(path) }
            else if name.hasSuffix("_cosim.rpt") { cosim.append(path) }
            else if name.hasSuffix(".rpt") && name.contains("utilization") { util.append(path) }
            else if name.hasSuffix(".rpt") && name.contains("timing_summary") { timing.append(path) }
        }
        if csynth.isEmpty && cosim.isEmpty && util.isEmpty && timing.isEmpty {
            throw ReportError(folder, "no Vitis/Vivado HLS reports found (looked for *_csynth.xml, *_cosim.rpt, *utilization*.rpt, *timing_summary*.rpt)")
        }
        // The top report: named after its TopModelName, or plain csynth.xml; shortest path first.
        var top: SynthesisReport?
        for path in csynth.sorted(by: { ($0.count, $0) < ($1.count, $1) }) {
            let r = try SynthesisReport(contentsOf: path)
            let name = URL(fileURLWithPath: path).lastPathComponent
            if name == "csynth.xml" || (r.top.map { name == "\($0)_csynth.xml" } ?? false) { top = r; break }
            if top == nil { top = r }
        }
        synthesis = top
        self.cosim = try cosim.sorted().first.map { try CosimReport(contentsOf: $0) }
        self.utilization = try util.sorted { ($0.contains("route") ? 0 : 1, $0) < ($1.contains("route") ? 0 : 1, $1) }
            .first.map { try UtilizationReport(contentsOf: $0) }
        self.timing = try timing.sorted().first.map { try TimingReport(contentsOf: $0) }
    }
}

/// The text of a report file (UTF-8, or Latin-1 as a fallback: Vivado writes plain ASCII).
func readText(_ path: String) throws -> String {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw ReportError(path, "cannot read: \(error.localizedDescription)")
    }
    return String(data: data, encoding: .utf8) ?? String(decoding: data, as: UTF8.self)
}
