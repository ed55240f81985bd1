import FixedPoint

/// Index of a node in `Graph.nodes`.
public typealias NodeID = Int

/// How a layer trades multipliers for time (hls4ml's `Strategy`).
public enum Strategy: String, Sendable, CaseIterable {
    case latency = "Latency"
    case resource = "Resource"

    /// Parses a config value case-insensitively.
    public init?(config text: String) {
        guard let s = Strategy.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else { return nil }
        self = s
    }
}

/// The fixed-point types one layer uses, under hls4ml's names. `nil` means the layer has no such
/// type (a ReLU has no weights) or it is still to be assigned by the precision pass.
public struct LayerTypes: Sendable, Equatable {
    /// `result_t`: the layer's output.
    public var result: FixedFormat
    /// `accum_t`: the accumulator of sums of products.
    public var accum: FixedFormat?
    /// `weight_t`.
    public var weight: FixedFormat?
    /// `bias_t`.
    public var bias: FixedFormat?
    /// `scale_t` (BatchNormalization's multiplier).
    public var scale: FixedFormat?
    /// `table_t`: activation lookup tables.
    public var table: FixedFormat?
    /// `exp_table_t` (softmax).
    public var expTable: FixedFormat?
    /// `inv_table_t` (softmax).
    public var invTable: FixedFormat?
    /// `param_t`: activation parameters (leaky alpha, PReLU alphas, ELU alpha, ReLU threshold).
    public var param: FixedFormat?

    /// Types with only a result format set.
    public init(result: FixedFormat) {
        self.result = result
    }

    /// The named types that are set, in a fixed order, for listings.
    public var named: [(String, FixedFormat)] {
        var out: [(String, FixedFormat)] = []
        for (name, f) in [("weight", weight), ("bias", bias), ("scale", scale), ("param", param), ("accum", accum),
                          ("table", table), ("exp_table", expTable), ("inv_table", invTable)] {
            if let f { out.append((name, f)) }
        }
        out.append(("result", result))
        return out
    }
}

/// One layer of the network.
public struct Node: Sendable, Equatable {
    /// Index in the graph.
    public var id: NodeID
    /// The layer's name in the source model (unique in a graph).
    public var name: String
    /// The source model's class for this layer (e.g. Keras `MaxPooling2D`), for messages and config.
    public var sourceClass: String
    /// What the node computes.
    public var op: Op
    /// Nodes whose outputs feed this one, in argument order.
    public var inputs: [NodeID]
    /// Output shape without the batch dimension.
    public var shape: [Int]
    /// Numeric types.
    public var types: LayerTypes
    /// Reuse factor: how many times each multiplier is reused per sample.
    public var reuseFactor: Int
    /// Latency or Resource.
    public var strategy: Strategy
    /// An activation fused into this layer by the source model (Keras `activation=`); the
    /// `SplitActivations` pass moves it into a node of its own, so it is nil after the passes.
    public var fusedActivation: ActivationFunction?

    /// Creates a node with default numerics (to be set by the precision pass).
    public init(id: NodeID, name: String, sourceClass: String, op: Op, inputs: [NodeID], shape: [Int] = [],
                types: LayerTypes = LayerTypes(result: .hlsDefault), reuseFactor: Int = 1, strategy: Strategy = .latency) {
        self.id = id
        self.name = name
        self.sourceClass = sourceClass
        self.op = op
        self.inputs = inputs
        self.shape = shape
        self.types = types
        self.reuseFactor = reuseFactor
        self.strategy = strategy
    }

    /// Elements in the output of one sample.
    public var size: Int { shape.reduce(1, *) }
}

/// A network: nodes in topological order (every input precedes its consumers), one input, one output.
public struct Graph: Sendable, Equatable {
    /// All nodes; `nodes[i].id == i`.
    public var nodes: [Node]
    /// The input node.
    public var input: NodeID
    /// The node whose result is the network's output.
    public var output: NodeID
    /// A name for the model (project names, listings).
    public var name: String

    /// Creates a graph.
    public init(name: String, nodes: [Node], input: NodeID, output: NodeID) {
        self.name = name
        self.nodes = nodes
        self.input = input
        self.output = output
    }

    /// Input features per sample.
    public var inputSize: Int { nodes[input].size }
    /// Output values per sample.
    public var outputSize: Int { nodes[output].size }

    /// The node called `name`, if any.
    public func node(named name: String) -> Node? { nodes.first { $0.name == name } }

    /// For each node, the nodes that consume its output.
    public func consumers() -> [[NodeID]] {
        var out = Array(repeating: [NodeID](), count: nodes.count)
        for n in nodes {
            for i in n.inputs { out[i].append(n.id) }
        }
        return out
    }
}

extension FixedFormat {
    /// hls4ml's default precision, `ap_fixed<16,6>` (truncate, wrap).
    public static let hlsDefault: FixedFormat = try! FixedFormat(parsing: "ap_fixed<16,6>")
}

/// A failure in the graph or one of its passes: one line naming the layer.
public struct GraphError: Error, CustomStringConvertible, Sendable {
    /// The layer concerned, if any.
    public var layer: String?
    /// What is wrong.
    public var message: String

    /// Creates an error about `layer`.
    public init(layer: String?, _ message: String) {
        self.layer = layer
        self.message = message
    }

    public var description: String { layer.map { "layer '\($0)': \(message)" } ?? message }
}
