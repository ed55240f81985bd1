import Graph

// Which reuse factors a layer accepts. Only the matrix-product layers (Dense, Conv) under the Resource
// strategy restrict them; everywhere else the reuse factor is just a pipeline II (any value >= 1).
//
// hls4ml 1.3's rule for an n_in × n_out product (fpga_backend `_validate_reuse_factor`): rf is valid
// when ceil(n_in·n_out / min(n_in, rf)) is a multiple of n_out or rf >= n_in, rf < n_in or a multiple of
// n_in, and rf divides n_in·n_out. For rf < n_in that is "rf divides n_in"; above n_in, "rf = n_in·m with
// m dividing n_out". Our firmware accepts all of these for Dense. Its convolution resource loop (like
// hls4ml's own, which asserts it) needs rf <= n_in with n_in = filt_height·filt_width·n_chan, so a Conv
// takes hls4ml's values up to n_in only. A Dense applied to every row of a higher-rank input is emitted
// as a 1×1 convolution and follows the Conv rule.

/// The reuse factors each layer accepts.
enum ReuseRules {
    /// What limits a node's reuse factor.
    enum Kind {
        /// Any reuse factor >= 1.
        case free
        /// Resource Dense: hls4ml's valid set for n_in × n_out.
        case denseResource(nIn: Int, nOut: Int)
        /// Resource Conv (or row-wise Dense): hls4ml's valid set, at most n_in.
        case convResource(nIn: Int, nOut: Int)
    }

    /// What limits `node`'s reuse factor, given its input's element count.
    static func kind(of node: Node, inputSize: Int) -> Kind {
        guard node.strategy == .resource else { return .free }
        switch node.op {
        case .dense(let d):
            return inputSize == d.inputs ? .denseResource(nIn: d.inputs, nOut: d.outputs)
                : .convResource(nIn: d.inputs, nOut: d.outputs)
        case .conv(let c):
            return .convResource(nIn: c.kernel.reduce(1, *) * c.inChannels, nOut: c.filters)
        default:
            return .free
        }
    }

    /// hls4ml's validity test for one reuse factor of an n_in × n_out product.
    static func hlsValid(_ rf: Int, nIn: Int, nOut: Int) -> Bool {
        let n = nIn * nOut
        guard rf >= 1, n > 0 else { return false }
        let multLimit = (n + min(nIn, rf) - 1) / min(nIn, rf)
        return (multLimit % nOut == 0 || rf >= nIn) && (rf % nIn == 0 || rf < nIn) && n % rf == 0
    }

    /// Whether `rf` is accepted under `kind`.
    static func accepts(_ rf: Int, _ kind: Kind) -> Bool {
        switch kind {
        case .free: return rf >= 1
        case .denseResource(let nIn, let nOut): return hlsValid(rf, nIn: nIn, nOut: nOut)
        case .convResource(let nIn, let nOut): return rf <= nIn && hlsValid(rf, nIn: nIn, nOut: nOut)
        }
    }

    /// Every accepted reuse factor under a restricting `kind`, ascending (empty for `.free`).
    static func valid(_ kind: Kind) -> [Int] {
        switch kind {
        case .free: return []
        case .denseResource(let nIn, let nOut):
            return divisorsOf(nIn * nOut).filter { hlsValid($0, nIn: nIn, nOut: nOut) }
        case .convResource(let nIn, let nOut):
            return divisorsOf(nIn).filter { hlsValid($0, nIn: nIn, nOut: nOut) }
        }
    }

    /// The divisors of n, ascending (every valid reuse factor divides n_in·n_out).
    static func divisorsOf(_ n: Int) -> [Int] {
        guard n > 0 else { return [] }
        var low: [Int] = [], high: [Int] = []
        var d = 1
        while d * d <= n {
            if n % d == 0 {
                low.append(d)
                if d * d != n { high.append(n / d) }
            }
            d += 1
        }
        return low + high.reversed()
    }

    /// The accepted value closest to `rf` (ties to the smaller, as hls4ml picks).
    static func closest(_ rf: Int, in valid: [Int]) -> Int? {
        valid.min { a, b in
            let da = abs(a - rf), db = abs(b - rf)
            return da != db ? da < db : a < b
        }
    }

    /// A short list for messages: all values when few, else the first and last ones around an ellipsis.
    static func listing(_ valid: [Int]) -> String {
        if valid.count <= 16 { return valid.map(String.init).joined(separator: ", ") }
        return valid.prefix(12).map(String.init).joined(separator: ", ") + ", …, "
            + valid.suffix(3).map(String.init).joined(separator: ", ")
    }
}
