import CHDF5

/// The element type a dataset or attribute is stored with.
public enum HDF5ElementType: Sendable, Equatable {
    /// IEEE floating point of `bits` width (16, 32, 64).
    case float(bits: Int)
    /// Two's-complement (`signed`) or unsigned integer of `bits` width.
    case integer(bits: Int, signed: Bool)
    /// Fixed-length or variable-length string.
    case string(variableLength: Bool)
    /// A type this module does not read (compound, enum, array, reference, ...), by name.
    case other(String)
}

/// A dataset in an open HDF5 file: its shape and element type, and its values on demand.
public struct HDF5Dataset: Sendable {
    let location: HDF5Location

    /// The absolute HDF5 path.
    public var path: String { location.path }

    /// The last path component (e.g. "kernel:0").
    public var name: String { HDF5Location.components(location.path).last ?? "/" }

    /// Dimensions in C (row-major) order; [] for a scalar dataset.
    public let shape: [Int]

    /// How the values are stored in the file.
    public let elementType: HDF5ElementType

    /// Whether the file type is exactly the machine's `float`, so reading floats converts nothing.
    let storedAsNativeFloat: Bool

    /// Number of elements (1 for a scalar, 0 when any dimension is 0).
    public var count: Int { shape.reduce(1, *) }

    /// Reads shape and type; caller holds the lock and has checked the path names a dataset.
    init(opening location: HDF5Location) throws(HDF5Error) {
        self.location = location
        let id = try location.open(for: "dataset")
        defer { chdf5_H5Oclose(id) }
        let reader = HDF5ValueReader(location: location, what: "dataset '\(location.path)'", id: id,
                                     isAttribute: false)
        shape = try reader.shape() ?? [0]
        elementType = try reader.elementType()
        storedAsNativeFloat = try reader.hasFileType(equalTo: chdf5_native_float())
    }

    /// All values as Double in C order; HDF5 converts any integer or float type. Values stored as
    /// the machine's float (Keras' weights are) are read as they are and widened here, which is
    /// exact: a converting read makes HDF5 calloc a 1 MB conversion buffer every time, whatever
    /// the dataset's size.
    public func readDoubles() throws(HDF5Error) -> [Double] {
        if storedAsNativeFloat { return try readFloats().map(Double.init) }
        return try read(as: chdf5_native_double(), zero: 0.0)
    }

    /// All values as Float in C order; HDF5 converts any integer or float type (float64 values
    /// round to nearest).
    public func readFloats() throws(HDF5Error) -> [Float] {
        try read(as: chdf5_native_float(), zero: Float(0))
    }

    /// All values of a string dataset (fixed- or variable-length), in C order.
    public func readStrings() throws(HDF5Error) -> [String] {
        guard case .string = elementType else {
            throw HDF5Error(.wrongValueType, file: location.fileName, object: path,
                            "dataset '\(path)' holds \(elementType.label), not strings")
        }
        let count = self.count
        return try HDF5Library.locked { () throws(HDF5Error) in
            let id = try location.open(for: "dataset")
            defer { chdf5_H5Oclose(id) }
            let reader = HDF5ValueReader(location: location, what: "dataset '\(path)'", id: id, isAttribute: false)
            return try reader.readStrings(count: count)
        }
    }

    private func read<T: Numeric>(as memoryType: @autoclosure () -> hid_t, zero: T) throws(HDF5Error) -> [T] {
        switch elementType {
        case .float, .integer: break
        default:
            throw HDF5Error(.wrongValueType, file: location.fileName, object: path,
                            "dataset '\(path)' holds \(elementType.label), not numbers")
        }
        let count = self.count
        return try HDF5Library.locked { () throws(HDF5Error) in
            let id = try location.open(for: "dataset")
            defer { chdf5_H5Oclose(id) }
            let reader = HDF5ValueReader(location: location, what: "dataset '\(path)'", id: id, isAttribute: false)
            return try reader.readNumbers(as: memoryType(), count: count, zero: zero)
        }
    }

    /// The attribute `name` on this dataset, or nil when there is none of that name.
    public func attribute(_ name: String) throws(HDF5Error) -> HDF5Attribute? {
        try HDF5Library.locked { () throws(HDF5Error) in try location.attribute(name) }
    }

    /// The names of this dataset's attributes, in HDF5 name order.
    public func attributeNames() throws(HDF5Error) -> [String] {
        try HDF5Library.locked { () throws(HDF5Error) in try location.attributeNames() }
    }
}

extension HDF5ElementType {
    /// Short text for messages: "float32", "int8", "uint16", "string", "compound".
    var label: String {
        switch self {
        case .float(let bits): return "float\(bits)"
        case .integer(let bits, let signed): return (signed ? "int" : "uint") + "\(bits)"
        case .string: return "strings"
        case .other(let name): return name
        }
    }
}
