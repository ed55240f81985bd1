import Emulator
import FixedPoint
import Foundation
import Graph
import Import
import NPY

/// Paths of the hls4ml goldens and the shared zoo, and helpers to run a case.
enum Goldens {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let hls4ml = root.appendingPathComponent("Tests/Fixtures/hls4ml")
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    static var sharedPresent: Bool { FileManager.default.fileExists(atPath: shared.appendingPathComponent("zoo").path) }

    /// One entry of cases.json.
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// The case's folder.
        var dir: URL
        var traceSamples: Int
        var traceLayers: [String]
        var description: String { name }
        /// Zoo cases read their model from ../shared.
        var needsShared: Bool { name.hasPrefix("zoo_") }
    }

    /// The emulator's extra goldens (tools/make_emu_goldens.py): accumulation order, wide products, quirks.
    static let hls4mlEmu = root.appendingPathComponent("Tests/Fixtures/hls4ml-emu")

    /// The converted cases of both cases.json indexes, in their order (empty when an index is missing).
    static let cases: [Case] = index(hls4ml) + index(hls4mlEmu)

    static func index(_ folder: URL) -> [Case] {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("cases.json")),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = json["cases"] as? [[String: Any]] else { return [] }
        return list.filter { ($0["converted"] as? Bool) ?? true }.compactMap { c in
            guard let name = c["case"] as? String,
                  FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(name)/y.npy").path) else { return nil }
            return Case(name: name, dir: folder.appendingPathComponent(name), traceSamples: c["trace_samples"] as? Int ?? 0,
                        traceLayers: c["trace_layers"] as? [String] ?? [])
        }
    }

    static func dir(_ c: Case) -> URL { c.dir }

    /// The case's graph after the standard passes.
    static func graph(_ c: Case) throws -> Graph {
        let cfg = try ProjectConfig(contentsOf: dir(c).appendingPathComponent("config.yml").path)
        var g = try KerasImporter.load(config: cfg)
        try Pipeline.run(Pipeline.standard(cfg.hls), on: &g)
        return g
    }

    /// hls4ml's resolved layers (hls4ml_graph.json): name, class and type strings by role.
    static func hlsLayers(_ c: Case) throws -> [(name: String, cls: String, types: [String: String])] {
        let data = try Data(contentsOf: dir(c).appendingPathComponent("hls4ml_graph.json"))
        guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        return list.map { l in
            var types: [String: String] = [:]
            for (k, v) in (l["types"] as? [String: Any]) ?? [:] {
                if let pair = v as? [Any], pair.count == 2, let t = pair[1] as? String { types[k] = t }
            }
            return (l["name"] as? String ?? "", l["class"] as? String ?? "", types)
        }
    }

    /// Describes up to `limit` positions where `ours` and `theirs` differ (`width` values per sample).
    static func mismatches(_ ours: [Double], _ theirs: [Double], width: Int, limit: Int = 5) -> (count: Int, text: String) {
        var count = 0
        var lines: [String] = []
        for k in 0..<min(ours.count, theirs.count) where ours[k] != theirs[k] {
            count += 1
            if lines.count < limit {
                lines.append("sample \(k / width) output \(k % width): ours \(ours[k]), hls4ml \(theirs[k])")
            }
        }
        if ours.count != theirs.count {
            count += abs(ours.count - theirs.count)
            lines.append("counts differ: ours \(ours.count), hls4ml \(theirs.count)")
        }
        return (count, lines.joined(separator: "; "))
    }
}
