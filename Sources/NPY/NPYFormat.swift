// The .npy header: magic, version, a Python-dict literal with descr/fortran_order/shape, padded so
// the data starts on a 64-byte boundary (format versions 1.0, 2.0 and 3.0; NEP 1 / numpy.lib.format).

/// The element types fpgarun reads and writes in `.npy` files.
public enum NPYDType: String, CaseIterable, Sendable {
    case float32 = "f4", float64 = "f8"
    case int8 = "i1", int16 = "i2", int32 = "i4", int64 = "i8"
    case uint8 = "u1", uint16 = "u2", uint32 = "u4", uint64 = "u8"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// The `descr` string numpy writes for this type on a little-endian machine.
    public var descr: String { size == 1 ? "|\(rawValue)" : "<\(rawValue)" }
}

/// A failure reading or writing a `.npy` file; its description is one line naming the file.
public struct NPYError: Error, CustomStringConvertible, Sendable {
    /// The file concerned.
    public let path: String
    /// What is wrong with it.
    public let message: String

    /// Creates an error for `path`.
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// The parsed header of a `.npy` file.
public struct NPYHeader: Equatable, Sendable {
    /// Element type.
    public var dtype: NPYDType
    /// True when the stored bytes are big-endian (`>` in descr) and must be swapped on read.
    public var bigEndian: Bool
    /// Array shape; `[]` is a scalar.
    public var shape: [Int]
    /// Byte offset of the first element.
    public var dataOffset: Int

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Parses a header from the first bytes of a file; `path` only names the file in errors.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> NPYHeader {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw NPYError(path, "not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerLength: Int
        let start: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NPYError(path, "truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        default:
            throw NPYError(path, "unsupported .npy format version \(major).\(bytes[7])")
        }
        guard bytes.count >= start + headerLength else { throw NPYError(path, "truncated .npy header") }
        guard let text = String(validating: bytes[start..<start + headerLength], as: UTF8.self) else {
            throw NPYError(path, ".npy header is not text")
        }
        var header = try parseDict(text, path: path)
        header.dataOffset = start + headerLength
        return header
    }

    /// Parses `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
    static func parseDict(_ text: String, path: String) throws -> NPYHeader {
        var descr: String?
        var fortran: Bool?
        var shape: [Int]?
        var scanner = DictScanner(chars: Array(text.utf8))
        do {
            try scanner.expect(UInt8(ascii: "{"))
            while true {
                scanner.skipSpaces()
                if scanner.peek == UInt8(ascii: "}") { break }
                let key = try scanner.string()
                try scanner.expect(UInt8(ascii: ":"))
                switch key {
                case "descr": descr = try scanner.string()
                case "fortran_order": fortran = try scanner.bool()
                case "shape": shape = try scanner.tuple()
                default: throw DictScanner.Failure.unexpected("key '\(key)'")
                }
                scanner.skipSpaces()
                if scanner.peek == UInt8(ascii: ",") { scanner.index += 1 }
            }
        } catch let DictScanner.Failure.unexpected(what) {
            throw NPYError(path, "malformed .npy header: unexpected \(what)")
        }
        guard let descr, let fortran, let shape else {
            throw NPYError(path, "malformed .npy header: needs descr, fortran_order and shape")
        }
        if fortran { throw NPYError(path, "Fortran-order arrays are not supported (save with C order)") }
        var code = Substring(descr)
        var bigEndian = false
        if let first = code.first, "<>|=".contains(first) {
            bigEndian = first == ">"
            code = code.dropFirst()
        }
        guard let dtype = NPYDType(rawValue: String(code)) else {
            throw NPYError(path, "unsupported dtype '\(descr)' (use float32/64, int8..64 or uint8..64)")
        }
        if dtype.size == 1 { bigEndian = false }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw NPYError(path, "negative dimension in shape") }
        return NPYHeader(dtype: dtype, bigEndian: bigEndian, shape: shape, dataOffset: 0)
    }

    /// The full header bytes (version 1.0, or 2.0 if it does not fit) for a little-endian C-order array.
    public static func encode(dtype: NPYDType, shape: [Int]) -> [UInt8] {
        // Joined by hand: `joined(separator:)` costs a runtime witness lookup on first use.
        var dims = ""
        for (i, n) in shape.enumerated() {
            if i > 0 { dims += ", " }
            dims += String(n)
        }
        let tuple = shape.count == 1 ? "(\(dims),)" : "(\(dims))"
        var dict = Array("{'descr': '\(dtype.descr)', 'fortran_order': False, 'shape': \(tuple), }".utf8)
        let padded = { (prefix: Int) in (prefix + dict.count + 1 + 63) / 64 * 64 }
        let v1 = padded(10) - 10 <= 65535
        let prefix = v1 ? 10 : 12
        let total = padded(prefix)
        dict += Array(repeating: UInt8(ascii: " "), count: total - prefix - dict.count - 1)
        dict.append(UInt8(ascii: "\n"))
        var out = magic
        let n = dict.count
        if v1 {
            out += [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)]
        } else {
            out += [2, 0, UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
        }
        return out + dict
    }
}

/// A tiny scanner for the Python literal numpy writes as the header.
private struct DictScanner {
    enum Failure: Error { case unexpected(String) }
    let chars: [UInt8]
    var index = 0

    var peek: UInt8? { index < chars.count ? chars[index] : nil }

    mutating func skipSpaces() {
        while let c = peek, c == 0x20 || c == 0x0A || c == 0x09 { index += 1 }
    }

    mutating func expect(_ c: UInt8) throws {
        skipSpaces()
        guard peek == c else { throw Failure.unexpected(found) }
        index += 1
    }

    var found: String { peek.map { "'\(Character(UnicodeScalar($0)))'" } ?? "end of header" }

    mutating func string() throws -> String {
        skipSpaces()
        guard let q = peek, q == UInt8(ascii: "'") || q == UInt8(ascii: "\"") else { throw Failure.unexpected(found) }
        index += 1
        let begin = index
        while let c = peek, c != q { index += 1 }
        guard peek == q else { throw Failure.unexpected("end of header") }
        defer { index += 1 }
        return String(decoding: chars[begin..<index], as: UTF8.self)
    }

    mutating func bool() throws -> Bool {
        skipSpaces()
        for (word, value) in [("True", true), ("False", false)] where chars[index...].starts(with: word.utf8) {
            index += word.utf8.count
            return value
        }
        throw Failure.unexpected(found)
    }

    mutating func tuple() throws -> [Int] {
        try expect(UInt8(ascii: "("))
        var dims: [Int] = []
        while true {
            skipSpaces()
            if peek == UInt8(ascii: ")") { index += 1; return dims }
            var value = 0
            var digits = 0
            while let c = peek, c >= 0x30, c <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int(c - 0x30))
                guard !o1, !o2 else { throw Failure.unexpected("dimension too large") }
                value = s
                index += 1
                digits += 1
            }
            if peek == UInt8(ascii: "L") { index += 1 }  // Python 2 longs
            guard digits > 0 else { throw Failure.unexpected(found) }
            dims.append(value)
            skipSpaces()
            if peek == UInt8(ascii: ",") { index += 1 }
        }
    }
}
