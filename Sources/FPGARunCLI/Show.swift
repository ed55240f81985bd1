import ArgumentParser
import Graph

/// `fpgarun show`: the model as fpgarun sees it after import and passes.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a model's layers, shapes, fixed-point types, parameter and multiply counts."
    )

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let (_, graph) = try modelOptions.load()
        print(graph.dump(), terminator: "")
    }
}
