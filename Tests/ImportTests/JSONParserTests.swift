import Foundation
import Testing
@testable import Import

// The hand-written JSON parser against Foundation's JSONSerialization (the reference for what is
// valid), on documents with every construct, and its one-line errors.
@Suite struct JSONParserTests {
    /// Converts JSONSerialization's result to JSON for comparison.
    static func reference(_ any: Any) -> JSON {
        switch any {
        case is NSNull: return .null
        case let n as NSNumber:
            // JSONSerialization's booleans are a distinct NSNumber class (__NSCFBoolean).
            return "\(type(of: n))".contains("Boolean") ? .bool(n.boolValue) : .number(n.doubleValue)
        case let s as String: return .string(s)
        case let a as [Any]: return .array(a.map(reference))
        case let o as [String: Any]: return .object(o.mapValues(reference))
        default: return .null
        }
    }

    @Test func agreesWithFoundation() throws {
        let documents = [
            #"{"a": 1, "b": [true, false, null], "c": {"d": "e"}}"#,
            #"[0, -0, 1.5, -2.25e-3, 1E10, 12345678901234567890, 0.1, 3.141592653589793, 5e-324, 1.7976931348623157e308]"#,
            #"["plain", "esc \" \\ \/ \b \f \n \r \t", "\u00e9\u4e2d", "\ud83d\ude00", "naïve ✓"]"#,
            #"  {"nested": [[[[{"x": []}]]]], "empty": {}, "s": ""}  "#,
            #"{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"units": 64, "use_bias": true}}]}}"#,
            "\t\n\r[1,\n2]\n",
        ]
        for text in documents {
            let want = Self.reference(try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]))
            let got = try JSON.parse(Data(text.utf8), path: "t.json")
            #expect(got == want, "\(text)")
        }
    }

    @Test func pythonNonFiniteNumbers() throws {
        let got = try JSON.parse(Data(#"[NaN, Infinity, -Infinity]"#.utf8), path: "t.json")
        let values = got.array?.compactMap(\.double) ?? []
        #expect(values.count == 3 && values[0].isNaN && values[1] == .infinity && values[2] == -.infinity)
    }

    @Test func malformedIsOneLineError() throws {
        let bad = ["", "{", "[1,]", "{\"a\" 1}", "{\"a\": 1,}", "[01]", "[1.]", "[1e]", "\"abc", "[\"a\nb\"]",
                   "tru", "[1] x", "{1: 2}", "[\"\\x\"]", "[\"\\u12\"]", "-", String(repeating: "[", count: 600)]
        for text in bad {
            #expect(throws: (any Error).self, "\(text.prefix(20))") { try JSON.parse(Data(text.utf8), path: "m.json") }
            do {
                _ = try JSON.parse(Data(text.utf8), path: "m.json")
            } catch {
                let message = "\(error)"
                #expect(message.hasPrefix("m.json: not valid JSON") && !message.contains("\n"), "\(message)")
            }
        }
    }
}
