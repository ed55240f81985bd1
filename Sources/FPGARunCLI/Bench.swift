import ArgumentParser

/// `fpgarun bench` (being built; see issue 5).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Not yet available.")

    func run() throws { throw CLIError("fpgarun bench is not available yet") }
}
