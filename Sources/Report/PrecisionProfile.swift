// The precision profile: for every layer, the range of its weights and of its activations on sample
// inputs, against the range its fixed-point format can represent.
//
// Activations are measured *before* the layer's result cast, so that overflow shows as values beyond
// the format instead of already wrapped or clamped ones: the graph is copied with every result and
// accumulator type widened to ap_fixed<48,24> (rounding, saturating; wide enough for the emulator's
// 64-bit paths, ~6e-8 resolution) and run in the bit-accurate emulator. Weights and tables keep their
// types, so the values are what each layer would receive from unlimited-precision predecessors. A
// value overflows when it lies outside [min, max] of the chosen result format, and underflows when it
// is nonzero but smaller in magnitude than the format's LSB (it quantizes to zero, or to ±LSB).
// Softmax layers (and what follows them) are the exception: see `init`.

import Emulator
import FixedPoint
import Graph

/// Ranges of one layer's values against its format.
public struct LayerProfile: Sendable, Codable, Equatable {
    /// Summary of a set of values against a format.
    public struct Range: Sendable, Codable, Equatable {
        /// Number of values.
        public var count: Int
        /// Smallest and largest value.
        public var min: Double, max: Double
        /// Smallest and largest nonzero magnitude (0 when all are zero).
        public var minMagnitude: Double, maxMagnitude: Double
        /// Median magnitude of the nonzero values.
        public var medianMagnitude: Double
        /// Values beyond the format's range.
        public var overflow: Int
        /// Nonzero values below the format's LSB in magnitude.
        public var underflow: Int
    }
    /// Layer name.
    public var name: String
    /// The weight format and the weights' range (layers with weights).
    public var weightFormat: String?
    /// Weights' range.
    public var weights: Range?
    /// The result format.
    public var resultFormat: String
    /// Format bounds: LSB and largest magnitude.
    public var resultLSB: Double, resultMax: Double
    /// Weight format bounds (when there are weights).
    public var weightLSB: Double?, weightMax: Double?
    /// Activations' range on the sample inputs (before the result cast).
    public var activations: Range
}

/// Ranges of every layer's weights and activations.
public struct PrecisionProfile: Sendable, Codable, Equatable {
    /// Layers in graph order (reshapes skipped).
    public var layers: [LayerProfile]
    /// Samples run.
    public var samples: Int
    /// Where they came from ("x.npy" or "random inputs in the input type's range").
    public var source: String

    /// Profiles `graph` on `inputs` (samples × input size, row-major); nil inputs → `randomSamples`
    /// uniform random samples over the input type's range (fixed seed).
    public init(graph: Graph, inputs: [Double]?, source: String, randomSamples: Int = 256) throws {
        let inputSize = graph.inputSize
        var x = inputs ?? []
        if inputs == nil {
            let f = graph.nodes[graph.input].types.result
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            x = (0..<(randomSamples * inputSize)).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let u = Double(state >> 11) / Double(1 << 53)
                return f.minValue + u * (f.maxValue - f.minValue)
            }
        }
        let samples = x.count / max(1, inputSize)
        var wide = graph
        let w = try FixedFormat(parsing: "ap_fixed<48,24,AP_RND,AP_SAT>")
        for i in wide.nodes.indices where i != wide.input {
            wide.nodes[i].types.result = w
            if wide.nodes[i].types.accum != nil { wide.nodes[i].types.accum = w }
        }
        let emulator = try Emulator(wide)
        var values = graph.nodes.map { _ in [Double]() }
        let cap = 200_000  // values kept per layer (enough for ranges and a median)
        // Softmax indexes its tables with the top bits of its input type, so a widened input would
        // flatten it: softmax layers and everything after them are measured in the real graph.
        var real = Set<NodeID>()
        for n in graph.nodes {
            if case .activation(let a) = n.op, a.function == .softmax { real.insert(n.id) }
            if n.inputs.contains(where: real.contains) { real.insert(n.id) }
        }
        let exact = real.isEmpty ? nil : try Emulator(graph)
        x.withUnsafeBufferPointer { p in
            emulator.trace(input: p.baseAddress!, samples: samples) { id, buf in
                if !real.contains(id), values[id].count < cap { values[id].append(contentsOf: buf.prefix(cap - values[id].count)) }
            }
            exact?.trace(input: p.baseAddress!, samples: samples) { id, buf in
                if real.contains(id), values[id].count < cap { values[id].append(contentsOf: buf.prefix(cap - values[id].count)) }
            }
        }
        layers = graph.nodes.compactMap { node -> LayerProfile? in
            if node.op == .reshape { return nil }
            let r = node.types.result
            var p = LayerProfile(name: node.name, weightFormat: nil, weights: nil, resultFormat: r.description,
                                 resultLSB: r.ulp, resultMax: Swift.max(r.maxValue, -r.minValue),
                                 activations: Self.range(values[node.id], r))
            let weights: [Double]? = switch node.op {
            case .dense(let d): d.weights
            case .conv(let c): c.weights
            case .batchNorm(let b): b.scale
            default: nil
            }
            if let weights, let wf = node.types.weight ?? node.types.scale {
                p.weightFormat = wf.description
                p.weights = Self.range(weights, wf)
                p.weightLSB = wf.ulp
                p.weightMax = Swift.max(wf.maxValue, -wf.minValue)
            }
            return p
        }
        self.samples = samples
        self.source = source
    }

    static func range(_ v: [Double], _ f: FixedFormat) -> LayerProfile.Range {
        var lo = Double.infinity, hi = -Double.infinity, minMag = Double.infinity, maxMag = 0.0
        var over = 0, under = 0
        var mags: [Double] = []
        mags.reserveCapacity(v.count)
        let fmin = f.minValue, fmax = f.maxValue, lsb = f.ulp
        for x in v {
            lo = Swift.min(lo, x); hi = Swift.max(hi, x)
            if x > fmax || x < fmin { over += 1 }
            let m = abs(x)
            if m > 0 {
                mags.append(m)
                minMag = Swift.min(minMag, m); maxMag = Swift.max(maxMag, m)
                if m < lsb { under += 1 }
            }
        }
        mags.sort()
        return LayerProfile.Range(count: v.count, min: v.isEmpty ? 0 : lo, max: v.isEmpty ? 0 : hi,
                                  minMagnitude: mags.isEmpty ? 0 : minMag, maxMagnitude: maxMag,
                                  medianMagnitude: mags.isEmpty ? 0 : mags[mags.count / 2], overflow: over, underflow: under)
    }
}
