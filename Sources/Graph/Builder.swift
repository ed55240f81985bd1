/// Builds a graph node by node, checking names and connections as it goes; importers and tests use it.
public struct GraphBuilder {
    private var nodes: [Node] = []
    private var names: [String: NodeID] = [:]
    private var inputID: NodeID?
    /// Model name.
    public let name: String

    /// Starts an empty graph called `name`.
    public init(name: String) {
        self.name = name
    }

    /// The id of the layer called `name`, if added.
    public func id(of name: String) -> NodeID? { names[name] }

    /// Adds the single input node.
    @discardableResult
    public mutating func input(_ name: String, shape: [Int], sourceClass: String = "InputLayer") throws -> NodeID {
        guard inputID == nil else { throw GraphError(layer: name, "a second input layer (only one input is supported)") }
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw GraphError(layer: name, "input shape \(shape) must have known positive dimensions")
        }
        let id = try add(name, sourceClass: sourceClass, op: .input, inputs: [], shape: shape)
        inputID = id
        return id
    }

    /// The output shape of node `id` (known as soon as it is added).
    public func shape(of id: NodeID) -> [Int] { nodes[id].shape }

    /// Adds a layer reading `inputs` and infers its shape (`shape` gives a reshape's target);
    /// `activation` is a fused activation to split off later.
    @discardableResult
    public mutating func add(_ name: String, sourceClass: String, op: Op, inputs: [NodeID],
                             activation: ActivationFunction? = nil, shape: [Int]? = nil) throws -> NodeID {
        guard names[name] == nil else { throw GraphError(layer: name, "duplicate layer name") }
        for i in inputs where i < 0 || i >= nodes.count {
            throw GraphError(layer: name, "input \(i) does not exist")
        }
        let id = nodes.count
        var node = Node(id: id, name: name, sourceClass: sourceClass, op: op, inputs: inputs, shape: shape ?? [])
        node.shape = try InferShapes.shape(of: node, inputs: inputs.map { nodes[$0].shape })
        nodes.append(node)
        names[name] = id
        if let activation { nodes[id].fusedActivation = activation }
        return id
    }

    /// Finishes the graph with `output` as the network output (passes not yet run).
    public func finish(output: NodeID) throws -> Graph {
        guard let inputID else { throw GraphError(layer: nil, "the model has no input layer") }
        guard output >= 0 && output < nodes.count else { throw GraphError(layer: nil, "output node \(output) does not exist") }
        return Graph(name: name, nodes: nodes, input: inputID, output: output)
    }
}
