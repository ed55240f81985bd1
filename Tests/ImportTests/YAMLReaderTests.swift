import Foundation
import Testing
import Yams
@testable import Import

// The regex-free YAML reader against Yams' own `load` with its default (regex) resolver: the same
// value, of the same type, for every branch of the resolver's patterns and their near misses.
@Suite struct YAMLReaderTests {
    /// A value as type and text, so that Int 1, Double 1.0, Bool true and "1" all differ.
    static func canonical(_ value: Any?) -> String {
        switch value {
        case nil: return "nil"
        case let d as [String: Any]:
            return "{" + d.keys.sorted().map { "\($0): \(canonical(d[$0]))" }.joined(separator: ", ") + "}"
        case let d as [AnyHashable: Any]:
            return "{" + d.keys.map { "\($0)" }.sorted().map { k in
                "\(k): \(canonical(d.first { "\($0.key)" == k }!.value))"
            }.joined(separator: ", ") + "}"
        case let a as [Any]: return "[" + a.map(canonical).joined(separator: ", ") + "]"
        case let v?: return "\(type(of: v))(\(v))"
        }
    }

    static let scalars = [
        // bool
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "tRue", "yes!", "True1",
        // int
        "0", "-0", "+0", "7", "-7", "+12", "1_000", "1__0", "007", "0o17", "-0o17", "0o", "0o8", "08", "0_",
        "0b101", "-0b1_0", "0b", "0b102", "0x1F", "-0xff_ff", "0x", "0xG", "0X1F", "1:30", "-1:30:05",
        "1:60", "1:5", "1:305", "0:30", "9223372036854775807", "9223372036854775808", "12abc",
        // float
        "0.5", "-0.5", "+.5", ".5", ".5e+3", ".5e3", ".5E-3", "._", "1.", "1.e5", "1e5", "1E+5", "1e", "1e+",
        "-1_0.0_1", "1.5e-3", "1.5e-3x", ".inf", "-.inf", "+.Inf", ".INF", "inf", ".nan", ".NaN", "-.nan",
        "nan", "1:30.5", "1:30.", "-1:30:00.25", "1:30.5e3", "1..5", "1.2.3", "e5", "6.",
        // null
        "~", "null", "Null", "NULL", "nULL", "none", "None",
        // strings
        "ap_fixed<16,6>", "ap_ufixed<8,0,AP_RND,AP_SAT>", "io_parallel", "Latency", "xcu250-figd2104-2L-e",
        "a b", "<<", "=", "-", "+", ".", "0.0.0", "1-2",
    ]

    @Test func scalarsAsYamsDefaultResolver() throws {
        for s in Self.scalars {
            let text = "v: \(s)\n"
            guard let reference = try? Yams.load(yaml: text) else {
                #expect(throws: (any Error).self, "'\(s)' is not valid YAML there") { _ = try YAMLReader.load(text) }
                continue
            }
            let want = Self.canonical((reference as? [AnyHashable: Any])?["v"])
            let got = Self.canonical((try YAMLReader.load(text) as? [String: Any])?["v"])
            #expect(got == want, "plain scalar '\(s)'")
        }
        // Quoted scalars are strings whatever they hold.
        for s in ["'5'", "\"true\"", "'null'", "\"\"", "''", "\"1.5\""] {
            let got = (try YAMLReader.load("v: \(s)\n") as? [String: Any])?["v"]
            #expect(got is String, "quoted scalar \(s)")
        }
    }

    @Test func documentsAsYamsDefaultResolver() throws {
        let documents = [
            """
            KerasJson: model.json
            KerasH5: model_weights.h5
            OutputDir: prj
            ClockPeriod: 5
            IOType: io_parallel
            HLSConfig:
              Model:
                Precision: ap_fixed<16,6>
                ReuseFactor: 4
                Strategy: Resource
              LayerName:
                dense_1:
                  Precision:
                    weight: ap_fixed<8,2>
                    result: ap_fixed<12,4>
                  ReuseFactor: 2
                softmax:
                  Implementation: stable
                  TableSize: 2048
            """,
            """
            base: &b {ReuseFactor: 2, Strategy: Latency}
            other: &o {ReuseFactor: 8, TableSize: 1024}
            one: {<<: *b, Strategy: Resource}
            two:
              <<: [*b, *o]
            list: [1, 2.5, yes, ~, text, {a: 1}]
            empty:
            """,
            "just a scalar",
            "- 1\n- [2, 3]\n- x: .inf\n",
        ]
        for d in documents {
            #expect(Self.canonical(try YAMLReader.load(d)) == Self.canonical(try Yams.load(yaml: d)), "\(d)")
        }
        // A timestamp-looking value stays a string (Yams would make a Date).
        #expect((try YAMLReader.load("Stamp: 2024-01-05\n") as? [String: Any])?["Stamp"] as? String == "2024-01-05")
        // A `!` anywhere hands the text to Yams itself (explicit tags decide types).
        #expect(Self.canonical(try YAMLReader.load("v: !!str 5\nw: !!float 1\n"))
                == Self.canonical(try Yams.load(yaml: "v: !!str 5\nw: !!float 1\n")))
        #expect(try YAMLReader.load("") == nil)
        #expect(throws: (any Error).self) { _ = try YAMLReader.load("a: [1, 2\n") }
    }
}
