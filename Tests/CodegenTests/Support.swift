import Foundation
import FixedPoint
@testable import Codegen

/// Paths and helpers shared by the Codegen tests.
enum Support {
    /// The repository root (Tests/CodegenTests/X.swift → ../../).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// The ap_types headers installed by tools/setup.sh.
    static let apTypes = root.appendingPathComponent(".cache/ap_types")
    /// The stand-in networks.
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/kernels")

    /// Whether g++ and ap_types are available (C-sim tests are skipped without them).
    static let canCompile: Bool = {
        FileManager.default.fileExists(atPath: apTypes.appendingPathComponent("ap_fixed.h").path)
            && ["/usr/bin/g++", "/usr/local/bin/g++"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// A fresh temporary folder (removed by the caller).
    static func tempDir(_ tag: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-\(tag)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A spec for `platform` with the plain stand-in shape (16 x fixed<16,6> → 5 x fixed<16,6>).
    static func spec(_ platformName: String, interface: KernelInterface = .both, backend: HLSBackend = .vitis,
                     project: String = "standin", clock: Double? = nil) throws -> KernelSpec {
        let f = try FixedFormat(width: 16, integerBits: 6)
        return try KernelSpec(project: project, nInput: 16, nOutput: 5, inputFormat: f, resultFormat: f,
                              clockPeriodNs: clock, platform: try Platform.named(platformName),
                              interface: interface, backend: backend)
    }

    /// The stand-in firmware files of fixture `name`, keyed by project-relative path.
    static func firmware(_ name: String) throws -> ProjectFiles {
        let dir = fixtures.appendingPathComponent(name).appendingPathComponent("firmware")
        var files: [String: String] = [:]
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            files["firmware/\(f)"] = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
        }
        return ProjectFiles(files)
    }

    /// Lines of `text` without comments or blank lines, trimmed.
    static func configLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Entries of a folder (names only).
    static func entries(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }
}
