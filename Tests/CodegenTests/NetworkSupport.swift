import Dispatch
import Emulator
import FixedPoint
import Foundation
import ProcessRunner
import Graph
@testable import Codegen

// The differential harness: networks → NetworkEmitter → g++ → raw output bits, beside the emulator's.
//
// Each network's emitted files are written under .cache/network-tests/src/<name>/firmware. Several
// networks share one translation unit, each included inside a namespace of its own (`namespace n_3 {
// #include ".../firmware/<project>.cpp" }`), so ap_types and Firmware/ are parsed once per unit instead of
// once per network: the library headers are included first at file scope, and their include guards
// make the copies inside the namespaces empty. A unit's main() runs network k on raw float64 input
// and writes each output's raw bits (the low 64 bits of its ap_fixed pattern). Units compile two at a
// time under `nice -n 10` (the machine is shared), and each executable is cached under
// .cache/network-tests/bin by a hash of everything that goes into it, so a rerun with no change in the
// generated code, the Firmware/ headers or the flags compiles nothing.

/// One network to push through both paths.
struct NetworkCase: Sendable {
    /// Unique, identifier-safe name (also the project name).
    var name: String
    var graph: Graph
    /// `samples × inputSize` input values.
    var input: [Double]
    var samples: Int
}

/// What the compiled firmware and the emulator produced for one case.
struct NetworkOutcome: Sendable {
    /// Raw output patterns from the C simulation (low 64 bits), `samples × outputSize`.
    var firmware: [UInt64]
    /// The emulator's raw outputs, masked to the output width the same way.
    var emulator: [UInt64]
    /// The output format.
    var format: FixedFormat

    /// Positions where the two differ.
    var mismatches: [Int] { firmware.indices.filter { firmware[$0] != emulator[$0] } }

    /// The firmware outputs as values (exact for outputs of up to 53 significant bits).
    var firmwareValues: [Double] { firmware.map { NetworkHarness.value($0, format) } }
}

/// Builds and runs networks through the emitted firmware.
enum NetworkHarness {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let cache = root.appendingPathComponent(".cache/network-tests")
    static let firmwareDir = root.appendingPathComponent("Firmware")
    static let apTypes = root.appendingPathComponent(".cache/ap_types")
    static let flags = ["-std=c++14", "-O1", "-w", "-Wno-unknown-pragmas"]

    /// Whether g++ and ap_types are here.
    static var available: Bool { Support.canCompile }

    /// At most two compilers at once across the whole test process (2 shared cores).
    static let compilers = DispatchSemaphore(value: 2)

    /// A failure of the harness itself (g++ failing, a run crashing): one line.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Emits, compiles (cached) and runs every case; returns outcomes by case name, plus per-case
    /// emission errors. `perUnit` networks share a translation unit.
    /// `edit` may change a case's emitted files before they are compiled (to prove mismatches are caught).
    static func run(_ cases: [NetworkCase], perUnit: Int,
                    edit: (@Sendable (String, inout [String: String]) -> Void)? = nil) throws -> [String: Result<NetworkOutcome, Failure>] {
        let fm = FileManager.default
        try fm.createDirectory(at: cache.appendingPathComponent("bin"), withIntermediateDirectories: true)
        var results: [String: Result<NetworkOutcome, Failure>] = [:]
        var emitted: [(NetworkCase, [String: String])] = []
        for c in cases {
            do {
                var files = try NetworkEmitter.emit(c.graph, projectName: c.name)
                edit?(c.name, &files)
                emitted.append((c, files))
            } catch {
                results[c.name] = .failure(Failure(description: "emit: \(error)"))
            }
        }
        let library = libraryText()
        // Units: consecutive cases, `perUnit` at a time.
        let units = stride(from: 0, to: emitted.count, by: perUnit).map {
            Array(emitted[$0..<min(emitted.count, $0 + perUnit)])
        }
        let collected = Collected()
        DispatchQueue.concurrentPerform(iterations: units.count) { u in
            let unit = units[u]
            let outcome: [String: Result<NetworkOutcome, Failure>]
            do {
                outcome = try runUnit(unit, library: library)
            } catch let f as Failure {
                outcome = Dictionary(uniqueKeysWithValues: unit.map { ($0.0.name, .failure(f)) })
            } catch {
                outcome = Dictionary(uniqueKeysWithValues: unit.map { ($0.0.name, .failure(Failure(description: "\(error)"))) })
            }
            collected.add(outcome)
        }
        return results.merging(collected.value) { a, _ in a }
    }

    /// The Firmware/ headers' text (part of every cache key).
    static func libraryText() -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: firmwareDir.path)) ?? []).filter { $0.hasSuffix(".h") }.sorted()
        return names.map { (try? String(contentsOf: firmwareDir.appendingPathComponent($0), encoding: .utf8)) ?? "" }
            .joined(separator: "\u{0}")
    }

    static func runUnit(_ unit: [(NetworkCase, [String: String])], library: String) throws -> [String: Result<NetworkOutcome, Failure>] {
        let fm = FileManager.default
        // Write each case's files (only when changed, so timestamps stay quiet).
        var includes: [String] = []
        var key = Hash128()
        key.add(library)
        key.add(flags.joined(separator: " "))
        for (k, (c, files)) in unit.enumerated() {
            let dir = cache.appendingPathComponent("src/\(c.name)")
            for (path, text) in files.sorted(by: { $0.key < $1.key }) {
                let url = dir.appendingPathComponent(path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                if (try? String(contentsOf: url, encoding: .utf8)) != text {
                    try text.write(to: url, atomically: true, encoding: .utf8)
                }
                key.add(path)
                key.add(text)
            }
            let project = sanitizeIdentifier(c.name)
            includes.append(unitCase(k, path: dir.appendingPathComponent("firmware/\(project).cpp").path, project: project))
        }
        let source = unitSource(includes, count: unit.count)
        key.add(source)
        let exe = cache.appendingPathComponent("bin/\(key.hex)")
        if !fm.isExecutableFile(atPath: exe.path) {
            let src = cache.appendingPathComponent("bin/\(key.hex).cpp")
            try source.write(to: src, atomically: true, encoding: .utf8)
            let partial = cache.appendingPathComponent("bin/\(key.hex).tmp-\(UUID().uuidString)")
            let log = cache.appendingPathComponent("bin/\(key.hex).log")
            let args = ["nice", "-n", "10", "g++"] + flags + ["-isystem", apTypes.path, "-I", firmwareDir.path, src.path, "-o", partial.path]
            let status = try compile(args, log: log)
            guard status == 0 else {
                try? fm.removeItem(at: partial)
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                let first = text.split(separator: "\n").first { $0.contains("error") } ?? text.split(separator: "\n").first ?? ""
                throw Failure(description: "g++ failed on \(src.path): \(first)")
            }
            try? fm.removeItem(at: exe)
            try fm.moveItem(at: partial, to: exe)
        }
        // Run each case.
        var out: [String: Result<NetworkOutcome, Failure>] = [:]
        for (k, (c, _)) in unit.enumerated() {
            out[c.name] = Result { try runCase(k, c, exe: exe) }.mapError { $0 as? Failure ?? Failure(description: "\($0)") }
        }
        return out
    }

    static func unitCase(_ k: Int, path: String, project: String) -> String {
        """
        namespace n_\(k) {
        #include "\(path)"
        static void run(const double* in, unsigned long long* out, unsigned samples) {
            for (unsigned s = 0; s < samples; s++) {
                input_t x[N_INPUT];
                result_t y[N_OUTPUT];
                for (unsigned i = 0; i < N_INPUT; i++) x[i] = in[(size_t)s * N_INPUT + i];
                \(project)(x, y);
                for (unsigned i = 0; i < N_OUTPUT; i++) out[(size_t)s * N_OUTPUT + i] = y[i].range().to_uint64();
            }
        }
        static const unsigned n_input = N_INPUT, n_output = N_OUTPUT;
        } // namespace n_\(k)
        #undef N_INPUT
        #undef N_OUTPUT

        """
    }

    static func unitSource(_ cases: [String], count: Int) -> String {
        let table = (0..<count).map { "    {n_\($0)::run, n_\($0)::n_input, n_\($0)::n_output}," }.joined(separator: "\n")
        return """
            // Generated by Tests/CodegenTests/NetworkSupport.swift: \(count) emitted networks in one unit.
            #include <algorithm>
            #include <cstdio>
            #include <cstdlib>
            #include <vector>
            #include "fpgarun.h"

            \(cases.joined(separator: "\n"))
            struct entry { void (*run)(const double*, unsigned long long*, unsigned); unsigned n_input, n_output; };
            static const entry entries[] = {
            \(table)
            };

            // usage: exe K input.f64 output.u64 samples
            int main(int argc, char** argv) {
                if (argc != 5) return 2;
                const unsigned k = (unsigned)atoi(argv[1]), samples = (unsigned)atoi(argv[4]);
                if (k >= \(count)) return 2;
                const entry& e = entries[k];
                std::vector<double> in((size_t)samples * e.n_input);
                std::vector<unsigned long long> out((size_t)samples * e.n_output);
                FILE* f = fopen(argv[2], "rb");
                if (!f || fread(in.data(), sizeof(double), in.size(), f) != in.size()) return 3;
                fclose(f);
                e.run(in.data(), out.data(), samples);
                FILE* g = fopen(argv[3], "wb");
                if (!g || fwrite(out.data(), sizeof(unsigned long long), out.size(), g) != out.size()) return 4;
                fclose(g);
                return 0;
            }

            """
    }

    static func runCase(_ k: Int, _ c: NetworkCase, exe: URL) throws -> NetworkOutcome {
        let emu = try Emulator(c.graph)
        let nIn = emu.inputSize, nOut = emu.outputSize
        guard c.input.count == c.samples * nIn else {
            throw Failure(description: "\(c.name): \(c.input.count) input values for \(c.samples) samples of \(nIn)")
        }
        let work = cache.appendingPathComponent("run/\(c.name)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let inFile = work.appendingPathComponent("x.f64"), outFile = work.appendingPathComponent("y.u64")
        try c.input.withUnsafeBytes { try Data($0).write(to: inFile) }
        try? FileManager.default.removeItem(at: outFile)
        let status = try runProcess([exe.path, "\(k)", inFile.path, outFile.path, "\(c.samples)"],
                                    log: work.appendingPathComponent("run.log"))
        guard status == 0 else { throw Failure(description: "\(c.name): the C simulation exited with \(status)") }
        let data = try Data(contentsOf: outFile)
        guard data.count == c.samples * nOut * 8 else {
            throw Failure(description: "\(c.name): \(data.count) output bytes, expected \(c.samples * nOut * 8)")
        }
        let firmware = data.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
        var raw = [Int64](repeating: 0, count: c.samples * nOut)
        c.input.withUnsafeBufferPointer { i in
            raw.withUnsafeMutableBufferPointer { o in
                emu.run(input: i.baseAddress!, samples: c.samples, rawOutput: o.baseAddress!, threads: 1)
            }
        }
        let format = emu.outputFormat
        let mask: UInt64 = format.width >= 64 ? .max : (1 << UInt64(format.width)) - 1
        return NetworkOutcome(firmware: firmware, emulator: raw.map { UInt64(bitPattern: $0) & mask }, format: format)
    }

    /// The value of a raw pattern of `format` (sign-extended from its width).
    static func value(_ raw: UInt64, _ format: FixedFormat) -> Double {
        let w = min(format.width, 64)
        var v = Int64(bitPattern: raw)
        if format.isSigned && w < 64 { v = (v << Int64(64 - w)) >> Int64(64 - w) }
        return Double(v) * Double(sign: .plus, exponent: -format.fractionBits, significand: 1)
    }

    /// Runs a compiler command under `compilers` (its slot returned whatever happens, or the next
    /// compiles would wait forever).
    static func compile(_ args: [String], log: URL) throws -> Int32 {
        compilers.wait()
        defer { compilers.signal() }
        return try runProcess(args, log: log)
    }

    /// Runs a command (argv[0] looked up on PATH), its output to `log`; returns the exit status.
    static func runProcess(_ args: [String], log: URL) throws -> Int32 {
        let end = try ChildProcess(args, stdout: .file(log.path), stderr: .standardOutput, ownGroup: true).wait(timeout: 900)
        guard end.timedOut == nil else { throw Failure(description: "\(args.first ?? ""): \(end)") }
        return end.shellStatus
    }
}

/// Outcomes gathered from concurrent units.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var value: [String: Result<NetworkOutcome, NetworkHarness.Failure>] = [:]

    func add(_ more: [String: Result<NetworkOutcome, NetworkHarness.Failure>]) {
        lock.lock()
        value.merge(more) { a, _ in a }
        lock.unlock()
    }
}

/// A 128-bit FNV-1a style content hash for cache keys (not cryptographic; collisions only cost a rebuild
/// of the wrong binary, which the bit comparison would then expose).
struct Hash128 {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9
        }
        // Separator so ("ab","c") and ("a","bc") differ.
        a = (a ^ 0xff) &* 0x0000_0100_0000_01b3
        b = (b ^ 0xfe) &* 0x0000_0100_0000_01b3
    }

    var hex: String {
        func pad(_ x: UInt64) -> String {
            let s = String(x, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return pad(a) + pad(b)
    }
}
