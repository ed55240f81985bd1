import FixedPoint

// AssignSettings: gives every node its numeric types, reuse factor, strategy and table settings
// from the config, most specific level first (LayerName > LayerType > Model > hls4ml defaults).
// For each named type the first level that sets that key wins, else the first that sets
// `default`. Reshape, padding and upsampling keep their input's type. Only types the layer has
// are filled in: weight/bias/accum for Dense and Conv,
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
            // Table types have fixed defaults in hls4ml: a layer's `default` precision does not reach them,
            // and only a LayerName/LayerType `table_t`-style key sets them (a Model-level one is ignored).
            func type(_ key: PrecisionKey, fallback: FixedFormat = .hlsDefault, viaDefault: Bool = true) -> FixedFormat {
                for level in viaDefault ? levels[...] : levels.dropLast() {
                    if let f = level.precision[key] ?? (viaDefault ? level.precision[.default] : nil) { return f }
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
            case .pool:
                // Max pooling has an accum_t too: its maximum is cast to it before result_t.
                types.accum = type(.accum)
            case .activation(let a):
                if a.function == .softmax {
                    types.expTable = type(.expTable, fallback: Self.defaultSoftmaxTable, viaDefault: false)
                    types.invTable = type(.invTable, fallback: Self.defaultSoftmaxTable, viaDefault: false)
                    types.accum = type(.accum)  // hls4ml: the softmax's accum_t is the config's, not its table type
                } else if a.function.usesTable {
                    types.table = type(.table, fallback: Self.defaultTable, viaDefault: false)
                }
                switch a.function {
                case .leakyRelu, .elu, .prelu, .thresholdedRelu, .reluParameters: types.param = type(.param)
                default: break
                }
                var act = a
                // hls4ml 1.3 reads TableSize and Implementation from LayerName/LayerType only: a Model-level
                // value is ignored (checked with keras_v2_to_hls), so the model level is skipped here.
                let own = levels.dropLast()
                if let size = Self.first(own, { $0.tableSize }) { act.tableSize = size }
                if let impl = Self.first(own, { $0.softmax }) { act.softmax = impl }
                graph.nodes[i].op = .activation(act)
            case .reshape, .zeroPad, .upSample:
                // hls4ml gives Reshape/Flatten (a view in io_parallel), ZeroPadding and Resize their
                // input's type, whatever the config says.
                types.result = graph.nodes[node.inputs[0]].types.result
            default:
                break
            }
            graph.nodes[i].types = types
            graph.nodes[i].reuseFactor = Self.first(levels[...], { $0.reuseFactor }) ?? 1
            graph.nodes[i].strategy = Self.first(levels[...], { $0.strategy }) ?? .latency
            if graph.nodes[i].strategy == .resource, let (nIn, nOut) = Self.multiplierShape(node) {
                graph.nodes[i].reuseFactor = Self.closestValidReuseFactor(graph.nodes[i].reuseFactor, nIn: nIn, nOut: nOut)
            }
        }
    }

    /// The first level that sets `value`'s key. A plain loop: the lazy-sequence-and-key-path spelling
    /// made the Swift runtime build its generic types on every start, searching all ~6,000
    /// protocol conformance records for each (~0.4 ms of every model command).
    private static func first<T>(_ levels: ArraySlice<LayerSettings>, _ value: (LayerSettings) -> T?) -> T? {
        for level in levels {
            if let v = value(level) { return v }
        }
        return nil
    }

    /// The (n_in, n_out) of the matrix product hls4ml's resource strategy folds (Dense; Conv per pixel).
    static func multiplierShape(_ node: Node) -> (Int, Int)? {
        switch node.op {
        case .dense(let d): (d.inputs, d.outputs)
        case .conv(let c): (c.kernel.reduce(1, *) * c.inChannels, c.filters)
        default: nil
        }
    }

    /// hls4ml's resource strategy replaces an invalid ReuseFactor by the closest valid one (ties go
    /// to the smaller): valid when ceil(n_in·n_out / min(n_in, rf)) is a multiple of n_out or rf >= n_in,
    /// rf < n_in or a multiple of it, and rf divides n_in·n_out [backends/fpga/fpga_backend.py].
    static func closestValidReuseFactor(_ rf: Int, nIn: Int, nOut: Int) -> Int {
        let n = nIn * nOut
        guard n > 0 else { return rf }
        func valid(_ r: Int) -> Bool {
            let multFactor = min(nIn, r)
            let multLimit = (n + multFactor - 1) / multFactor
            return (multLimit % nOut == 0 || r >= nIn) && (r % nIn == 0 || r < nIn) && n % r == 0
        }
        if rf >= 1 && rf <= n && valid(rf) { return rf }
        let candidates = (1...n).filter(valid)
        guard let first = candidates.first else { return rf }
        let before = candidates.last { $0 < rf } ?? first
        let after = candidates.first { $0 > rf } ?? candidates.last!
        if rf <= first { return first }
        if rf >= candidates.last! { return candidates.last! }
        return after - rf < rf - before ? after : before
    }
}
