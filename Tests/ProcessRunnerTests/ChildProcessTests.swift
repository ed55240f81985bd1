import Foundation
import ProcessRunner
import Testing

/// Child processes: streams, status, time-outs, and what a child does not inherit.
@Suite struct ChildProcessTests {
    @Test func capturesEachStreamAndTheStatus() throws {
        let r = try ChildProcess.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(r.stdout == "out\n" && r.stderr == "err\n")
        #expect(r.termination == Termination(exitStatus: 3, signal: nil, timedOut: nil) && r.status == 3)
        #expect(!r.termination.succeeded)
        #expect(try ChildProcess.run(["true"]).termination.succeeded)
    }

    @Test func standardErrorCanFollowStandardOutput() throws {
        let r = try ChildProcess.run(["sh", "-c", "echo a; echo b >&2; echo c"], stderr: .standardOutput)
        #expect(r.stdout == "a\nb\nc\n" && r.stderr == "")
    }

    @Test func inputFromBytesFilesOrNothing() throws {
        let big = String(repeating: "0123456789abcdef\n", count: 20_000)  // > a pipe's 64 KiB
        #expect(try ChildProcess.run(["cat"], stdin: .text(big)).stdout == big)
        #expect(try ChildProcess.run(["cat"]).stdout == "")  // /dev/null
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("in.txt")
        try "from a file\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try ChildProcess.run(["cat"], stdin: .file(file.path)).stdout == "from a file\n")
        // Output to a file, truncating what was there.
        let out = dir.appendingPathComponent("out.txt")
        try String(repeating: "x", count: 100).write(to: out, atomically: true, encoding: .utf8)
        _ = try ChildProcess.run(["echo", "hi"], stdout: .file(out.path))
        #expect(try String(contentsOf: out, encoding: .utf8) == "hi\n")
    }

    @Test func directoryAndEnvironment() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pwd = try ChildProcess.run(["pwd", "-P"], directory: dir.path).stdout
        #expect(pwd == dir.resolvingSymlinksInPath().path + "\n")
        let env = ChildProcess.environment(["FPGARUN_CHILD_TEST": "set", "HOME": nil])
        let r = try ChildProcess.run(["sh", "-c", "echo \"$FPGARUN_CHILD_TEST:${HOME-unset}\""], environment: env)
        #expect(r.stdout == "set:unset\n")
    }

    @Test func aSignalIsReportedAsSuch() throws {
        let r = try ChildProcess.run(["sh", "-c", "kill -KILL $$"])
        #expect(r.termination.signal == SIGKILL && r.termination.exitStatus == nil && r.status == 128 + SIGKILL)
        #expect(r.termination.description.hasPrefix("killed by signal 9"))
    }

    @Test func aTimeOutKillsTheChildAndWhatItStarted() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pidFile = dir.appendingPathComponent("grandchild")
        let start = Date()
        // The grandchild holds the output file open: the wait must not depend on it closing.
        let child = try ChildProcess(["sh", "-c", "sleep 60 & echo $! > \(pidFile.path); wait"], stdout: .capture,
                                     ownGroup: true)
        let end = child.wait(timeout: 0.5)
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(end.timedOut == 0.5 && !end.succeeded && end.signal == SIGKILL)
        #expect(end.description == "killed after 0.5 s without finishing")
        #expect(child.wait() == end)  // waiting again: the same end
        let grandchild = try #require(Int32(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Killed with its group: gone, or a zombie waiting for its new parent to reap it.
        var alive = true
        for _ in 0..<200 where alive {
            let stat = (try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8)) ?? ""
            alive = !stat.isEmpty && !stat.contains(") Z ")
            if alive { usleep(10_000) }
        }
        #expect(!alive, "the grandchild \(grandchild) outlived the time-out")
    }

    @Test func runThrowsOnATimeOutNamingTheCommand() throws {
        let error = #expect(throws: ChildProcessError.self) { try ChildProcess.run(["sleep", "60"], timeout: 0.2) }
        #expect(error?.description == "sleep 60: killed after 0.2 s without finishing")
    }

    @Test func aMissingProgramIsOneLineNamingIt() throws {
        let error = #expect(throws: ChildProcessError.self) { try ChildProcess.run(["fpgarun-no-such-tool-xyz"]) }
        #expect(error?.description == "cannot run fpgarun-no-such-tool-xyz: not found on PATH: No such file or directory")
        let path = #expect(throws: ChildProcessError.self) { try ChildProcess.run(["/nonexistent/tool"]) }
        #expect(path?.description == "cannot run /nonexistent/tool: no such file: No such file or directory")
        let dir = #expect(throws: ChildProcessError.self) { try ChildProcess.run(["true"], directory: "/nonexistent/dir") }
        #expect(dir?.description == "cannot run true: no working directory /nonexistent/dir: No such file or directory")
    }

    /// Only 0, 1 and 2 reach a child, even descriptors opened without close-on-exec; and a child
    /// started from a thread that blocks signals starts with none blocked.
    @Test func aChildInheritsNoDescriptorsAndNoSignalMask() throws {
        let leaky = open("/dev/null", O_RDONLY)  // no O_CLOEXEC
        defer { close(leaky) }
        #expect(leaky > 2)
        let fds = try ChildProcess.run(["sh", "-c", "ls /proc/$$/fd"]).stdout.split(separator: "\n")
        #expect(fds == ["0", "1", "2"], "\(fds)")

        let blocked = Failures()  // the child's line, from the thread
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGTERM)
            sigaddset(&set, SIGINT)
            pthread_sigmask(SIG_BLOCK, &set, nil)
            blocked.add((try? ChildProcess.run(["grep", "SigBlk", "/proc/self/status"]).stdout) ?? "failed")
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(blocked.all.first?.trimmingCharacters(in: .whitespacesAndNewlines) == "SigBlk:\t0000000000000000")
    }

    /// Many children at once from many threads, each seeing only its own streams; nothing leaks.
    @Test func concurrentChildrenKeepTheirOwnStreams() throws {
        let before = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 16) { t in
            for i in 0..<25 {
                let token = "\(t)-\(i)"
                do {
                    let r = try ChildProcess.run(["sh", "-c", "read x; echo \"$x\"; echo e$x >&2; exit \(i % 7)"],
                                                 stdin: .text(token + "\n"), timeout: 60)
                    if r.stdout != token + "\n" || r.stderr != "e\(token)\n" || r.status != Int32(i % 7) {
                        failures.add("\(token): \(r.stdout.debugDescription) \(r.stderr.debugDescription) \(r.termination)")
                    }
                } catch {
                    failures.add("\(token): \(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(5))")
        let after = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        #expect(after <= before + 2, "descriptors: \(before) before, \(after) after")  // slack for the test runner's own
    }

    @Test func aChildNeverWaitedForIsKilledAndReaped() throws {
        var pid: Int32 = 0
        do {
            let child = try ChildProcess(["sleep", "60"], ownGroup: true)
            pid = child.pid
        }
        var status: Int32 = 0
        #expect(waitpid(pid, &status, WNOHANG) == -1 && errno == ECHILD, "pid \(pid) was not reaped")
    }

    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

/// Nothing in the tree goes back to Foundation's Process (see ChildProcess.swift for why).
@Suite struct NoFoundationProcessTests {
    @Test func sourcesAndTestsUseChildProcess() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let needles = ["= " + "Process()", "." + "waitUntilExit()"]  // split, or this file would match
        var offenders: [String] = []
        for folder in ["Sources", "Tests", "tools"] {
            let base = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let path as String in walker where path.hasSuffix(".swift") {
                let text = try String(contentsOf: base.appendingPathComponent(path), encoding: .utf8)
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//")
                    && needles.contains(where: { line.contains($0) }) {
                    offenders.append("\(folder)/\(path):\(n + 1)")
                }
            }
        }
        #expect(offenders.isEmpty, "Foundation's Process is used at \(offenders.joined(separator: ", "))")
    }
}
