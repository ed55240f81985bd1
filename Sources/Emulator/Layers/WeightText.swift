import FixedPoint

/// Weights, biases and scales quantized the way hls4ml's generated C simulation sees them (through
/// their decimal text: see `FixedFormat.weightText`).
enum WeightText {
    /// Raw values of `values` in `format`, each passed through hls4ml's decimal text first.
    static func quantize(_ values: [Double], to format: FixedFormat, layer: String, what: String) throws -> [Int64] {
        guard format.fitsInt64 else {
            throw EmulatorError(layer: layer, "\(what) format \(format) is wider than the emulator's 64-bit values")
        }
        return try values.map { v in
            guard let raw = format.quantizeWeight(v) else {
                throw EmulatorError(layer: layer, "\(what) holds a value with no decimal text (\(v))")
            }
            return Int64(truncatingIfNeeded: raw)
        }
    }
}
