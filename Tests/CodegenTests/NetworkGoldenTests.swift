import Foundation
import Graph
import Import
import NPY
import Testing
@testable import Codegen

// Every converted hls4ml 1.3 golden case (Tests/Fixtures/hls4ml and Tests/Fixtures/hls4ml-emu) imported,
// run through the standard passes, emitted by NetworkEmitter, compiled with g++ against Firmware/ and
// ap_types, and run on its x.npy: the raw output bits must equal y.npy (hls4ml's C simulation) and the
// emulator's, everywhere. Zoo cases need ../shared/zoo and are skipped without it.

/// The golden cases of both cases.json indexes.
enum NetworkGoldens {
    static let root = NetworkHarness.root
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    static var sharedPresent: Bool { FileManager.default.fileExists(atPath: shared.appendingPathComponent("zoo").path) }

    /// (case name, folder) of every converted case with outputs.
    static func index() -> [(name: String, dir: URL)] {
        ["Tests/Fixtures/hls4ml", "Tests/Fixtures/hls4ml-emu"].flatMap { folder -> [(name: String, dir: URL)] in
            let base = root.appendingPathComponent(folder)
            guard let data = try? Data(contentsOf: base.appendingPathComponent("cases.json")),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let list = json["cases"] as? [[String: Any]] else { return [] }
            return list.filter { ($0["converted"] as? Bool) ?? true }.compactMap { c in
                guard let name = c["case"] as? String,
                      FileManager.default.fileExists(atPath: base.appendingPathComponent("\(name)/y.npy").path) else { return nil }
                return (name, base.appendingPathComponent(name))
            }
        }
    }
}

@Suite struct NetworkGoldenTests {
    @Test func goldensReproducedThroughEmittedFirmware() throws {
        guard NetworkHarness.available else {
            print("skipping: g++ or .cache/ap_types missing (run tools/setup.sh)")
            return
        }
        var cases: [NetworkCase] = []
        var expected: [String: [Double]] = [:]
        var skipped: [String] = []
        for (name, dir) in NetworkGoldens.index() {
            if name.hasPrefix("zoo_") && !NetworkGoldens.sharedPresent {
                skipped.append(name)
                continue
            }
            let cfg = try ProjectConfig(contentsOf: dir.appendingPathComponent("config.yml").path)
            var g = try KerasImporter.load(config: cfg)
            try Pipeline.run(Pipeline.standard(cfg.hls), on: &g)
            let x = try NPYArray(contentsOf: dir.appendingPathComponent("x.npy").path)
            let y = try NPYArray(contentsOf: dir.appendingPathComponent("y.npy").path)
            cases.append(NetworkCase(name: name, graph: g, input: x.doubles(), samples: x.shape[0]))
            expected[name] = y.doubles()
        }
        if !skipped.isEmpty { print("skipping \(skipped.count) zoo cases: ../shared/zoo is absent") }
        #expect(cases.count >= 60, "only \(cases.count) golden cases found")

        let started = Date()
        let results = try NetworkHarness.run(cases, perUnit: 8)
        var outputs = 0
        for c in cases {
            switch results[c.name] {
            case .success(let o):
                let bad = o.mismatches
                #expect(bad.isEmpty, "\(c.name): \(bad.count) of \(o.firmware.count) outputs differ from the emulator, first at \(bad.first ?? 0)")
                let ours = o.firmwareValues, theirs = expected[c.name] ?? []
                let differ = zip(ours, theirs).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
                #expect(ours.count == theirs.count && differ.isEmpty,
                        "\(c.name): \(differ.count) of \(ours.count) outputs differ from hls4ml's y.npy, first at \(differ.first ?? 0)")
                outputs += o.firmware.count
            case .failure(let f):
                Issue.record("\(c.name): \(f)")
            case nil:
                Issue.record("\(c.name): no result")
            }
        }
        print("network goldens: \(cases.count) cases, \(outputs) outputs compared bit for bit in \(Int(Date().timeIntervalSince(started))) s")
    }
}
