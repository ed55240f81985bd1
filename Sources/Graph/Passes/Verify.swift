// Verify: checks the invariants every later stage relies on — ids equal positions, inputs come
// earlier (topological order), names are unique, no fused activation is left, shapes are known,
// table sizes are powers of two, reuse factors positive.

/// Checks graph invariants.
public struct Verify: Pass {
    public var name: String { "verify" }

    /// Creates the pass.
    public init() {}

    public func run(_ graph: inout Graph) throws {
        var names = Set<String>()
        for (i, node) in graph.nodes.enumerated() {
            func fail(_ m: String) -> GraphError { GraphError(layer: node.name, m) }
            guard node.id == i else { throw fail("id \(node.id) at position \(i)") }
            guard names.insert(node.name).inserted else { throw fail("duplicate layer name") }
            guard node.inputs.allSatisfy({ $0 < i && $0 >= 0 }) else { throw fail("reads a later layer (cycle?)") }
            guard node.fusedActivation == nil else { throw fail("fused activation not split") }
            guard !node.shape.isEmpty else { throw fail("no shape") }
            guard node.reuseFactor >= 1 else { throw fail("ReuseFactor \(node.reuseFactor) must be at least 1") }
            if case .activation(let a) = node.op, a.function.usesTable {
                guard a.tableSize >= 2, a.tableSize & (a.tableSize - 1) == 0 else {
                    throw fail("TableSize \(a.tableSize) must be a power of two")
                }
            }
            if i == graph.input, node.op != .input { throw fail("graph input is not an input node") }
        }
        guard graph.output < graph.nodes.count else { throw GraphError(layer: nil, "output node missing") }
    }
}
