// A reader of well-formed XML 1.0 in UTF-8, for the machine-written XML fpgarun reads: an xclbin's
// EMBEDDED_METADATA and the Vitis/Vivado HLS synthesis reports.
//
// Not Foundation's XMLParser: that class lives in FoundationXML, which brings libxml2 and with it the
// system's ICU and liblzma; loading and binding them took ~1.6 ms of every fpgarun start, commands
// that never read XML included (`--version` 10.6 -> 9.0 ms, medians of 41 interleaved runs).
//
// It checks what well-formedness needs for these files and reports the first violation with its
// line: one root element, matching end tags, quoted and unrepeated attributes, no `<` in an
// attribute value, the five predefined entities and character references only, no control
// characters, no `--` in a comment (nor a `-` ending one), valid UTF-8 (a document declaring another
// encoding is refused), nothing but comments and processing instructions after the root. It does
// not validate against a DTD: a DOCTYPE is skipped, and an entity it would declare is an
// unknown-entity error.

/// What the scanner reports, in document order.
public enum XMLEvent: Equatable, Sendable {
    /// A start tag (or an empty-element tag, then followed by its `end`), with its attributes.
    case start(name: String, attributes: [String: String])
    /// Character data: a run of text (entities decoded) or a CDATA section; adjacent runs may come
    /// as several events.
    case text(String)
    /// An end tag (or the end of an empty-element tag).
    case end(name: String)
}

/// A document that is not well-formed XML: the line (from 1) and what is wrong, one line of text.
public struct XMLSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

public enum XMLScanner {
    /// Scans `bytes` and calls `visit` with every event and the line it starts on. An error thrown
    /// by `visit` stops the scan and is rethrown as is; a malformed document throws `XMLSyntaxError`.
    public static func scan(_ bytes: [UInt8], _ visit: (XMLEvent, _ line: Int) throws -> Void) throws {
        var scanner = Scanner(bytes: bytes)
        try scanner.document(visit)
    }
}

private struct Scanner {
    let bytes: [UInt8]
    var i = 0
    /// Lines are counted lazily: `line` is the line of `counted`.
    var counted = 0
    var countedLine = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }  // a UTF-8 byte order mark
        counted = i
    }

    mutating func line(at position: Int) -> Int {
        if position < counted { counted = 0; countedLine = 1 }
        while counted < position {
            if bytes[counted] == UInt8(ascii: "\n") { countedLine += 1 }
            counted += 1
        }
        return countedLine
    }

    mutating func fail(_ message: String, at position: Int? = nil) -> XMLSyntaxError {
        XMLSyntaxError(line: line(at: min(position ?? i, bytes.count)), message: message)
    }

    var atEnd: Bool { i >= bytes.count }

    func starts(with s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        return s.withUTF8Buffer { p in (0..<n).allSatisfy { bytes[i + $0] == p[$0] } }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    mutating func skipSpace() {
        while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
    }

    /// Moves past the next `terminator` (or fails naming `what`), returning where it started.
    mutating func skip(past terminator: StaticString, what: String) throws -> Int {
        let start = i
        while !atEnd {
            if starts(with: terminator) {
                let found = i
                i += terminator.utf8CodeUnitCount
                return found
            }
            i += 1
        }
        throw fail("the document ends inside \(what)", at: start)
    }

    mutating func document(_ visit: (XMLEvent, Int) throws -> Void) throws {
        var open: [String] = []
        var sawRoot = false
        while !atEnd {
            if open.isEmpty {
                // Outside the root: space, comments, processing instructions, one DOCTYPE before it.
                skipSpace()
                if atEnd { break }
                if starts(with: "<?xml"), i <= 3 { try declaration(); continue }
                if starts(with: "<?") { _ = try skip(past: "?>", what: "a processing instruction"); continue }
                if starts(with: "<!--") { try comment(); continue }
                if starts(with: "<!DOCTYPE") {
                    if sawRoot { throw fail("a DOCTYPE after the root element") }
                    try doctype()
                    continue
                }
                guard bytes[i] == UInt8(ascii: "<"), !starts(with: "</") else {
                    throw fail(sawRoot ? "content after the root element" : "text before the root element")
                }
                if sawRoot { throw fail("a second root element") }
                sawRoot = true
                try startTag(&open, visit)
                continue
            }
            if bytes[i] != UInt8(ascii: "<") {
                try text(visit)
            } else if starts(with: "</") {
                try endTag(&open, visit)
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<![CDATA[") {
                let start = i
                i += 9
                let end = try skip(past: "]]>", what: "a CDATA section")
                try visit(.text(try string(start + 9..<end)), line(at: start))
            } else if starts(with: "<?") {
                _ = try skip(past: "?>", what: "a processing instruction")
            } else if starts(with: "<!") {
                throw fail("a declaration inside an element")
            } else {
                try startTag(&open, visit)
            }
        }
        if let last = open.last { throw fail("the document ends inside <\(last)>", at: bytes.count) }
        if !sawRoot { throw fail("no root element", at: bytes.count) }
    }

    mutating func comment() throws {
        let start = i
        i += 4
        let end = try skip(past: "-->", what: "a comment")
        // A '-' just before the closing '-->' makes a '--' too (`<!-- a --->`).
        if let dashes = bytes[start + 4..<end].indices.first(where: { bytes[$0] == 0x2D && ($0 + 1 == end || bytes[$0 + 1] == 0x2D) }) {
            throw fail("'--' inside a comment", at: dashes)
        }
    }

    /// `<?xml version="1.0" encoding="..."?>` at the start: only UTF-8 (and its subset ASCII) is read.
    mutating func declaration() throws {
        let start = i
        let end = try skip(past: "?>", what: "the XML declaration")
        let text = Array(bytes[start..<end])
        let key = Array("encoding".utf8)
        guard let at = (0...max(0, text.count - key.count)).first(where: { text[$0...].starts(with: key) }) else { return }
        var k = at + key.count
        while k < text.count, Self.isSpace(text[k]) || text[k] == UInt8(ascii: "=") { k += 1 }
        guard k < text.count, text[k] == UInt8(ascii: "\"") || text[k] == UInt8(ascii: "'") else { return }
        let name = String(decoding: text[(k + 1)...].prefix { $0 != text[k] }, as: UTF8.self)
        guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(name.lowercased()) else {
            throw fail("the document's encoding '\(name)' is not supported; only UTF-8 is", at: start)
        }
    }

    /// `<!DOCTYPE name ... [internal subset] >`, skipped (quoted strings, comments and the subset may
    /// hold `>`).
    mutating func doctype() throws {
        let start = i
        i += 9
        var depth = 0
        while !atEnd {
            let b = bytes[i]
            if starts(with: "<!--") {
                try comment()
                continue
            }
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                i += 1
                while !atEnd, bytes[i] != b { i += 1 }
            } else if b == UInt8(ascii: "[") {
                depth += 1
            } else if b == UInt8(ascii: "]") {
                depth -= 1
            } else if b == UInt8(ascii: ">"), depth == 0 {
                i += 1
                return
            }
            i += 1
        }
        throw fail("the document ends inside a DOCTYPE", at: start)
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        !(isSpace(b) || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "/")
            || b == UInt8(ascii: "=") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "&")
            || b == UInt8(ascii: "?") || b == UInt8(ascii: "!"))
    }

    mutating func name(_ what: String) throws -> String {
        let start = i
        while i < bytes.count, Self.isNameByte(bytes[i]) { i += 1 }
        guard i > start else { throw fail("\(what) has no name") }
        let first = bytes[start]
        guard !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) && first != UInt8(ascii: "-")
            && first != UInt8(ascii: ".")
        else { throw fail("\(what) has a name starting with '\(Character(Unicode.Scalar(first)))'", at: start) }
        return try string(start..<i)
    }

    mutating func startTag(_ open: inout [String], _ visit: (XMLEvent, Int) throws -> Void) throws {
        let start = i
        i += 1
        let element = try name("a start tag")
        var attributes: [String: String] = [:]
        while true {
            let beforeSpace = i
            skipSpace()
            guard !atEnd else { throw fail("the document ends inside the start tag <\(element)>", at: start) }
            if bytes[i] == UInt8(ascii: ">") {
                i += 1
                try visit(.start(name: element, attributes: attributes), line(at: start))
                open.append(element)
                return
            }
            if starts(with: "/>") {
                i += 2
                let at = line(at: start)
                try visit(.start(name: element, attributes: attributes), at)
                try visit(.end(name: element), at)
                return
            }
            guard i > beforeSpace else { throw fail("<\(element)>: attributes must be separated by space") }
            let key = try name("an attribute of <\(element)>")
            skipSpace()
            guard !atEnd, bytes[i] == UInt8(ascii: "=") else { throw fail("<\(element)>: attribute \(key) has no value") }
            i += 1
            skipSpace()
            guard !atEnd, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                throw fail("<\(element)>: the value of \(key) is not quoted")
            }
            let quote = bytes[i]
            i += 1
            let valueStart = i
            while i < bytes.count, bytes[i] != quote {
                if bytes[i] == UInt8(ascii: "<") { throw fail("<\(element)>: '<' in the value of \(key)") }
                i += 1
            }
            guard !atEnd else { throw fail("the document ends inside the value of \(key) in <\(element)>", at: valueStart) }
            let value = try decoded(valueStart..<i, attribute: true)
            i += 1
            guard attributes.updateValue(value, forKey: key) == nil else {
                throw fail("<\(element)>: attribute \(key) is repeated")
            }
        }
    }

    mutating func endTag(_ open: inout [String], _ visit: (XMLEvent, Int) throws -> Void) throws {
        let start = i
        i += 2
        let element = try name("an end tag")
        skipSpace()
        guard !atEnd else { throw fail("the document ends inside the end tag </\(element)>", at: start) }
        guard bytes[i] == UInt8(ascii: ">") else { throw fail("the end tag </\(element)> holds more than its name") }
        i += 1
        guard open.last == element else {
            throw fail("</\(element)> does not close <\(open.last!)>", at: start)
        }
        open.removeLast()
        try visit(.end(name: element), line(at: start))
    }

    mutating func text(_ visit: (XMLEvent, Int) throws -> Void) throws {
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "<") { i += 1 }
        try visit(.text(try decoded(start..<i, attribute: false)), line(at: start))
    }

    /// The text of `range` with its references replaced; in an attribute value, tabs and line
    /// breaks become spaces (XML's attribute-value normalisation).
    mutating func decoded(_ range: Range<Int>, attribute: Bool) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var k = range.lowerBound
        while k < range.upperBound {
            let b = bytes[k]
            if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D {
                throw fail("the control character 0x\(String(b, radix: 16, uppercase: true)) is not allowed", at: k)
            }
            if b == UInt8(ascii: "&") {
                guard let semicolon = bytes[k..<range.upperBound].firstIndex(of: UInt8(ascii: ";")), semicolon - k <= 12 else {
                    throw fail("a '&' that starts no entity reference", at: k)
                }
                let ref = try string(k + 1..<semicolon)
                guard let scalar = Self.entity(ref) else { throw fail("unknown entity &\(ref);", at: k) }
                out.append(contentsOf: String(Character(scalar)).utf8)
                k = semicolon + 1
                continue
            }
            if attribute, b == 0x09 || b == 0x0A || b == 0x0D {
                // CR LF counts as one line break.
                if b == 0x0D, k + 1 < range.upperBound, bytes[k + 1] == 0x0A { k += 1 }
                out.append(0x20)
            } else if b == 0x0D {
                if !(k + 1 < range.upperBound && bytes[k + 1] == 0x0A) { out.append(0x0A) }
            } else {
                out.append(b)
            }
            k += 1
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8", at: range.lowerBound) }
        return s
    }

    /// A predefined entity (`lt`, `gt`, `amp`, `quot`, `apos`) or a character reference (`#38`, `#x26`).
    static func entity(_ ref: String) -> Unicode.Scalar? {
        switch ref {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard ref.hasPrefix("#") else { return nil }
            let digits = ref.dropFirst()
            let code = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let code, code == 0x09 || code == 0x0A || code == 0x0D || code >= 0x20,
                  !digits.hasPrefix("+"), !digits.hasPrefix("x+"), !digits.hasPrefix("-")
            else { return nil }
            return Unicode.Scalar(code)
        }
    }

    mutating func string(_ range: Range<Int>) throws -> String {
        guard let s = String(validating: bytes[range], as: UTF8.self) else { throw fail("invalid UTF-8", at: range.lowerBound) }
        return s
    }
}
