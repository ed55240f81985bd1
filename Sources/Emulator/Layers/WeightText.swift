#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FixedPoint

// hls4ml 1.3 never hands weights to the C simulation as binary: its writer prints every value with
// Python's '{:.Nf}' (N = max(0, fraction bits of the weight's type), 0 for integer types), which rounds
// the exact binary value half-to-even, and the C++ side reads each token back as a double (strtod,
// correctly rounded) before constructing the ap_fixed from it. A float32 just below a grid point can
// print as the grid point itself, so quantizing the float directly would differ in the last bit.
// glibc's printf also rounds the exact binary value half-to-even, and Swift's Double(String) is strtod.

/// Weights, biases and scales quantized the way hls4ml's generated C simulation sees them.
enum WeightText {
    /// The decimal text hls4ml writes for `value` in a weight of `format`.
    static func text(_ value: Double, format: FixedFormat) -> String {
        let digits = format.isInteger ? 0 : max(0, format.fractionBits)
        return withVaList([Int32(digits), value]) { args -> String in
            var buffer = [CChar](repeating: 0, count: 64)
            let needed = Int(vsnprintf(&buffer, buffer.count, "%.*f", args))
            if needed < buffer.count { return String(cString: buffer) }
            buffer = [CChar](repeating: 0, count: needed + 1)
            return withVaList([Int32(digits), value]) { again in
                _ = vsnprintf(&buffer, buffer.count, "%.*f", again)
                return String(cString: buffer)
            }
        }
    }

    /// Raw values of `values` in `format`, each passed through hls4ml's decimal text first.
    static func quantize(_ values: [Double], to format: FixedFormat, layer: String, what: String) throws -> [Int64] {
        guard format.fitsInt64 else {
            throw EmulatorError(layer: layer, "\(what) format \(format) is wider than the emulator's 64-bit values")
        }
        return try values.map { v in
            guard v.isFinite else { throw EmulatorError(layer: layer, "\(what) holds a non-finite value (\(v))") }
            guard let parsed = Double(text(v, format: format)) else {
                throw EmulatorError(layer: layer, "\(what) value \(v) did not survive its decimal text")
            }
            return format.quantize64(parsed)
        }
    }
}
