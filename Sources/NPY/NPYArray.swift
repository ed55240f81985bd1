#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `.npy` file mapped read-only into memory: the data is paged in on use, never copied whole,
/// so an input of any size costs address space, not RSS.
public final class NPYArray: @unchecked Sendable {  // immutable after init; the mapping is read-only
    /// The file it was read from.
    public let path: String
    /// Its parsed header.
    public let header: NPYHeader
    private let base: UnsafeRawPointer?
    private let mappedLength: Int
    /// Kept open for `readDoubles`.
    private let fd: Int32

    /// Element type.
    public var dtype: NPYDType { header.dtype }
    /// Shape; `[]` for a scalar.
    public var shape: [Int] { header.shape }
    /// Number of elements.
    public var count: Int { header.count }

    /// Maps `path` and checks its header against its size.
    public init(contentsOf path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw NPYError(path, "cannot open: \(String(cString: strerror(errno)))") }
        var keep = false
        defer { if !keep { close(fd) } }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw NPYError(path, "cannot stat: \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw NPYError(path, "not a regular file") }
        let size = Int(st.st_size)
        guard size > 0 else { throw NPYError(path, "empty file, not a .npy file") }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw NPYError(path, "cannot map: \(String(cString: strerror(errno)))")
        }
        let raw = UnsafeRawPointer(map)
        let parsed: NPYHeader
        do {
            parsed = try NPYHeader.parse(UnsafeRawBufferPointer(start: raw, count: size), path: path)
        } catch {
            munmap(map, size)
            throw error
        }
        let (bytes, overflow) = parsed.count.multipliedReportingOverflow(by: parsed.dtype.size)
        guard !overflow, parsed.dataOffset + bytes <= size else {
            munmap(map, size)
            throw NPYError(path, "truncated: shape \(parsed.shape) needs \(bytes) data bytes, file has \(size - parsed.dataOffset)")
        }
        header = parsed
        base = raw
        mappedLength = size
        self.fd = fd
        keep = true
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }
        close(fd)
    }

    /// The element bytes (native order only if `header.bigEndian` is false).
    public var rawData: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base! + header.dataOffset, count: count * dtype.size)
    }

    /// Converts elements `start ..< start + n` to Double into `out` (exact for every type but 64-bit
    /// integers beyond 2^53).
    public func copyDoubles(from start: Int, count n: Int, into out: UnsafeMutablePointer<Double>) {
        precondition(start >= 0 && n >= 0 && start + n <= count, "NPYArray range out of bounds")
        convert(base! + header.dataOffset + start * dtype.size, count: n, into: out)
    }

    /// Like `copyDoubles`, but reads the elements from the file (pread into `out`, converted there
    /// in place) instead of through the mapping: parallel readers then take no page faults, and the
    /// process's resident size stays flat however large the file, with no mapped pages to drop
    /// (in a process whose threads run on several CPUs, each drop costs the others a TLB flush).
    /// Safe to call from several threads at once.
    public func readDoubles(from start: Int, count n: Int, into out: UnsafeMutablePointer<Double>) throws {
        precondition(start >= 0 && n >= 0 && start + n <= count, "NPYArray range out of bounds")
        let bytes = UnsafeMutableRawPointer(out), total = n * dtype.size, offset = header.dataOffset + start * dtype.size
        var done = 0
        while done < total {
            let got = pread(fd, bytes + done, total - done, off_t(offset + done))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw NPYError(path, got == 0 ? "file shrank while being read" : "cannot read: \(String(cString: strerror(errno)))")
            }
            done += got
        }
        convert(UnsafeRawPointer(bytes), count: n, into: out)
    }

    /// Converts `n` elements stored at `raw` (this array's dtype and byte order) to Double into
    /// `out`. Last element first, so `raw` may be the start of `out` itself: no element is wider
    /// than a Double, so element i's bytes lie at or before out[i] and are read before it is written.
    private func convert(_ raw: UnsafeRawPointer, count n: Int, into out: UnsafeMutablePointer<Double>) {
        let swap = header.bigEndian
        @inline(__always) func each<T>(_: T.Type, _ convert: (T) -> Double) {
            var i = n - 1
            while i >= 0 {
                out[i] = convert(raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: T.self))
                i -= 1
            }
        }
        switch dtype {
        case .float64 where !swap: if UnsafeRawPointer(out) != raw { UnsafeMutableRawPointer(out).copyMemory(from: raw, byteCount: n * 8) }
        case .float32: each(UInt32.self) { Double(Float(bitPattern: swap ? $0.byteSwapped : $0)) }
        case .float64: each(UInt64.self) { Double(bitPattern: $0.byteSwapped) }
        case .int8: each(Int8.self) { Double($0) }
        case .uint8: each(UInt8.self) { Double($0) }
        case .int16: each(Int16.self) { Double(swap ? $0.byteSwapped : $0) }
        case .uint16: each(UInt16.self) { Double(swap ? $0.byteSwapped : $0) }
        case .int32: each(Int32.self) { Double(swap ? $0.byteSwapped : $0) }
        case .uint32: each(UInt32.self) { Double(swap ? $0.byteSwapped : $0) }
        case .int64: each(Int64.self) { Double(swap ? $0.byteSwapped : $0) }
        case .uint64: each(UInt64.self) { Double(swap ? $0.byteSwapped : $0) }
        }
    }

    /// All elements as Double, in C order.
    public func doubles() -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { copyDoubles(from: 0, count: count, into: buffer.baseAddress!) }
            initialized = count
        }
    }

    /// Elements as Int64 (integer dtypes only; uint64 values above Int64.max wrap).
    public func int64s() throws -> [Int64] {
        let swap = header.bigEndian
        let p = base! + header.dataOffset
        func all<T: FixedWidthInteger>(_: T.Type) -> [Int64] {
            let typed = p.assumingMemoryBound(to: T.self)
            return (0..<count).map { Int64(truncatingIfNeeded: swap ? typed[$0].byteSwapped : typed[$0]) }
        }
        switch dtype {
        case .int8: return all(Int8.self)
        case .uint8: return all(UInt8.self)
        case .int16: return all(Int16.self)
        case .uint16: return all(UInt16.self)
        case .int32: return all(Int32.self)
        case .uint32: return all(UInt32.self)
        case .int64: return all(Int64.self)
        case .uint64: return all(UInt64.self)
        case .float32, .float64: throw NPYError(path, "expected an integer array, found \(dtype)")
        }
    }
}
