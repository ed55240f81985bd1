import ArgumentParser

/// `fpgarun validate` (being built; see issue 5).
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Not yet available.")

    func run() throws { throw CLIError("fpgarun validate is not available yet") }
}
