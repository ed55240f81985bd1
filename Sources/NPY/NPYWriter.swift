import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary file beside an output that is renamed over it on commit: a failed run never
/// leaves half an output behind, and the previous file stays until the new one is complete.
final class OutputFile: @unchecked Sendable {
    // @unchecked: `fd` and `committed` change only in commit/abandon, which the owner calls once
    // its writes (from any threads) are over.
    let path: String
    private let tempPath: String
    private(set) var fd: Int32
    private var committed = false

    /// Creates the temporary file for `path` (refusing a `path` that is a folder, device or FIFO).
    init(path: String) throws {
        self.path = path
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
    }

    deinit { abandon() }

    /// Writes all of `bytes` at `offset` (at the end of what is written so far when nil). Safe
    /// from several threads at once for disjoint ranges given with an offset.
    func writeBytes(_ bytes: UnsafeRawBufferPointer, at offset: Int? = nil) throws {
        var done = 0
        while done < bytes.count {
            let n = offset.map { pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t($0 + done)) }
                ?? write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw NPYError(path, "cannot write: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Starts the kernel's writeback of what is written so far (POSIX_FADV_DONTNEED writes dirty
    /// pages out asynchronously on Linux), so that commit's fsync finds little left to do: it cost
    /// ~0.1 s at the end of a 40 MB output otherwise.
    func startWriteback() {
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
    }

    /// Flushes the file to the disk (unless the caller just did) and renames it over `path`.
    func commit(synced: Bool = false) throws {
        guard !committed else { return }
        guard synced || fsync(fd) == 0 || errno == EINVAL, close(fd) == 0 else {
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

    /// Removes the temporary file (no-op after `commit()`).
    func abandon() {
        guard !committed else { return }
        if fd >= 0 { close(fd); fd = -1 }
        unlink(tempPath)
        committed = true
    }
}

/// Writes a `.npy` file in pieces, in order, atomically (see `OutputFile`): a writer dropped
/// without `commit()` removes its temporary file.
public final class NPYStreamWriter {
    /// The file that `commit()` creates.
    public let path: String
    /// Element type written.
    public let dtype: NPYDType
    /// Shape declared in the header.
    public let shape: [Int]
    private let file: OutputFile
    private var written = 0
    /// Bytes written since writeback was last started.
    private var unstarted = 0

    /// Opens a temporary file beside `path` and writes the header for `shape`.
    public init(path: String, dtype: NPYDType, shape: [Int]) throws {
        self.path = path
        self.dtype = dtype
        self.shape = shape
        let file = try OutputFile(path: path)
        try NPYHeader.encode(dtype: dtype, shape: shape).withUnsafeBytes { try file.writeBytes($0) }
        self.file = file
    }

    /// Elements still expected before `commit()`.
    public var remaining: Int { shape.reduce(1, *) - written }

    /// Appends elements already in the writer's dtype (raw bytes in native little-endian order).
    public func append(raw bytes: UnsafeRawBufferPointer, elements: Int) throws {
        precondition(bytes.count == elements * dtype.size, "byte count does not match elements")
        guard elements <= remaining else { throw NPYError(path, "more elements written than shape \(shape) holds") }
        try file.writeBytes(bytes)
        written += elements
        unstarted += bytes.count
        if unstarted >= 1 << 20 {
            file.startWriteback()
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

    /// Checks every element was written, flushes and renames the file into place.
    public func commit() throws {
        guard remaining == 0 else { throw NPYError(path, "only \(written) of \(shape.reduce(1, *)) elements written") }
        try file.commit()
    }

    /// Discards the temporary file (no-op after `commit()`).
    public func abandon() { file.abandon() }
}

/// Writes a float64 `.npy` file's elements at any position, from several threads at once (each
/// range written once), atomically like `NPYStreamWriter`: the workers of a batch run write their
/// own blocks without waiting for each other's order. A flusher thread waits for the disk behind
/// them (fdatasync each time 2 MB more are written), so that the disk writes while the workers
/// compute and `commit()` waits for the tail only (a 40 MB output took ~0.15 s more at commit
/// when only started early with fadvise).
public final class NPYBlockWriter: Sendable {
    /// The file that `commit()` creates.
    public let path: String
    /// Shape declared in the header.
    public let shape: [Int]
    private let file: OutputFile
    private let dataOffset: Int
    private let total: Int
    /// Elements written so far (from any thread).
    private let written = Atomic<Int>(0)
    private let flusher: Flusher
    private static let flushBytes = 2 << 20

    /// Opens a temporary file beside `path`, writes the header for `shape` (dtype float64) and
    /// starts the flusher.
    public init(path: String, shape: [Int]) throws {
        self.path = path
        self.shape = shape
        let header = NPYHeader.encode(dtype: .float64, shape: shape)
        let file = try OutputFile(path: path)
        try header.withUnsafeBytes { try file.writeBytes($0) }
        self.file = file
        dataOffset = header.count
        total = shape.reduce(1, *)
        flusher = Flusher(file)
    }

    deinit {
        // The flusher thread's closure holds the file too, and may let go of it only after
        // `stop()` returns: remove the temporary file here, not in the file's own deinit.
        flusher.stop()
        file.abandon()
    }

    /// Writes `values` as elements `element..<element + values.count`. Safe to call concurrently
    /// for disjoint ranges.
    public func write(_ values: UnsafeBufferPointer<Double>, at element: Int) throws {
        guard element >= 0 && element + values.count <= total else {
            throw NPYError(path, "elements \(element)..<\(element + values.count) are outside shape \(shape)")
        }
        if let error = flusher.error { throw error }
        try file.writeBytes(UnsafeRawBufferPointer(values), at: dataOffset + element * 8)
        let before = written.wrappingAdd(values.count, ordering: .relaxed).oldValue
        if (before * 8) / Self.flushBytes != ((before + values.count) * 8) / Self.flushBytes {
            flusher.request()
        }
    }

    /// Checks that as many elements as the shape holds were written, flushes and renames the file
    /// into place. Call it once every write has returned.
    public func commit() throws {
        // The last sync runs beside the flusher's last fdatasync, not after it: both wait for the
        // same writeback, and the disk's cache flush is shared.
        let syncFailure = fsync(file.fd) == 0 || errno == EINVAL ? nil : String(cString: strerror(errno))
        flusher.stop()
        if let error = flusher.error {
            file.abandon()
            throw error
        }
        let n = written.load(ordering: .relaxed)
        guard n == total else { throw NPYError(path, "only \(n) of \(total) elements written") }
        if let syncFailure {
            file.abandon()
            throw NPYError(path, "cannot write: \(syncFailure)")
        }
        try file.commit(synced: true)
    }

    /// Discards the temporary file (no-op after `commit()`).
    public func abandon() {
        flusher.stop()
        file.abandon()
    }

    /// The thread that calls fdatasync on `file` for each `request()`, until `stop()`.
    private final class Flusher: Sendable {
        private let file: OutputFile
        private let requests = DispatchSemaphore(value: 0)
        private let finished = DispatchSemaphore(value: 0)
        private let stopping = Atomic<Bool>(false)
        private let failure = Mutex<NPYError?>(nil)

        init(_ file: OutputFile) {
            self.file = file
            let thread = Thread { [self] in
                defer { finished.signal() }
                while true {
                    requests.wait()
                    if stopping.load(ordering: .acquiring) { return }
                    if fdatasync(file.fd) != 0 && errno != EINVAL {
                        let reason = String(cString: strerror(errno))
                        failure.withLock { $0 = $0 ?? NPYError(file.path, "cannot write: \(reason)") }
                        return
                    }
                }
            }
            thread.name = "fpgarun.flusher"
            thread.start()
        }

        /// The first fdatasync error (a full disk shows there first).
        var error: NPYError? { failure.withLock { $0 } }

        func request() { requests.signal() }

        /// Stops the thread and waits for it (it may be in an fdatasync); a no-op the second time.
        func stop() {
            guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
            requests.signal()
            finished.wait()
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
