import ArgumentParser
import Foundation
import Import

/// The `fpgarun` root command: neural networks to FPGAs, with a bit-accurate emulator beside them.
public struct FPGARun: ParsableCommand {
    /// The release this binary reports for `--version`.
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "fpgarun",
        abstract: "Take trained neural networks to FPGAs and check them bit for bit.",
        discussion: """
        Exit codes: 0 success; 1 a check failed (e.g. mismatching outputs); 2 bad input (a file, \
        model, config or type that cannot be used); 64 bad command-line usage.
        """,
        version: version,
        subcommands: [
            Quantize.self, Show.self, Predict.self, Convert.self, Build.self, XclbinCommand.self, Devices.self,
            Bench.self, Validate.self, ReportCommand.self,
        ]
    )

    public init() {}

    /// Parses the process arguments, runs the command, and exits with fpgarun's exit codes:
    /// errors of ours print one line `fpgarun: error: …` and exit 2 (or their own code).
    public static func runAsMain(_ arguments: [String]? = nil) -> Never {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        let preloading = arguments.first.map(modelCommands.contains) == true ? startPreloading() : nil
        // Every exit waits for the preloading thread: exit() must not run the libraries'
        // destructors while it is inside dlopen.
        func waitForPreloading() {
            if let preloading { pthread_join(preloading, nil) }
        }
        func exit(_ code: Int32) -> Never {
            waitForPreloading()
            Foundation.exit(code)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("fpgarun: error: \(error.message)\n".utf8))
            exit(error.exitCode)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            if isOurError(error) {
                FileHandle.standardError.write(Data("fpgarun: error: \(error)\n".utf8))
                exit(2)
            }
            waitForPreloading()
            Self.exit(withError: error)
        }
    }

    /// The subcommands that import a model, and so load libhdf5.
    static let modelCommands = Set([
        Show.configuration.commandName, Predict.configuration.commandName, Convert.configuration.commandName,
        Validate.configuration.commandName, Bench.configuration.commandName, ReportCommand.configuration.commandName,
    ].compactMap { $0 })

    /// Loads libhdf5 on a new thread while this one parses the command line and the config: a
    /// 16-sample `predict` took 41.7 ms instead of 46.1 (median of 25 interleaved runs). A plain
    /// pthread: Foundation's Thread took 2-5 ms to start running.
    private static func startPreloading() -> pthread_t? {
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { _ in
            KerasImporter.preloadLibraries()
            return nil
        }, nil)
        return started == 0 ? thread : nil
    }

    /// Errors thrown by fpgarun's own modules (not ArgumentParser's): printed as one line, exit 2.
    static func isOurError(_ error: Error) -> Bool {
        let module = String(reflecting: type(of: error)).split(separator: ".").first ?? ""
        return ["FixedPoint", "NPY", "HDF5", "Graph", "Import", "Emulator", "Codegen", "Xclbin", "Runtime", "Report", "FPGARunCLI"]
            .contains(String(module))
    }
}

/// A command-line failure: one line of text and the exit code it ends the process with.
public struct CLIError: Error, CustomStringConvertible {
    /// The one-line message (without the `fpgarun: error:` prefix).
    public let message: String
    /// Process exit code: 1 for a failed check, 2 for bad input.
    public let exitCode: Int32

    /// A bad-input error (exit 2).
    public init(_ message: String, exitCode: Int32 = 2) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}
