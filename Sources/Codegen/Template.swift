// Template rendering: text with `{{key}}` placeholders and nothing else (no conditionals, loops or
// escaping). Rendering is strict both ways: a placeholder without a value and a value without a
// placeholder are errors, so a renamed key can never silently emit a stale or empty line. Keys are
// lowercase identifiers ([a-z_][a-z0-9_]*); any other `{{` in a template is a syntax error, which keeps
// templates free of accidental placeholders.

/// A named template text with `{{key}}` placeholders.
public struct Template: Sendable {
    /// The name used in error messages (the file name under Kernels/).
    public let name: String
    /// The raw template text.
    public let text: String

    /// Wraps `text` as the template `name`.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// Looks up one of the embedded Kernels/ templates by file name.
    public static func embedded(_ name: String) throws -> Template {
        guard let text = EmbeddedKernels.files[name] else {
            throw CodegenError(.template, "no embedded template Kernels/\(name)")
        }
        return Template(name: name, text: text)
    }

    /// The placeholder keys in order of first appearance.
    public func keys() throws -> [String] {
        var seen = Set<String>(), ordered: [String] = []
        try scan { key in
            if seen.insert(key).inserted { ordered.append(key) }
        } literal: { _ in }
        return ordered
    }

    /// Substitutes every placeholder; throws on a missing key, an unused key or bad syntax.
    public func render(_ values: [String: String]) throws -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + values.values.reduce(0) { $0 + $1.utf8.count })
        var used = Set<String>()
        var missing: [String] = []
        try scan { key in
            if let v = values[key] {
                out += v
                used.insert(key)
            } else if !missing.contains(key) {
                missing.append(key)
            }
        } literal: { out += $0 }
        if !missing.isEmpty {
            throw CodegenError(.template, "template \(name): no value for {{\(missing.joined(separator: "}}, {{"))}}")
        }
        let unused = values.keys.filter { !used.contains($0) }.sorted()
        if !unused.isEmpty {
            throw CodegenError(.template, "template \(name): unused value(s) \(unused.joined(separator: ", "))")
        }
        return out
    }

    /// Walks the text, handing literal runs and placeholder keys to the two closures in order.
    private func scan(key: (String) throws -> Void, literal: (Substring) -> Void) throws {
        var rest = text[...]
        var line = 1
        while let open = rest.range(of: "{{") {
            let before = rest[..<open.lowerBound]
            literal(before)
            line += before.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                throw CodegenError(.template, "template \(name) line \(line): '{{' without '}}'")
            }
            let k = after[..<close.lowerBound]
            guard Template.isKey(k) else {
                let shown = k.prefix(30).map { $0.isNewline ? " " : $0 }
                throw CodegenError(.template, "template \(name) line \(line): bad placeholder '{{\(String(shown))}}'")
            }
            try key(String(k))
            rest = after[close.upperBound...]
        }
        literal(rest)
    }

    /// Whether `s` is a placeholder key: [a-z_][a-z0-9_]*.
    static func isKey(_ s: Substring) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
