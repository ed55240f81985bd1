import Foundation

/// Parsed JSON with optional chaining: `layer["config"]["units"].int`. Booleans stay distinct from
/// numbers (Keras configs mix `true` and `1`).
enum JSON: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }

    /// Parses `data`; `path` names the file in the error.
    static func parse(_ data: Data, path: String) throws -> JSON {
        do {
            return try JSONDecoder().decode(JSON.self, from: data)
        } catch {
            throw ImportError(path, nil, "not valid JSON")
        }
    }

    subscript(_ key: String) -> JSON {
        if case .object(let o) = self { return o[key] ?? .null }
        return .null
    }

    subscript(_ index: Int) -> JSON {
        if case .array(let a) = self, index >= 0, index < a.count { return a[index] }
        return .null
    }

    var isNull: Bool { if case .null = self { true } else { false } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    var object: [String: JSON]? { if case .object(let o) = self { o } else { nil } }
    var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    var double: Double? { if case .number(let d) = self { d } else { nil } }
    var int: Int? {
        guard let d = double, d == d.rounded(), abs(d) < 1e15 else { return nil }
        return Int(d)
    }

    /// An int or a list of ints (Keras accepts `3` or `[3, 3]` for sizes), expanded to `rank`.
    func ints(rank: Int) -> [Int]? {
        if let i = int { return Array(repeating: i, count: rank) }
        guard let a = array else { return nil }
        let v = a.compactMap(\.int)
        guard v.count == a.count, v.count == rank else { return nil }
        return v
    }
}
