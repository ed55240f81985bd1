// RemoveIdentities: drops nodes that compute nothing, as hls4ml 1.3 does — a linear activation
// whose result type equals its input's (a linear activation between different types is a cast and
// stays), and a batch norm with every scale 1 and bias 0 (whatever its types) — by pointing
// consumers at their input.
// Runs after AssignSettings, since whether a node is an identity depends on its types.
// Reshape/Flatten stay: they change the shape later layers see, though not the data.
// Renumbering is one forward sweep, keeping the topological order.

/// Removes layers that are the identity on data.
public struct RemoveIdentities: Pass {
    public var name: String { "remove-identities" }

    /// Creates the pass.
    public init() {}

    static func isIdentity(_ node: Node, in graph: Graph) -> Bool {
        guard node.inputs.count == 1 else { return false }
        switch node.op {
        case .activation(let a):
            return a.function == .linear && graph.nodes[node.inputs[0]].types.result == node.types.result
        case .batchNorm(let b):
            // hls4ml drops a no-op batch norm whatever its result type (optimizer remove_nop_batch_normalization).
            return b.scale.allSatisfy { $0 == 1 } && b.bias.allSatisfy { $0 == 0 }
        default:
            return false
        }
    }

    public func run(_ graph: inout Graph) throws {
        guard graph.nodes.contains(where: { Self.isIdentity($0, in: graph) }) else { return }
        var readFrom = [NodeID](repeating: 0, count: graph.nodes.count)
        var out: [Node] = []
        for old in graph.nodes {
            if Self.isIdentity(old, in: graph) && old.id != graph.input {
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
