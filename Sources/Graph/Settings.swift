import FixedPoint

/// The named types a config's `Precision` dict may set (hls4ml's keys).
public enum PrecisionKey: String, Sendable, CaseIterable {
    /// Applies to every type of the layer not named otherwise.
    case `default`
    case result, accum, weight, bias, scale, table, param
    case expTable = "exp_table"
    case invTable = "inv_table"
}

/// Settings one config level gives (the model, a layer type, or a layer name); nil = not given.
public struct LayerSettings: Sendable, Equatable {
    /// Precision per key; a plain string precision in a config is `[.default: f]`.
    public var precision: [PrecisionKey: FixedFormat] = [:]
    /// ReuseFactor.
    public var reuseFactor: Int?
    /// Strategy.
    public var strategy: Strategy?
    /// TableSize for table-based activations.
    public var tableSize: Int?
    /// Softmax Implementation.
    public var softmax: SoftmaxImplementation?

    /// Empty settings.
    public init() {}
}

/// A whole config's HLSConfig: model level, then per layer type, then per layer name (which wins).
public struct HLSSettings: Sendable, Equatable {
    /// HLSConfig.Model.
    public var model = LayerSettings()
    /// HLSConfig.LayerType, keyed by class name (hls4ml's or the source model's).
    public var byType: [String: LayerSettings] = [:]
    /// HLSConfig.LayerName, keyed by layer name.
    public var byName: [String: LayerSettings] = [:]

    /// hls4ml's defaults: ap_fixed<16,6>, ReuseFactor 1, Latency.
    public init() {}

    /// The levels that apply to `node`, most specific first.
    public func levels(for node: Node) -> [LayerSettings] {
        var out: [LayerSettings] = []
        if let s = byName[node.name] { out.append(s) }
        for t in [node.op.kind, node.sourceClass] {
            if let s = byType[t] { out.append(s); break }
        }
        out.append(model)
        return out
    }
}
