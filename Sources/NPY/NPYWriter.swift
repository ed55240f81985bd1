#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a `.npy` file in pieces, atomically: data goes to a hidden temporary file beside the
/// target, which is renamed over it only by `commit()`. A writer dropped without commit removes
/// its temporary file, so a failed run never leaves half an output behind.
public final class NPYStreamWriter {
    /// The file that `commit()` creates.
    public let path: String
    /// Element type written.
    public let dtype: NPYDType
    /// Shape declared in the header.
    public let shape: [Int]
    private let tempPath: String
    private var fd: Int32
    private var written = 0
    private var committed = false
    /// Bytes written since the last sync.
    private var unflushed = 0
    /// Bytes written since writeback was last started.
    private var unstarted = 0

    /// Opens a temporary file beside `path` and writes the header for `shape`.
    public init(path: String, dtype: NPYDType, shape: [Int]) throws {
        self.path = path
        self.dtype = dtype
        self.shape = shape
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw NPYError(path, "output path names a folder, not a file") }
        // The file is replaced by a rename, which would also replace a device, FIFO or folder.
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG && (info.st_mode & S_IFMT) != S_IFLNK {
            throw NPYError(path, "output exists and is not a regular file")
        }
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(name).tmp-XXXXXX".utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw NPYError(path, "cannot create output: \(String(cString: strerror(errno)))") }
        tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, 0o644)
        try writeAll(NPYHeader.encode(dtype: dtype, shape: shape))
    }

    deinit { abandon() }

    /// Elements still expected before `commit()`.
    public var remaining: Int { shape.reduce(1, *) - written }

    /// Appends elements already in the writer's dtype (raw bytes in native little-endian order).
    public func append(raw bytes: UnsafeRawBufferPointer, elements: Int) throws {
        precondition(bytes.count == elements * dtype.size, "byte count does not match elements")
        guard elements <= remaining else { throw NPYError(path, "more elements written than shape \(shape) holds") }
        try writeAll(bytes)
        written += elements
        // Start the kernel's writeback of what is written so far (POSIX_FADV_DONTNEED writes dirty
        // pages out asynchronously on Linux), so commit's fsync finds little left to do: it cost
        // ~0.1 s at the end of a 40 MB output otherwise.
        unflushed += bytes.count
        unstarted += bytes.count
        if let syncEvery, unflushed >= syncEvery { try sync() }
        if unstarted >= 1 << 20 {
            _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
            unstarted = 0
        }
    }

    /// Appends Double values, converting to the writer's float dtype.
    public func append(_ values: UnsafeBufferPointer<Double>) throws {
        switch dtype {
        case .float64:
            try append(raw: UnsafeRawBufferPointer(values), elements: values.count)
        case .float32:
            let floats = values.map(Float.init)
            try floats.withUnsafeBytes { try append(raw: $0, elements: floats.count) }
        default:
            throw NPYError(path, "Double values need a float dtype, writer is \(dtype)")
        }
    }

    /// Appends Int64 values to an int64 writer.
    public func append(_ values: UnsafeBufferPointer<Int64>) throws {
        guard dtype == .int64 else { throw NPYError(path, "Int64 values need dtype int64, writer is \(dtype)") }
        try append(raw: UnsafeRawBufferPointer(values), elements: values.count)
    }

    /// When set, `append` flushes to the disk (`sync`) whenever this many bytes are unflushed, so
    /// that `commit` waits for that much at most. Each flush costs a few ms on a disk however little
    /// it writes, so this is for writers whose producer runs on other threads.
    public var syncEvery: Int?

    /// Waits until what is written so far is on the disk (fdatasync), so that `commit` has only the
    /// rest to flush. A background writer calls it between chunks.
    public func sync() throws {
        guard fd >= 0 else { return }
        guard fdatasync(fd) == 0 || errno == EINVAL else {
            throw NPYError(path, "cannot write: \(String(cString: strerror(errno)))")
        }
        unflushed = 0
    }

    /// Checks every element was written, flushes and renames the file into place.
    public func commit() throws {
        guard !committed else { return }
        guard remaining == 0 else { throw NPYError(path, "only \(written) of \(shape.reduce(1, *)) elements written") }
        guard fsync(fd) == 0 || errno == EINVAL, close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            fd = -1
            abandon()
            throw NPYError(path, "cannot write: \(reason)")
        }
        fd = -1
        guard rename(tempPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            abandon()
            throw NPYError(path, "cannot move output into place: \(reason)")
        }
        committed = true
    }

    /// Discards the temporary file (no-op after `commit()`).
    public func abandon() {
        guard !committed else { return }
        if fd >= 0 { close(fd); fd = -1 }
        unlink(tempPath)
        committed = true
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll($0) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw NPYError(path, "cannot write: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}

/// One-call atomic writers for whole arrays.
public enum NPY {
    /// Writes `values` (C order) with `shape` as float64 (or float32).
    public static func write(_ values: [Double], shape: [Int], to path: String, dtype: NPYDType = .float64) throws {
        guard shape.reduce(1, *) == values.count else { throw NPYError(path, "shape \(shape) does not hold \(values.count) values") }
        let writer = try NPYStreamWriter(path: path, dtype: dtype, shape: shape)
        try values.withUnsafeBufferPointer { try writer.append($0) }
        try writer.commit()
    }

    /// Writes `values` (C order) with `shape` as int64.
    public static func write(_ values: [Int64], shape: [Int], to path: String) throws {
        guard shape.reduce(1, *) == values.count else { throw NPYError(path, "shape \(shape) does not hold \(values.count) values") }
        let writer = try NPYStreamWriter(path: path, dtype: .int64, shape: shape)
        try values.withUnsafeBufferPointer { try writer.append($0) }
        try writer.commit()
    }
}
