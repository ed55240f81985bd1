/// A code generation failure: one line naming what failed (a template, a platform, a folder, a tool).
public struct CodegenError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of failure, so callers and tests can tell them apart without parsing text.
    public enum Kind: String, Sendable {
        /// A template has a placeholder with no value, a value with no placeholder, or bad syntax.
        case template
        /// A platform name outside the known table.
        case unknownPlatform
        /// A project setting out of range (sizes, clock, reuse factor, names).
        case invalidSpec
        /// The output folder (or a file in it) could not be written.
        case write
        /// The C++ compiler failed or could not be started.
        case compile
        /// A C-simulation library could not be loaded or one of its kernels failed.
        case load
    }

    /// What kind of failure.
    public let kind: Kind
    /// The one-line message.
    public let message: String

    /// Creates an error of `kind`; newlines in `message` are flattened so it stays one line.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = String(message.map { $0.isNewline ? " " : $0 })
    }

    public var description: String { message }
}
