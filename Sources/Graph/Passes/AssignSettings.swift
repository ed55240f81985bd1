import FixedPoint

// AssignSettings: gives every node its numeric types, reuse factor, strategy and table settings
// from the config, most specific level first (LayerName > LayerType > Model > hls4ml defaults).
// For each named type the first level that sets that key wins, else the first that sets
// `default`. Only types the layer has are filled in: weight/bias/accum for Dense and Conv,
// scale/bias for BatchNorm, tables for table-based activations, param for parametrised ones.

/// Resolves per-layer settings from a config.
public struct AssignSettings: Pass {
    public var name: String { "assign-settings" }
    /// The config's settings.
    public let settings: HLSSettings

    /// hls4ml's default lookup-table type (`ap_fixed<18,8>`).
    public static let defaultTable: FixedFormat = try! FixedFormat(parsing: "ap_fixed<18,8>")
    /// hls4ml's default softmax table types (`ap_fixed<18,8,AP_RND,AP_SAT>`).
    public static let defaultSoftmaxTable: FixedFormat = try! FixedFormat(parsing: "ap_fixed<18,8,AP_RND,AP_SAT>")

    /// Creates the pass for `settings`.
    public init(_ settings: HLSSettings) {
        self.settings = settings
    }

    public func run(_ graph: inout Graph) throws {
        for i in graph.nodes.indices {
            let node = graph.nodes[i]
            let levels = settings.levels(for: node)
            func type(_ key: PrecisionKey, fallback: FixedFormat = .hlsDefault) -> FixedFormat {
                for level in levels {
                    if let f = level.precision[key] ?? level.precision[.default] { return f }
                }
                return fallback
            }
            var types = LayerTypes(result: type(.result))
            switch node.op {
            case .dense, .conv:
                types.weight = type(.weight)
                types.bias = type(.bias)
                types.accum = type(.accum)
            case .batchNorm:
                types.scale = type(.scale)
                types.bias = type(.bias)
            case .pool(let p) where p.kind == .average:
                types.accum = type(.accum)
            case .activation(let a):
                if a.function == .softmax {
                    types.expTable = type(.expTable, fallback: Self.defaultSoftmaxTable)
                    types.invTable = type(.invTable, fallback: Self.defaultSoftmaxTable)
                } else if a.function.usesTable {
                    types.table = type(.table, fallback: Self.defaultTable)
                }
                switch a.function {
                case .leakyRelu, .elu, .prelu, .thresholdedRelu, .reluParameters: types.param = type(.param)
                default: break
                }
                var act = a
                if let size = levels.lazy.compactMap(\.tableSize).first { act.tableSize = size }
                if let impl = levels.lazy.compactMap(\.softmax).first { act.softmax = impl }
                graph.nodes[i].op = .activation(act)
            default:
                break
            }
            graph.nodes[i].types = types
            graph.nodes[i].reuseFactor = levels.lazy.compactMap(\.reuseFactor).first ?? 1
            graph.nodes[i].strategy = levels.lazy.compactMap(\.strategy).first ?? .latency
        }
    }
}
