import ArgumentParser

/// `fpgarun xclbin` (being built; see issue 5).
struct XclbinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "xclbin", abstract: "Not yet available.")

    func run() throws { throw CLIError("fpgarun xclbin is not available yet") }
}
