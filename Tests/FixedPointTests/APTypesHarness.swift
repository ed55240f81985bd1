import Foundation
import ProcessRunner

@testable import FixedPoint

/// Repository paths, found from this file (Tests/FixedPointTests/X.swift -> ../../).
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let apTypes = root.appendingPathComponent(".cache/ap_types")
    static let harnessSource = root.appendingPathComponent("Tests/FixedPointTests/Harness/aptypes_harness.cpp")
}

/// Deterministic 64-bit generator (SplitMix64): the same plan on every run and machine.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
}

/// The g++-compiled ap_types harness (Harness/aptypes_harness.cpp plus generated table units).
///
/// Built once per process (and cached across runs in the temp directory under a key that hashes
/// every input: harness source, generated tables, flags, compiler version and header contents).
struct APTypesHarness {
    static let flags = ["-O1", "-std=c++14", "-w"]
    /// Table units compiled in parallel (the main unit is one more process).
    static let parts = 2

    let executable: URL

    /// Writes the table units for `plan`, compiles them with g++ and links the harness.
    static func build(_ plan: DifferentialPlan) throws -> APTypesHarness {
        let headers = Repo.apTypes
        guard FileManager.default.fileExists(atPath: headers.appendingPathComponent("ap_fixed.h").path) else {
            throw HarnessFailure(
                description: "ap_types headers missing at \(headers.path): run `make setup` (tools/setup.sh)")
        }
        let source = try String(contentsOf: Repo.harnessSource, encoding: .utf8)
        let units = (0..<parts).map { plan.tableUnit(part: $0, of: parts) }
        var key = FNV1a()
        key.add(source)
        units.forEach { key.add($0) }
        key.add(flags.joined(separator: " "))
        key.add(try run("/usr/bin/env", ["g++", "--version"]).stdout)
        for name in try FileManager.default.subpathsOfDirectory(atPath: headers.path).sorted()
        where name.hasSuffix(".h") {
            key.add(name)
            key.add(try Data(contentsOf: headers.appendingPathComponent(name)))
        }
        // Cached inside the clone (.cache is git-ignored), keyed by everything that shapes the binary.
        let tmp = Repo.root.appendingPathComponent(".cache/aptypes-harness")
        let cache = tmp.appendingPathComponent("harness-\(String(key.value, radix: 16))")
        let exe = cache.appendingPathComponent("harness")
        if FileManager.default.isExecutableFile(atPath: exe.path) { return APTypesHarness(executable: exe) }

        let work = tmp.appendingPathComponent("build-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let include = ["-I", headers.path, "-I", Repo.harnessSource.deletingLastPathComponent().path]
        var jobs: [(ChildProcess, URL, String)] = []
        var objects: [String] = []
        let mainObject = work.appendingPathComponent("main.o").path
        jobs.append(try start("g++", flags + include + ["-c", Repo.harnessSource.path, "-o", mainObject], in: work, label: "main unit"))
        objects.append(mainObject)
        for (k, unit) in units.enumerated() {
            let file = work.appendingPathComponent("table\(k).cpp")
            try unit.write(to: file, atomically: true, encoding: .utf8)
            let object = work.appendingPathComponent("table\(k).o").path
            jobs.append(try start("g++", flags + include + ["-c", file.path, "-o", object], in: work, label: "table unit \(k)"))
            objects.append(object)
        }
        var errors: [String] = []
        for (process, log, label) in jobs {
            let end = process.wait(timeout: 900)
            if !end.succeeded {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                errors.append("g++ \(end) on the \(label):\n\(text.prefix(4000))")
            }
        }
        if !errors.isEmpty { throw HarnessFailure(description: errors.joined(separator: "\n")) }
        let linked = work.appendingPathComponent("harness")
        let (link, linkLog, _) = try start("g++", objects + ["-o", linked.path], in: work, label: "link")
        guard link.wait(timeout: 900).succeeded else {
            throw HarnessFailure(description: "linking the harness failed: \((try? String(contentsOf: linkLog, encoding: .utf8)) ?? "")")
        }
        // Publish atomically: concurrent runs may race; whichever rename wins is identical.
        let staged = tmp.appendingPathComponent("fpgarun-aptypes-stage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staged, withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: linked, to: staged.appendingPathComponent("harness"))
        if (try? FileManager.default.moveItem(at: staged, to: cache)) == nil {
            try? FileManager.default.removeItem(at: staged)
        }
        guard FileManager.default.isExecutableFile(atPath: exe.path) else {
            throw HarnessFailure(description: "harness not found at \(exe.path) after building")
        }
        return APTypesHarness(executable: exe)
    }

    /// Sends all requests in one batch and returns one answer line per request.
    func query(_ requests: [String]) throws -> [String] {
        // ap_types prints a warning per NaN input: keep stderr out of the way, but readable.
        let r = try ChildProcess.run([executable.path], stdin: .text(requests.joined(separator: "\n") + "\n"),
                                     ownGroup: true, timeout: 900)
        let end = r.termination, text = r.stdout
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard end.succeeded, lines.count == requests.count else {
            let stderrText = r.stderr
            let failedAt = lines.count < requests.count ? requests[lines.count] : "-"
            throw HarnessFailure(description: """
                harness \(end) after \(lines.count) of \
                \(requests.count) answers (next request: \(failedAt)); stderr tail: \
                \(stderrText.suffix(2000))
                """)
        }
        return lines
    }

    private static func start(_ tool: String, _ args: [String], in dir: URL, label: String) throws -> (ChildProcess, URL, String) {
        let log = dir.appendingPathComponent("\(label.replacingOccurrences(of: " ", with: "_")).log")
        let p = try ChildProcess([tool] + args, directory: dir.path, stdout: .file(log.path), stderr: .standardOutput,
                                 ownGroup: true)
        return (p, log, label)
    }

    private static func run(_ exe: String, _ args: [String]) throws -> (status: Int32, stdout: String) {
        let r = try ChildProcess.run([exe] + args, stderr: .null, ownGroup: true, timeout: 900)
        return (r.status, r.stdout)
    }
}

/// FNV-1a 64-bit, for the cache key.
struct FNV1a {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ data: Data) {
        for byte in data {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
        value ^= 0xff  // separator between fields
        value = value &* 0x0000_0100_0000_01B3
    }
    mutating func add(_ text: String) { add(Data(text.utf8)) }
}
