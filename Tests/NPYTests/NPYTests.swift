import Foundation
import ProcessRunner
import Testing
@testable import NPY

/// Round trips against numpy itself (python3 + numpy are installed by `make setup`).
@Suite struct NPYTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "npytests-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    @discardableResult
    func python(_ script: String) throws -> String {
        let r = try ChildProcess.run(["python3", "-c", script], stderr: .inherit, ownGroup: true, timeout: 300)
        #expect(r.termination.succeeded, "python3 \(r.termination): \(script)")
        return r.stdout
    }

    @Test func readsEveryDtypeNumpyWrites() throws {
        let dtypes = ["float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", ">f8",
                      ">f4", ">i4", ">i2"]
        try python("""
        import numpy as np
        for t in \(dtypes):
            a = (np.arange(24).reshape(2, 3, 4) * 3 - 7).astype(t) if not t.startswith('uint') else (np.arange(24).reshape(2, 3, 4) * 3).astype(t)
            np.save('\(dir)/' + t.replace('>', 'be') + '.npy', a)
        np.save('\(dir)/scalar.npy', np.float64(2.5))
        np.save('\(dir)/empty.npy', np.zeros((0, 5)))
        """)
        for t in dtypes {
            let a = try NPYArray(contentsOf: "\(dir)/\(t.replacingOccurrences(of: ">", with: "be")).npy")
            #expect(a.shape == [2, 3, 4])
            let expected = (0..<24).map { t.hasPrefix("uint") ? Double($0 * 3) : Double($0 * 3 - 7) }
            #expect(a.doubles() == expected, "dtype \(t)")
            // The same values read from the file (pread, converted in place), for a few ranges.
            for (start, n) in [(0, 24), (5, 1), (7, 13), (23, 1), (3, 0)] {
                var got = [Double](repeating: .nan, count: 24)
                try got.withUnsafeMutableBufferPointer { try a.readDoubles(from: start, count: n, into: $0.baseAddress!) }
                #expect(Array(got.prefix(n)) == Array(expected[start..<(start + n)]), "dtype \(t), \(start)+\(n)")
            }
        }
        let s = try NPYArray(contentsOf: "\(dir)/scalar.npy")
        #expect(s.shape == [] && s.doubles() == [2.5])
        let e = try NPYArray(contentsOf: "\(dir)/empty.npy")
        #expect(e.shape == [0, 5] && e.doubles().isEmpty)
    }

    @Test func numpyReadsWhatWeWrite() throws {
        let values = (0..<30).map { Double($0) * 0.25 - 3 }
        try NPY.write(values, shape: [5, 6], to: "\(dir)/d.npy")
        try NPY.write(values.map { Int64($0 * 4) }, shape: [30], to: "\(dir)/i.npy")
        try NPY.write(values, shape: [3, 2, 5], to: "\(dir)/f.npy", dtype: .float32)
        let out = try python("""
        import numpy as np
        d = np.load('\(dir)/d.npy'); i = np.load('\(dir)/i.npy'); f = np.load('\(dir)/f.npy')
        print(d.dtype, d.shape, float(d.sum()), i.dtype, i.shape, int(i.sum()), f.dtype, f.shape, float(f[2, 1, 4]))
        """)
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "float64 (5, 6) 18.75 int64 (30,) 75 float32 (3, 2, 5) 4.25")
    }

    @Test func largeHeaderRoundTrip() throws {
        // A shape whose header needs format 2.0 is rare; a high-rank one still checks padding.
        let shape = [1, 1, 1, 1, 1, 1, 1, 3]
        try NPY.write([1, 2, 3], shape: shape, to: "\(dir)/h.npy")
        let a = try NPYArray(contentsOf: "\(dir)/h.npy")
        #expect(a.shape == shape && a.header.dataOffset % 64 == 0 && a.doubles() == [1, 2, 3])
    }

    @Test func badFilesGiveOneLineErrors() throws {
        try python("""
        import numpy as np
        np.save('\(dir)/fortran.npy', np.asfortranarray(np.ones((3, 4))))
        np.save('\(dir)/complex.npy', np.ones(3, dtype=np.complex128))
        np.save('\(dir)/bool.npy', np.ones(3, dtype=bool))
        np.save('\(dir)/ok.npy', np.ones((100, 4)))
        open('\(dir)/text.npy', 'w').write('hello')
        open('\(dir)/empty.npy', 'w').write('')
        b = open('\(dir)/ok.npy', 'rb').read(); open('\(dir)/trunc.npy', 'wb').write(b[:len(b) - 8])
        """)
        let cases: [(String, String)] = [
            ("fortran", "Fortran-order"), ("complex", "unsupported dtype '<c16'"), ("bool", "unsupported dtype '|b1'"),
            ("text", "not a .npy file"), ("empty", "empty file"), ("trunc", "truncated"), ("missing", "cannot open"),
        ]
        for (name, fragment) in cases {
            let path = "\(dir)/\(name).npy"
            do {
                _ = try NPYArray(contentsOf: path)
                Issue.record("\(name) should fail")
            } catch let error as NPYError {
                #expect(error.description.hasPrefix(path), "\(error)")
                #expect(error.description.contains(fragment), "\(error)")
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test func abandonedWriterLeavesNothing() throws {
        let path = "\(dir)/partial.npy"
        do {
            let w = try NPYStreamWriter(path: path, dtype: .float64, shape: [4])
            try [1.0, 2.0].withUnsafeBufferPointer { try w.append($0) }
            #expect(throws: NPYError.self) { try w.commit() }
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("partial") }
        #expect(left.isEmpty, "left behind: \(left)")
        #expect(throws: NPYError.self) { try NPY.write([1], shape: [1], to: "/nonexistent-dir/x.npy") }
    }
}

@Suite struct NPYWriterTargetTests {
    /// An output that exists but is not a regular file (a device, a folder) is refused, not renamed over.
    @Test func refusesNonRegularTargets() throws {
        for path in ["/dev/null", "/tmp"] {
            #expect(throws: NPYError.self) { _ = try NPYStreamWriter(path: path, dtype: .float64, shape: [1]) }
        }
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }
}

/// `NPYBlockWriter`: elements written at any position from several threads make the same file as
/// an in-order write; an incomplete or failed writer leaves nothing behind.
@Suite struct NPYBlockWriterTests {
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "npy-block-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    @Test func concurrentBlocksMakeTheFile() throws {
        let rows = 100_003, cols = 5
        let values = (0..<(rows * cols)).map { Double($0) * 0.25 - 7 }
        let path = "\(dir)/blocks.npy"
        let writer = try NPYBlockWriter(path: path, shape: [rows, cols])
        // Blocks of uneven sizes (some 2 MB flush boundaries fall inside one), in scrambled order.
        var blocks: [Range<Int>] = []
        var start = 0, size = 1
        while start < rows {
            blocks.append(start..<min(rows, start + size))
            start += size
            size = size * 3 % 20011 + 1
        }
        blocks.shuffle()
        let order = blocks
        values.withUnsafeBufferPointer { all in
            nonisolated(unsafe) let all = all
            let failures = NSLock()
            nonisolated(unsafe) var errors: [any Error] = []
            DispatchQueue.concurrentPerform(iterations: order.count) { i in
                let r = order[i]
                do {
                    try writer.write(UnsafeBufferPointer(rebasing: all[(r.lowerBound * cols)..<(r.upperBound * cols)]), at: r.lowerBound * cols)
                } catch {
                    failures.withLock { errors.append(error) }
                }
            }
            #expect(errors.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: path), "visible before commit")
        try writer.commit()
        let back = try NPYArray(contentsOf: path)
        #expect(back.shape == [rows, cols] && back.dtype == .float64)
        #expect(back.doubles() == values)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func incompleteOrOutOfRangeIsRefused() throws {
        let path = "\(dir)/partial.npy"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        do {
            let writer = try NPYBlockWriter(path: path, shape: [4])
            try [1.0, 2.0].withUnsafeBufferPointer { try writer.write($0, at: 0) }
            #expect(throws: NPYError.self) { try [1.0, 2.0].withUnsafeBufferPointer { try writer.write($0, at: 3) } }
            #expect(throws: NPYError.self) { try [1.0].withUnsafeBufferPointer { try writer.write($0, at: -1) } }
            #expect(throws: NPYError.self) { try writer.commit() }
        }
        // The previous file is untouched and no temporary file is left.
        #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["partial.npy"])
        do {
            let writer = try NPYBlockWriter(path: "\(dir)/dropped.npy", shape: [2])
            try [1.0].withUnsafeBufferPointer { try writer.write($0, at: 1) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["partial.npy"])
    }

    @Test func readDoublesEqualsCopyDoubles() throws {
        let path = "\(dir)/in.npy"
        let values = (0..<5000).map { Double($0).squareRoot() - 30 }
        try NPY.write(values, shape: [1000, 5], to: path)
        let array = try NPYArray(contentsOf: path)
        for (start, n) in [(0, 5000), (1, 1), (4999, 1), (123, 2048), (0, 0)] {
            var a = [Double](repeating: .nan, count: max(n, 1)), b = a
            try a.withUnsafeMutableBufferPointer { try array.readDoubles(from: start, count: n, into: $0.baseAddress!) }
            b.withUnsafeMutableBufferPointer { array.copyDoubles(from: start, count: n, into: $0.baseAddress!) }
            #expect(a.prefix(n) == b.prefix(n) && Array(a.prefix(n)) == Array(values[start..<(start + n)]))
        }
        // float32 data is read and widened in place.
        let p32 = "\(dir)/in32.npy"
        let writer = try NPYStreamWriter(path: p32, dtype: .float32, shape: [4])
        try [1.5, -2, 3.25, 8].withUnsafeBufferPointer { try writer.append($0) }
        try writer.commit()
        var c = [Double](repeating: 0, count: 4)
        try c.withUnsafeMutableBufferPointer { try NPYArray(contentsOf: p32).readDoubles(from: 0, count: 4, into: $0.baseAddress!) }
        #expect(c == [1.5, -2, 3.25, 8])
    }
}

