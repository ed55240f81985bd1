// Softmax, bit-exact with hls4ml 1.3's io_parallel nnet_activation.h (default implementation: stable).
//
// Types (hls4ml 1.3, Vitis/Vivado backends): exp_table_t, inv_table_t and inv_inp_t default to
// ap_fixed<18,8,AP_RND,AP_SAT>; accum_t is the layer's `accum` precision, i.e. the model default
// (the config template computes a widened accum type but never emits it); the stable version's
// inp_norm_t is ap_ufixed<W-1,I-1> for a signed input ap_fixed<W,I> (ap_ufixed<W,I> if unsigned).
// Table sizes: fix_softmax_table_size lowers TableSize to 2^min(input width, inv_table_t width) when
// that is smaller; then exp_table_size = inv_table_size = TableSize, except that the stable version
// with a signed input caps exp_table_size at 2^(W-1). A table of S entries is addressed by the top
// ceillog2(S) bits of the raw two's-complement pattern (softmax_idx_from_real_val), and its entry i
// is computed from the value whose top bits are i and the rest zero.
//
// stable:  m = max(x); d_i = inp_norm_t(m - x_i) (wraps for differences ≥ 2^(I-1));
//          e_i = accum_t(exp_table[top(d_i)]), exp_table[k] = exp(-value(k));
//          s = nnet::reduce of e_i with every add cast to accum_t; s' = inv_inp_t(s);
//          y_i = res_T(e_i * inv_table[top(s')]), inv_table[k] = 1.0f / value(k) (exact product).
// latency: as stable without the max: e_i = accum_t(exp_table[top(x_i)]), exp_table[k] = exp(value(k)).
// legacy:  tables typed nnet::activ_config's ap_fixed<18,8> (the softmax config struct does not
//          override table_t): s_i = Σ_j (i == j ? 1 : exp_table[clamp(int((x_j - x_i)·N/16) + N/2)])
//          accumulated in that type (wraps), y_i = res_T(inv_table[clamp(int(s_i·N/64))]).
// argmax:  y = 0 everywhere and 1 at the first strict maximum.
//
// The softmax runs over the last axis; for the 1-D inputs of Dense networks that is the whole vector.
// (hls4ml's Keras-2 converter leaves n_outer = n_inner = 1 for multi-dimensional inputs and so
// normalises over the whole flattened tensor; the graph's op is defined per last axis.)

import FixedPoint
import Graph

/// Builds softmax kernels.
enum SoftmaxKernels {
    /// hls4ml's default exp_table_t / inv_table_t / inv_inp_t.
    static let defaultTable = try! FixedFormat(width: 18, integerBits: 8, quantization: .rnd, overflow: .sat)
    /// The legacy implementation's table type: nnet::activ_config::table_t.
    static let legacyTable = try! FixedFormat(width: 18, integerBits: 8)

    static func make(_ ctx: KernelContext, _ a: Activation) throws -> any LayerKernel {
        let input = ctx.inputFormat, result = ctx.resultFormat, size = ctx.node.size
        let n = max(1, ctx.inputShape.last ?? size)
        guard size % n == 0 else { throw ctx.error("softmax slice of \(n) does not divide \(size) values") }
        let slices = size / n
        let expFormat = ctx.node.types.expTable ?? defaultTable
        let invFormat = ctx.node.types.invTable ?? defaultTable
        // inv_inp_t has no per-layer setting in the graph yet: hls4ml's default.
        let invInput = defaultTable
        guard a.tableSize >= 1 && a.tableSize <= 1 << 24 else {
            throw ctx.error("table size \(a.tableSize) is not within 1...2^24")
        }
        // fix_softmax_table_size (applies to every implementation).
        var tableSize = a.tableSize
        let capBits = min(input.width, invFormat.width)
        if capBits < 24 && 1 << capBits < tableSize { tableSize = 1 << capBits }

        switch a.softmax {
        case .argmax:
            let one = Int64(truncatingIfNeeded: FixedCast(from: try FixedFormat.int(32), to: result).apply(Int128(1)))
            return SoftmaxArgmaxKernel(one: one, n: n, slices: slices)
        case .legacy:
            return try SoftmaxLegacyKernel(ctx, input: input, result: result, size: tableSize, n: n, slices: slices)
        case .stable, .latency:
            guard tableSize & (tableSize - 1) == 0 else {
                throw ctx.error("softmax \(a.softmax.rawValue) needs a power-of-two table size, got \(tableSize)")
            }
            guard let accum = ctx.node.types.accum else { throw ctx.error("no accum type assigned (accum_t)") }
            for (what, f) in [("accum", accum), ("exp_table", expFormat), ("inv_table", invFormat)] where !f.fitsInt64 {
                throw ctx.error("softmax \(what) format \(f) is wider than the emulator's 64-bit values")
            }
            guard accum.width <= 62 else { throw ctx.error("softmax accum format \(accum) is wider than 62 bits") }
            let stable = a.softmax == .stable
            // The format the exp table is addressed in.
            let index: FixedFormat
            var expSize = tableSize
            if stable {
                let s = input.isSigned ? 1 : 0
                guard input.width - s >= 1 else { throw ctx.error("softmax stable needs an input wider than 1 bit") }
                index = try FixedFormat(width: input.width - s, integerBits: input.integerBits - s, signed: false)
                if input.isSigned { expSize = min(tableSize, 1 << min(input.width - 1, 30)) }
            } else {
                index = input
            }
            let expBits = ActivationMath.ceilLog2(expSize), invBits = ActivationMath.ceilLog2(tableSize)
            guard expBits <= index.width, invBits <= invInput.width else {
                throw ctx.error("softmax table of \(expSize) entries is larger than its index type allows")
            }
            let toAccum = FixedCast(from: expFormat, to: accum)
            let expTable = ActivationTables.softmaxExp(size: expSize, index: index, negative: stable, exp: expFormat)
                .map { Int64(truncatingIfNeeded: toAccum.apply($0)) }
            let invTable = ActivationTables.softmaxInvert(size: tableSize, index: invInput, inv: invFormat)
                .map { Int64(truncatingIfNeeded: $0) }
            return SoftmaxTableKernel(
                stable: stable, n: n, slices: slices,
                indexMask: mask(index.width), expShift: UInt64(index.width - expBits), expTable: expTable,
                sum: AccumulatorAdd(accum), toInvInput: FastCast(from: accum, to: invInput),
                invMask: mask(invInput.width), invShift: UInt64(invInput.width - invBits), invTable: invTable,
                output: try ActivationKernels.product(accum, invFormat, result, ctx))
        }
    }

    static func mask(_ width: Int) -> UInt64 { width >= 64 ? .max : (1 << UInt64(width)) - 1 }
}

/// `a + b` of two accum_t values assigned back to accum_t (nnet::Op_add inside nnet::reduce).
struct AccumulatorAdd: Sendable {
    /// Exact sum format → accum_t.
    let cast: FastCast
    /// Plain two's-complement wrap (AP_WRAP with N = 0): the order of the adds cannot matter.
    let modular: Bool
    let wrapShift: Int64
    let signed: Bool
    let unsignedMask: Int64

    init(_ accum: FixedFormat) {
        cast = FastCast(from: FixedFormat.sumFormat(accum, accum), to: accum)
        modular = accum.overflow == .wrap && accum.saturationBits == 0 && !accum.isInteger && accum.width < 64
        wrapShift = Int64(64 - accum.width)
        signed = accum.isSigned
        unsignedMask = accum.width >= 63 ? .max : (1 << Int64(accum.width)) - 1
    }

    @inline(__always)
    func add(_ a: Int64, _ b: Int64) -> Int64 { cast.apply(a &+ b) }

    /// nnet::reduce<accum_t, n, Op_add>: a balanced tree split at the largest power of two below n.
    func reduce(_ x: UnsafePointer<Int64>, _ n: Int) -> Int64 {
        if modular {
            var s: Int64 = 0
            for i in 0..<n { s &+= x[i] }
            return signed ? (s &<< wrapShift) &>> wrapShift : s & unsignedMask
        }
        return tree(x, n)
    }

    private func tree(_ x: UnsafePointer<Int64>, _ n: Int) -> Int64 {
        if n == 1 { return x[0] }
        if n == 2 { return add(x[0], x[1]) }
        let left = 1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)  // pow2(floorlog2(n - 1))
        return add(tree(x, left), tree(x + left, n - left))
    }
}

/// Softmax stable or latency: exp table, accumulated sum, inverse table, one product per element.
struct SoftmaxTableKernel: LayerKernel {
    let stable: Bool
    let n: Int
    let slices: Int
    /// Bits of the exp table's index type (stable: inp_norm_t; latency: the input type).
    let indexMask: UInt64
    let expShift: UInt64
    /// exp_table entries, already converted to accum_t.
    let expTable: [Int64]
    let sum: AccumulatorAdd
    let toInvInput: FastCast
    let invMask: UInt64
    let invShift: UInt64
    /// inv_table entries (inv_table_t raw).
    let invTable: [Int64]
    /// accum_t × inv_table_t → res_T.
    let output: ProductCast

    func scratchCount(batch: Int) -> Int { n }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output out: UnsafeMutablePointer<Int64>,
             scratch e: UnsafeMutablePointer<Int64>) {
        expTable.withUnsafeBufferPointer { expT in
            invTable.withUnsafeBufferPointer { invT in
                for slice in 0..<(batch * slices) {
                    let x = inputs[0] + slice * n, y = out + slice * n
                    if stable {
                        // max() rather than `where x[i] > m`: a data-dependent branch mispredicts.
                        var m = x[0]
                        for i in 1..<max(n, 1) { m = max(m, x[i]) }
                        for i in 0..<n {
                            e[i] = expT[Int((UInt64(bitPattern: m &- x[i]) & indexMask) &>> expShift)]
                        }
                    } else {
                        for i in 0..<n {
                            e[i] = expT[Int((UInt64(bitPattern: x[i]) & indexMask) &>> expShift)]
                        }
                    }
                    let s = toInvInput.apply(sum.reduce(e, n))
                    let inv = invT[Int((UInt64(bitPattern: s) & invMask) &>> invShift)]
                    for i in 0..<n { y[i] = output(e[i], inv) }
                }
            }
        }
    }
}

/// Softmax legacy: pairwise exp differences summed in ap_fixed<18,8>, then one inverse lookup.
struct SoftmaxLegacyKernel: LayerKernel {
    let n: Int
    let slices: Int
    /// exp_table (ap_fixed<18,8> raw) and its index.
    let expTable: [Int64]
    let expIndex: ScaledIndex
    let expOffset: Int32
    /// inv_table converted to the result type, and its index.
    let invTable: [Int64]
    let invIndex: ScaledIndex
    /// 1.0 in ap_fixed<18,8>.
    let one: Int64

    init(_ ctx: KernelContext, input: FixedFormat, result: FixedFormat, size: Int, n: Int, slices: Int) throws {
        let t = SoftmaxKernels.legacyTable
        guard input.width <= 62 else { throw ctx.error("softmax legacy on \(input) is wider than supported") }
        self.n = n
        self.slices = slices
        expTable = ActivationTables.raw(.legacyExp, size: size, format: t).map { Int64(truncatingIfNeeded: $0) }
        expIndex = ScaledIndex(size: size, range: 16, input: FixedFormat.differenceFormat(input, input))
        expOffset = Int32(bitPattern: (8 &* UInt32(size)) / 16)
        invTable = ActivationTables.raw(.legacyInvert, size: size, format: t).map { ActivationMath.convert($0, from: t, to: result) }
        invIndex = ScaledIndex(size: size, range: 64, input: t)
        one = 1 << Int64(t.fractionBits)
    }

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let last = Int32(expTable.count - 1)
        expTable.withUnsafeBufferPointer { expT in
            invTable.withUnsafeBufferPointer { invT in
                for slice in 0..<(batch * slices) {
                    let x = inputs[0] + slice * n, y = output + slice * n
                    for i in 0..<n {
                        var acc: Int64 = 0
                        for j in 0..<n {
                            let d: Int64
                            if i == j {
                                d = one
                            } else {
                                var k = expIndex(x[j] - x[i]) &+ expOffset
                                if k < 0 { k = 0 }
                                if k > last { k = last }
                                d = expT[Int(k)]
                            }
                            acc = ((acc &+ d) &<< 46) &>> 46  // ap_fixed<18,8> += : wraps at 18 bits
                        }
                        var k = invIndex(acc)
                        if k < 0 { k = 0 }
                        if k > last { k = last }
                        y[i] = invT[Int(k)]
                    }
                }
            }
        }
    }
}

/// Softmax argmax: 1 at the first strict maximum of each slice, 0 elsewhere.
struct SoftmaxArgmaxKernel: LayerKernel {
    let one: Int64
    let n: Int
    let slices: Int

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        for slice in 0..<(batch * slices) {
            let x = inputs[0] + slice * n, y = output + slice * n
            var best = 0, m = x[0]
            for i in 0..<n {
                y[i] = 0
                if i > 0 && x[i] > m { m = x[i]; best = i }
            }
            y[best] = one
        }
    }
}
