/// A rejected fixed-point type: one line naming the offending text and the reason.
public struct FixedPointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The type text as given (or as spelled from the fields that were rejected).
    public let text: String
    /// Why it was rejected.
    public let reason: String

    /// Creates an error for `text` with a short `reason`.
    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    /// `invalid fixed-point type '<text>': <reason>`, kept on one line.
    public var description: String {
        var shown = text.map { $0.isNewline ? " " : $0 }.reduce(into: "") { $0.append($1) }
        if shown.count > 80 { shown = String(shown.prefix(77)) + "..." }
        return "invalid fixed-point type '\(shown)': \(reason)"
    }
}
