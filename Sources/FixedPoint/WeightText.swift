#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// hls4ml 1.3 never hands weights to the C simulation as binary: its writer prints every value with
// Python's '{:.Nf}' (N = max(0, fraction bits of the weight's type), 0 for integer types), which rounds
// the exact binary value half-to-even, and the C++ side reads each token back as a double (strtod,
// correctly rounded) before constructing the ap_fixed from it. A float32 just below a grid point can
// print as the grid point itself, so quantizing the float directly could differ in the last bit.
// glibc's printf also rounds the exact binary value half-to-even, and Swift's Double(String) is strtod.
// The emulator quantizes through this text and the code generator writes it, so both see one value.

extension FixedFormat {
    /// The decimal text hls4ml writes for `value` as a weight of this format (printf "%.*f").
    public func weightText(_ value: Double) -> String {
        let digits = isInteger ? 0 : max(0, fractionBits)
        return withVaList([Int32(digits), value]) { args -> String in
            var buffer = [CChar](repeating: 0, count: 64)
            let needed = Int(vsnprintf(&buffer, buffer.count, "%.*f", args))
            if needed < buffer.count { return Self.ascii(buffer) }
            buffer = [CChar](repeating: 0, count: needed + 1)
            return withVaList([Int32(digits), value]) { again in
                _ = vsnprintf(&buffer, buffer.count, "%.*f", again)
                return Self.ascii(buffer)
            }
        }
    }

    /// The raw value a weight of this format holds in hls4ml's C simulation: `value` printed as
    /// `weightText`, read back as a double, then assigned. Nil for a non-finite value.
    public func quantizeWeight(_ value: Double) -> Int128? {
        guard value.isFinite, let parsed = Double(weightText(value)) else { return nil }
        return quantize(parsed)
    }

    private static func ascii(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
