import ArgumentParser

/// `fpgarun devices` (being built; see issue 5).
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "Not yet available.")

    func run() throws { throw CLIError("fpgarun devices is not available yet") }
}
