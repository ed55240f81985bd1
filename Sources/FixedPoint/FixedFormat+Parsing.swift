// Parsing of type spellings. Accepted: C++ (`ap_fixed<16,6,AP_RND,AP_SAT,0>`, `ap_ufixed<...>`,
// `ap_int<8>`, `ap_uint<4>`) and hls4ml shorthand (`fixed<...>`, `ufixed<...>`, `int<8>`, `uint<4>`),
// whitespace anywhere between tokens. Mode names are matched like hls4ml does (case-insensitive,
// `AP_` optional), so `ap_fixed<16,6,rnd,sat>` and `fixed<16,6,AP_RND,AP_SAT>` are accepted too.
// ap_fixed has no default for I (ap_decl.h), so `ap_fixed<16>` is rejected.

extension FixedFormat {
    /// Parses a C++ or hls4ml type spelling; throws a one-line `FixedPointError` naming the text.
    public init(parsing text: String) throws {
        func fail(_ reason: String) -> FixedPointError { FixedPointError(text: text, reason: reason) }
        let chars = Array(text.unicodeScalars)
        var i = 0
        func skipSpace() { while i < chars.count, chars[i].properties.isWhitespace { i += 1 } }

        skipSpace()
        let keywordStart = i
        while i < chars.count, chars[i] == "_" || ("a"..."z").contains(chars[i]) || ("A"..."Z").contains(chars[i]) {
            i += 1
        }
        let keyword = String(String.UnicodeScalarView(chars[keywordStart..<i]))
        let kinds: [String: (signed: Bool, integer: Bool)] = [
            "ap_fixed": (true, false), "ap_ufixed": (false, false), "ap_int": (true, true), "ap_uint": (false, true),
            "fixed": (true, false), "ufixed": (false, false), "int": (true, true), "uint": (false, true),
        ]
        guard let kind = kinds[keyword] else {
            throw fail("expected ap_fixed, ap_ufixed, ap_int, ap_uint, fixed, ufixed, int or uint")
        }
        skipSpace()
        guard i < chars.count, chars[i] == "<" else { throw fail("expected '<' after '\(keyword)'") }
        i += 1
        guard let close = chars[i...].firstIndex(of: ">") else { throw fail("missing '>'") }
        let inner = String(String.UnicodeScalarView(chars[i..<close]))
        i = close + 1
        skipSpace()
        guard i == chars.count else { throw fail("unexpected text after '>'") }

        let args = inner.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingWhitespace()
        }
        if args.contains(where: \.isEmpty) { throw fail("empty template argument") }
        func integer(_ s: String, _ what: String) throws -> Int {
            guard let v = Int(s) else { throw fail("\(what) '\(s)' is not an integer") }
            return v
        }
        if kind.integer {
            guard args.count == 1 else { throw fail("\(keyword) takes exactly one argument (W)") }
            let w = try integer(args[0], "width")
            try self.init(
                width: w, integerBits: w, signed: kind.signed, quantization: .trn, overflow: .wrap,
                saturationBits: 0, isInteger: true, text: text)
            return
        }
        guard (2...5).contains(args.count) else {
            throw fail("\(keyword) needs 2 to 5 arguments (W,I[,Q[,O[,N]]])")
        }
        let w = try integer(args[0], "width")
        let iBits = try integer(args[1], "integer bits")
        var q = QuantizationMode.trn
        var o = OverflowMode.wrap
        var n = 0
        if args.count > 2 {
            guard let m = QuantizationMode(loose: args[2]) else { throw fail("unknown quantization mode '\(args[2])'") }
            q = m
        }
        if args.count > 3 {
            guard let m = OverflowMode(loose: args[3]) else { throw fail("unknown overflow mode '\(args[3])'") }
            o = m
        }
        if args.count > 4 { n = try integer(args[4], "saturation bits") }
        try self.init(
            width: w, integerBits: iBits, signed: kind.signed, quantization: q, overflow: o,
            saturationBits: n, isInteger: false, text: text)
    }
}

extension QuantizationMode {
    /// Matches `AP_RND`, `RND`, `rnd`... (hls4ml strips `AP_` and upper-cases).
    init?(loose text: String) {
        let key = normalizedModeName(text)
        guard let m = QuantizationMode.allCases.first(where: { $0.shortName == key }) else { return nil }
        self = m
    }
}

extension OverflowMode {
    /// Matches `AP_SAT`, `SAT`, `sat`... (hls4ml strips `AP_` and upper-cases).
    init?(loose text: String) {
        let key = normalizedModeName(text)
        guard let m = OverflowMode.allCases.first(where: { $0.shortName == key }) else { return nil }
        self = m
    }
}

private func normalizedModeName(_ text: String) -> String {
    let up = text.uppercased()
    return up.hasPrefix("AP_") ? String(up.dropFirst(3)) : up
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
