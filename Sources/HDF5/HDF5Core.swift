import CHDF5

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns an open file identifier; the file closes when the last value referring to it goes away.
///
/// `@unchecked Sendable`: the identifier is immutable and every use of it goes through
/// `HDF5Library.locked`.
final class HDF5FileHandle: @unchecked Sendable {
    let id: hid_t
    /// The file as the caller named it, for error messages.
    let name: String

    init(id: hid_t, name: String) {
        self.id = id
        self.name = name
    }

    deinit {
        let id = self.id
        HDF5Library.lockedNonThrowing { _ = chdf5_H5Fclose(id) }
    }
}

/// Kinds of object a path can name.
enum HDF5ObjectKind: Sendable {
    case group, dataset, other
}

/// A file plus an absolute HDF5 path: what groups, datasets and attributes share.
/// Every method here expects the caller to hold `HDF5Library`'s lock.
struct HDF5Location: Sendable {
    let file: HDF5FileHandle
    /// Absolute, normalised ("/" or "/a/b", no empty components).
    let path: String

    var fileName: String { file.name }

    /// The absolute path of `relative` seen from this location; a leading "/" makes it absolute.
    /// Empty components and "." are dropped (HDF5 ignores them too); ".." is not a thing in HDF5.
    func resolving(_ relative: String) throws(HDF5Error) -> HDF5Location {
        let base = relative.hasPrefix("/") ? [] : HDF5Location.components(path)
        let more = HDF5Location.components(relative)
        guard !relative.isEmpty, !more.isEmpty || relative.hasPrefix("/") else {
            throw HDF5Error(.invalidPath, file: fileName, object: path, "empty path below '\(path)'")
        }
        // Concatenated by hand: `joined(separator:)` made the runtime look up its generic witnesses
        // (a search of every protocol conformance record) on each start.
        var joined = ""
        for component in base + more {
            joined += "/"
            joined += component
        }
        return HDF5Location(file: file, path: joined.isEmpty ? "/" : joined)
    }

    static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
    }

    /// Whether every link along the path exists and the last one resolves to an object.
    /// (H5Lexists fails, rather than answering false, when an intermediate link is missing.)
    func exists() -> Bool {
        let parts = HDF5Location.components(path)
        var prefix = ""
        for part in parts {
            prefix += "/" + part
            guard chdf5_H5Lexists(file.id, prefix, chdf5_default_plist()) > 0 else { return false }
        }
        return parts.isEmpty || chdf5_H5Oexists_by_name(file.id, path, chdf5_default_plist()) > 0
    }

    /// What the path names, or nil when nothing.
    func kind() -> HDF5ObjectKind? {
        guard exists() else { return nil }
        let object = chdf5_H5Oopen(file.id, path, chdf5_default_plist())
        guard object >= 0 else { return nil }
        defer { chdf5_H5Oclose(object) }
        switch chdf5_H5Iget_type(object) {
        case CHDF5_I_GROUP: return .group
        case CHDF5_I_DATASET: return .dataset
        default: return .other
        }
    }

    /// Throws unless the path names an object of `wanted` kind.
    func require(_ wanted: HDF5ObjectKind) throws(HDF5Error) {
        let noun = wanted == .group ? "group" : "dataset"
        guard let found = kind() else {
            throw HDF5Error(wanted == .group ? .noGroup : .noDataset, file: fileName, object: path,
                            "no \(noun) '\(path)'")
        }
        guard found == wanted else {
            let actual = found == .group ? "a group" : found == .dataset ? "a dataset" : "a named type"
            throw HDF5Error(.wrongObjectKind, file: fileName, object: path,
                            "not a \(noun) '\(path)' (it is \(actual))")
        }
    }

    /// Opens the object at the path (caller closes it with H5Oclose).
    func open(for what: String) throws(HDF5Error) -> hid_t {
        let object = chdf5_H5Oopen(file.id, path, chdf5_default_plist())
        guard object >= 0 else {
            throw HDF5Error(.readFailed, file: fileName, object: path, "cannot open \(what) '\(path)'")
        }
        return object
    }

    /// Link names in a group, in HDF5 name order (byte-wise ascending).
    func childNames() throws(HDF5Error) -> [String] {
        try require(.group)
        let group = try open(for: "group")
        defer { chdf5_H5Oclose(group) }
        let count = chdf5_link_count(group)
        guard count >= 0 else {
            throw HDF5Error(.readFailed, file: fileName, object: path, "cannot list group '\(path)'")
        }
        var names: [String] = []
        names.reserveCapacity(Int(count))
        for index in 0..<hsize_t(count) {
            let name = HDF5Location.readName { buffer, size in
                chdf5_H5Lget_name_by_idx(group, ".", CHDF5_INDEX_NAME, CHDF5_ITER_INC, index, buffer, size,
                                   chdf5_default_plist())
            }
            guard let name else {
                throw HDF5Error(.readFailed, file: fileName, object: path, "cannot list group '\(path)'")
            }
            names.append(name)
        }
        return names
    }

    /// Attribute names on the object, in HDF5 name order (byte-wise ascending).
    func attributeNames() throws(HDF5Error) -> [String] {
        let object = try open(for: "object")
        defer { chdf5_H5Oclose(object) }
        let count = chdf5_attribute_count(object)
        guard count >= 0 else {
            throw HDF5Error(.readFailed, file: fileName, object: path, "cannot list attributes of '\(path)'")
        }
        var names: [String] = []
        for index in 0..<hsize_t(count) {
            let name = HDF5Location.readName { buffer, size in
                chdf5_H5Aget_name_by_idx(object, ".", CHDF5_INDEX_NAME, CHDF5_ITER_INC, index, buffer, size,
                                   chdf5_default_plist())
            }
            guard let name else {
                throw HDF5Error(.readFailed, file: fileName, object: path, "cannot list attributes of '\(path)'")
            }
            names.append(name)
        }
        return names
    }

    /// HDF5's two-call name protocol: ask for the length, then fill a buffer one longer.
    static func readName(_ call: (UnsafeMutablePointer<CChar>?, Int) -> Int) -> String? {
        let length = call(nil, 0)
        guard length >= 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        let written = buffer.withUnsafeMutableBufferPointer { call($0.baseAddress, length + 1) }
        guard written == length else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The attribute `name` on this object, or nil when it has none of that name.
    func attribute(_ name: String) throws(HDF5Error) -> HDF5Attribute? {
        guard kind() != nil else {
            throw HDF5Error(.noGroup, file: fileName, object: path, "no object '\(path)'")
        }
        let present = chdf5_H5Aexists_by_name(file.id, path, name, chdf5_default_plist())
        guard present >= 0 else {
            throw HDF5Error(.readFailed, file: fileName, object: path,
                            "cannot look up attribute '\(name)' on '\(path)'")
        }
        guard present > 0 else { return nil }
        let attribute = chdf5_H5Aopen_by_name(file.id, path, name, chdf5_default_plist(), chdf5_default_plist())
        guard attribute >= 0 else {
            throw HDF5Error(.readFailed, file: fileName, object: path, "cannot open attribute '\(name)' on '\(path)'")
        }
        defer { chdf5_H5Aclose(attribute) }
        let reader = HDF5ValueReader(location: self, what: "attribute '\(name)' on '\(path)'", id: attribute,
                                     isAttribute: true)
        let (shape, value) = try reader.readValue()
        return HDF5Attribute(name: name, objectPath: path, file: fileName, shape: shape, value: value)
    }
}

/// Reads the dataspace, type and values of one open attribute or dataset.
struct HDF5ValueReader {
    let location: HDF5Location
    /// "attribute 'x' on '/a'" or "dataset '/a/b'", for messages.
    let what: String
    let id: hid_t
    let isAttribute: Bool

    private func failure(_ message: String) -> HDF5Error {
        failure(.readFailed, message)
    }

    private func failure(_ kind: HDF5Error.Kind, _ message: String) -> HDF5Error {
        HDF5Error(kind, file: location.fileName, object: location.path, message)
    }

    /// The extent: [] for a scalar, the dimensions for a simple space, nil for a null space.
    func shape() throws(HDF5Error) -> [Int]? {
        let space = isAttribute ? chdf5_H5Aget_space(id) : chdf5_H5Dget_space(id)
        guard space >= 0 else { throw failure("cannot read the shape of \(what)") }
        defer { chdf5_H5Sclose(space) }
        switch chdf5_H5Sget_simple_extent_type(space) {
        case CHDF5_S_SCALAR: return []
        case CHDF5_S_NULL: return nil
        case CHDF5_S_SIMPLE:
            let rank = chdf5_H5Sget_simple_extent_ndims(space)
            guard rank >= 0 else { throw failure("cannot read the shape of \(what)") }
            var dims = [hsize_t](repeating: 0, count: Int(rank))
            guard chdf5_H5Sget_simple_extent_dims(space, &dims, nil) == rank else {
                throw failure("cannot read the shape of \(what)")
            }
            return dims.map { Int($0) }
        default:
            throw failure("cannot read the shape of \(what)")
        }
    }

    /// Whether the stored (file) type is the same type as `memoryType`.
    func hasFileType(equalTo memoryType: hid_t) throws(HDF5Error) -> Bool {
        let type = isAttribute ? chdf5_H5Aget_type(id) : chdf5_H5Dget_type(id)
        guard type >= 0 else { throw failure("cannot read the type of \(what)") }
        defer { chdf5_H5Tclose(type) }
        return chdf5_H5Tequal(type, memoryType) > 0
    }

    /// The stored element type (file type) as the public enum.
    func elementType() throws(HDF5Error) -> HDF5ElementType {
        let type = isAttribute ? chdf5_H5Aget_type(id) : chdf5_H5Dget_type(id)
        guard type >= 0 else { throw failure("cannot read the type of \(what)") }
        defer { chdf5_H5Tclose(type) }
        let bits = chdf5_H5Tget_size(type) * 8
        switch chdf5_H5Tget_class(type) {
        case CHDF5_T_FLOAT: return .float(bits: bits)
        case CHDF5_T_INTEGER: return .integer(bits: bits, signed: chdf5_H5Tget_sign(type) == CHDF5_T_SGN_2)
        case CHDF5_T_STRING: return .string(variableLength: chdf5_H5Tis_variable_str(type) > 0)
        case CHDF5_T_COMPOUND: return .other("compound")
        case CHDF5_T_ENUM: return .other("enum")
        case CHDF5_T_ARRAY: return .other("array")
        case CHDF5_T_VLEN: return .other("variable-length sequence")
        case CHDF5_T_REFERENCE: return .other("reference")
        case CHDF5_T_OPAQUE: return .other("opaque")
        case CHDF5_T_BITFIELD: return .other("bitfield")
        case CHDF5_T_TIME: return .other("time")
        default: return .other("unknown")
        }
    }

    /// Reads all elements converted by HDF5 to the native memory type `memoryType`.
    func readNumbers<T: Numeric>(as memoryType: hid_t, count: Int, zero: T) throws(HDF5Error) -> [T] {
        guard count > 0 else { return [] }
        var ok = true
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let status = isAttribute
                ? chdf5_H5Aread(id, memoryType, buffer.baseAddress)
                : chdf5_H5Dread(id, memoryType, chdf5_all_space(), chdf5_all_space(), chdf5_default_plist(),
                          buffer.baseAddress)
            if status < 0 {
                ok = false
                buffer.initialize(repeating: zero)
            }
            initialized = count
        }
        guard ok else { throw failure("cannot read \(what)") }
        return values
    }

    /// Reads all elements of a string attribute or dataset, fixed- or variable-length.
    func readStrings(count: Int) throws(HDF5Error) -> [String] {
        guard count > 0 else { return [] }
        let fileType = isAttribute ? chdf5_H5Aget_type(id) : chdf5_H5Dget_type(id)
        guard fileType >= 0 else { throw failure("cannot read the type of \(what)") }
        defer { chdf5_H5Tclose(fileType) }
        if chdf5_H5Tis_variable_str(fileType) > 0 {
            let memoryType = chdf5_H5Tcopy(chdf5_c_s1())
            guard memoryType >= 0 else { throw failure("cannot read \(what)") }
            defer { chdf5_H5Tclose(memoryType) }
            guard chdf5_H5Tset_size(memoryType, chdf5_variable_size()) >= 0,
                  chdf5_H5Tset_cset(memoryType, chdf5_H5Tget_cset(fileType)) >= 0 else {
                throw failure("cannot read \(what)")
            }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let status = pointers.withUnsafeMutableBufferPointer { buffer in
                isAttribute
                    ? chdf5_H5Aread(id, memoryType, buffer.baseAddress)
                    : chdf5_H5Dread(id, memoryType, chdf5_all_space(), chdf5_all_space(), chdf5_default_plist(),
                              buffer.baseAddress)
            }
            // Strings HDF5 allocated are freed with HDF5's allocator, even after a partial failure.
            defer { for pointer in pointers where pointer != nil { chdf5_H5free_memory(pointer) } }
            guard status >= 0 else { throw failure("cannot read \(what)") }
            return pointers.map { pointer in
                guard let pointer else { return "" }
                return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)),
                              as: UTF8.self)
            }
        }
        let size = chdf5_H5Tget_size(fileType)
        guard size > 0 else { throw failure("cannot read \(what)") }
        let spacePadded = chdf5_H5Tget_strpad(fileType) == CHDF5_T_STR_SPACEPAD
        var bytes = [UInt8](repeating: 0, count: count * size)
        let status = bytes.withUnsafeMutableBytes { buffer in
            // Memory type = file type: fixed-length strings need no conversion.
            isAttribute
                ? chdf5_H5Aread(id, fileType, buffer.baseAddress)
                : chdf5_H5Dread(id, fileType, chdf5_all_space(), chdf5_all_space(), chdf5_default_plist(),
                          buffer.baseAddress)
        }
        guard status >= 0 else { throw failure("cannot read \(what)") }
        return (0..<count).map { index in
            var element = bytes[index * size..<(index + 1) * size]
            // NULLTERM and NULLPAD both end at the first NUL; SPACEPAD pads with blanks.
            if let nul = element.firstIndex(of: 0) { element = element[..<nul] }
            if spacePadded { while element.last == 0x20 { element = element.dropLast() } }
            return String(decoding: element, as: UTF8.self)
        }
    }

    /// Shape and value of an attribute: scalars give the singular cases, arrays (and null
    /// dataspaces, as empty arrays) the plural ones.
    func readValue() throws(HDF5Error) -> ([Int], HDF5Value) {
        let shape = try shape()
        let count = shape?.reduce(1, *) ?? 0
        let scalar = shape == []
        switch try elementType() {
        case .string:
            let strings = try readStrings(count: count)
            return (shape ?? [0], scalar ? .string(strings[0]) : .strings(strings))
        case .integer:
            let values: [Int64] = try readNumbers(as: chdf5_native_int64(), count: count, zero: 0)
            let ints = values.map { Int($0) }
            return (shape ?? [0], scalar ? .int(ints[0]) : .ints(ints))
        case .float:
            let doubles: [Double] = try readNumbers(as: chdf5_native_double(), count: count, zero: 0)
            return (shape ?? [0], scalar ? .double(doubles[0]) : .doubles(doubles))
        case .other(let name):
            throw failure(.unsupportedType, "unsupported type \(name) in \(what)")
        }
    }
}
