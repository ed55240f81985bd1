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
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("fpgarun: error: \(error.message)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch let error as CleanExit {
            // --help, --version: ArgumentParser's own, without isOurError's type-name reflection
            // (~0.5 ms of runtime lookups).
            Self.exit(withError: error)
        } catch {
            if isOurError(error) {
                FileHandle.standardError.write(Data("fpgarun: error: \(error)\n".utf8))
                Foundation.exit(2)
            }
            Self.exit(withError: error)
        }
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
