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
        let digits = weightDigits
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
        guard value.isFinite else { return nil }
        if let parsed = Self.printedAndRead(value, digits: weightDigits) { return quantize(parsed) }
        guard let parsed = Double(weightText(value)) else { return nil }
        return quantize(parsed)
    }

    /// The decimals hls4ml prints for a weight of this format: its fraction bits, none for integers.
    private var weightDigits: Int { isInteger ? 0 : max(0, fractionBits) }

    /// strtod(printf("%.*f", digits, value)) without the text, when the arithmetic allows (nil
    /// otherwise): printing rounds value·10^digits half-to-even to an integer m, and reading "m/10^d"
    /// back is the correctly rounded quotient, which IEEE division gives when m and 10^digits are
    /// exact doubles (m < 2^53, digits <= 22). The product is exact as p + e (fma), so the rounding
    /// of m sees the exact value. About 100× cheaper than formatting (weights of every layer pass here).
    static func printedAndRead(_ value: Double, digits: Int) -> Double? {
        guard digits <= 22 else { return nil }
        let scale = Self.powersOfTen[digits]
        let p = value * scale
        guard p.magnitude < 0x1p52 else { return nil }
        let e = (-p).addingProduct(value, scale)   // value·scale - p, exactly
        var m = p.rounded(.toNearestOrEven)
        // p - m is exact; only an exact tie in p can be broken by the error term.
        let d = p - m
        if d == 0.5 && e > 0 { m += 1 } else if d == -0.5 && e < 0 { m -= 1 }
        return m / scale
    }

    private static let powersOfTen: [Double] = (0...22).map { d in (0..<d).reduce(1.0) { r, _ in r * 10 } }

    private static func ascii(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
