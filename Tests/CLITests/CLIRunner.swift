import Foundation
import Testing

/// Runs the built `fpgarun` binary as a user would, capturing both streams and the exit code.
struct CLIRunner {
    /// The repository root (Tests/CLITests/CLIRunner.swift → ../../).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `fpgarun` built beside the test bundle (`swift build --build-tests` builds both).
    static let binary: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("fpgarun")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/fpgarun")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `fpgarun args…` with `stdin` as standard input.
    static func run(_ args: [String], stdin: String = "", cwd: URL? = nil, environment: [String: String?] = [:]) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            Issue.record("fpgarun binary not found at \(binary.path): build it with `swift build` first")
            return Result(status: -1, stdout: "", stderr: "")
        }
        // Files, not pipes, for all three streams: no deadlock on a chatty child, no threads.
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("stdin"), outURL = dir.appendingPathComponent("stdout"),
            errURL = dir.appendingPathComponent("stderr")
        try Data(stdin.utf8).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            p.environment = env
        }
        p.standardInput = try FileHandle(forReadingFrom: inURL)
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                      stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Runs `python3 -c script args…` and returns its trimmed standard output (numpy checks).
    static func python(_ script: String, _ args: String...) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "python3 failed: \(script.prefix(80))")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// How many elements of .npy `a` differ from .npy `b` (compared over `b`'s first samples when
    /// `prefix` is set), as text: "0" when equal.
    static func differing(_ a: String, _ b: String, prefix: Bool = false) throws -> String {
        try python("""
        import numpy as np, sys
        a = np.load(sys.argv[1]); b = np.load(sys.argv[2])
        if sys.argv[3] == '1': a = a[:b.shape[0]]
        print(int((a.reshape(b.shape) != b).sum()) if a.size == b.size else 'size %d vs %d' % (a.size, b.size))
        """, a, b, prefix ? "1" : "0")
    }

    /// A fresh temporary folder.
    static func tempDir() -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}
