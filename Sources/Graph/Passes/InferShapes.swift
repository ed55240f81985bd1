// InferShapes: one forward sweep computing every node's output shape from its inputs' shapes and
// its payload, checking that the payload fits (weights counts, channels, merge shapes). Reshape
// nodes carry their target shape already (set by the importer); the sweep checks the element count.
// Output extents follow Keras: valid = floor((n + pads - k) / s) + 1 with explicit pads.

/// Computes and checks output shapes.
public struct InferShapes: Pass {
    public var name: String { "infer-shapes" }

    /// Creates the pass.
    public init() {}

    public func run(_ graph: inout Graph) throws {
        for i in graph.nodes.indices {
            let node = graph.nodes[i]
            let ins = node.inputs.map { graph.nodes[$0].shape }
            graph.nodes[i].shape = try Self.shape(of: node, inputs: ins)
            if graph.nodes[i].shape.contains(where: { $0 <= 0 }) {
                throw GraphError(layer: node.name, "output shape \(graph.nodes[i].shape) has an empty dimension")
            }
        }
    }

    /// The output shape of `node` given its inputs' shapes (a reshape's or input's own shape is kept).
    public static func shape(of node: Node, inputs ins: [[Int]]) throws -> [Int] {
        func fail(_ m: String) -> GraphError { GraphError(layer: node.name, m) }
        func one() throws -> [Int] {
            guard ins.count == 1 else { throw fail("takes one input, has \(ins.count)") }
            return ins[0]
        }
        func spatial(_ x: [Int], rank: Int) throws -> (dims: [Int], channels: Int) {
            guard x.count == rank + 1 else { throw fail("expects a \(rank + 1)-D input (spatial + channels), got \(x)") }
            return (Array(x.dropLast()), x.last!)
        }
        switch node.op {
        case .input:
            return node.shape
        case .dense(let d):
            let x = try one()
            guard x.last == d.inputs else { throw fail("expects \(d.inputs) input features, gets shape \(x)") }
            guard d.weights.count == d.inputs * d.outputs, d.bias.count == d.outputs else {
                throw fail("weights \(d.weights.count) / bias \(d.bias.count) do not fit \(d.inputs)×\(d.outputs)")
            }
            return Array(x.dropLast()) + [d.outputs]
        case .conv(let c):
            let (dims, ch) = try spatial(try one(), rank: c.rank)
            guard ch == c.inChannels else { throw fail("expects \(c.inChannels) channels, gets \(ch)") }
            guard c.weights.count == c.kernel.reduce(1, *) * c.inChannels * c.filters, c.bias.count == c.filters else {
                throw fail("weights do not fit kernel \(c.kernel) × \(c.inChannels) × \(c.filters)")
            }
            return try (0..<c.rank).map { try extent(dims[$0], c.kernel[$0], c.strides[$0], c.padding[$0], fail) } + [c.filters]
        case .pool(let p):
            let (dims, ch) = try spatial(try one(), rank: p.rank)
            if p.global { return [ch] }
            return try (0..<p.rank).map { try extent(dims[$0], p.size[$0], p.strides[$0], p.padding[$0], fail) } + [ch]
        case .activation(let a):
            let x = try one()
            if case .prelu(let alpha) = a.function, alpha.count != x.reduce(1, *) {
                throw fail("PReLU has \(alpha.count) alphas for \(x.reduce(1, *)) elements")
            }
            return x
        case .batchNorm(let b):
            let x = try one()
            guard b.scale.count == x.last, b.bias.count == x.last else {
                throw fail("batch norm has \(b.scale.count) channels, input shape \(x)")
            }
            return x
        case .merge(let m):
            guard ins.count == 2 else { throw fail("merge takes two inputs, has \(ins.count)") }
            if m.kind == .concatenate {
                let (a, b) = (ins[0], ins[1])
                guard a.count == b.count, m.axis >= 0, m.axis < a.count else {
                    throw fail("cannot concatenate shapes \(a) and \(b) on axis \(m.axis)")
                }
                for d in a.indices where d != m.axis && a[d] != b[d] {
                    throw fail("cannot concatenate shapes \(a) and \(b) on axis \(m.axis)")
                }
                var out = a
                out[m.axis] += b[m.axis]
                return out
            }
            guard ins[0] == ins[1] else { throw fail("cannot \(m.kind.rawValue) shapes \(ins[0]) and \(ins[1])") }
            return ins[0]
        case .zeroPad(let z):
            let (dims, ch) = try spatial(try one(), rank: z.rank)
            return (0..<z.rank).map { dims[$0] + z.padding[$0].before + z.padding[$0].after } + [ch]
        case .upSample(let u):
            let (dims, ch) = try spatial(try one(), rank: u.rank)
            return (0..<u.rank).map { dims[$0] * u.factors[$0] } + [ch]
        case .reshape:
            let x = try one()
            guard node.shape.reduce(1, *) == x.reduce(1, *) else {
                throw fail("cannot reshape \(x) to \(node.shape)")
            }
            return node.shape
        }
    }

    static func extent(_ n: Int, _ k: Int, _ s: Int, _ p: Padding, _ fail: (String) -> GraphError) throws -> Int {
        guard k > 0, s > 0 else { throw fail("kernel and stride must be positive") }
        let padded = n + p.before + p.after
        guard padded >= k else { throw fail("window \(k) is larger than the padded input \(padded)") }
        return (padded - k) / s + 1
    }
}
