// Child processes for the compilers, make, and the tests' tools: started in one posix_spawn,
// waited for by the kernel with a time-out, output captured through anonymous files.
//
// Why not Foundation's Process: on Linux it learns of a child's exit through a socket the child
// inherits, watched by one shared run-loop thread, and its pipes and that socket are not
// close-on-exec; a child started on another thread at the same moment can inherit them, and the
// waits depend on a run loop. Under the test runner's concurrency that is a hang waiting to happen.
// Here every descriptor but 0-2 is closed in the child, nothing is shared between children, and a
// wait can time out and kill.

import CSpawn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A started child process. `wait` reaps it; a child never waited for is killed and reaped when this
/// object goes away, so none is left behind.
public final class ChildProcess: @unchecked Sendable {  // mutable state behind `lock`
    /// What the child reads.
    public enum Input: Sendable {
        /// /dev/null.
        case null
        /// This process's standard input.
        case inherit
        /// A file, read from its start.
        case file(String)
        /// These bytes.
        case bytes([UInt8])

        public static func text(_ s: String) -> Input { .bytes(Array(s.utf8)) }
    }

    /// Where the child's output goes.
    public enum Output: Sendable {
        /// /dev/null.
        case null
        /// This process's stream.
        case inherit
        /// Kept, to read with `output` / `errorOutput` once the child ended.
        case capture
        /// A file, created or truncated.
        case file(String)
        /// (Standard error only) wherever standard output goes, interleaved as the child writes.
        case standardOutput
    }

    public let pid: Int32
    private let ownGroup: Bool
    private let captured: (out: Int32, err: Int32)
    private let lock = NSLock()
    private var ended: Termination?

    /// Starts `command` (its first element a path, or a name looked up on PATH). `environment` nil:
    /// this process's. With `ownGroup` the child leads its own process group, so a time-out kills
    /// whatever it started too; without it (the default) the child stays in the terminal's group and
    /// gets its Ctrl-C.
    public init(_ command: [String], environment: [String: String]? = nil, directory: String? = nil,
                stdin: Input = .null, stdout: Output = .inherit, stderr: Output = .inherit,
                ownGroup: Bool = false) throws(ChildProcessError) {
        guard let program = command.first else { throw ChildProcessError("an empty command") }
        self.ownGroup = ownGroup
        // Descriptors to close once the child has its copies (the captures too, if it never starts).
        var opened: [Int32] = []
        defer { for fd in opened { close(fd) } }
        func fail(_ what: String) -> ChildProcessError {
            ChildProcessError("cannot run \(program): \(what): \(String(cString: strerror(errno)))")
        }
        func open(_ path: String, _ flags: Int32) throws(ChildProcessError) -> Int32 {
            let fd = Glibc.open(path, flags | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw fail(path) }
            opened.append(fd)
            return fd
        }
        func anonymous() throws(ChildProcessError) -> Int32 {
            let fd = cspawn_tmpfile(FileManager.default.temporaryDirectory.path)
            guard fd >= 0 else { throw fail("a temporary file in \(FileManager.default.temporaryDirectory.path)") }
            opened.append(fd)
            return fd
        }

        var inFD: Int32 = -1
        switch stdin {
        case .null: inFD = try open("/dev/null", O_RDONLY)
        case .inherit: break
        case .file(let path): inFD = try open(path, O_RDONLY)
        case .bytes(let bytes):
            inFD = try anonymous()
            let ok = bytes.withUnsafeBytes { ChildProcess.writeAll(inFD, $0) }
            guard ok, lseek(inFD, 0, SEEK_SET) == 0 else { throw fail("writing its input") }
        }
        var capturedOut: Int32 = -1, capturedErr: Int32 = -1
        func destination(_ output: Output) throws(ChildProcessError) -> Int32 {
            switch output {
            case .null: return try open("/dev/null", O_WRONLY)
            case .inherit, .standardOutput: return -1
            case .file(let path): return try open(path, O_WRONLY | O_CREAT | O_TRUNC)
            case .capture: return try anonymous()
            }
        }
        let outFD = try destination(stdout)
        if case .capture = stdout { capturedOut = outFD }
        var errFD = try destination(stderr)
        if case .capture = stderr { capturedErr = errFD }
        if case .standardOutput = stderr { errFD = outFD >= 0 ? outFD : 1 }

        var child: pid_t = 0
        let rc = Self.withCStrings(command) { argv in
            Self.withCStrings(environment.map { $0.map { "\($0.key)=\($0.value)" } }) { envp in
                cspawn_start(program, argv, envp ?? UnsafePointer(environ), directory, inFD, outFD, errFD, ownGroup ? 1 : 0, &child)
            }
        }
        guard rc == 0 else {
            errno = rc
            if let directory, !FileManager.default.fileExists(atPath: directory) {
                throw fail("no working directory \(directory)")
            }
            throw fail(rc == ENOENT ? (program.contains("/") ? "no such file" : "not found on PATH") : "posix_spawn")
        }
        pid = child
        captured = (capturedOut, capturedErr)
        opened.removeAll { $0 == capturedOut || $0 == capturedErr }
    }

    deinit {
        if ended == nil {
            cspawn_kill(pid, ownGroup ? 1 : 0)
            var status: Int32 = 0
            _ = cspawn_wait(pid, -1, &status)
        }
        if captured.out >= 0 { close(captured.out) }
        if captured.err >= 0 { close(captured.err) }
    }

    /// Waits until the child ends, or at most `timeout` seconds: then kills it (and its group when
    /// it has its own) and reports `timedOut`. Waiting again returns the same termination.
    @discardableResult
    public func wait(timeout: Double? = nil) -> Termination {
        lock.lock()
        defer { lock.unlock() }
        if let ended { return ended }
        var status: Int32 = 0
        let limit = timeout.map { Int64(max(0, $0) * 1000) } ?? -1
        var result: Termination
        switch cspawn_wait(pid, limit, &status) {
        case 0:
            result = Termination(status: status, timedOut: nil)
        case 1:
            cspawn_kill(pid, ownGroup ? 1 : 0)
            _ = cspawn_wait(pid, -1, &status)
            result = Termination(status: status, timedOut: timeout)
        default:
            // Not our child any more (reaped elsewhere): nothing to report but that.
            result = Termination(exitStatus: nil, signal: nil, timedOut: nil)
        }
        ended = result
        return result
    }

    /// Captured standard output (empty unless `.capture`); complete once `wait` returned.
    public var output: String { String(decoding: Self.readAll(captured.out), as: UTF8.self) }
    /// Captured standard error.
    public var errorOutput: String { String(decoding: Self.readAll(captured.err), as: UTF8.self) }

    /// Runs `command` to its end, capturing both streams unless told otherwise. A run still going
    /// after `timeout` seconds is killed (with its group when `ownGroup`) and throws, naming it.
    public static func run(_ command: [String], environment: [String: String]? = nil, directory: String? = nil,
                           stdin: Input = .null, stdout: Output = .capture, stderr: Output = .capture,
                           ownGroup: Bool = false, timeout: Double? = nil) throws(ChildProcessError) -> Finished {
        let child = try ChildProcess(command, environment: environment, directory: directory, stdin: stdin,
                                     stdout: stdout, stderr: stderr, ownGroup: ownGroup)
        let termination = child.wait(timeout: timeout)
        if termination.timedOut != nil {
            throw ChildProcessError("\(command[0]) \(command.dropFirst().prefix(3).joined(separator: " ")): \(termination)")
        }
        return Finished(termination: termination, stdout: child.output, stderr: child.errorOutput)
    }

    /// A run's end and its captured output.
    public struct Finished: Sendable {
        public var termination: Termination
        public var stdout: String
        public var stderr: String
        /// The exit status, or 128 + the signal, as a shell reports it.
        public var status: Int32 { termination.shellStatus }
    }

    /// This process's environment with `changes` applied (a nil value removes the variable).
    public static func environment(_ changes: [String: String?]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in changes { env[key] = value }
        return env
    }

    private static func readAll(_ fd: Int32) -> [UInt8] {
        guard fd >= 0 else { return [] }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            offset += off_t(n)
        }
        return bytes
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    /// `strings` as a NULL-terminated C array for the call (nil stays nil).
    private static func withCStrings<R>(_ strings: [String]?, _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> R) -> R {
        guard let strings else { return body(nil) }
        let copies = strings.map { strdup($0) } + [nil]
        defer { for p in copies { free(p) } }
        return copies.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

/// How a child ended.
public struct Termination: Sendable, Equatable, CustomStringConvertible {
    /// Its exit status, when it exited.
    public var exitStatus: Int32?
    /// The signal that ended it, when one did.
    public var signal: Int32?
    /// The time-out in seconds after which it was killed, when it was.
    public var timedOut: Double?

    public init(exitStatus: Int32?, signal: Int32?, timedOut: Double?) {
        self.exitStatus = exitStatus
        self.signal = signal
        self.timedOut = timedOut
    }

    init(status: Int32, timedOut: Double?) {
        let exit = cspawn_exit_status(status), sig = cspawn_term_signal(status)
        self.init(exitStatus: exit >= 0 ? exit : nil, signal: sig > 0 ? sig : nil, timedOut: timedOut)
    }

    /// Exited with status 0.
    public var succeeded: Bool { exitStatus == 0 && timedOut == nil }

    /// The exit status, or 128 + the signal (as a shell reports it); -1 when neither is known.
    public var shellStatus: Int32 { exitStatus ?? signal.map { 128 + $0 } ?? -1 }

    public var description: String {
        if let timedOut { return "killed after \(timedOut) s without finishing" }
        if let exitStatus { return "exit status \(exitStatus)" }
        if let signal { return "killed by signal \(signal) (\(String(cString: strsignal(signal))))" }
        return "ended, status unknown"
    }
}

/// A child that could not be started: one line naming the program and the reason.
public struct ChildProcessError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
