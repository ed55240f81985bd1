import CHDF5

/// A group in an open HDF5 file (a directory of links to groups and datasets).
///
/// Paths given to its methods are relative to the group ("dense/kernel:0" walks down two
/// levels; names may hold any character but "/", including Keras's ":"); a leading "/" makes
/// them absolute.
public struct HDF5Group: Sendable {
    let location: HDF5Location

    /// The absolute HDF5 path, "/" for the root.
    public var path: String { location.path }

    /// The last path component ("/" for the root).
    public var name: String { HDF5Location.components(location.path).last ?? "/" }

    /// The names of the links in this group, in HDF5 name order (byte-wise ascending, so "10"
    /// sorts before "2"), not creation order: files written by h5py do not record creation
    /// order. Keras stores its own order in attributes (`layer_names`, `weight_names`).
    public func children() throws(HDF5Error) -> [String] {
        try HDF5Library.locked { () throws(HDF5Error) in try location.childNames() }
    }

    /// The group at `path` below this one; throws when it is missing or is not a group.
    public func group(_ path: String) throws(HDF5Error) -> HDF5Group {
        try HDF5Library.locked { () throws(HDF5Error) in
            let target = try location.resolving(path)
            try target.require(.group)
            return HDF5Group(location: target)
        }
    }

    /// The dataset at `path` below this one; throws when it is missing or is not a dataset.
    public func dataset(_ path: String) throws(HDF5Error) -> HDF5Dataset {
        try HDF5Library.locked { () throws(HDF5Error) in
            let target = try location.resolving(path)
            try target.require(.dataset)
            return try HDF5Dataset(opening: target)
        }
    }

    /// Whether `path` below this group names an existing group or dataset.
    public func contains(_ path: String) -> Bool {
        HDF5Library.lockedNonThrowing {
            guard let target = try? location.resolving(path) else { return false }
            return target.exists()
        }
    }

    /// Whether `path` below this group names a group.
    public func containsGroup(_ path: String) -> Bool {
        HDF5Library.lockedNonThrowing { (try? location.resolving(path))?.kind() == .group }
    }

    /// Whether `path` below this group names a dataset.
    public func containsDataset(_ path: String) -> Bool {
        HDF5Library.lockedNonThrowing { (try? location.resolving(path))?.kind() == .dataset }
    }

    /// The attribute `name` on this group, or nil when there is none of that name.
    public func attribute(_ name: String) throws(HDF5Error) -> HDF5Attribute? {
        try HDF5Library.locked { () throws(HDF5Error) in try location.attribute(name) }
    }

    /// The attribute `name` on this group; throws when there is none of that name.
    public func requireAttribute(_ name: String) throws(HDF5Error) -> HDF5Attribute {
        guard let attribute = try attribute(name) else {
            throw HDF5Error(.noAttribute, file: location.fileName, object: path,
                            "no attribute '\(name)' on '\(path)'")
        }
        return attribute
    }

    /// The names of this group's attributes, in HDF5 name order.
    public func attributeNames() throws(HDF5Error) -> [String] {
        try HDF5Library.locked { () throws(HDF5Error) in try location.attributeNames() }
    }
}
