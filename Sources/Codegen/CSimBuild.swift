// Builds a project's C-simulation kernel library: the firmware plus csim/csim_abi.cpp (which includes
// the kernel wrappers) compiled by g++ against ap_types into one shared library exporting the C ABI
// documented in Kernels/csim_abi.cpp. Each .cpp compiles in its own g++ process, all at once, then one
// link; outputs go to a temporary name first and are renamed into place, so a failed build never
// leaves a half-written library. Compiler output goes to files (not pipes), so a chatty compiler
// cannot deadlock the wait; the compilers are started and reaped through ProcessRunner.

import Foundation
import ProcessRunner

/// How to run the C++ compiler for a C-simulation build.
public struct CSimBuildOptions: Sendable {
    /// The ap_types header folder.
    public var apTypes: String
    /// The compiler (looked up on PATH unless absolute).
    public var compiler: String = "g++"
    /// The C++ standard, e.g. "c++14" or "c++17".
    public var standard: String = "c++14"
    /// The optimisation flag. -O1, measured on the jet tagger: the firmware translation unit compiles
    /// 15-25% faster than at -O2 and the library runs ~15% faster (ap_types code gains nothing from
    /// -O2's extra inlining and vectorisation), with identical outputs (the differential tests hold).
    public var optimization: String = "-O1"
    /// Run the compiler under `nice -n` with this value (nil: normal priority).
    public var niceness: Int? = nil
    /// Extra compiler flags (after the defaults).
    public var extraFlags: [String] = []
    /// Where to keep a precompiled header of the ap_types headers, reused across builds with the
    /// same compiler, flags and headers (nil: no precompiled header). Parsing ap_types is most of a
    /// translation unit's compile time.
    public var pchCache: String? = nil

    /// Options compiling against the ap_types headers in `apTypes`.
    public init(apTypes: String) {
        self.apTypes = apTypes
    }
}

/// Compiles a generated project into its C-simulation shared library.
public enum CSimBuilder {
    /// The library's file name inside the project's csim/ folder.
    public static let libraryName = "libfpgarun_csim.so"

    /// Builds `projectDir`'s library (default: PROJECT/csim/libfpgarun_csim.so) and returns its path.
    public static func build(projectDir: String, output: String? = nil, options: CSimBuildOptions) throws -> String {
        let fm = FileManager.default
        let project = URL(fileURLWithPath: projectDir).standardizedFileURL
        let abi = project.appendingPathComponent("csim/csim_abi.cpp")
        guard fm.fileExists(atPath: abi.path) else {
            throw CodegenError(.compile, "\(project.path) is not a generated project: no csim/csim_abi.cpp")
        }
        guard fm.fileExists(atPath: URL(fileURLWithPath: options.apTypes).appendingPathComponent("ap_fixed.h").path) else {
            throw CodegenError(.compile, "no ap_fixed.h in \(options.apTypes) (run tools/setup.sh)")
        }
        let firmware = project.appendingPathComponent("firmware")
        let sources = ((try? fm.contentsOfDirectory(atPath: firmware.path)) ?? [])
            .filter { $0.hasSuffix(".cpp") }.sorted().map { firmware.appendingPathComponent($0).path } + [abi.path]
        let library = output.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? project.appendingPathComponent("csim/\(libraryName)")

        // The work folder sits next to the library so the final rename stays on one file system.
        let work = library.deletingLastPathComponent().appendingPathComponent(".fpgarun-build-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: work, withIntermediateDirectories: true)
        } catch {
            throw CodegenError(.compile, "cannot create a build folder next to \(library.path): \(error.localizedDescription)")
        }
        defer { try? fm.removeItem(at: work) }

        let baseFlags = ["-std=\(options.standard)", options.optimization, "-fPIC", "-fvisibility=hidden", "-w",
                         "-isystem", options.apTypes] + options.extraFlags
        let pch = options.pchCache.flatMap { precompiledHeader(options, flags: baseFlags, cache: $0) }
        let flags = baseFlags + (pch.map { ["-include", $0, "-Winvalid-pch"] } ?? [])
            + ["-I", project.appendingPathComponent("csim/include").path, "-I", firmware.path]
        // Compile every source at once (one process each), then link.
        var jobs: [(ChildProcess, URL, String)] = []
        for (i, src) in sources.enumerated() {
            let object = work.appendingPathComponent("\(i).o").path
            let log = work.appendingPathComponent("\(i).log")
            jobs.append((try start(options, flags + ["-c", src, "-o", object], log: log), log, src))
        }
        var failure: String?
        for (process, log, src) in jobs {
            if !process.wait().succeeded && failure == nil {
                failure = "\(options.compiler) failed on \(src): " + firstError(log) + keepLog(log, near: library)
            }
        }
        if let failure { throw CodegenError(.compile, failure) }
        let partial = work.appendingPathComponent(libraryName)
        let linkLog = work.appendingPathComponent("link.log")
        let objects = sources.indices.map { work.appendingPathComponent("\($0).o").path }
        // -z defs: a firmware that never defines the top function fails here, not at dlopen time.
        #if os(Linux)
        let linkFlags = ["-shared", "-Wl,-z,defs"]
        #else
        let linkFlags = ["-shared", "-undefined", "error"]
        #endif
        let link = try start(options, linkFlags + ["-o", partial.path] + objects, log: linkLog)
        guard link.wait().succeeded else {
            throw CodegenError(.compile, "\(options.compiler) failed linking \(library.path): " + firstError(linkLog)
                                   + keepLog(linkLog, near: library))
        }
        guard rename(partial.path, library.path) == 0 else {
            throw CodegenError(.compile, "cannot move the library to \(library.path): \(String(cString: strerror(errno)))")
        }
        return library.path
    }

    /// The headers every generated translation unit includes first.
    static let pchHeaders = ["ap_fixed.h", "ap_int.h", "hls_stream.h"]

    /// A precompiled header of the ap_types headers under `cache`, built once per (compiler, flags,
    /// headers) and reused; returns the header to `-include`, or nil when it cannot be made (the
    /// build then parses the headers itself). Built under a temporary name and renamed into place, so
    /// concurrent builds never see half a file.
    static func precompiledHeader(_ options: CSimBuildOptions, flags: [String], cache: String) -> String? {
        let fm = FileManager.default
        var key = Hasher.stableHash(([options.compiler] + flags).joined(separator: "\u{1}"))
        for header in pchHeaders {
            let attrs = try? fm.attributesOfItem(atPath: "\(options.apTypes)/\(header)")
            key = Hasher.stableHash("\(key) \(header) \(attrs?[.size] ?? 0) \((attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
        }
        let dir = URL(fileURLWithPath: cache).appendingPathComponent("pch-\(String(key, radix: 16))")
        let header = dir.appendingPathComponent("fpgarun_pch.h")
        let gch = dir.appendingPathComponent("fpgarun_pch.h.gch")
        if fm.fileExists(atPath: gch.path) { return header.path }
        do {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(pchHeaders.map { "#include \"\($0)\"\n" }.joined().utf8).write(to: header, options: .atomic)
        } catch {
            return nil
        }
        let partial = dir.appendingPathComponent(".fpgarun_pch.h.gch.\(UUID().uuidString)")
        let log = dir.appendingPathComponent(".pch-\(UUID().uuidString).log")
        defer { try? fm.removeItem(at: log) }
        guard let p = try? start(options, flags + ["-x", "c++-header", header.path, "-o", partial.path], log: log) else { return nil }
        guard p.wait().succeeded, rename(partial.path, gch.path) == 0 else {
            try? fm.removeItem(at: partial)
            return nil
        }
        return header.path
    }

    /// Starts the compiler with `args`, stdout and stderr going to `log`.
    static func start(_ options: CSimBuildOptions, _ args: [String], log: URL) throws -> ChildProcess {
        let command = (options.niceness.map { ["nice", "-n", "\($0)"] } ?? []) + [options.compiler] + args
        do {
            return try ChildProcess(command, stdout: .file(log.path), stderr: .standardOutput)
        } catch {
            throw CodegenError(.compile, error.description)
        }
    }

    /// Copies a failed step's full log to csim_build.log next to the library; returns a note naming it.
    static func keepLog(_ log: URL, near library: URL) -> String {
        let kept = library.deletingLastPathComponent().appendingPathComponent("csim_build.log")
        try? FileManager.default.removeItem(at: kept)
        guard (try? FileManager.default.copyItem(at: log, to: kept)) != nil else { return "" }
        return " (full log: \(kept.path))"
    }

    /// The first error line of a compiler log (or its first line), kept short.
    static func firstError(_ log: URL) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n")
        let line = lines.first(where: { $0.contains("error") || $0.contains("undefined reference") })
            ?? lines.first ?? "no output"
        return sanitizedForMessage(String(line), limit: 300)
    }
}

extension Hasher {
    /// FNV-1a of `text`: the same on every run (Swift's Hasher is seeded per process).
    static func stableHash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
