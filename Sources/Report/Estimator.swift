// The analytic estimator: latency, initiation interval and resources of a design, per layer, without
// vendor tools, from the same facts the firmware (Firmware/*.h) is built on.
//
// Model (io_parallel; every figure is an estimate, see "Trust" below):
//
// Multipliers. A product is classified by its operands:
//  - Latency strategy (weights are constants in the netlist; Vitis HLS and Vivado fold constants):
//    a weight that quantizes to 0 costs nothing (hls4ml also counts them as `n_zeros`); a weight of
//    ±2^k is a shift (no multiplier). Otherwise the constant's effective width is its significant bits
//    once trailing zeros are dropped (`0.25 + 0.125 = 0b0.011` → 2 bits + sign). Vitis HLS binds a
//    multiplication to a DSP48E2 (27×18 signed) unless an operand is narrow; narrow products become
//    LUT shift-and-add logic. Rule: LUT when the data width ≤ `lutDataBits` (10) or the constant's
//    effective width ≤ `lutConstantBits` (calibrated, see below); DSP otherwise. Operands wider than
//    27×18 take ceil(a/27)·ceil(b/18) DSPs (cascaded partial products).
//  - Resource strategy (weights read from a ROM: not constants): one multiplier per product of a step,
//    ceil(n_in·n_out / RF) of them; DSP unless an operand is ≤ `lutDataBits` wide.
//  - Latency strategy with RF > 1: hls4ml limits `mul` instances to ceil(n/RF) − n_zeros/RF; the
//    DSP count is min(DSP products, that limit), and only when the limit binds are products shared.
//
// Timing. Each layer is scheduled as a chain of operations on a clock whose usable part is the period
// minus Vitis HLS's default clock uncertainty (27%): an operation that does not fit in what is left of
// the current cycle starts the next one, ROM reads take a whole cycle (synchronous block/LUT ROM),
// and every non-inlined layer function registers its outputs. Operation delays (UltraScale+ -2,
// typical of Vitis HLS's own schedule estimates): DSP multiply 2.2 ns, adder 0.6 ns (+0.02 ns per bit
// above 16), compare-and-select 0.7 ns, LUT constant multiply 0.6 ns per adder level. A Dense layer is
// the products followed by a balanced adder tree of ceil(log2(n_in + 1)) levels (the bias is the
// accumulator's start value). ReLU-like activations are a compare-and-select chained into the next
// layer (hls4ml's activations are inlined into the top-level pipeline). Softmax (stable) is a max tree,
// a subtraction, an exp-table read, a sum tree, an inverse-table read and a multiply. The design adds
// one cycle for the top function's registered outputs. II is the largest layer II: RF for pipelined
// layers (Latency: `PIPELINE II=RF`; Resource: a reuse loop of RF steps at II 1), the pixel count × RF
// for convolutions (one output pixel per iteration). Latency strategy with RF > 1 lengthens the
// schedule by RF − 1 cycles only where the multiplier limit binds. Samples/s = clock / II.
//
// Area. LUT: accumulator adders (half a LUT per accumulator bit per product added: ternary adders),
// LUT multipliers ((nonzero canonical-signed digits − 1) adders of the product width, same rate), casts with rounding or
// saturation (one LUT per result bit), compare-and-select activations (one per bit), table address
// logic, plus 10% control/routing overhead. FF: every cycle boundary registers the values live at
// that point (at most `partialSumsPerOutput` partial sums per output inside an adder tree, or the
// outputs). BRAM (18 Kb):
// Resource-strategy weight ROMs (RF > 1: width block·weight bits, depth RF; ROMs shallower than 64
// entries go to LUTRAM, as Vitis HLS does by default for small ROMs), and activation tables
// (1024 × 18 bits per pair of parallel reads).
//
// Calibration: the published 3-layer jet tagger (16→64→32→32→5, ReLU, softmax) on xcu250 at 5 ns,
// ap_fixed<16,6>, Vitis HLS: RF 1 → 14 cycles, II 1, 1,502 DSP, ~102k LUT, 9.4k FF; RF 2 → 13
// cycles, II 2, 1,476 DSP (`swift test --filter CalibrationTests` prints the deviation).
// `lutConstantBits` = 8 is the one fitted constant of the DSP rule: on that model's trained weights
// (4,256 products: 12 zero, 126 powers of two, 2,613 constants of ≤ 8 significant bits sign included,
// 1,505 wider) it gives ~1,505 DSPs, in line with hls4ml's observation that Vivado builds products
// of operands up to ~8-10 bits in LUTs. `lutsPerAdderBit` and `partialSumsPerOutput` were fitted to
// the LUT and FF figures (not part of the ±20% requirement).
// The DSP count therefore depends on the weights: random weights of the same architecture give more
// DSPs than the trained (partly small) ones. Trust: latency/II ±1–2 cycles on Dense networks, DSP
// ±20%, LUT/FF ±30–50%; convolutions, pooling and merges are coarser.

import FixedPoint
import Graph

/// Tunable constants of the estimator (defaults are the calibrated ones; see the file comment).
public struct EstimatorModel: Sendable, Equatable {
    /// Vitis HLS's default clock uncertainty as a fraction of the period.
    public var clockUncertainty = 0.27
    /// DSP multiply delay, ns.
    public var dspMultiplyNs = 2.2
    /// Adder delay for ≤ 16-bit operands, ns.
    public var addNs = 0.6
    /// Extra adder delay per bit above 16, ns.
    public var addPerBitNs = 0.02
    /// Compare-and-select delay (ReLU, max), ns.
    public var compareNs = 0.7
    /// Data operands at most this wide make the product a LUT multiplier.
    public var lutDataBits = 10
    /// Constants with at most this many significant bits (sign included) make the product a LUT multiplier.
    public var lutConstantBits = 8
    /// LUTs per adder bit: UltraScale+ builds three-input adders in one LUT6 + CARRY8 level (UG574), so
    /// adder trees and shift-and-add chains cost about half a LUT per bit per operand added.
    public var lutsPerAdderBit = 0.5
    /// Registers kept inside a multi-cycle adder tree, in accumulators per output (calibrated: Vitis
    /// HLS places the cut late in the tree, where few partial sums are live).
    public var partialSumsPerOutput = 3
    /// Fraction of LUTs added for control and routing.
    public var lutOverhead = 0.10

    /// The calibrated model.
    public init() {}
}

/// What the estimator says about one layer.
public struct LayerEstimate: Sendable, Codable, Equatable {
    /// Layer name.
    public var name: String
    /// Layer class (fpgarun's kind).
    public var kind: String
    /// Latency in clock cycles.
    public var latency: Int
    /// Initiation interval in cycles.
    public var ii: Int
    /// DSP48E2 slices.
    public var dsp: Int
    /// LUTs.
    public var lut: Int
    /// Flip-flops.
    public var ff: Int
    /// 18-Kb block RAMs.
    public var bram: Int
    /// Multiplications per sample (as `fpgarun show` counts them).
    public var multiplies: Int
    /// Products mapped to DSPs.
    public var dspMultiplies: Int
    /// Products mapped to LUT logic.
    public var lutMultiplies: Int
    /// Products that cost nothing (zero weights, powers of two).
    public var freeMultiplies: Int

    /// An estimate with everything zero except the names.
    public init(name: String, kind: String) {
        self.name = name
        self.kind = kind
        latency = 0; ii = 1; dsp = 0; lut = 0; ff = 0; bram = 0
        multiplies = 0; dspMultiplies = 0; lutMultiplies = 0; freeMultiplies = 0
    }
}

/// Totals of a design.
public struct DesignTotals: Sendable, Codable, Equatable {
    /// Latency in clock cycles.
    public var latency: Int
    /// Initiation interval in cycles.
    public var ii: Int
    /// DSP48E2 slices.
    public var dsp: Int
    /// LUTs.
    public var lut: Int
    /// Flip-flops.
    public var ff: Int
    /// 18-Kb block RAMs.
    public var bram: Int
}

/// The estimate of a whole design.
public struct DesignEstimate: Sendable, Codable, Equatable {
    /// The model's name.
    public var model: String
    /// The FPGA part.
    public var part: String
    /// Clock period, ns.
    public var clockPeriodNs: Double
    /// Per-layer figures, in graph order (the input layer included, with zeros).
    public var layers: [LayerEstimate]
    /// Whole-design figures.
    public var total: DesignTotals
    /// Latency in ns at the clock.
    public var latencyNs: Double
    /// Samples per second at the clock (clock / II).
    public var samplesPerSecond: Double
    /// What the part offers, when the part is known.
    public var available: PartResources?
    /// Warnings: resources beyond the part, Vitis HLS limits.
    public var warnings: [String]
}

/// The analytic estimator (see the file comment for the model and its sources).
public struct Estimator: Sendable {
    /// The constants used.
    public var model: EstimatorModel

    /// An estimator with the calibrated constants.
    public init(model: EstimatorModel = EstimatorModel()) {
        self.model = model
    }

    /// Vitis HLS refuses or warns beyond this many completely partitioned elements or unrolled
    /// operations per loop nest (the limit hls4ml documents for io_parallel Latency designs).
    public static let unrollLimit = 4096

    /// Estimates `graph` (after the standard passes) on `part` at `clockPeriodNs`.
    public func estimate(_ graph: Graph, part: String, clockPeriodNs: Double) -> DesignEstimate {
        var layers: [LayerEstimate] = []
        var warnings: [String] = []
        var chain = Chain(usable: clockPeriodNs * (1 - model.clockUncertainty))
        for node in graph.nodes {
            var e = LayerEstimate(name: node.name, kind: node.op.kind)
            e.multiplies = node.multiplyCount
            if node.id != graph.input {
                let inputFormat = graph.nodes[node.inputs[0]].types.result
                let before = chain.cycles
                estimateLayer(node, input: inputFormat, graph: graph, chain: &chain, into: &e)
                e.latency += chain.cycles - before
            }
            warnings += limitWarnings(node)
            layers.append(e)
        }
        chain.register(liveBits: 0, ff: nil)  // the top function's registered outputs
        let latency = chain.cycles + 1
        let total = DesignTotals(
            latency: latency, ii: layers.map(\.ii).max() ?? 1, dsp: layers.map(\.dsp).reduce(0, +),
            lut: layers.map(\.lut).reduce(0, +), ff: layers.map(\.ff).reduce(0, +) + graph.outputSize * graph.nodes[graph.output].types.result.width,
            bram: layers.map(\.bram).reduce(0, +))
        let available = PartResources.named(part)
        if let a = available {
            for (what, used, has) in [("DSP", total.dsp, a.dsp), ("LUT", total.lut, a.lut), ("FF", total.ff, a.ff),
                                      ("BRAM_18K", total.bram, a.bram18k)] where used > has {
                warnings.append("estimated \(what) \(used) exceeds the \(has) of part \(a.part)")
            }
        } else {
            warnings.append("part '\(part)' is not in fpgarun's resource table; resources are not checked")
        }
        return DesignEstimate(model: graph.name, part: part, clockPeriodNs: clockPeriodNs, layers: layers, total: total,
                              latencyNs: Double(latency) * clockPeriodNs,
                              samplesPerSecond: 1e9 / (clockPeriodNs * Double(max(1, total.ii))),
                              available: available, warnings: warnings)
    }

    // MARK: - Layers

    private func addNs(_ bits: Int) -> Double { model.addNs + model.addPerBitNs * Double(max(0, bits - 16)) }

    private func estimateLayer(_ node: Node, input: FixedFormat, graph: Graph, chain: inout Chain, into e: inout LayerEstimate) {
        let result = node.types.result
        switch node.op {
        case .input, .reshape:
            break
        case .dense(let d):
            matrix(node, input: input, nIn: d.inputs, nOut: d.outputs, weights: d.weights, uses: 1, pixels: 1,
                   chain: &chain, into: &e)
        case .conv(let c):
            let nIn = c.kernel.reduce(1, *) * c.inChannels
            let pixels = node.size / c.filters
            matrix(node, input: input, nIn: nIn, nOut: c.filters, weights: c.weights, uses: pixels, pixels: pixels,
                   chain: &chain, into: &e)
        case .batchNorm(let b):
            let w = node.types.scale ?? .hlsDefault
            let channels = b.scale.count
            var dsp = 0, lutMul = 0, free = 0, lutCost = 0
            for s in b.scale {
                switch classify(constant: s, format: w, data: input) {
                case .free: free += 1
                case .lut(let adders, let bits): lutMul += 1; lutCost += adders * bits
                case .dsp(let n): dsp += n
                }
            }
            let per = node.size / max(1, channels)
            e.dsp = dsp * per; e.dspMultiplies = (channels - free - lutMul) * per
            e.lutMultiplies = lutMul * per; e.freeMultiplies = free * per
            e.lut = Int(Double(lutCost * per + node.size * result.width) * model.lutsPerAdderBit)
            chain.add(e.dspMultiplies > 0 ? model.dspMultiplyNs : model.addNs, liveBits: 0)
            chain.add(addNs(result.width), liveBits: 0)
            e.ff += chain.register(liveBits: node.size * result.width, ff: ())
            e.ii = node.reuseFactor
        case .activation(let a):
            activation(node, a, input: input, chain: &chain, into: &e)
        case .pool(let p):
            let window = p.global ? graph.nodes[node.inputs[0]].size / max(1, node.shape.last ?? 1) : p.size.reduce(1, *)
            let levels = ceilLog2(window)
            for _ in 0..<levels { chain.add(p.kind == .max ? model.compareNs : addNs(input.width + levels), liveBits: 0) }
            e.lut = node.size * max(1, window - 1) * input.width
            e.ff += chain.register(liveBits: node.size * result.width, ff: ())
        case .merge(let m):
            if m.kind != .concatenate {
                if m.kind == .multiply {
                    let n = dspCount(input.width, input.width)
                    e.dsp = n * node.size; e.dspMultiplies = node.size
                    chain.add(model.dspMultiplyNs, liveBits: 0)
                } else {
                    e.lut = node.size * result.width
                    chain.add(m.kind == .maximum || m.kind == .minimum ? model.compareNs : addNs(result.width), liveBits: 0)
                }
                e.ff += chain.register(liveBits: node.size * result.width, ff: ())
            }
        case .zeroPad, .upSample:
            break  // wiring in io_parallel
        }
        e.lut = Int((Double(e.lut) * (1 + model.lutOverhead)).rounded())
    }

    /// How one constant multiplication is built.
    enum Product: Equatable {
        /// Zero or ±2^k: no multiplier.
        case free
        /// Shift-and-add: `adders` adders of `bits` bits.
        case lut(adders: Int, bits: Int)
        /// `n` DSP slices.
        case dsp(Int)
    }

    /// Classifies data × constant `value` (quantized to `format`) as free, LUT or DSP.
    func classify(constant value: Double, format: FixedFormat, data: FixedFormat) -> Product {
        let raw = format.quantize(value)
        if raw == 0 { return .free }
        var m = raw.magnitude
        while m & 1 == 0 { m >>= 1 }
        if m == 1 { return .free }
        let significant = 128 - m.leadingZeroBitCount + 1  // + sign
        if data.width <= model.lutDataBits || significant <= model.lutConstantBits {
            return .lut(adders: max(1, nonzeroDigits(m) - 1), bits: data.width + significant)
        }
        return .dsp(dspCount(data.width, significant))
    }

    /// DSP48E2 slices for an a×b-bit signed product (27×18 each, cascaded beyond that).
    func dspCount(_ a: Int, _ b: Int) -> Int {
        let (wide, narrow) = (max(a, b), min(a, b))
        return ((wide + 26) / 27) * ((narrow + 17) / 18)
    }

    /// Nonzero digits of `m` in canonical signed-digit form (the adders a constant multiplier needs + 1).
    func nonzeroDigits(_ m: UInt128) -> Int {
        var x = m, count = 0
        while x != 0 {
            if x & 1 == 1 {
                count += 1
                // A run of ones becomes +2^k − 2^j: step over it as one digit pair.
                if x & 2 == 2 { x += 1 } else { x -= 1 }
            }
            x >>= 1
        }
        return count
    }

    private func matrix(_ node: Node, input: FixedFormat, nIn: Int, nOut: Int, weights: [Double], uses: Int, pixels: Int,
                        chain: inout Chain, into e: inout LayerEstimate) {
        let w = node.types.weight ?? .hlsDefault
        let accum = node.types.accum ?? .hlsDefault
        let result = node.types.result
        let rf = max(1, node.reuseFactor)
        let n = nIn * nOut
        var dspProducts = 0, dspSlices = 0, lutProducts = 0, free = 0, lutCost = 0
        if node.strategy == .latency {
            for v in weights {
                switch classify(constant: v, format: w, data: input) {
                case .free: free += 1
                case .lut(let adders, let bits): lutProducts += 1; lutCost += adders * bits
                case .dsp(let k): dspProducts += 1; dspSlices += k
                }
            }
            // hls4ml's ALLOCATION limit on multipliers; only DSPs are counted against it here.
            let zeros = weights.lazy.filter { w.quantize($0) == 0 }.count
            let limit = (n + rf - 1) / rf - zeros / rf
            if dspProducts > limit {
                dspSlices = dspSlices * limit / max(1, dspProducts)
            }
        } else {
            let block = (n + rf - 1) / rf
            if input.width <= model.lutDataBits || w.width <= model.lutDataBits {
                lutProducts = block; lutCost = block * input.width * w.width / 2
            } else {
                dspProducts = block; dspSlices = block * dspCount(input.width, w.width)
            }
            free = 0
        }
        // Convolutions process one output pixel per pipeline iteration: the multipliers are one pixel's.
        e.dspMultiplies = dspProducts * uses
        e.lutMultiplies = lutProducts * uses
        e.freeMultiplies = free * uses
        e.dsp = dspSlices
        let summed = node.strategy == .latency ? (n - free) : (n + rf - 1) / rf
        e.lut = Int(Double(lutCost + summed * accum.width) * model.lutsPerAdderBit) + nOut * castCost(result)
        let productBits = input.width + w.width
        let levels = ceilLog2(nIn + 1)
        if node.strategy == .latency {
            // Products, then the adder tree; partial sums at level L are nOut·ceil((nIn+1)/2^L) values.
            var live = nOut * model.partialSumsPerOutput * productBits
            chain.add(dspProducts > 0 ? model.dspMultiplyNs : model.addNs * 2, liveBits: live)
            var sums = nIn + 1
            for _ in 0..<levels {
                sums = (sums + 1) / 2
                live = nOut * min(sums, model.partialSumsPerOutput) * accum.width
                chain.add(addNs(accum.width), liveBits: live)
            }
            e.ff += chain.register(liveBits: nOut * result.width, ff: ())
            // Shared multipliers only lengthen the schedule when the ALLOCATION limit binds.
            let limit = (n + rf - 1) / rf
            if rf > 1 && dspProducts > limit { chain.cycles += rf - 1 }
            e.ii = rf * (pixels > 1 ? pixels : 1)
            if pixels > 1 { chain.cycles += (pixels - 1) * rf }
        } else {
            // Reuse loop: RF steps at II 1 (ROM read, multiply, accumulate), then the outputs.
            let block = (n + rf - 1) / rf
            chain.register(liveBits: 0, ff: nil)
            chain.cycles += pixels * rf + 2
            e.ff += block * productBits + nOut * accum.width * 2
            e.ii = pixels * rf + (rf > 1 ? 1 : 0)
            if rf > 1 {
                let widthBits = block * w.width
                let depth = rf
                e.bram = depth < 64 ? 0 : ((widthBits + 35) / 36) * ((depth + 511) / 512)
                if depth < 64 { e.lut += (widthBits * depth + 63) / 64 }  // LUTRAM: 64 bits per LUT
            }
        }
    }

    private func activation(_ node: Node, _ a: Activation, input: FixedFormat, chain: inout Chain, into e: inout LayerEstimate) {
        let n = node.size
        let result = node.types.result
        e.ii = max(1, node.reuseFactor)
        switch a.function {
        case .linear:
            e.lut = n * castCost(result)
        case .relu, .reluParameters, .thresholdedRelu:
            e.lut = n * result.width
            chain.add(model.compareNs, liveBits: 0)
        case .leakyRelu, .prelu:
            e.lut = n * result.width * 2
            chain.add(model.dspMultiplyNs, liveBits: 0)
        case .hardSigmoid:
            e.lut = n * result.width * 2
            chain.add(addNs(result.width) + model.compareNs, liveBits: 0)
        case .softmax:
            let slice = node.shape.last ?? n
            let levels = ceilLog2(slice)
            let table = a.tableSize
            let expBits = (node.types.expTable ?? AssignSettings.defaultSoftmaxTable).width
            let invBits = (node.types.invTable ?? AssignSettings.defaultSoftmaxTable).width
            let accum = node.types.accum ?? .hlsDefault
            if a.softmax == .stable {
                for _ in 0..<levels { chain.add(model.compareNs, liveBits: 0) }
                chain.add(addNs(input.width), liveBits: 0)
            }
            e.ff += chain.register(liveBits: n * input.width, ff: ())
            e.ff += chain.romRead(liveBits: n * expBits)        // exp-table read
            for _ in 0..<levels { chain.add(addNs(accum.width), liveBits: 0) }
            e.ff += chain.register(liveBits: (n / max(1, slice)) * accum.width + n * expBits, ff: ())
            e.ff += chain.romRead(liveBits: n * (expBits + invBits))  // inverse-table read
            chain.add(model.dspMultiplyNs, liveBits: 0)
            e.ff += chain.register(liveBits: n * result.width, ff: ())
            e.dsp = n * dspCount(expBits, invBits)
            e.dspMultiplies = n
            e.lut = n * (input.width * (a.softmax == .stable ? 2 : 0) + accum.width + result.width)
            e.bram = romBlocks(entries: table, bits: expBits, readers: n) + romBlocks(entries: table, bits: invBits, readers: n / max(1, slice))
        default:
            // Table-based functions: index logic, then one table read per element.
            let bits = (node.types.table ?? AssignSettings.defaultTable).width
            chain.add(addNs(input.width), liveBits: 0)
            e.ff += chain.register(liveBits: n * input.width, ff: ())
            e.ff += chain.romRead(liveBits: n * result.width)
            e.lut = n * input.width
            e.bram = romBlocks(entries: a.tableSize, bits: bits, readers: n)
        }
    }

    /// 18-Kb block RAMs for a ROM read by `readers` elements at once (two ports per copy).
    private func romBlocks(entries: Int, bits: Int, readers: Int) -> Int {
        let per = ((bits + 17) / 18) * ((entries + 1023) / 1024)
        return per * ((readers + 1) / 2)
    }

    /// LUTs per element of a cast into `f`: rounding adds an incrementer, saturation a clamp.
    private func castCost(_ f: FixedFormat) -> Int {
        (f.quantization == .trn ? 0 : f.width) + (f.overflow == .wrap ? 0 : f.width)
    }

    private func limitWarnings(_ node: Node) -> [String] {
        var out: [String] = []
        let limit = Self.unrollLimit
        if case .dense(let d) = node.op, node.strategy == .latency {
            let n = (d.inputs * d.outputs + node.reuseFactor - 1) / max(1, node.reuseFactor)
            if n > limit {
                out.append("layer '\(node.name)': \(n) multiplications unrolled per step (n_in·n_out/RF) exceed Vitis HLS's unroll limit of \(limit); use the Resource strategy or a larger ReuseFactor")
            }
        }
        if case .conv(let c) = node.op, node.strategy == .latency {
            let n = c.kernel.reduce(1, *) * c.inChannels * c.filters / max(1, node.reuseFactor)
            if n > limit {
                out.append("layer '\(node.name)': \(n) multiplications per pixel exceed Vitis HLS's unroll limit of \(limit)")
            }
        }
        if node.size > limit {
            out.append("layer '\(node.name)': output of \(node.size) elements is completely partitioned in io_parallel, beyond Vitis HLS's \(limit)-element partition limit")
        }
        return out
    }
}

/// ceil(log2(n)) for n ≥ 1 (0 for n ≤ 1).
func ceilLog2(_ n: Int) -> Int {
    n <= 1 ? 0 : Int.bitWidth - (n - 1).leadingZeroBitCount
}

/// A running schedule: operations fill the usable part of each cycle; boundaries register live values.
struct Chain {
    /// Usable ns per cycle.
    let usable: Double
    /// Completed cycle boundaries so far.
    var cycles = 0
    /// ns used in the current cycle.
    var used = 0.0
    /// Bits live at the last operation (what a boundary would register).
    var live = 0
    /// FF registered by boundaries forced inside `add` since the last `register`.
    var ffSinceMark = 0

    init(usable: Double) {
        self.usable = usable
    }

    /// Adds an operation of `ns`; `liveBits` are the values it produces (registered if a boundary follows).
    mutating func add(_ ns: Double, liveBits: Int) {
        if used + ns > usable && used > 0 {
            cycles += 1
            ffSinceMark += live
            used = 0
        }
        used += ns
        if used > usable {  // a single operation longer than a cycle is pipelined over several
            cycles += Int((used / usable).rounded(.up)) - 1
            used = used.truncatingRemainder(dividingBy: usable)
        }
        if liveBits > 0 { live = liveBits }
    }

    /// A synchronous ROM read: closes the current cycle, then takes one whole cycle; returns the FF of
    /// both boundaries.
    mutating func romRead(liveBits: Int) -> Int {
        let before = register(liveBits: live, ff: ())
        cycles += 1
        return before + liveBits
    }

    /// Ends the current cycle (if anything is in it) registering `liveBits`; returns the FF so added
    /// (0 when `ff` is nil, used for boundaries whose registers are counted elsewhere).
    @discardableResult
    mutating func register(liveBits: Int, ff: Void?) -> Int {
        defer { ffSinceMark = 0 }
        let extra = ffSinceMark
        guard used > 0 else { return ff == nil ? 0 : extra }
        cycles += 1
        used = 0
        live = 0
        return ff == nil ? 0 : liveBits + extra
    }
}
