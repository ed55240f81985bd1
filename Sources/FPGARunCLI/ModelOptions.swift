import ArgumentParser
import Foundation
import Graph
import Import

/// The flags every command that reads a model shares: a config, optionally overriding its model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "hls4ml-style YAML config (KerasJson/KerasH5 or KerasModel, HLSConfig).")
    var config: String?

    @Option(name: .long, help: "Model file: Keras JSON (with --weights), whole Keras 2 .h5, or Keras 3 .keras.")
    var model: String?

    @Option(name: .long, help: "HDF5 weights for a JSON model.")
    var weights: String?

    /// True when a model source was given.
    var given: Bool { config != nil || model != nil }

    /// Loads the config (or hls4ml's defaults), imports the model and runs the standard passes.
    /// Warnings about the config go to standard error.
    func load() throws -> (ProjectConfig, Graph) {
        guard given else { throw ValidationError("give --config C.yml or --model M (or both)") }
        let cfg = try config.map { try ProjectConfig(contentsOf: $0) } ?? ProjectConfig()
        for w in cfg.warnings {
            FileHandle.standardError.write(Data("fpgarun: warning: \(w)\n".utf8))
        }
        var graph = try KerasImporter.load(config: cfg, model: model, weights: weights)
        do {
            try Pipeline.run(Pipeline.standard(cfg.hls), on: &graph)
        } catch let e as GraphError {
            throw CLIError("\(model ?? cfg.kerasModel ?? cfg.kerasJson ?? cfg.path): \(e)")
        }
        for name in cfg.hls.byName.keys.sorted() where graph.node(named: name) == nil {
            FileHandle.standardError.write(Data("fpgarun: warning: \(cfg.path): HLSConfig.LayerName.\(name) names no layer of the model\n".utf8))
        }
        return (cfg, graph)
    }
}
