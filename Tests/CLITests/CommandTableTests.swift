@testable import FPGARunCLI
import Testing

/// The root command's table of subcommands: the names users and scripts call them by.
@Suite struct CommandTableTests {
    /// Every subcommand sets its name (a derived one follows the Swift type's name, so renaming
    /// `XclbinCommand` would rename the command), and the table holds exactly the CLI's commands.
    @Test func everyCommandHasItsName() {
        let names = FPGARun.configuration.subcommands.map { $0.configuration.commandName }
        #expect(names == ["quantize", "show", "predict", "convert", "build", "xclbin", "devices", "bench", "validate", "report"])
    }
}
