#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FixedPoint

// The literal text the network files hold: weights as hls4ml's C simulation reads them, real-valued
// config parameters, and the small config-struct builder.
//
// Weights: hls4ml prints each value with Python's '{:.Nf}' (N = max(0, fraction bits of the type), 0 for
// integer types), which rounds the exact binary value half-to-even; C++ reads the token as a double
// (correctly rounded, like strtod) and the type's constructor from double quantizes it. glibc's printf
// rounds the same way, and a C++ floating literal is the same correctly rounded double, so emitting the
// token with a trailing ".0" when it has no point keeps the double path even for integer types (an
// integer literal would take ap_int's int constructor instead, and a huge one would not compile).
// The text itself is `FixedFormat.weightText`, shared with the emulator.

/// Text helpers for generated C++.
enum CppText {
    /// The decimal text hls4ml writes for `value` in a weight of `format` (printf "%.*f").
    static func weightText(_ value: Double, format: FixedFormat) -> String {
        format.weightText(value)
    }

    /// `weightText` as a C++ floating literal (a ".0" added when the text has no point).
    static func weightLiteral(_ value: Double, format: FixedFormat) -> String {
        let t = weightText(value, format: format)
        return t.contains(".") ? t : t + ".0"
    }

    /// A real parameter as the shortest decimal that reads back as the same double, always a C++
    /// floating literal ("1.0", "0.3", "1e-05").
    static func double(_ value: Double) -> String {
        let t = "\(value)"
        return t.contains(".") || t.contains("e") ? t : t + ".0"
    }

    /// Values joined for an initializer list, `perLine` to a line, each line indented by `indent`.
    static func initializer(_ values: [String], perLine: Int = 12, indent: String = "    ") -> String {
        var lines: [String] = []
        lines.reserveCapacity(values.count / perLine + 1)
        var start = 0
        while start < values.count {
            let end = min(values.count, start + perLine)
            lines.append(indent + values[start..<end].joined(separator: ", ") + (end < values.count ? "," : ""))
            start = end
        }
        return lines.joined(separator: "\n")
    }
}

/// One layer's config struct, field by field, in the order the firmware header documents them.
struct ConfigStruct {
    /// The struct's name (`configN`).
    let name: String
    private(set) var lines: [String] = []

    init(_ name: String) {
        self.name = name
    }

    /// `static const unsigned field = value;` (values must fit a 32-bit unsigned).
    mutating func unsigned(_ field: String, _ value: Int, layer: String) throws {
        guard value >= 0 && value <= Int(UInt32.max) else {
            throw CodegenError(.invalidSpec, "layer '\(sanitizedForMessage(layer))': \(field) = \(value) does not fit an unsigned")
        }
        lines.append("static const unsigned \(field) = \(value);")
    }

    /// `static const bool field = value;`
    mutating func bool(_ field: String, _ value: Bool) {
        lines.append("static const bool \(field) = \(value);")
    }

    /// An enum constant: `static const type field = value;`
    mutating func constant(_ type: String, _ field: String, _ value: String) {
        lines.append("static const \(type) \(field) = \(value);")
    }

    /// `typedef type field;`
    mutating func typedef(_ type: String, _ field: String) {
        lines.append("typedef \(type) \(field);")
    }

    /// `static constexpr double field = value;` (finite values only).
    mutating func real(_ field: String, _ value: Double, layer: String) throws {
        guard value.isFinite else {
            throw CodegenError(.invalidSpec, "layer '\(sanitizedForMessage(layer))': \(field) is not finite (\(value))")
        }
        lines.append("static constexpr double \(field) = \(CppText.double(value));")
    }

    /// The struct's C++ text.
    var text: String {
        "struct \(name) {\n" + lines.map { "    " + $0 + "\n" }.joined() + "};\n"
    }
}
