/// A failure reading an HDF5 file: one line, naming the file and the object, e.g.
/// `model.h5: no dataset '/model_weights/dense/dense/kernel:0'`.
public struct HDF5Error: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for callers that branch on it.
    public enum Kind: Sendable, Equatable {
        /// The path names no file.
        case fileNotFound
        /// The file exists but cannot be read (permissions, a directory).
        case unreadableFile
        /// The bytes are not an HDF5 file, or it is truncated or corrupt.
        case notHDF5
        /// No group at the path.
        case noGroup
        /// No dataset at the path.
        case noDataset
        /// No attribute of that name on the object.
        case noAttribute
        /// The object exists but is of another kind (a dataset where a group was asked for, ...).
        case wrongObjectKind
        /// The attribute or dataset has a type this module does not read (compound, enum, ...).
        case unsupportedType
        /// The attribute holds another kind of value than the accessor asked for.
        case wrongValueType
        /// The path is empty or malformed.
        case invalidPath
        /// libhdf5 failed part-way through reading an object that opened fine (corrupt data).
        case readFailed
        /// libhdf5 itself failed to initialise.
        case libraryUnavailable
    }

    /// What went wrong.
    public let kind: Kind
    /// The file as the caller named it (the path, or the name given with an in-memory image).
    public let file: String
    /// The HDF5 path of the object concerned ("" for file-level errors).
    public let object: String
    /// The message after "<file>: ".
    public let message: String

    init(_ kind: Kind, file: String, object: String = "", _ message: String) {
        self.kind = kind
        self.file = HDF5Error.oneLine(file)
        self.object = object
        self.message = HDF5Error.oneLine(message)
    }

    /// `<file>: <message>`, always a single line.
    public var description: String { "\(file): \(message)" }

    /// Names may legally hold newlines; the message must stay on one line.
    private static func oneLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.map { $0.isNewline ? "\\n" : String($0) }.joined()
    }
}
