@testable import FPGARunCLI
import Testing

/// The root command's table of subcommands, which `runAsMain` reads before parsing.
@Suite struct CommandTableTests {
    /// `modelCommands` is built from the subcommands' configured names: a subcommand without one
    /// is silently left out and loses libhdf5's preloading (`predict` had none until 2026-11-30).
    @Test func everyModelCommandIsInTheTable() {
        #expect(FPGARun.modelCommands == ["show", "predict", "convert", "validate", "bench", "report"])
        for command in FPGARun.configuration.subcommands {
            #expect(command.configuration.commandName != nil, "\(command) has no commandName")
        }
    }
}
