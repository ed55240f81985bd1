// The lookup tables of hls4ml 1.3's nnet_activation.h, computed as its init functions compute them.
//
// Each init function works in C++ float/double and stores the result into the table type
// (`table_t v = float_value;`, an exact conversion from the double the float widens to, then the
// table type's quantization and overflow). The details that decide bits, found by reading the
// templates and checked against tables dumped from hls4ml's own C++ (Tests/Fixtures/hls4ml/tables):
//  - the table input `in_val` is a `float`, computed in double and rounded once:
//    sigmoid/softplus/softsign/legacy-softmax exp: 2·8.0·(i − N/2.0)/N, range [-8, 8);
//    tanh: 2·4.0·(i − N/2.0)/N, range [-4, 4); elu/selu: −8.0·i/N, range (-8, 0];
//    legacy-softmax inverse: 64.0·i/N, range [0, 64);
//  - std::exp/std::tanh on a float are expf/tanhf (glibc); the surrounding arithmetic is double as
//    soon as a double literal is involved (`1.`, `1.0507...`), but `1 + expf(x)` in sigmoid is a
//    float addition; every function returns float, so the value is rounded to float before storing
//    (the legacy inverse table alone stores a double, `1.0 / in_val`);
//  - softmax latency/stable tables take their inputs from index bits placed at the top of an
//    ap_fixed (softmax_real_val_from_idx) converted with to_float(), and the inverse is the float
//    division `1 / x` (x = 0 gives +inf, which saturating table types clamp to their maximum).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FixedPoint

/// Table contents as the C++ init functions compute them (float values, before the table type).
enum ActivationTables {
    /// Which of nnet_activation.h's element-wise tables.
    enum Kind: Sendable {
        case sigmoid, tanh, softplus, softsign, elu, selu
        /// init_exp_table_legacy (softmax legacy).
        case legacyExp
        /// init_invert_table_legacy (softmax legacy), computed in double.
        case legacyInvert
    }

    /// The value entry `i` of a table of `size` entries holds, before conversion to the table type.
    static func value(_ kind: Kind, _ i: Int, size: Int) -> Double {
        let n = Double(Float(size))
        switch kind {
        case .sigmoid:
            let x = centered(i, size: size, halfRange: 8)
            return Double(Float(1.0 / Double(1 + expf(-x))))
        case .tanh:
            return Double(tanhf(centered(i, size: size, halfRange: 4)))
        case .softplus:
            let x = centered(i, size: size, halfRange: 8)
            return Double(Float(log(Double(expf(x)) + 1.0)))
        case .softsign:
            let x = centered(i, size: size, halfRange: 8)
            return Double(Float(Double(x) / (Double(fabsf(x)) + 1.0)))
        case .elu:
            let x = Float(-8.0 * Double(i) / n)
            return Double(Float(Double(expf(x)) - 1.0))
        case .selu:
            let x = Float(-8.0 * Double(i) / n)
            return Double(Float(1.0507009873554804934193349852946 * (1.6732632423543772848170429916717 * (Double(expf(x)) - 1.0))))
        case .legacyExp:
            return Double(expf(centered(i, size: size, halfRange: 8)))
        case .legacyInvert:
            let x = Float(64.0 * Double(i) / n)
            return x > 0 ? 1.0 / Double(x) : 0
        }
    }

    /// `float in_val = 2 * R * (ii - float(N) / 2.0) / float(N);`
    static func centered(_ i: Int, size: Int, halfRange: Double) -> Float {
        let n = Double(Float(size))
        return Float(2 * halfRange * (Double(i) - n / 2.0) / n)
    }

    /// A whole table as raw values of `format` (`table_t t = value;`).
    static func raw(_ kind: Kind, size: Int, format: FixedFormat) -> [Int128] {
        (0..<size).map { format.quantize(value(kind, $0, size: size)) }
    }

    /// The raw value whose top `bits` bits are `i` in `format` (softmax_real_val_from_idx's
    /// `x(W-1, W-N) = i`), sign-extended when the format is signed.
    static func topBits(_ i: Int, bits: Int, format: FixedFormat) -> Int128 {
        let w = format.width
        var v = Int128(i) << Int128(w - bits)
        if format.isSigned && v >= Int128(1) << Int128(w - 1) { v -= Int128(1) << Int128(w) }
        return v
    }

    /// init_exp_table<index_T>: entry i = exp(±value of i in the top bits of `index`) as `exp`.
    static func softmaxExp(size: Int, index: FixedFormat, negative: Bool, exp: FixedFormat) -> [Int128] {
        let bits = ActivationMath.ceilLog2(size)
        return (0..<size).map { i in
            var x = ActivationMath.float(raw: topBits(i, bits: bits, format: index), fraction: index.fractionBits)
            x = x * Float(1.0)  // exp_scale, 1.0 outside HGQ models
            if negative { x = -x }
            return exp.quantize(Double(expf(x)))
        }
    }

    /// init_invert_table<index_T>: entry i = 1 / (value of i in the top bits of `index`) as `inv`.
    static func softmaxInvert(size: Int, index: FixedFormat, inv: FixedFormat) -> [Int128] {
        let bits = ActivationMath.ceilLog2(size)
        return (0..<size).map { i in
            let x = ActivationMath.float(raw: topBits(i, bits: bits, format: index), fraction: index.fractionBits)
            return inv.quantize(Double(Float(1) / x))
        }
    }
}
