import ArgumentParser
import Codegen
import Foundation
import ProcessRunner

/// `fpgarun build`: compile a project written by `fpgarun convert`.
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile a project: --target csim builds the C-simulation kernel library with g++; sw_emu, hw_emu and hw run the project's v++ Makefile (needs Vitis).",
        discussion: """
        csim compiles the firmware and both kernel wrappers against the ap_types headers into \
        DIR/csim/libfpgarun_csim.so, a shared library with a small C ABI (the kernel functions as a \
        host calls them), and DIR/csim/<project>.xclbin, the emulated device's xclbin naming that \
        library; `fpgarun predict --target csim --project DIR` runs through it. The ap_types \
        headers are found through $FPGARUN_AP_TYPES, else the .cache/ap_types that `make setup` made \
        beside the fpgarun checkout.
        """
    )

    @Option(name: .long, help: "csim, sw_emu, hw_emu or hw.")
    var target: String = "csim"

    @Option(name: .long, help: "C++ standard for csim (c++14 or c++17).")
    var std: String = "c++14"

    @Option(name: .long, help: "Vitis platform for sw_emu/hw_emu/hw (default: the project's).")
    var platform: String?

    @Option(name: .long, help: "csim: compute units of each kernel in the emulated device's xclbin (1...16; CU i uses banks 2i and 2i+1).")
    var computeUnits: Int = 1

    @Argument(help: "The project folder.")
    var dir: String

    func validate() throws {
        guard ["csim", "sw_emu", "hw_emu", "hw"].contains(target) else {
            throw ValidationError("--target must be csim, sw_emu, hw_emu or hw")
        }
        guard ["c++14", "c++17"].contains(std) else { throw ValidationError("--std must be c++14 or c++17") }
        guard (1...CSimXclbin.maxComputeUnits).contains(computeUnits) else {
            throw ValidationError("--compute-units must be 1...\(CSimXclbin.maxComputeUnits)")
        }
        guard computeUnits == 1 || target == "csim" else {
            throw ValidationError("--compute-units applies to --target csim (for hardware, edit nk= in the link configs)")
        }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: dir) else { throw CLIError("\(dir): no such project folder") }
        if target == "csim" {
            let headers = try Self.apTypes()
            var options = CSimBuildOptions(apTypes: headers)
            options.standard = std
            // The precompiled ap_types header lives beside the headers (in the checkout's .cache).
            options.pchCache = URL(fileURLWithPath: headers).deletingLastPathComponent().appendingPathComponent("pch").path
            let start = Date()
            let library = try CSimBuilder.build(projectDir: dir, options: options)
            print(String(format: "built %@ in %.1f s", library, Date().timeIntervalSince(start)))
            // The emulated device's xclbin, beside the library it names.
            let xclbin = try CSimXclbin.write(projectDir: dir, computeUnits: computeUnits)
            print("wrote \(xclbin) (\(computeUnits) compute unit\(computeUnits == 1 ? "" : "s") per kernel)")
            return
        }
        guard Self.which("v++") != nil else {
            throw CLIError("--target \(target) needs Vitis: v++ is not on PATH (source <Vitis>/settings64.sh); --target csim works without it")
        }
        let command = ["make", "-C", dir, "all", "TARGET=\(target)"] + (platform.map { ["PLATFORM=\($0)"] } ?? [])
        let make: ChildProcess
        do {
            make = try ChildProcess(command, stdin: .inherit)
        } catch {
            throw CLIError(error.description)
        }
        let end = make.wait()
        guard end.succeeded else { throw CLIError("\(dir): make TARGET=\(target) failed (\(end))") }
    }

    /// The ap_types headers: $FPGARUN_AP_TYPES, or .cache/ap_types in a folder above the binary or
    /// the working directory.
    static func apTypes() throws -> String {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["FPGARUN_AP_TYPES"] {
            guard fm.fileExists(atPath: env + "/ap_fixed.h") else { throw CLIError("FPGARUN_AP_TYPES=\(env) holds no ap_fixed.h") }
            return env
        }
        let starts = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
                      URL(fileURLWithPath: fm.currentDirectoryPath)]
        for start in starts {
            var dir = start
            for _ in 0..<6 {
                let candidate = dir.appendingPathComponent(".cache/ap_types")
                if fm.fileExists(atPath: candidate.appendingPathComponent("ap_fixed.h").path) { return candidate.path }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw CLIError("ap_types headers not found: run `make setup` in the fpgarun checkout or set FPGARUN_AP_TYPES")
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
