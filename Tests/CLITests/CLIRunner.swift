import Foundation
import ProcessRunner
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
        let r = try ChildProcess.run([binary.path] + args,
                                     environment: environment.isEmpty ? nil : ChildProcess.environment(environment),
                                     directory: cwd?.path, stdin: .text(stdin), ownGroup: true, timeout: timeout)
        return Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    /// The longest a child may run before it is killed and the test fails (a hang must not block
    /// the whole run; the slowest child, a C-sim build on two busy cores, takes about a minute).
    static let timeout: Double = 900

    /// Runs `python3 -c script args…` and returns its trimmed standard output (numpy checks).
    @discardableResult
    static func python(_ script: String, _ args: String...) throws -> String {
        let r = try ChildProcess.run(["python3", "-c", script] + args, stderr: .inherit, ownGroup: true, timeout: timeout)
        #expect(r.termination.succeeded, "python3 \(r.termination): \(script.prefix(80))")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
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
