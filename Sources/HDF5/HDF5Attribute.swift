/// The value of an attribute, as stored: scalars use the singular cases, arrays (any rank,
/// flattened in C order) the plural ones.
public enum HDF5Value: Sendable, Equatable {
    /// A scalar string (fixed- or variable-length; ASCII or UTF-8, decoded as UTF-8).
    case string(String)
    /// An array of strings.
    case strings([String])
    /// A scalar integer of any width, as Int.
    case int(Int)
    /// An array of integers.
    case ints([Int])
    /// A scalar float of any width, as Double.
    case double(Double)
    /// An array of floats.
    case doubles([Double])
}

/// An attribute read from a group or dataset: name, shape and value.
public struct HDF5Attribute: Sendable, Equatable {
    /// The attribute's name.
    public let name: String
    /// The HDF5 path of the object it is attached to.
    public let objectPath: String
    /// The file, for error messages.
    let file: String
    /// Dimensions; [] for a scalar, [0] for an empty (or null-dataspace) attribute.
    public let shape: [Int]
    /// The value.
    public let value: HDF5Value

    /// The text of a scalar string, or of a one-element string array.
    public func string() throws(HDF5Error) -> String {
        switch value {
        case .string(let text): return text
        case .strings(let texts) where texts.count == 1: return texts[0]
        default: throw mismatch("a string")
        }
    }

    /// The strings of a string array (a scalar string gives one element). An empty array of any
    /// type gives []: Keras writes `weight_names` of weightless layers as an empty float64 array.
    public func strings() throws(HDF5Error) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .strings(let texts): return texts
        case .ints(let values) where values.isEmpty: return []
        case .doubles(let values) where values.isEmpty: return []
        default: throw mismatch("strings")
        }
    }

    /// The integers of an integer attribute (a scalar gives one element).
    public func ints() throws(HDF5Error) -> [Int] {
        switch value {
        case .int(let value): return [value]
        case .ints(let values): return values
        case .strings(let texts) where texts.isEmpty: return []
        case .doubles(let values) where values.isEmpty: return []
        default: throw mismatch("integers")
        }
    }

    /// The numbers of a numeric attribute as Double (integers converted; a scalar gives one element).
    public func doubles() throws(HDF5Error) -> [Double] {
        switch value {
        case .double(let value): return [value]
        case .doubles(let values): return values
        case .int(let value): return [Double(value)]
        case .ints(let values): return values.map(Double.init)
        case .strings(let texts) where texts.isEmpty: return []
        default: throw mismatch("numbers")
        }
    }

    private func mismatch(_ wanted: String) -> HDF5Error {
        let held: String
        switch value {
        case .string: held = "a string"
        case .strings(let texts): held = "\(texts.count) strings"
        case .int: held = "an integer"
        case .ints(let values): held = "\(values.count) integers"
        case .double: held = "a float"
        case .doubles(let values): held = "\(values.count) floats"
        }
        return HDF5Error(.wrongValueType, file: file, object: objectPath,
                         "attribute '\(name)' on '\(objectPath)' holds \(held), not \(wanted)")
    }
}
