// Identifier sanitising: every name that reaches generated C++, Tcl, Makefiles, v++ configs or HDL
// (project names, layer names) goes through `sanitizeIdentifier`, so no name can inject code.
//
// Algorithm: keep ASCII letters and digits, turn every other character into '_', collapse runs of '_'
// (C++ reserves "__") and drop leading/trailing '_' (a leading '_' + capital is reserved too). Then
// prefix "n_" when the result is empty-safe but unusable: it starts with a digit, is a C++ keyword or
// an HDL keyword (HLS renames ports and modules named like VHDL/Verilog keywords, breaking `sp=` and
// `stream_connect=` lines), or starts with a prefix that our own or the tools' symbols use (ap_, hls_,
// ssdm_, xcl, xrt, fpgarun). The output matches [A-Za-z][A-Za-z0-9_]*: nothing in it is special to
// C++, Tcl ($ [ ] { } " ;), make ($ : #), a shell or a config file.

/// Maps any text to a safe identifier for generated C++, Tcl, Makefile, v++ config and HDL names.
public func sanitizeIdentifier(_ name: String) -> String {
    var s = ""
    var lastUnderscore = true  // drops leading underscores
    for u in name.unicodeScalars {
        if u.isASCII, (u.properties.isAlphabetic || ("0"..."9").contains(u)) {
            s.unicodeScalars.append(u)
            lastUnderscore = false
        } else if !lastUnderscore {
            s += "_"
            lastUnderscore = true
        }
    }
    while s.hasSuffix("_") { s.removeLast() }
    if s.isEmpty { return "unnamed" }
    let lower = s.lowercased()
    if let first = s.unicodeScalars.first, ("0"..."9").contains(first) { return "n_" + s }
    if reservedWords.contains(lower) || reservedPrefixes.contains(where: { lower.hasPrefix($0) }) {
        return "n_" + s
    }
    return s
}

/// Sanitises each name and makes the results distinct by suffixing `_2`, `_3`, ... in order.
public func uniqueIdentifiers(_ names: [String]) -> [String] {
    var taken = Set<String>()
    var out: [String] = []
    out.reserveCapacity(names.count)
    for name in names {
        let base = sanitizeIdentifier(name)
        var candidate = base
        var k = 2
        // Compare lowercased: VHDL and case-insensitive file systems treat "A" and "a" alike.
        while taken.contains(candidate.lowercased()) {
            candidate = "\(base)_\(k)"
            k += 1
        }
        taken.insert(candidate.lowercased())
        out.append(candidate)
    }
    return out
}

/// Prefixes of names used by ap_types, HLS, XRT and fpgarun itself (compared lowercased).
private let reservedPrefixes = ["ap_", "hls_", "ssdm_", "xcl", "xrt", "fpgarun"]

/// C++ keywords and alternative tokens, common library names, and VHDL/Verilog keywords (lowercased).
private let reservedWords: Set<String> = [
    // C++
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case",
    "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval",
    "constexpr", "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype",
    "default", "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern",
    "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace",
    "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected",
    "public", "register", "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
    "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw", "true",
    "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
    "wchar_t", "while", "xor", "xor_eq",
    // names the generated code and its headers rely on
    "main", "std", "hls", "nnet", "input_t", "result_t", "n_input", "n_output", "defines", "parameters",
    // C library names (often macros) a top function must not shadow
    "errno", "stdin", "stdout", "stderr", "abort", "malloc", "free", "printf", "memcpy", "memset", "offsetof", "eof",
    // VHDL
    "abs", "access", "after", "alias", "all", "architecture", "array", "assert", "attribute", "begin",
    "block", "body", "buffer", "bus", "component", "configuration", "constant", "disconnect", "downto",
    "elsif", "end", "entity", "exit", "file", "function", "generate", "generic", "group", "guarded",
    "impure", "in", "inertial", "inout", "is", "label", "library", "linkage", "literal", "loop", "map",
    "mod", "nand", "next", "nor", "null", "of", "on", "open", "others", "out", "package", "port",
    "postponed", "procedure", "process", "pure", "range", "record", "reject", "rem", "report", "return",
    "rol", "ror", "select", "severity", "shared", "signal", "sla", "sll", "sra", "srl", "subtype", "then",
    "to", "transport", "type", "units", "until", "use", "variable", "wait", "when", "with", "xnor",
    // Verilog / SystemVerilog
    "always", "assign", "deassign", "defparam", "disable", "edge", "endcase", "endfunction", "endmodule",
    "endprimitive", "endspecify", "endtable", "endtask", "event", "force", "forever", "fork", "highz0",
    "highz1", "initial", "input", "integer", "join", "large", "logic", "macromodule", "medium", "module",
    "negedge", "output", "parameter", "posedge", "primitive", "real", "realtime", "reg", "release",
    "repeat", "scalared", "small", "specify", "specparam", "strong0", "strong1", "supply0", "supply1",
    "table", "task", "time", "tran", "tri", "tri0", "tri1", "triand", "trior", "trireg", "vectored", "wand",
    "weak0", "weak1", "wire", "wor",
]
