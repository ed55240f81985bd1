import FixedPoint
import Graph

// The network half of a generated project: firmware/<project>.h and .cpp (the top function and its
// call sequence), defines.h (sizes and every typedef), parameters.h (one config struct per layer) and
// weights/<layer>_{w,b,s,a}.h. Everything else — the arithmetic, loops and pragmas of each layer — lives
// in the Firmware/ library, so this file only walks the graph and prints values (DESIGN.md: hls4ml's good
// part).
//
// Algorithm, one pass over the graph in topological order:
//  1. Reshapes move no data in io_parallel: each node gets a storage node (itself, or for a reshape
//     whose type equals its input's, its input's storage). A reshape that changes the type is a cast
//     and is emitted as `linear`.
//  2. Every other node gets typedefs `layerN_t`, `layerN_<role>_t`, a struct `configN`, weight arrays
//     `wN`/`bN`/`sN`/`aN` and one call line, N being its node id. All of these live in namespace
//     `fpgarun_net`, so no project name (the only user-chosen C++ identifier, already sanitised) can
//     clash with them; layer names reach only comments and weight file names, both sanitised.
//  3. The output node's storage writes straight into `y` when nothing else reads it; otherwise its
//     array is copied (cast) into `y` at the end. The top function `<project>(x, y)` partitions its
//     ports, pipelines with II = the largest reuse factor and calls the inlined network.
//
// The config fields, weight layouts and type defaults follow Firmware/README.md; the numeric choices
// (table-size caps, softmax helper types, ternary weights) follow the emulator, which is bit-exact with
// hls4ml 1.3, so that emulator and C simulation agree bit for bit.

/// Writes a graph's firmware files (the network side of an HLS project).
public enum NetworkEmitter {
    /// The C++ namespace holding every generated name except `input_t`, `result_t` and the top function.
    public static let namespace = "fpgarun_net"

    /// The firmware files of `graph` (after the standard passes) for top function `projectName`
    /// (sanitised): relative path ("firmware/defines.h", ...) → contents. Throws a one-line
    /// `CodegenError` naming the layer for a reuse factor the firmware refuses or a layer it cannot build.
    public static func emit(_ graph: Graph, projectName: String) throws -> [String: String] {
        try checkReuse(graph)
        var writer = try NetworkWriter(graph: graph, project: sanitizeIdentifier(projectName))
        try writer.run()
        return writer.files()
    }

    /// Rejects any reuse factor in `graph` that the firmware refuses (see ReuseRules.swift), with a
    /// one-line error naming the layer and listing the valid values.
    public static func checkReuse(_ graph: Graph) throws {
        for node in graph.nodes {
            try check(node, reuse: node.reuseFactor, in: graph)
        }
    }

    /// Like `checkReuse(_:)`, but checks the reuse factors `settings` asks for, before the standard
    /// passes replace an invalid Resource value by the closest valid one (as hls4ml does, silently but for
    /// a warning). `graph` must have been through the passes (for strategies and shapes).
    public static func checkReuse(_ graph: Graph, requested settings: HLSSettings) throws {
        for node in graph.nodes {
            let requested = settings.levels(for: node).lazy.compactMap(\.reuseFactor).first ?? 1
            try check(node, reuse: requested, in: graph)
        }
    }

    /// The reuse factors `node` accepts, ascending; nil when any value >= 1 is accepted.
    public static func validReuseFactors(for node: Node, in graph: Graph) -> [Int]? {
        let kind = ReuseRules.kind(of: node, inputSize: inputSize(of: node, in: graph))
        if case .free = kind { return nil }
        return ReuseRules.valid(kind)
    }

    /// The largest reuse factor in the graph: the network takes a new sample every this many cycles.
    public static func maxReuseFactor(_ graph: Graph) -> Int {
        graph.nodes.map(\.reuseFactor).max() ?? 1
    }

    static func inputSize(of node: Node, in graph: Graph) -> Int {
        node.inputs.first.map { graph.nodes[$0].size } ?? node.size
    }

    static func check(_ node: Node, reuse rf: Int, in graph: Graph) throws {
        let name = sanitizedForMessage(node.name)
        guard rf >= 1 else {
            throw CodegenError(.invalidSpec, "layer '\(name)': ReuseFactor \(rf) must be at least 1")
        }
        let kind = ReuseRules.kind(of: node, inputSize: inputSize(of: node, in: graph))
        if ReuseRules.accepts(rf, kind) { return }
        let valid = ReuseRules.valid(kind)
        let what: String
        switch (node.op, kind) {
        case (.dense(let d), .denseResource):
            what = "Dense \(d.inputs)→\(d.outputs)"
        case (.dense(let d), _):
            what = "Dense \(d.inputs)→\(d.outputs) applied per row (a 1×1 convolution, ReuseFactor at most \(d.inputs))"
        case (.conv(let c), _):
            let k = c.kernel.map(String.init).joined(separator: "×")
            what = "\(node.op.kind) \(k)×\(c.inChannels)→\(c.filters) (ReuseFactor at most filter size × channels = \(c.kernel.reduce(1, *) * c.inChannels))"
        default:
            what = node.op.kind
        }
        let closest = ReuseRules.closest(rf, in: valid).map { " (closest: \($0))" } ?? ""
        throw CodegenError(.invalidSpec,
                           "layer '\(name)': ReuseFactor \(rf) is not valid for \(what) with Resource strategy; valid: \(ReuseRules.listing(valid))\(closest)")
    }
}

/// The state of one emission: names, the text of each file so far.
struct NetworkWriter {
    let graph: Graph
    let project: String
    /// Sanitised, distinct layer names (comments and weight file names).
    let labels: [String]
    /// The node whose array holds each node's values (reshapes alias their input).
    private(set) var storage: [NodeID]
    /// Whether the output's storage writes straight into `y`.
    private(set) var outputDirect = false

    private var typedefs: [String] = []
    private var configs: [String] = []
    private var weightIncludes: [String] = []
    private var body: [String] = []
    private var weightFiles: [(path: String, text: String)] = []

    init(graph: Graph, project: String) throws {
        self.graph = graph
        self.project = project
        labels = uniqueIdentifiers(graph.nodes.map(\.name))
        storage = Array(graph.nodes.indices)
        guard graph.input >= 0 && graph.input < graph.nodes.count, graph.output >= 0 && graph.output < graph.nodes.count else {
            throw CodegenError(.invalidSpec, "graph input/output node missing")
        }
    }

    // MARK: - names

    /// The C++ type of node `id`'s values.
    func typeName(_ id: NodeID) -> String {
        let s = storage[id]
        return s == graph.input ? "input_t" : "layer\(s)_t"
    }

    /// The C++ array holding node `id`'s values.
    func arrayName(_ id: NodeID) -> String {
        let s = storage[id]
        if s == graph.input { return "x" }
        if outputDirect && s == storage[graph.output] { return "y" }
        return "layer\(s)_out"
    }

    func label(_ node: Node) -> String { "\(labels[node.id]) (\(node.op.kind))" }

    func fail(_ node: Node, _ message: String) -> CodegenError {
        CodegenError(.invalidSpec, "layer '\(sanitizedForMessage(node.name))': \(message)")
    }

    // MARK: - the walk

    mutating func run() throws {
        // 1. Storage: a reshape keeping its input's type is a view.
        for node in graph.nodes where node.op == .reshape {
            guard node.inputs.count == 1 else { throw fail(node, "a reshape takes one input") }
            let from = graph.nodes[node.inputs[0]]
            if from.types.result == node.types.result { storage[node.id] = storage[from.id] }
        }
        // 3 (decided first, since it names arrays): the output array is `y` unless something else reads it.
        let out = storage[graph.output]
        let readers = graph.nodes.filter { n in storage[n.id] == n.id && n.inputs.contains { storage[$0] == out } }
        outputDirect = out != graph.input && readers.isEmpty
            && graph.nodes[out].types.result == graph.nodes[graph.output].types.result

        // 2. Every computing node.
        for node in graph.nodes where node.id != graph.input && storage[node.id] == node.id {
            try emit(node)
        }
        if !outputDirect {
            let n = graph.nodes[graph.output].size
            body.append("// the output: \(arrayName(graph.output)) cast to result_t")
            body.append("for (unsigned i = 0; i < \(n); i++) {")
            body.append("    #pragma HLS UNROLL")
            body.append("    y[i] = \(arrayName(graph.output))[i];")
            body.append("}")
        }
    }

    /// Declares node's output array (unless it is `y`), and its result typedef.
    mutating func declare(_ node: Node) {
        typedefs.append("// \(label(node)), shape [\(node.shape.map(String.init).joined(separator: ", "))]")
        typedefs.append("typedef \(node.types.result) layer\(node.id)_t;")
        body.append("// \(label(node))")
        if arrayName(node.id) != "y" {
            body.append("layer\(node.id)_t layer\(node.id)_out[\(node.size)];")
            body.append("#pragma HLS ARRAY_PARTITION variable=layer\(node.id)_out complete dim=0")
        }
    }

    /// A typedef `layerN_<role>_t` for `format`, returning its name.
    mutating func roleType(_ node: Node, _ role: String, _ format: FixedFormat) -> String {
        let name = "layer\(node.id)_\(role)_t"
        typedefs.append("typedef \(format) \(name);")
        return name
    }

    /// The call `fpgarun::<fn><in..., out, configN>(in..., out, extra...)`.
    mutating func call(_ node: Node, _ fn: String, extra: [String] = []) {
        let types = node.inputs.map { typeName($0) } + [typeName(node.id), "config\(node.id)"]
        let args = node.inputs.map { arrayName($0) } + [arrayName(node.id)] + extra
        body.append("fpgarun::\(fn)<\(types.joined(separator: ", "))>(\(args.joined(separator: ", ")));")
    }

    mutating func addConfig(_ node: Node, _ config: ConfigStruct, note: String) {
        configs.append("// \(label(node)): \(note)\n" + config.text)
    }

    /// Writes weights/<label>_<suffix>.h holding `static const <type> <array>[n]` and returns the array name.
    mutating func weights(_ node: Node, suffix: String, array: String, type: String, format: FixedFormat,
                          values: [Double], layout: String, what: String) throws -> String {
        let ternary = format.isInteger && format.isSigned && format.width == 2
        var literals: [String] = []
        literals.reserveCapacity(values.count)
        for v in values {
            guard v.isFinite else { throw fail(node, "\(what) holds a non-finite value (\(v))") }
            if ternary {
                // hls4ml multiplies by an ap_int<2> weight through its ternary product: 0 → 0, -1 → -x,
                // anything else (a stored -2 or 1) → +x. Emitting the effective value makes the plain
                // product of the firmware compute the same.
                let raw = format.quantize(Double(CppText.weightText(v, format: format)) ?? v)
                literals.append(raw == 0 || raw == -1 ? "\(raw).0" : "1.0")
            } else {
                literals.append(CppText.weightLiteral(v, format: format))
            }
        }
        let path = "weights/\(labels[node.id])_\(suffix).h"
        let guardName = "\(project.uppercased())_\(labels[node.id].uppercased())_\(suffix.uppercased())_H_"
        // Synthesis gets a constant array (a ROM). For C simulation the same literals fill a double array,
        // copied into the typed array at start-up: the same double → type casts, but g++ compiles an
        // initializer list of ap_fixed objects element by element (several ms each, even at -O0), which
        // would dominate `fpgarun build --target csim`.
        let n = values.count
        let text = """
            // \(path) — generated by fpgarun: \(what) of layer \(label(node)).
            // \(n) values of \(format), \(layout).
            // Decimal text with the type's fraction digits, read as double and then cast to the type (hls4ml's
            // weight text).
            #ifndef \(guardName)
            #define \(guardName)

            #include "../defines.h"
            #ifndef __SYNTHESIS__
            #include <algorithm>
            #endif

            namespace \(NetworkEmitter.namespace) {

            #ifdef __SYNTHESIS__
            static const \(type) \(array)[\(n)] = {
            #else
            static const double \(array)_text[\(n)] = {
            #endif
            \(CppText.initializer(literals))
            };
            #ifndef __SYNTHESIS__
            static \(type) \(array)[\(n)];
            static const bool \(array)_loaded = (std::copy(\(array)_text, \(array)_text + \(n), \(array)), true);
            #endif

            } // namespace \(NetworkEmitter.namespace)

            #endif

            """
        weightFiles.append((path, text))
        weightIncludes.append("#include \"\(path)\"")
        return array
    }

    // MARK: - layers

    mutating func emit(_ node: Node) throws {
        let inputs = node.inputs.map { graph.nodes[$0] }
        guard !inputs.isEmpty || node.op == .input else { throw fail(node, "has no input") }
        switch node.op {
        case .input:
            return
        case .reshape:
            // Only a type-changing reshape gets here: a cast.
            declare(node)
            var c = ConfigStruct("config\(node.id)")
            try c.unsigned("n_in", node.size, layer: node.name)
            try c.unsigned("reuse_factor", node.reuseFactor, layer: node.name)
            addConfig(node, c, note: "reshape with a type change, a cast")
            call(node, "linear")
        case .dense(let d):
            try dense(node, d, input: inputs[0])
        case .conv(let c):
            try conv(node, c, input: inputs[0])
        case .batchNorm(let b):
            try batchNorm(node, b)
        case .activation(let a):
            try activation(node, a, input: inputs[0])
        case .pool(let p):
            try pool(node, p, input: inputs[0])
        case .merge(let m):
            try merge(node, m, inputs: inputs)
        case .zeroPad(let z):
            try zeroPad(node, z, input: inputs[0])
        case .upSample(let u):
            try upSample(node, u, input: inputs[0])
        }
    }

    /// weight_t, bias_t, accum_t of a Dense or Conv.
    func macTypes(_ node: Node) throws -> (weight: FixedFormat, bias: FixedFormat, accum: FixedFormat) {
        guard let w = node.types.weight, let b = node.types.bias, let a = node.types.accum else {
            throw fail(node, "\(node.op.kind) needs weight, bias and accum types (run the standard passes first)")
        }
        return (w, b, a)
    }

    /// The common tail of Dense and Conv configs, and their weight files.
    mutating func macConfig(_ node: Node, _ c: inout ConfigStruct, nIn: Int, nOut: Int, weights: [Double],
                            bias: [Double], kerasLayout: String, resourceLayout: String) throws -> [String] {
        let (wf, bf, af) = try macTypes(node)
        let resource = node.strategy == .resource
        c.constant("fpgarun::strategy", "strategy", resource ? "fpgarun::strategy::resource" : "fpgarun::strategy::latency")
        try c.unsigned("reuse_factor", node.reuseFactor, layer: node.name)
        try c.unsigned("n_zeros", weights.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }, layer: node.name)
        c.bool("store_weights_in_bram", resource && node.reuseFactor > 1)
        let wt = roleType(node, "weight", wf), bt = roleType(node, "bias", bf), at = roleType(node, "accum", af)
        c.typedef(wt, "weight_t")
        c.typedef(bt, "bias_t")
        c.typedef(at, "accum_t")
        guard weights.count == nIn * nOut, bias.count == nOut else {
            throw fail(node, "weights \(weights.count) / bias \(bias.count) do not fit \(nIn)×\(nOut)")
        }
        // Resource reads the kernel transposed: [n_out][n_in].
        var laid = weights
        if resource {
            for o in 0..<nOut { for i in 0..<nIn { laid[o * nIn + i] = weights[i * nOut + o] } }
        }
        let w = try self.weights(node, suffix: "w", array: "w\(node.id)", type: wt, format: wf, values: laid,
                                 layout: resource ? resourceLayout : kerasLayout, what: "weights")
        let b = try self.weights(node, suffix: "b", array: "b\(node.id)", type: bt, format: bf, values: bias,
                                 layout: "[\(nOut)]", what: "biases")
        return [w, b]
    }

    mutating func dense(_ node: Node, _ d: Dense, input: Node) throws {
        let inSize = input.size
        guard d.inputs > 0, inSize % d.inputs == 0, node.size == inSize / d.inputs * d.outputs else {
            throw fail(node, "Dense \(d.inputs)→\(d.outputs) does not fit input shape \(input.shape)")
        }
        declare(node)
        let rows = inSize / d.inputs
        var c = ConfigStruct("config\(node.id)")
        let arrays: [String]
        let keras = "Keras kernel layout [n_in=\(d.inputs)][n_out=\(d.outputs)]"
        let transposed = "transposed for the Resource strategy: [n_out=\(d.outputs)][n_in=\(d.inputs)]"
        if rows == 1 {
            try c.unsigned("n_in", d.inputs, layer: node.name)
            try c.unsigned("n_out", d.outputs, layer: node.name)
            arrays = try macConfig(node, &c, nIn: d.inputs, nOut: d.outputs, weights: d.weights, bias: d.bias,
                                   kerasLayout: keras, resourceLayout: transposed)
            addConfig(node, c, note: "Dense \(d.inputs)->\(d.outputs), \(node.strategy.rawValue), ReuseFactor \(node.reuseFactor)")
            call(node, "dense", extra: arrays)
        } else {
            // A Dense on every row of a higher-rank input: a 1×1 convolution over `rows` pixels (hls4ml's
            // pointwise replacement), with the same weights.
            for (f, v) in [("in_height", 1), ("in_width", rows), ("n_chan", d.inputs), ("filt_height", 1),
                           ("filt_width", 1), ("n_filt", d.outputs), ("stride_height", 1), ("stride_width", 1),
                           ("pad_top", 0), ("pad_bottom", 0), ("pad_left", 0), ("pad_right", 0),
                           ("out_height", 1), ("out_width", rows), ("n_partitions", rows)] {
                try c.unsigned(f, v, layer: node.name)
            }
            arrays = try macConfig(node, &c, nIn: d.inputs, nOut: d.outputs, weights: d.weights, bias: d.bias,
                                   kerasLayout: keras, resourceLayout: transposed)
            addConfig(node, c, note: "Dense \(d.inputs)->\(d.outputs) on \(rows) rows (a 1x1 convolution), "
                      + "\(node.strategy.rawValue), ReuseFactor \(node.reuseFactor)")
            call(node, "conv", extra: arrays)
        }
    }

    /// (height, width, channels) of a channels-last map of rank 1 or 2.
    func spatial(_ node: Node, _ shape: [Int], rank: Int) throws -> (h: Int, w: Int, c: Int) {
        guard rank == 1 || rank == 2, shape.count == rank + 1 else {
            throw fail(node, "expects a \(rank + 1)-D input (spatial + channels), got \(shape)")
        }
        return rank == 2 ? (shape[0], shape[1], shape[2]) : (1, shape[0], shape[1])
    }

    /// Height/width pairs of a 1-D (height 1) or 2-D parameter list.
    func pair(_ values: [Int], rank: Int, one: Int) -> (h: Int, w: Int) {
        rank == 2 ? (values[0], values[1]) : (one, values[0])
    }

    func pads(_ p: [Padding], rank: Int) -> (top: Int, bottom: Int, left: Int, right: Int) {
        rank == 2 ? (p[0].before, p[0].after, p[1].before, p[1].after) : (0, 0, p[0].before, p[0].after)
    }

    mutating func conv(_ node: Node, _ cv: Conv, input: Node) throws {
        let (inH, inW, ch) = try spatial(node, input.shape, rank: cv.rank)
        guard cv.kernel.count == cv.rank, cv.strides.count == cv.rank, cv.padding.count == cv.rank, ch == cv.inChannels else {
            throw fail(node, "Conv\(cv.rank)D payload does not fit input shape \(input.shape)")
        }
        let (outH, outW, filters) = try spatial(node, node.shape, rank: cv.rank)
        guard filters == cv.filters else { throw fail(node, "output shape \(node.shape) does not end in \(cv.filters) filters") }
        let k = pair(cv.kernel, rank: cv.rank, one: 1), s = pair(cv.strides, rank: cv.rank, one: 1)
        let p = pads(cv.padding, rank: cv.rank)
        declare(node)
        var c = ConfigStruct("config\(node.id)")
        for (f, v) in [("in_height", inH), ("in_width", inW), ("n_chan", ch), ("filt_height", k.h), ("filt_width", k.w),
                       ("n_filt", cv.filters), ("stride_height", s.h), ("stride_width", s.w), ("pad_top", p.top),
                       ("pad_bottom", p.bottom), ("pad_left", p.left), ("pad_right", p.right),
                       ("out_height", outH), ("out_width", outW), ("n_partitions", outH * outW)] {
            try c.unsigned(f, v, layer: node.name)
        }
        let nIn = k.h * k.w * ch
        let arrays = try macConfig(
            node, &c, nIn: nIn, nOut: cv.filters, weights: cv.weights, bias: cv.bias,
            kerasLayout: "Keras kernel layout [filt_height=\(k.h)][filt_width=\(k.w)][n_chan=\(ch)][n_filt=\(cv.filters)]",
            resourceLayout: "transposed for the Resource strategy: [n_filt=\(cv.filters)][filt_height=\(k.h)][filt_width=\(k.w)][n_chan=\(ch)]")
        addConfig(node, c, note: "\(node.op.kind) \(k.h)x\(k.w)x\(ch)->\(cv.filters), \(node.strategy.rawValue), ReuseFactor \(node.reuseFactor)")
        call(node, "conv", extra: arrays)
    }

    mutating func batchNorm(_ node: Node, _ b: BatchNorm) throws {
        guard let sf = node.types.scale, let bf = node.types.bias else {
            throw fail(node, "BatchNormalization needs scale and bias types (run the standard passes first)")
        }
        guard !b.scale.isEmpty, b.scale.count == b.bias.count, node.size % b.scale.count == 0 else {
            throw fail(node, "batch norm has \(b.scale.count) scales and \(b.bias.count) biases for \(node.size) values")
        }
        declare(node)
        var c = ConfigStruct("config\(node.id)")
        try c.unsigned("n_in", node.size, layer: node.name)
        try c.unsigned("n_scale_bias", b.scale.count, layer: node.name)
        try c.unsigned("reuse_factor", node.reuseFactor, layer: node.name)
        let st = roleType(node, "scale", sf), bt = roleType(node, "bias", bf)
        c.typedef(st, "scale_t")
        c.typedef(bt, "bias_t")
        let s = try weights(node, suffix: "s", array: "s\(node.id)", type: st, format: sf, values: b.scale,
                            layout: "[n_scale_bias=\(b.scale.count)], folded gamma/sqrt(var+eps)", what: "scales")
        let bb = try weights(node, suffix: "b", array: "b\(node.id)", type: bt, format: bf, values: b.bias,
                             layout: "[n_scale_bias=\(b.bias.count)], folded beta-mean*scale", what: "biases")
        addConfig(node, c, note: "BatchNormalization over \(b.scale.count) channels")
        call(node, "batchnorm", extra: [s, bb])
    }

    mutating func activation(_ node: Node, _ a: Activation, input: Node) throws {
        guard input.size == node.size else {
            throw fail(node, "activation input has \(input.size) values, output \(node.size)")
        }
        if a.function == .softmax { return try softmax(node, a, input: input) }
        declare(node)
        var c = ConfigStruct("config\(node.id)")
        try c.unsigned("n_in", node.size, layer: node.name)
        try c.unsigned("reuse_factor", node.reuseFactor, layer: node.name)
        func param() throws -> String {
            guard let p = node.types.param else { throw fail(node, "no param type assigned (param_t)") }
            let t = roleType(node, "param", p)
            c.typedef(t, "param_t")
            return t
        }
        func table() throws {
            guard a.tableSize >= 1 else { throw fail(node, "table size \(a.tableSize) must be positive") }
            try c.unsigned("table_size", a.tableSize, layer: node.name)
            c.typedef(roleType(node, "table", node.types.table ?? AssignSettings.defaultTable), "table_t")
        }
        var extra: [String] = []
        let fn: String
        switch a.function {
        case .linear: fn = "linear"
        // hls4ml 1.3 (and the emulator) compute Keras' ReLU layer as a plain relu, dropping its parameters.
        case .relu, .reluParameters: fn = "relu"
        case .sigmoid: fn = "sigmoid"; try table()
        case .tanh: fn = "tanh"; try table()
        case .softplus: fn = "softplus"; try table()
        case .softsign: fn = "softsign"; try table()
        case .selu: fn = "selu"; try table()
        case .elu(let alpha):
            fn = "elu"
            try table()
            _ = try param()
            try c.real("alpha", alpha, layer: node.name)
        case .leakyRelu(let alpha):
            fn = "leaky_relu"
            _ = try param()
            try c.real("alpha", alpha, layer: node.name)
        case .thresholdedRelu(let theta):
            fn = "thresholded_relu"
            _ = try param()
            try c.real("theta", theta, layer: node.name)
        case .prelu(let alphas):
            fn = "prelu"
            let t = try param()
            guard alphas.count == node.size else { throw fail(node, "PReLU has \(alphas.count) alphas for \(node.size) values") }
            extra.append(try weights(node, suffix: "a", array: "a\(node.id)", type: t, format: node.types.param!,
                                     values: alphas, layout: "[n_in=\(node.size)], one per element", what: "PReLU alphas"))
        case .hardSigmoid:
            // hls4ml's HardActivation: slope 0.2 as ap_ufixed<16,0>, shift 0.5 as ap_ufixed<2,0>.
            fn = "hard_sigmoid"
            c.typedef(roleType(node, "slope", try FixedFormat(width: 16, integerBits: 0, signed: false)), "slope_t")
            c.typedef(roleType(node, "shift", try FixedFormat(width: 2, integerBits: 0, signed: false)), "shift_t")
            try c.real("slope", 0.2, layer: node.name)
            try c.real("shift", 0.5, layer: node.name)
        case .softmax:
            return  // handled above
        }
        addConfig(node, c, note: "\(fn) on \(node.size) values")
        call(node, fn, extra: extra)
    }

    mutating func softmax(_ node: Node, _ a: Activation, input: Node) throws {
        let inFormat = input.types.result
        let n = max(1, input.shape.last ?? node.size)
        guard node.size % n == 0 else { throw fail(node, "softmax slice of \(n) does not divide \(node.size) values") }
        let expFormat = node.types.expTable ?? AssignSettings.defaultSoftmaxTable
        let invFormat = node.types.invTable ?? AssignSettings.defaultSoftmaxTable
        // inv_inp_t has no per-layer setting: hls4ml's default, as the emulator uses.
        let invInput = AssignSettings.defaultSoftmaxTable
        guard let accum = node.types.accum else { throw fail(node, "no accum type assigned (accum_t)") }
        guard a.tableSize >= 1 && a.tableSize <= 1 << 24 else { throw fail(node, "table size \(a.tableSize) is not within 1...2^24") }
        // hls4ml's fix_softmax_table_size: at most 2^min(input width, inv_table_t width).
        var tableSize = a.tableSize
        let capBits = min(inFormat.width, invFormat.width)
        if capBits < 24 && 1 << capBits < tableSize { tableSize = 1 << capBits }
        var expSize = tableSize
        var norm = inFormat
        if a.softmax == .stable {
            // inp_norm_t = ap_ufixed<W-1,I-1> of a signed input (ap_ufixed<W,I> of an unsigned one), and the
            // exp table of a signed input at most 2^(W-1) entries.
            let s = inFormat.isSigned ? 1 : 0
            guard inFormat.width - s >= 1 else { throw fail(node, "softmax stable needs an input wider than 1 bit") }
            norm = try FixedFormat(width: inFormat.width - s, integerBits: inFormat.integerBits - s, signed: false)
            if inFormat.isSigned { expSize = min(tableSize, 1 << min(inFormat.width - 1, 30)) }
        }
        if a.softmax == .stable || a.softmax == .latency {
            guard tableSize & (tableSize - 1) == 0 else {
                throw fail(node, "softmax \(a.softmax.rawValue) needs a power-of-two table size, got \(tableSize)")
            }
        }
        declare(node)
        var c = ConfigStruct("config\(node.id)")
        try c.unsigned("n_in", node.size, layer: node.name)
        try c.unsigned("n_slice", n, layer: node.name)
        c.constant("fpgarun::softmax_implementation", "implementation", "fpgarun::softmax_implementation::\(a.softmax.rawValue)")
        try c.unsigned("exp_table_size", expSize, layer: node.name)
        try c.unsigned("inv_table_size", tableSize, layer: node.name)
        try c.unsigned("reuse_factor", node.reuseFactor, layer: node.name)
        c.typedef(roleType(node, "exp_table", expFormat), "exp_table_t")
        c.typedef(roleType(node, "inv_table", invFormat), "inv_table_t")
        c.typedef(roleType(node, "accum", accum), "accum_t")
        c.typedef(roleType(node, "inv_inp", invInput), "inv_inp_t")
        c.typedef(roleType(node, "inp_norm", norm), "inp_norm_t")
        // The legacy implementation's tables are nnet::activ_config's table_t, ap_fixed<18,8>.
        c.typedef(roleType(node, "table", AssignSettings.defaultTable), "table_t")
        addConfig(node, c, note: "softmax (\(a.softmax.rawValue)) over slices of \(n)")
        call(node, "softmax")
    }

    mutating func pool(_ node: Node, _ p: Pool, input: Node) throws {
        guard let af = node.types.accum else { throw fail(node, "Pooling needs an accum type (run the standard passes first)") }
        let (inH, inW, ch) = try spatial(node, input.shape, rank: p.rank)
        var dims: [(String, Int)]
        if p.global {
            guard node.size == ch else { throw fail(node, "global pooling output shape \(node.shape) differs from [\(ch)]") }
            dims = [("pool_height", inH), ("pool_width", inW), ("stride_height", inH), ("stride_width", inW),
                    ("pad_top", 0), ("pad_bottom", 0), ("pad_left", 0), ("pad_right", 0), ("out_height", 1), ("out_width", 1)]
        } else {
            guard p.size.count == p.rank, p.strides.count == p.rank, p.padding.count == p.rank else {
                throw fail(node, "Pooling\(p.rank)D payload has the wrong rank")
            }
            let (outH, outW, _) = try spatial(node, node.shape, rank: p.rank)
            let k = pair(p.size, rank: p.rank, one: 1), s = pair(p.strides, rank: p.rank, one: 1)
            let pd = pads(p.padding, rank: p.rank)
            dims = [("pool_height", k.h), ("pool_width", k.w), ("stride_height", s.h), ("stride_width", s.w),
                    ("pad_top", pd.top), ("pad_bottom", pd.bottom), ("pad_left", pd.left), ("pad_right", pd.right),
                    ("out_height", outH), ("out_width", outW)]
        }
        declare(node)
        var c = ConfigStruct("config\(node.id)")
        for (f, v) in [("in_height", inH), ("in_width", inW), ("n_chan", ch)] + dims {
            try c.unsigned(f, v, layer: node.name)
        }
        c.constant("fpgarun::pool_op", "op", p.kind == .max ? "fpgarun::pool_op::max" : "fpgarun::pool_op::average")
        try c.unsigned("reuse_factor", node.reuseFactor, layer: node.name)
        c.typedef(roleType(node, "accum", af), "accum_t")
        addConfig(node, c, note: "\(p.kind.rawValue) pooling\(p.global ? " (global)" : "")")
        call(node, "pooling")
    }

    mutating func merge(_ node: Node, _ m: Merge, inputs: [Node]) throws {
        guard inputs.count == 2 else { throw fail(node, "merge takes two inputs, has \(inputs.count)") }
        let (a, b) = (inputs[0], inputs[1])
        declare(node)
        var c = ConfigStruct("config\(node.id)")
        if m.kind == .concatenate {
            let sa = a.shape, sb = b.shape
            guard sa.count == sb.count, m.axis >= 0, m.axis < sa.count,
                  sa[..<m.axis].reduce(1, *) == sb[..<m.axis].reduce(1, *) else {
                throw fail(node, "cannot concatenate shapes \(sa) and \(sb) on axis \(m.axis)")
            }
            try c.unsigned("n_outer", sa[..<m.axis].reduce(1, *), layer: node.name)
            try c.unsigned("n_chunk1", sa[m.axis...].reduce(1, *), layer: node.name)
            try c.unsigned("n_chunk2", sb[m.axis...].reduce(1, *), layer: node.name)
            try c.unsigned("reuse_factor", node.reuseFactor, layer: node.name)
            addConfig(node, c, note: "concatenate on axis \(m.axis)")
            call(node, "concatenate")
        } else {
            guard node.size % a.size == 0, node.size % b.size == 0 else {
                throw fail(node, "cannot \(m.kind.rawValue) \(a.size) and \(b.size) values into \(node.size)")
            }
            c.constant("fpgarun::merge_op", "op", "fpgarun::merge_op::\(m.kind.rawValue)")
            try c.unsigned("n_elem", node.size, layer: node.name)
            try c.unsigned("n_elem1", a.size, layer: node.name)
            try c.unsigned("n_elem2", b.size, layer: node.name)
            try c.unsigned("reuse_factor", node.reuseFactor, layer: node.name)
            addConfig(node, c, note: m.kind.rawValue)
            call(node, "merge")
        }
    }

    mutating func zeroPad(_ node: Node, _ z: ZeroPad, input: Node) throws {
        let (inH, inW, ch) = try spatial(node, input.shape, rank: z.rank)
        let (outH, outW, _) = try spatial(node, node.shape, rank: z.rank)
        guard z.padding.count == z.rank else { throw fail(node, "ZeroPadding\(z.rank)D payload has the wrong rank") }
        let p = pads(z.padding, rank: z.rank)
        declare(node)
        var c = ConfigStruct("config\(node.id)")
        for (f, v) in [("in_height", inH), ("in_width", inW), ("n_chan", ch), ("pad_top", p.top), ("pad_bottom", p.bottom),
                       ("pad_left", p.left), ("pad_right", p.right), ("out_height", outH), ("out_width", outW),
                       ("reuse_factor", node.reuseFactor)] {
            try c.unsigned(f, v, layer: node.name)
        }
        addConfig(node, c, note: "zero padding")
        call(node, "zero_pad")
    }

    mutating func upSample(_ node: Node, _ u: UpSample, input: Node) throws {
        let (inH, inW, ch) = try spatial(node, input.shape, rank: u.rank)
        let (outH, outW, _) = try spatial(node, node.shape, rank: u.rank)
        guard u.factors.count == u.rank else { throw fail(node, "UpSampling\(u.rank)D payload has the wrong rank") }
        let f = pair(u.factors, rank: u.rank, one: 1)
        declare(node)
        var c = ConfigStruct("config\(node.id)")
        for (name, v) in [("in_height", inH), ("in_width", inW), ("n_chan", ch), ("height_factor", f.h),
                          ("width_factor", f.w), ("out_height", outH), ("out_width", outW),
                          ("reuse_factor", node.reuseFactor)] {
            try c.unsigned(name, v, layer: node.name)
        }
        addConfig(node, c, note: "nearest upsampling x\(f.h)x\(f.w)")
        call(node, "upsample")
    }

    // MARK: - files

    func files() -> [String: String] {
        let p = project, up = project.uppercased(), ns = NetworkEmitter.namespace
        let inNode = graph.nodes[graph.input], outNode = graph.nodes[graph.output]
        let shape = { (n: Node) in "[" + n.shape.map(String.init).joined(separator: ", ") + "]" }
        let ii = NetworkEmitter.maxReuseFactor(graph)
        var files: [String: String] = [:]

        files["firmware/defines.h"] = """
            // defines.h — generated by fpgarun: sizes and fixed-point types of the network `\(p)`.
            // One sample per call, values flattened in C order (channels last).
            #ifndef \(up)_DEFINES_H_
            #define \(up)_DEFINES_H_

            #include "ap_fixed.h"
            #include "ap_int.h"

            // Input shape \(shape(inNode)), output shape \(shape(outNode)).
            #define N_INPUT \(inNode.size)
            #define N_OUTPUT \(outNode.size)

            typedef \(inNode.types.result) input_t;
            typedef \(outNode.types.result) result_t;

            namespace \(ns) {

            \(typedefs.joined(separator: "\n"))

            } // namespace \(ns)

            #endif

            """

        files["firmware/parameters.h"] = """
            // parameters.h — generated by fpgarun: one config struct per layer of `\(p)` (the fields are
            // documented in each Firmware/ header) and the weight arrays.
            #ifndef \(up)_PARAMETERS_H_
            #define \(up)_PARAMETERS_H_

            #include "fpgarun.h"
            #include "defines.h"

            \(weightIncludes.joined(separator: "\n"))

            namespace \(ns) {

            \(configs.joined(separator: "\n"))
            } // namespace \(ns)

            #endif

            """

        files["firmware/\(p).h"] = """
            // \(p).h — generated by fpgarun: the network's top function (one sample, io_parallel).
            #ifndef \(up)_H_
            #define \(up)_H_

            #include "defines.h"

            // x: N_INPUT values of input_t, y: N_OUTPUT values of result_t (flattened, C order).
            void \(p)(const input_t x[N_INPUT], result_t y[N_OUTPUT]);

            #endif

            """

        let indented = body.map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
        files["firmware/\(p).cpp"] = """
            // \(p).cpp — generated by fpgarun: the call sequence of the network, layer by layer in
            // topological order. Every layer is a function of the Firmware/ library (pipelined with II = its
            // reuse factor); intermediate arrays are completely partitioned (io_parallel).
            #include "\(p).h"
            #include "parameters.h"

            namespace \(ns) {

            // The layers, inlined into the top function.
            static void network(const input_t x[N_INPUT], result_t y[N_OUTPUT]) {
                #pragma HLS INLINE
            \(indented)
            }

            } // namespace \(ns)

            void \(p)(const input_t x[N_INPUT], result_t y[N_OUTPUT]) {
                #pragma HLS INTERFACE ap_vld port=x,y
                #pragma HLS ARRAY_RESHAPE variable=x complete dim=0
                #pragma HLS ARRAY_PARTITION variable=y complete dim=0
                // A new sample every \(ii) cycle(s): the largest reuse factor of the layers.
                #pragma HLS PIPELINE II=\(ii)
                \(ns)::network(x, y);
            }

            """
        for (path, text) in weightFiles { files["firmware/" + path] = text }
        return files
    }
}
