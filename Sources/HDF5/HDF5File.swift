import CHDF5

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An HDF5 file opened read-only, from disk or from bytes in memory.
///
/// Thread-safe: every libhdf5 call in this module is serialised through one global lock (the
/// serial libhdf5 build is not thread-safe). The file stays open while any group or dataset
/// obtained from it is alive.
public final class HDF5File: Sendable {
    /// The file as named when opened: its path, or the name given with an in-memory image.
    public let name: String
    let handle: HDF5FileHandle

    /// Opens the file at `path` read-only; a missing, unreadable, truncated, corrupt or non-HDF5
    /// file throws an `HDF5Error` naming the path.
    public init(path: String) throws(HDF5Error) {
        name = path
        try HDF5Library.load(for: path)
        handle = try HDF5Library.locked { () throws(HDF5Error) -> HDF5FileHandle in
            // Tell "no such file" and "not readable" apart from "not HDF5": libhdf5's own
            // error stack is silenced and would only say "unable to open file" for all three.
            if path.isEmpty || access(path, F_OK) != 0 {
                throw HDF5Error(.fileNotFound, file: path, "no such file")
            }
            if access(path, R_OK) != 0 {
                throw HDF5Error(.unreadableFile, file: path, "cannot read file (permission denied)")
            }
            let id = chdf5_open_readonly(path, chdf5_default_plist())
            guard id >= 0 else {
                throw HDF5Error(.notHDF5, file: path, "not an HDF5 file (or truncated or corrupt)")
            }
            return HDF5FileHandle(id: id, name: path)
        }
    }

    /// Opens an in-memory HDF5 file image (e.g. `model.weights.h5` inside a `.keras` zip) without
    /// touching the disk; `name` only labels error messages. The bytes are copied.
    public init(image bytes: [UInt8], name: String) throws(HDF5Error) {
        self.name = name
        try HDF5Library.load(for: name)
        handle = try HDF5Library.locked { () throws(HDF5Error) -> HDF5FileHandle in
            guard !bytes.isEmpty else {
                throw HDF5Error(.notHDF5, file: name, "not an HDF5 file (empty image)")
            }
            let fapl = bytes.withUnsafeBytes { chdf5_image_fapl($0.baseAddress, $0.count) }
            guard fapl >= 0 else {
                throw HDF5Error(.notHDF5, file: name, "cannot set up an in-memory file image")
            }
            defer { chdf5_H5Pclose(fapl) }
            // HDF5 shares an already-open file whose driver compares equal, and the core driver
            // compares by name: a unique internal name keeps two images apart.
            HDF5Library.imageCounter += 1
            let internalName = "fpgarun-hdf5-image-\(HDF5Library.imageCounter)"
            let id = chdf5_open_readonly(internalName, fapl)
            guard id >= 0 else {
                throw HDF5Error(.notHDF5, file: name, "not an HDF5 file (or truncated or corrupt)")
            }
            return HDF5FileHandle(id: id, name: name)
        }
    }

    /// The root group "/".
    public var root: HDF5Group {
        HDF5Group(location: HDF5Location(file: handle, path: "/"))
    }
}
