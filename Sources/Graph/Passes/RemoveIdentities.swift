// RemoveIdentities: drops nodes that compute nothing in io_parallel — linear activations whose
// result type is left to inherit (hls4ml removes them too) — by pointing their consumers at their
// input. Reshape/Flatten stay: they change the shape later layers see, though not the data.
// Renumbering is one forward sweep, keeping the topological order.

/// Removes layers that are the identity on data.
public struct RemoveIdentities: Pass {
    public var name: String { "remove-identities" }

    /// Creates the pass.
    public init() {}

    static func isIdentity(_ node: Node) -> Bool {
        if case .activation(let a) = node.op, a.function == .linear { return true }
        return false
    }

    public func run(_ graph: inout Graph) throws {
        guard graph.nodes.contains(where: Self.isIdentity) else { return }
        var readFrom = [NodeID](repeating: 0, count: graph.nodes.count)
        var out: [Node] = []
        for old in graph.nodes {
            if Self.isIdentity(old) && old.id != graph.input {
                readFrom[old.id] = readFrom[old.inputs[0]]
                continue
            }
            var node = old
            node.id = out.count
            node.inputs = old.inputs.map { readFrom[$0] }
            out.append(node)
            readFrom[old.id] = node.id
        }
        graph.input = readFrom[graph.input]
        graph.output = readFrom[graph.output]
        graph.nodes = out
    }
}
