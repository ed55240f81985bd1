import Foundation
import HDF5
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Paths the tests read: the repo root found from this file (Tests/HDF5Tests/Support.swift).
enum Paths {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The committed fixture written by tools/make_hdf5_fixtures.py.
    static let fixture = repoRoot.appendingPathComponent("Tests/Fixtures/hdf5/fixture.h5").path
    /// The shared Keras zoo, present on the team machine only.
    static let zoo = repoRoot.appendingPathComponent("../shared/zoo/keras").standardized.path
    static var zooAvailable: Bool { FileManager.default.fileExists(atPath: zoo) }
}

/// A fresh temporary directory, removed by the caller.
func makeTempDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("hdf5tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` with the process's stderr redirected to a file and returns what was written there.
/// Other tests running in parallel may write too, so callers look for HDF5's own markers only.
func capturingStderr(_ body: () throws -> Void) rethrows -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)").path
    fflush(nil)
    let saved = dup(2)
    let capture = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    dup2(capture, 2)
    defer {
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        close(capture)
        unlink(path)
    }
    try body()
    fflush(nil)
    return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}

/// A text listing of everything in a file (paths, attributes, shapes, types, values), for
/// comparing two ways of opening the same bytes.
func dump(_ group: HDF5Group) throws -> [String] {
    var lines: [String] = []
    for name in try group.attributeNames() {
        let attribute = try #require(try group.attribute(name))
        lines.append("\(group.path) @\(name) \(attribute.shape) = \(attribute.value)")
    }
    for child in try group.children() {
        if group.containsGroup(child) {
            lines.append("\(group.path == "/" ? "" : group.path)/\(child)/")
            lines += try dump(group.group(child))
        } else {
            let dataset = try group.dataset(child)
            let values: String
            switch dataset.elementType {
            case .string: values = "\(try dataset.readStrings())"
            default: values = "\(try dataset.readDoubles())"
            }
            lines.append("\(dataset.path) \(dataset.shape) \(dataset.elementType) \(values)")
            for name in try dataset.attributeNames() {
                let attribute = try #require(try dataset.attribute(name))
                lines.append("\(dataset.path) @\(name) \(attribute.shape) = \(attribute.value)")
            }
        }
    }
    return lines
}
