import Foundation
import Yams

/// Reads YAML into the values `Yams.load(yaml:)` gives with its default resolver (mappings as
/// `[String: Any]`, sequences as `[Any]`, plain scalars typed as YAML 1.1 bool, int, float or null),
/// without that resolver's regular expressions: their first use starts ICU's regex engine, ~8M
/// instructions (~3 ms), a tenth of a small `predict`'s start-up.
///
/// Plain scalars are matched by hand against the same patterns (`Resolver.bool`, `.int`, `.float`,
/// `.null`, `.merge`), and converted by Yams' own constructors. Two deliberate differences: a
/// timestamp-looking scalar stays a string (nothing in a config reads dates), and a text holding
/// `!` (possibly an explicit tag, which decides a scalar's type) is read by `Yams.load` itself.
enum YAMLReader {
    static func load(_ text: String) throws -> Any? {
        if text.utf8.contains(UInt8(ascii: "!")) { return try Yams.load(yaml: text) }
        // UTF-8 named (the default encoding reads the whole environment to look for an override) and
        // a constructor without tables (the default one's are built on first use, ~0.2 ms): composing
        // uses neither, and scalars are converted below.
        guard let node = try Yams.compose(yaml: text, .basic, Constructor([:], [:], [:]), .utf8) else { return nil }
        return value(of: node)
    }

    static func value(of node: Node) -> Any {
        switch node {
        case .scalar(let scalar):
            return value(of: scalar)
        case .sequence(let sequence):
            return sequence.map(value(of:))
        case .mapping(let mapping):
            var result: [String: Any] = [:]
            var merged: [String: Any] = [:]
            for (key, item) in mapping {
                let name = key.string ?? "\(value(of: key))"
                if case .scalar(let k) = key, k.style == .plain, name == "<<" {
                    // YAML merge keys: own keys win over merged ones, and among several merged
                    // mappings the first listed wins (as Yams' flatten()).
                    let sources: [Node] = item.sequence.map(Array.init) ?? [item]
                    for source in sources {
                        guard case .mapping = source, let entries = value(of: source) as? [String: Any] else { continue }
                        for (k, v) in entries where merged[k] == nil { merged[k] = v }
                    }
                } else {
                    result[name] = value(of: item)
                }
            }
            for (k, v) in merged where result[k] == nil { result[k] = v }
            return result
        case .alias:
            preconditionFailure("Yams resolves aliases while composing")
        }
    }

    static func value(of scalar: Node.Scalar) -> Any {
        guard scalar.style == .plain else { return scalar.string }
        let text = scalar.string
        switch kind(of: text) {
        case .bool: return Bool.construct(from: scalar) ?? text
        case .int:
            if let n = plainDecimal(text) { return n }
            return Int.construct(from: scalar) ?? text
        case .float: return Double.construct(from: scalar) ?? text
        case .null: return NSNull()
        case .string: return text
        }
    }

    enum Kind { case bool, int, float, null, string }

    /// What Yams' default resolver makes of a plain scalar, tried in its order (bool, int, float,
    /// merge, null, timestamp, value); merge keys, timestamps and `=` are strings here.
    static func kind(of text: String) -> Kind {
        if isBool(text) { return .bool }
        let s = Array(text.utf8)
        if isInt(s) { return .int }
        if isFloat(s) { return .float }
        if text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL" { return .null }
        return .string
    }

    /// `Resolver.bool` (a switch, not a Set: building a Set<String> on first use cost ~0.1 ms).
    private static func isBool(_ text: String) -> Bool {
        switch text {
        case "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
             "on", "On", "ON", "off", "Off", "OFF":
            return true
        default:
            return false
        }
    }

    // Byte classes of the patterns.
    private static func digit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func digitOrUnderscore(_ c: UInt8) -> Bool { digit(c) || c == 95 }

    /// The length of the run of bytes from `i` satisfying `ok`.
    private static func run(_ s: [UInt8], from i: Int, _ ok: (UInt8) -> Bool) -> Int {
        var j = i
        while j < s.count && ok(s[j]) { j += 1 }
        return j - i
    }

    /// Index after an optional sign.
    private static func afterSign(_ s: [UInt8]) -> Int { !s.isEmpty && (s[0] == 43 || s[0] == 45) ? 1 : 0 }

    /// `(?::[0-5]?[0-9])+` from `start`: the index after the last group, or nil when there is
    /// none or one is malformed.
    private static func sexagesimal(_ s: [UInt8], from start: Int) -> Int? {
        var i = start, groups = 0
        while i < s.count && s[i] == 58 {  // ':'
            let n = run(s, from: i + 1, digit)
            if n == 1 || (n == 2 && s[i + 1] <= 53) {  // [0-5]?[0-9]
                i += 1 + n
                groups += 1
            } else {
                return nil
            }
        }
        return groups > 0 ? i : nil
    }

    /// A plain decimal (`0` or `[-+]?[1-9][0-9]*`, the usual case) that fits an Int, read directly:
    /// Yams' generic reader of all integer forms cost ~0.3 ms on first use. Octal, hex, binary,
    /// underscores, base 60 and a signed zero (which Yams leaves a string) are left to it.
    static func plainDecimal(_ text: String) -> Int? {
        let s = Array(text.utf8)
        let p = afterSign(s)
        guard p < s.count, s[p...].allSatisfy(digit), s[p] != 48 || s.count == 1 else { return nil }
        return Int(text)
    }

    /// `Resolver.int`.
    static func isInt(_ s: [UInt8]) -> Bool {
        let p = afterSign(s)
        guard p < s.count else { return false }
        let rest = s.count - p
        // [-+]?0b[0-1_]+
        if rest > 2 && s[p] == 48 && s[p + 1] == 98 && run(s, from: p + 2, { $0 == 48 || $0 == 49 || $0 == 95 }) == rest - 2 {
            return true
        }
        // [-+]?0x[0-9a-fA-F_]+
        if rest > 2 && s[p] == 48 && s[p + 1] == 120
            && run(s, from: p + 2, { digitOrUnderscore($0) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }) == rest - 2 {
            return true
        }
        // [-+]?0o?[0-7_]+
        if s[p] == 48 {
            let q = p + 1 < s.count && s[p + 1] == 111 ? p + 2 : p + 1
            if q < s.count && run(s, from: q, { ($0 >= 48 && $0 <= 55) || $0 == 95 }) == s.count - q { return true }
        }
        // [-+]?(?:0|[1-9][0-9_]*)
        if rest == 1 && s[p] == 48 { return true }
        if s[p] >= 49 && s[p] <= 57 {
            let n = run(s, from: p + 1, digitOrUnderscore)
            if p + 1 + n == s.count { return true }
            // [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
            if let end = sexagesimal(s, from: p + 1 + n), end == s.count { return true }
        }
        return false
    }

    /// `Resolver.float`.
    static func isFloat(_ s: [UInt8]) -> Bool {
        // \.(?:nan|NaN|NAN)
        if let t = String(bytes: s, encoding: .utf8), [".nan", ".NaN", ".NAN"].contains(t) { return true }
        let p = afterSign(s)
        // [-+]?\.(?:inf|Inf|INF)
        if let t = String(bytes: s[p...], encoding: .utf8), [".inf", ".Inf", ".INF"].contains(t) { return true }
        // \.[0-9_]+(?:[eE][-+][0-9]+)?   (no sign, exponent sign required)
        if !s.isEmpty && s[0] == 46 {
            let n = run(s, from: 1, digitOrUnderscore)
            if n > 0 {
                var i = 1 + n
                if i == s.count { return true }
                if (s[i] == 101 || s[i] == 69) && i + 1 < s.count && (s[i + 1] == 43 || s[i + 1] == 45) {
                    i += 2
                    let e = run(s, from: i, digit)
                    if e > 0 && i + e == s.count { return true }
                }
            }
        }
        guard p < s.count, digit(s[p]) else { return false }
        let whole = 1 + run(s, from: p + 1, digitOrUnderscore)
        // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        if let end = sexagesimal(s, from: p + whole), end < s.count, s[end] == 46,
           run(s, from: end + 1, digitOrUnderscore) == s.count - end - 1 {
            return true
        }
        // [-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
        var i = p + whole
        if i < s.count && s[i] == 46 { i += 1 + run(s, from: i + 1, digitOrUnderscore) }
        if i == s.count { return true }
        guard s[i] == 101 || s[i] == 69 else { return false }
        i += 1
        if i < s.count && (s[i] == 43 || s[i] == 45) { i += 1 }
        let e = run(s, from: i, digit)
        return e > 0 && i + e == s.count
    }
}
