import FixedPoint

extension Node {
    /// Trainable parameters (weights, biases, scales, alphas).
    public var parameterCount: Int {
        switch op {
        case .dense(let d): d.weights.count + d.bias.count
        case .conv(let c): c.weights.count + c.bias.count
        case .batchNorm(let b): b.scale.count + b.bias.count
        case .activation(let a):
            if case .prelu(let alpha) = a.function { alpha.count } else { 0 }
        default: 0
        }
    }

    /// Multiplications per sample (what DSPs or LUT multipliers implement).
    public var multiplyCount: Int {
        switch op {
        case .dense(let d): d.inputs * d.outputs * (size / d.outputs)
        case .conv(let c): (size / c.filters) * c.kernel.reduce(1, *) * c.inChannels * c.filters
        case .batchNorm: size
        default: 0
        }
    }
}

extension Graph {
    /// A fixed-width text table of the layers: name, class, inputs, shape, types, parameters,
    /// multiplies, reuse and strategy.
    public func dump() -> String {
        var rows: [[String]] = [["layer", "class", "inputs", "shape", "types", "params", "mults", "reuse", "strategy"]]
        for n in nodes {
            let types = n.op == .input || n.op == .reshape
                ? n.types.result.description
                : n.types.named.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
            rows.append([
                n.name, n.op.kind == n.sourceClass ? n.op.kind : "\(n.op.kind) (\(n.sourceClass))",
                n.inputs.map { nodes[$0].name }.joined(separator: ","),
                "(" + n.shape.map(String.init).joined(separator: ",") + ")",
                types, String(n.parameterCount), String(n.multiplyCount),
                String(n.reuseFactor), n.strategy.rawValue,
            ])
        }
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        var text = rows.map { row in
            row.enumerated().map { c, cell in cell + String(repeating: " ", count: widths[c] - cell.count) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
        let params = nodes.map(\.parameterCount).reduce(0, +)
        let mults = nodes.map(\.multiplyCount).reduce(0, +)
        text += "\n\(nodes.count) layers, input \(nodes[input].shape), output \(nodes[output].shape) from '\(nodes[output].name)', \(params) parameters, \(mults) multiplies per sample\n"
        return text
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
