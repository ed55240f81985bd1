import Graph

// The order in which hls4ml's firmware adds products into its accumulators, found by replaying its
// loops (index arithmetic only). The order matters only when accum_t saturates: with AP_WRAP every
// product is cast on its own and the sum modulo 2^W does not depend on it.
//
// - Latency (Dense and Conv): products in input order i = 0, 1, ... for every output.
// - Dense Resource, RF <= n_in (dense_resource_rf_leq_nin): reuse step ir = 0..<RF outer; inside,
//   block_factor products with the data index striding by RF (wrapping back to ir) and the output
//   advancing every `multscale` products. RF > n_in: hls4ml always emits dense_resource_rf_gt_nin_rem0
//   (its third variant is never selected), which walks the reuse steps with a precomputed output index.
// - Conv Resource (conv_*d_resource_cl): the rf_leq_nin walk (with multiplier_limit = block_factor);
//   Conv1D asserts RF <= n_in.
// Resource weights are transposed (`[out][in]`), so the weight index w reads (i = w % n_in, o = w / n_in).
// hls4ml asserts some index relations in these loops (C-sim aborts when they fail); we throw instead.

/// One accumulation step: `acc[output] += cast(x[input] * w[weight])`, weight index in Keras
/// `[in][out]` layout.
struct AccumulationStep: Equatable, Sendable {
    var output: Int
    var input: Int
    var weight: Int
}

/// hls4ml's accumulation order for a matrix-vector product.
enum AccumulationOrder {
    /// Which firmware loop nest computes the product.
    enum Loop: Sendable {
        case latency
        case denseResource
        /// Conv1D (rank 1) or Conv2D (rank 2): their asserts differ.
        case convResource(rank: Int)
    }

    /// The steps hls4ml performs, in order, for an `nIn × nOut` product with reuse factor `reuse`.
    static func steps(_ loop: Loop, reuse: Int, nIn: Int, nOut: Int) throws -> [AccumulationStep] {
        let n = nIn * nOut
        var out: [AccumulationStep] = []
        out.reserveCapacity(n)
        // Transposed (Resource) weight index → step; bounds-checked like the C++ array would need.
        func emit(_ acc: Int, _ input: Int, _ w: Int) throws {
            guard w >= 0 && w < n && acc >= 0 && acc < nOut && input >= 0 && input < nIn else {
                throw EmulatorError(layer: nil, "reuse factor \(reuse) makes hls4ml's resource loop index out of bounds")
            }
            out.append(AccumulationStep(output: acc, input: input, weight: (w % nIn) * nOut + w / nIn))
        }
        let rf = max(1, reuse)
        switch loop {
        case .latency:
            for i in 0..<nIn {
                for o in 0..<nOut { out.append(AccumulationStep(output: o, input: i, weight: i * nOut + o)) }
            }
        case .denseResource where rf <= nIn, .convResource:
            let blockFactor = (n + rf - 1) / rf
            // Dense divides by min(n_in, RF); conv's multiplier_limit is block_factor itself (equal for RF <= n_in).
            let multLimit: Int
            if case .convResource(let rank) = loop {
                multLimit = blockFactor
                guard rank == 2 || rf <= nIn else {
                    throw EmulatorError(layer: nil, "hls4ml's Conv1D resource loop asserts ReuseFactor \(rf) <= filt_width·n_chan = \(nIn)")
                }
            } else {
                multLimit = (n + min(nIn, rf) - 1) / min(nIn, rf)
            }
            let multScale = multLimit / nOut
            guard multLimit % nOut == 0 || rf >= nIn else {
                throw EmulatorError(layer: nil, "reuse factor \(rf) is not allowed by hls4ml's resource loop (n_in \(nIn), n_out \(nOut))")
            }
            for ir in 0..<rf {
                var input = ir, acc = 0, accStep = 0
                for block in 0..<blockFactor {
                    // Dense walks w = ir + k·RF; conv reads weights_2d[block][ir], the same index.
                    try emit(acc, input, block * rf + ir)
                    input += rf
                    if input >= nIn { input = ir }
                    if accStep + 1 >= multScale { accStep = 0; acc += 1 } else { accStep += 1 }
                }
            }
        case .denseResource:
            let ruFactor = min(rf, n)
            let blockFactor = (n + rf - 1) / rf
            guard ruFactor > nIn && ruFactor % nIn == 0 else {
                throw EmulatorError(layer: nil, "reuse factor \(rf) > n_in \(nIn) must be a multiple of it for hls4ml's resource loop")
            }
            let outScale = ruFactor / nIn
            var input = 0
            for ir in 0..<ruFactor {
                var w = ir
                var acc = ir / nIn  // hls4ml's precomputed outidx[ir]
                for _ in 0..<blockFactor {
                    try emit(acc, input, w)
                    w += ruFactor
                    if w >= n { break }
                    acc += outScale
                }
                input += 1
                if input >= nIn { input = 0 }
            }
        }
        return out
    }

    /// True when `steps` visit every (input, output) pair exactly once with its own weight, so the
    /// order-free (wrapping) fast paths compute the same sums.
    static func isPlainProduct(_ steps: [AccumulationStep], nIn: Int, nOut: Int) -> Bool {
        guard steps.count == nIn * nOut else { return false }
        var seen = [Bool](repeating: false, count: nIn * nOut)
        for s in steps {
            let natural = s.input * nOut + s.output
            guard s.weight == natural, !seen[natural] else { return false }
            seen[natural] = true
        }
        return true
    }
}
