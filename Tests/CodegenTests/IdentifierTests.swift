import Testing
@testable import Codegen

@Suite struct IdentifierTests {
    /// The only characters a sanitised name may hold, and how it may start.
    static func isSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
            && !s.contains("__") && !s.hasSuffix("_")
    }

    @Test func plainNamesPassThrough() {
        for n in ["myproject", "dense_1", "Conv2D", "q_dense_relu", "x"] {
            #expect(sanitizeIdentifier(n) == n)
        }
    }

    @Test func codeCannotBeInjected() {
        let attacks = [
            "x\"; system(\"rm -rf /\"); //",            // C++ string break-out
            "a}]; puts [exec ls]; set b {",             // Tcl command substitution
            "$(shell touch /tmp/pwned)",                // make
            "dense\n#include </etc/passwd>",            // preprocessor via newline
            "x:DDR[0]\nsp=evil_1.in:HBM[31]",           // v++ config line injection
            "`id`", "a;b", "a b", "a/../b", "a\\b", "a'b", "a\u{0}b", "dénse", "层", "🙂",
        ]
        for a in attacks {
            let s = sanitizeIdentifier(a)
            #expect(Self.isSafe(s), "\(a.debugDescription) -> \(s)")
        }
        #expect(sanitizeIdentifier("x\"; system(\"rm -rf /\"); //") == "x_system_rm_rf")
        #expect(sanitizeIdentifier("a}]; puts [exec ls]; set b {") == "a_puts_exec_ls_set_b")
    }

    @Test func awkwardShapesAreFixed() {
        #expect(sanitizeIdentifier("") == "unnamed")
        #expect(sanitizeIdentifier("___") == "unnamed")
        #expect(sanitizeIdentifier("🙂") == "unnamed")
        #expect(sanitizeIdentifier("1dense") == "n_1dense")
        #expect(sanitizeIdentifier("_Dense") == "Dense")
        #expect(sanitizeIdentifier("Private") == "n_Private")   // keywords match case-insensitively (VHDL)
        #expect(sanitizeIdentifier("a__b") == "a_b")
        #expect(sanitizeIdentifier("dense-1.out") == "dense_1_out")
    }

    @Test func keywordsAndReservedNamesArePrefixed() {
        for k in ["int", "class", "main", "in", "out", "input", "output", "signal", "module", "Entity", "std", "hls"] {
            #expect(sanitizeIdentifier(k) == "n_" + k, "\(k)")
        }
        // Our own and the tools' symbol prefixes: a project named fpgarun would clash with the C ABI
        // (fpgarun_mm) and the layer namespace.
        for k in ["fpgarun", "fpgarun_mm", "ap_fixed", "hls_stream", "xrtDevice", "xclbin"] {
            #expect(sanitizeIdentifier(k) == "n_" + k, "\(k)")
        }
    }

    @Test func uniqueNamesStayDistinct() {
        #expect(uniqueIdentifiers(["a-b", "a_b", "a.b", "A_B", "c"]) == ["a_b", "a_b_2", "a_b_3", "A_B_4", "c"])
        let many = uniqueIdentifiers(Array(repeating: "x", count: 5))
        #expect(Set(many.map { $0.lowercased() }).count == 5)
    }
}
