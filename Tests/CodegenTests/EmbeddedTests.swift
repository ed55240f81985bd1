import Foundation
import Testing
@testable import Codegen

/// The binary carries Kernels/ as Sources/Codegen/Embedded.generated.swift; this fails when that copy
/// is stale (fix: `python3 tools/embed_templates.py`).
@Suite struct EmbeddedTests {
    @Test func embeddedCopyMatchesKernelsFolder() throws {
        try check(folder: "Kernels", embedded: EmbeddedKernels.files, generated: "Embedded.generated.swift")
    }

    @Test func embeddedCopyMatchesFirmwareFolder() throws {
        try check(folder: "Firmware", embedded: EmbeddedFirmware.files, generated: "EmbeddedFirmware.generated.swift")
    }

    func check(folder: String, embedded: [String: String], generated: String) throws {
        let dir = Support.root.appendingPathComponent(folder)
        var onDisk: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: dir.path)
        while let rel = enumerator?.nextObject() as? String {
            var isDir: ObjCBool = false
            let full = dir.appendingPathComponent(rel).path
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue, rel != "README.md"
            else { continue }
            onDisk[rel] = try String(contentsOfFile: full, encoding: .utf8)
        }
        let fix = "Sources/Codegen/\(generated) is stale: run python3 tools/embed_templates.py"
        #expect(Set(onDisk.keys) == Set(embedded.keys), "\(fix)")
        for (name, text) in onDisk.sorted(by: { $0.key < $1.key }) {
            #expect(embedded[name] == text, "\(folder)/\(name) differs from its embedded copy. \(fix)")
        }
    }
}
