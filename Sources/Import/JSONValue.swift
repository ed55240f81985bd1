import Foundation

/// Parsed JSON with optional chaining: `layer["config"]["units"].int`. Booleans stay distinct from
/// numbers (Keras configs mix `true` and `1`).
enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// Parses `data` (RFC 8259, plus the NaN/Infinity/-Infinity that Python's json module writes);
    /// `path` names the file in the error. A hand-written parser: Foundation's JSONDecoder through
    /// Decodable took ~30M instructions (~10 ms) for the zoo jet tagger's model, a fixed cost of
    /// every `fpgarun` run.
    static func parse(_ data: Data, path: String) throws -> JSON {
        do {
            return try data.withUnsafeBytes { raw in
                var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self))
                parser.skipSpace()
                let value = try parser.value(depth: 0)
                parser.skipSpace()
                guard parser.at == parser.bytes.count else { throw JSONSyntaxError(offset: parser.at, "text after the value") }
                return value
            }
        } catch let e as JSONSyntaxError {
            throw ImportError(path, nil, "not valid JSON: \(e.message) at byte \(e.offset)")
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

struct JSONSyntaxError: Error {
    let offset: Int
    let message: String
    init(offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }
}

/// A recursive-descent JSON parser over UTF-8 bytes.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0
    /// Deeper nesting is refused rather than risking the stack.
    static let maxDepth = 512

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    private func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(offset: at, message) }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard at + n <= bytes.count else { return false }
        for k in 0..<n where bytes[at + k] != word.utf8Start[k] { return false }
        at += n
        return true
    }

    mutating func value(depth: Int) throws -> JSON {
        guard depth < Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth)") }
        guard at < bytes.count else { throw fail("unexpected end") }
        switch bytes[at] {
        case UInt8(ascii: "{"):
            var object: [String: JSON] = [:]
            guard open(close: UInt8(ascii: "}")) else { return .object(object) }
            repeat {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let key = try string()
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                at += 1
                skipSpace()
                object[key] = try value(depth: depth + 1)
            } while try more(close: UInt8(ascii: "}"))
            return .object(object)
        case UInt8(ascii: "["):
            var array: [JSON] = []
            guard open(close: UInt8(ascii: "]")) else { return .array(array) }
            repeat {
                skipSpace()
                array.append(try value(depth: depth + 1))
            } while try more(close: UInt8(ascii: "]"))
            return .array(array)
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            if literal("true") { return .bool(true) }
        case UInt8(ascii: "f"):
            if literal("false") { return .bool(false) }
        case UInt8(ascii: "n"):
            if literal("null") { return .null }
        case UInt8(ascii: "N"):
            if literal("NaN") { return .number(.nan) }
        case UInt8(ascii: "I"):
            if literal("Infinity") { return .number(.infinity) }
        default:
            if literal("-Infinity") { return .number(-.infinity) }
            return try number()
        }
        throw fail("unexpected character")
    }

    /// Consumes a container's opening bracket; false when `close` follows at once (empty container,
    /// consumed too).
    private mutating func open(close: UInt8) -> Bool {
        at += 1
        skipSpace()
        guard at < bytes.count, bytes[at] == close else { return true }
        at += 1
        return false
    }

    /// After an element: true at ',' (another follows), false at `close` (consumed).
    private mutating func more(close: UInt8) throws -> Bool {
        skipSpace()
        guard at < bytes.count else { throw fail("unexpected end") }
        if bytes[at] == UInt8(ascii: ",") { at += 1; return true }
        if bytes[at] == close { at += 1; return false }
        throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'")
    }

    private mutating func number() throws -> JSON {
        let start = at
        func digits() -> Int {
            let s = at
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { at += 1 }
            return at - s
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        let intStart = at
        guard digits() > 0 else { at = start; throw fail("unexpected character") }
        if bytes[intStart] == UInt8(ascii: "0") && at - intStart > 1 { throw fail("leading zero in a number") }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digits() > 0 else { throw fail("no digits after '.'") }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits() > 0 else { throw fail("no digits in the exponent") }
        }
        // Double(Substring) is correctly rounded (strtod), as Python's float() and json are.
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        guard let d = Double(text) else { throw fail("bad number") }
        return .number(d)
    }

    private mutating func hex4() throws -> UInt32 {
        guard at + 4 <= bytes.count else { throw fail("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[at]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw fail("bad \\u escape")
            }
            v = v << 4 | UInt32(d)
            at += 1
        }
        return v
    }

    /// A string starting at the opening quote.
    private mutating func string() throws -> String {
        at += 1
        let start = at
        // The common case: no escapes.
        while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") {
            guard bytes[at] >= 0x20 else { throw fail("control character in a string") }
            at += 1
        }
        guard at < bytes.count else { throw fail("unterminated string") }
        var out = Array(bytes[start..<at])
        while true {
            guard at < bytes.count else { throw fail("unterminated string") }
            let c = bytes[at]
            if c == UInt8(ascii: "\"") { at += 1; break }
            guard c >= 0x20 else { throw fail("control character in a string") }
            guard c == UInt8(ascii: "\\") else { out.append(c); at += 1; continue }
            at += 1
            guard at < bytes.count else { throw fail("unterminated string") }
            let e = bytes[at]
            at += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), at + 6 <= bytes.count,
                   bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                    let save = at
                    at += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        at = save
                    }
                }
                // A lone surrogate becomes U+FFFD, as Foundation's decoder does not allow it either.
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default:
                throw fail("bad escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
