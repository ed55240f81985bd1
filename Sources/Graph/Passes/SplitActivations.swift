// SplitActivations: every layer with a fused activation (Keras `activation=`) becomes two nodes,
// the layer and an activation node named `<layer>_<function>` (hls4ml's naming, which configs use
// in LayerName) right after it; consumers of the layer now read the activation. Nodes are
// renumbered in one forward sweep, which keeps the topological order.

/// Moves fused activations into nodes of their own.
public struct SplitActivations: Pass {
    public var name: String { "split-activations" }

    /// Creates the pass.
    public init() {}

    public func run(_ graph: inout Graph) throws {
        guard graph.nodes.contains(where: { $0.fusedActivation != nil }) else { return }
        var readFrom = [NodeID](repeating: 0, count: graph.nodes.count)  // old id -> new id consumers read
        var out: [Node] = []
        var taken = Set(graph.nodes.map(\.name))
        for old in graph.nodes {
            var node = old
            node.id = out.count
            node.inputs = old.inputs.map { readFrom[$0] }
            node.fusedActivation = nil
            out.append(node)
            readFrom[old.id] = node.id
            if let fused = old.fusedActivation {
                var actName = "\(old.name)_\(fused.name)"
                while taken.contains(actName) { actName += "_" }
                taken.insert(actName)
                out.append(Node(id: out.count, name: actName, sourceClass: "Activation",
                                op: .activation(Activation(fused)), inputs: [node.id]))
                readFrom[old.id] = out.count - 1
            }
        }
        graph.input = readFrom[graph.input]
        graph.output = readFrom[graph.output]
        graph.nodes = out
    }
}
