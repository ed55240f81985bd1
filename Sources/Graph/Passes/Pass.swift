/// A graph-to-graph transformation. Each pass lives in one file that opens with its algorithm.
public protocol Pass: Sendable {
    /// The pass's name in dumps and errors.
    var name: String { get }
    /// Transforms `graph` in place, or throws a `GraphError` naming the layer.
    func run(_ graph: inout Graph) throws
}

/// The ordered list of passes that turns an imported graph into one the emulator and codegen take.
public enum Pipeline {
    /// The standard passes, in order, for the given per-layer settings.
    public static func standard(_ settings: HLSSettings) -> [any Pass] {
        [SplitActivations(), InferShapes(), AssignSettings(settings), RemoveIdentities(), Verify()]
    }

    /// Runs `passes` in order; `dump` (if given) receives the graph after each pass.
    public static func run(_ passes: [any Pass], on graph: inout Graph, dump: ((String, Graph) -> Void)? = nil) throws {
        for pass in passes {
            try pass.run(&graph)
            dump?(pass.name, graph)
        }
    }
}
