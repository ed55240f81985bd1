// Element-wise activations, bit-exact with hls4ml 1.3's io_parallel nnet_activation.h.
//
// Every kernel maps one raw input (input format) to one raw output (result format). Whatever depends
// only on the table index is computed once here: table entries are stored already converted to the
// result type (`res = (res_T)table[i]`, or `alpha * table[i]` for ELU), so the run loops are an index
// computation, a clamp and a load. What hls4ml 1.3 does per function (all casts are ap_types
// assignments to res_T with its quantization and overflow modes):
//  - linear: res = data.            relu: data > 0 ? data : 0.
//  - Keras ReLU layers with max_value/threshold/negative_slope: hls4ml 1.3's Keras converter turns
//    them into a plain relu activation and drops the parameters (checked with ReLU(max_value=6)
//    goldens), so `.reluParameters` is computed as relu.
//  - leaky_relu / prelu: data > 0 ? data : alpha * data, alpha in param_t (leaky: the Keras value
//    through a double literal; prelu: per-element weights written as '{:.Ff}' text, F = param_t's
//    fraction bits), the product at full precision.
//  - thresholded_relu: data > theta ? data : 0, theta in param_t, compared exactly.
//  - sigmoid/softplus/softsign: index = int(data * N / 16) + 8·N/16; tanh: int(data * N / 8) + 4·N/8;
//    clamped to [0, N-1]; res = table[index].
//  - elu: data >= 0 ? data : alpha * table[min(int(data * N / -8), N-1)], alpha in param_t.
//  - selu: data >= 0 ? λ * data (λ = 1.0507009873554805 as ap_ufixed<16,1>) : table[clamp(int(data*N/-8))].
//  - hard_sigmoid: y = slope * data + shift with slope 0.2 as ap_ufixed<16,0> and shift 0.5 as
//    ap_ufixed<2,0>, exact; clamped to [0, 1] in that exact type; res = y.

import FixedPoint
import Graph

/// Builds the kernel of an activation node.
enum ActivationKernels {
    /// hard_sigmoid's slope type (HardActivation's slope_t) and shift type.
    static let hardSlopeFormat = try! FixedFormat(width: 16, integerBits: 0, signed: false)
    static let hardShiftFormat = try! FixedFormat(width: 2, integerBits: 0, signed: false)
    /// nnet::selu's `ap_ufixed<16,1>` λ.
    static let seluLambdaFormat = try! FixedFormat(width: 16, integerBits: 1, signed: false)

    static func make(_ ctx: KernelContext, _ a: Activation) throws -> any LayerKernel {
        guard ctx.inputFormats.count == 1 else { throw ctx.error("an activation takes exactly one input") }
        let input = ctx.inputFormat, result = ctx.resultFormat, size = ctx.node.size
        guard ctx.inputShape.reduce(1, *) == size else {
            throw ctx.error("activation input has \(ctx.inputShape.reduce(1, *)) values, output \(size)")
        }
        let toResult = FastCast(from: input, to: result)
        func param() throws -> FixedFormat {
            guard let p = ctx.node.types.param else { throw ctx.error("no param type assigned (param_t)") }
            return p
        }
        func table() throws -> (FixedFormat, Int) {
            guard let t = ctx.node.types.table else { throw ctx.error("no table type assigned (table_t)") }
            guard a.tableSize >= 1 && a.tableSize <= 1 << 24 else {
                throw ctx.error("table size \(a.tableSize) is not within 1...2^24")
            }
            return (t, a.tableSize)
        }
        switch a.function {
        case .linear:
            return LinearKernel(cast: toResult, size: size)
        case .relu, .reluParameters:
            return ReluKernel(cast: toResult, size: size)
        case .leakyRelu(let alpha):
            let p = try param()
            let raw = Int64(truncatingIfNeeded: p.quantize(alpha))
            return try LeakyKernel(cast: toResult, alpha: [Int64](repeating: raw, count: size),
                                   product: product(p, input, result, ctx), size: size)
        case .prelu(let alphas):
            let p = try param()
            guard alphas.count == size else {
                throw ctx.error("PReLU has \(alphas.count) alphas for \(size) values")
            }
            guard p.fitsInt64 else { throw ctx.error("param format \(p) is wider than 64 bits") }
            let raw = try WeightText.quantize(alphas, to: p, layer: ctx.node.name, what: "PReLU alpha")
            return try LeakyKernel(cast: toResult, alpha: raw, product: product(p, input, result, ctx), size: size)
        case .thresholdedRelu(let theta):
            let p = try param()
            return ThresholdKernel(cast: toResult, threshold: threshold(p.quantize(theta), param: p, input: input),
                                   size: size)
        case .sigmoid, .softplus, .softsign, .tanh:
            let (t, n) = try table()
            let kind: ActivationTables.Kind
            switch a.function {
            case .sigmoid: kind = .sigmoid
            case .softplus: kind = .softplus
            case .softsign: kind = .softsign
            default: kind = .tanh
            }
            let range = kind == .tanh ? 8 : 16
            let entries = ActivationTables.raw(kind, size: n, format: t).map {
                ActivationMath.convert($0, from: t, to: result)
            }
            // `R/2 * table_size / R` in unsigned int arithmetic, then added to an int.
            let offset = Int32(bitPattern: (UInt32(range / 2) &* UInt32(n)) / UInt32(range))
            return CenteredTableKernel(table: entries, index: ScaledIndex(size: n, range: range, input: input),
                                       offset: offset, size: size)
        case .elu(let alpha):
            let (t, n) = try table()
            let p = try param()
            let alphaRaw = p.quantize(alpha)
            let scaled = try product(p, t, result, ctx)
            let entries = ActivationTables.raw(.elu, size: n, format: t).map { raw -> Int64 in
                Int64(truncatingIfNeeded: scaled.cast.apply(alphaRaw * raw))
            }
            return EluKernel(cast: toResult, table: entries, index: ScaledIndex(size: n, range: -8, input: input),
                             size: size)
        case .selu:
            let (t, n) = try table()
            let lambda = Int64(truncatingIfNeeded: seluLambdaFormat.quantize(1.0507009873554805))
            let entries = ActivationTables.raw(.selu, size: n, format: t).map {
                ActivationMath.convert($0, from: t, to: result)
            }
            return SeluKernel(lambda: lambda, scale: try product(seluLambdaFormat, input, result, ctx), table: entries,
                              index: ScaledIndex(size: n, range: -8, input: input), size: size)
        case .hardSigmoid:
            return try HardSigmoidKernel(input: input, result: result, size: size, ctx: ctx)
        case .softmax:
            return try SoftmaxKernels.make(ctx, a)
        }
    }

    static func product(_ a: FixedFormat, _ b: FixedFormat, _ result: FixedFormat, _ ctx: KernelContext) throws -> ProductCast {
        do {
            return try ProductCast(a, b, to: result)
        } catch {
            throw ctx.error(error.message)
        }
    }

    /// The largest raw input t such that `x > theta` ⟺ `x_raw > t` (exact comparison of values in
    /// two formats), clamped into Int64.
    static func threshold(_ theta: Int128, param: FixedFormat, input: FixedFormat) -> Int64 {
        let d = input.fractionBits - param.fractionBits
        var t: Int128
        if d >= 0 {
            // theta·2^d, saturating: any value beyond Int64 compares like the bound.
            if d >= 64 || theta.magnitude >= (UInt128(1) << UInt128(126 - d)) {
                t = theta > 0 ? Int128(Int64.max) : theta < 0 ? Int128(Int64.min) : 0
            } else {
                t = theta << Int128(d)
            }
        } else {
            // x > theta/2^k ⟺ x > floor(theta/2^k) for integer x.
            t = -d >= 127 ? (theta < 0 ? -1 : 0) : theta >> Int128(-d)
        }
        t = min(max(t, Int128(Int64.min)), Int128(Int64.max))
        return Int64(t)
    }
}

/// linear: a cast to the result type (nnet::linear).
struct LinearKernel: LayerKernel {
    let cast: FastCast
    let size: Int

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0]
        for i in 0..<(batch * size) { output[i] = cast.apply(x[i]) }
    }
}

/// relu: x > 0 ? x : 0.
struct ReluKernel: LayerKernel {
    let cast: FastCast
    let size: Int

    /// Same input and result format: the producing layer can compute it (LayerKernel.fusingRelu).
    var isFusable: Bool { cast.isIdentity }

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0], n = batch * size
        // The cast's kind is chosen once per tile, not per element; equal formats need no cast at all.
        if cast.isIdentity {
            for i in 0..<n { output[i] = max(x[i], 0) }
        } else if let simple = cast.simple {
            for i in 0..<n {
                // Both sides computed, then selected: random signs would mispredict a branch.
                let v = x[i], c = simple.apply(v)
                output[i] = v > 0 ? c : 0
            }
        } else {
            for i in 0..<n {
                let v = x[i], c = cast.general.apply(v)
                output[i] = v > 0 ? c : 0
            }
        }
    }
}

/// leaky_relu and prelu: x > 0 ? x : alpha[i]·x (one alpha per element of a sample).
struct LeakyKernel: LayerKernel {
    let cast: FastCast
    let alpha: [Int64]
    let product: ProductCast
    let size: Int

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        // Locals: stores through `output` could alias fields of self, which would be reloaded per element.
        let cast = self.cast, product = self.product
        alpha.withUnsafeBufferPointer { a in
            for s in 0..<batch {
                let x = inputs[0] + s * size, out = output + s * size
                for i in 0..<size {
                    let v = x[i], c = cast.apply(v), p = product(a[i], v)
                    out[i] = v > 0 ? c : p
                }
            }
        }
    }
}

/// thresholded_relu: x > theta ? x : 0 (theta pre-aligned to the input's raw scale).
struct ThresholdKernel: LayerKernel {
    let cast: FastCast
    let threshold: Int64
    let size: Int

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0]
        for i in 0..<(batch * size) {
            let v = x[i], c = cast.apply(v)
            output[i] = v > threshold ? c : 0
        }
    }
}

/// sigmoid, tanh, softplus, softsign: a table over a symmetric range, entries in the result format.
struct CenteredTableKernel: LayerKernel {
    let table: [Int64]
    let index: ScaledIndex
    let offset: Int32
    let size: Int

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0]
        table.withUnsafeBufferPointer { t in
            let last = Int32(t.count - 1)
            for i in 0..<(batch * size) {
                // int index = data_round + offset (unsigned arithmetic, back to int), then the clamps.
                var k = index(x[i]) &+ offset
                if k < 0 { k = 0 }
                if k > last { k = last }
                output[i] = t[Int(k)]
            }
        }
    }
}

/// elu: x >= 0 ? x : (alpha·table)[min(int(x·N/-8), N-1)].
struct EluKernel: LayerKernel {
    let cast: FastCast
    let table: [Int64]
    let index: ScaledIndex
    let size: Int

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0]
        table.withUnsafeBufferPointer { t in
            let last = UInt32(t.count - 1)
            for i in 0..<(batch * size) {
                // Both branches computed (the index of a non-negative input is harmless), then selected.
                let v = x[i], c = cast.apply(v)
                // Only the upper clamp, compared as unsigned (int vs unsigned in C++).
                let k = min(UInt32(bitPattern: index(v)), last)
                let e = t[Int(k)]
                output[i] = v >= 0 ? c : e
            }
        }
    }
}

/// selu: x >= 0 ? λ·x : table[clamp(int(x·N/-8), 0, N-1)].
struct SeluKernel: LayerKernel {
    let lambda: Int64
    let scale: ProductCast
    let table: [Int64]
    let index: ScaledIndex
    let size: Int

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0]
        table.withUnsafeBufferPointer { t in
            let last = Int32(t.count - 1)
            for i in 0..<(batch * size) {
                let v = x[i], c = scale(lambda, v)
                var k = index(v)
                if k < 0 { k = 0 } else if k > last { k = last }
                let e = t[Int(k)]
                output[i] = v >= 0 ? c : e
            }
        }
    }
}

/// hard_sigmoid: clamp(slope·x + shift, 0, 1) computed exactly, then cast.
struct HardSigmoidKernel: LayerKernel {
    let slope: Int64
    /// shift aligned to the sum's fraction bits, and 1.0 in them.
    let shift: Int128
    let one: Int128
    /// Left shift of slope·x into the sum's fraction bits.
    let productShift: Int
    /// From the exact sum (clamped to [0, 1]) to the result.
    let cast: FastCast
    let size: Int
    /// slope·x·2^productShift + shift fits Int64.
    let narrow: Bool

    init(input: FixedFormat, result: FixedFormat, size: Int, ctx: KernelContext) throws {
        let slopeFormat = ActivationKernels.hardSlopeFormat, shiftFormat = ActivationKernels.hardShiftFormat
        slope = Int64(truncatingIfNeeded: slopeFormat.quantize(0.2))
        let productFraction = slopeFormat.fractionBits + input.fractionBits
        let fraction = max(productFraction, shiftFormat.fractionBits)
        guard fraction + 3 <= 128 else { throw ctx.error("hard_sigmoid on \(input) needs more than 128 bits") }
        productShift = fraction - productFraction
        shift = shiftFormat.quantize(0.5) << Int128(fraction - shiftFormat.fractionBits)
        one = Int128(1) << Int128(fraction)
        // Values in [0, 1] with `fraction` bits: ap_fixed<fraction+2, 2> holds them exactly.
        cast = FastCast(from: try FixedFormat(width: fraction + 2, integerBits: 2), to: result)
        self.size = size
        let inputBits = input.width + (input.isSigned ? 0 : 1)
        narrow = inputBits + slopeFormat.width + productShift + 2 <= 62 && fraction + 2 <= 62
    }

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0]
        if narrow {
            let shift = Int64(self.shift), one = Int64(self.one), s = Int64(productShift)
            for i in 0..<(batch * size) {
                var y = ((slope &* x[i]) &<< s) &+ shift
                if y > one { y = one } else if y < 0 { y = 0 }
                output[i] = cast.apply(y)
            }
        } else {
            for i in 0..<(batch * size) {
                var y = (Int128(slope) * Int128(x[i])) << Int128(productShift) + shift
                if y > one { y = one } else if y < 0 { y = 0 }
                output[i] = Int64(truncatingIfNeeded: cast.general.apply(y))
            }
        }
    }
}
