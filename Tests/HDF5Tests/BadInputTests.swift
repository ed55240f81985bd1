import Foundation
import HDF5
import Testing

/// Bad files and missing objects: one-line HDF5Errors naming file and object, no crash, and no
/// HDF5 error-stack output on stderr.
@Suite("HDF5 bad input", .serialized)
struct BadInputTests {
    /// Checks the error is one line, starts with the file name, and mentions `object`.
    func check(_ error: HDF5Error, file: String, kind: HDF5Error.Kind, mentions object: String? = nil,
               sourceLocation: SourceLocation = #_sourceLocation) {
        let text = error.description
        #expect(error.kind == kind, "\(text)", sourceLocation: sourceLocation)
        #expect(!text.contains("\n"), sourceLocation: sourceLocation)
        #expect(text.hasPrefix("\(file): "), "\(text)", sourceLocation: sourceLocation)
        if let object {
            #expect(text.contains("'\(object)'"), "\(text)", sourceLocation: sourceLocation)
        }
    }

    /// The error `body` throws, or nil (recorded as an issue by callers) when it succeeds.
    func failure(_ body: () throws(HDF5Error) -> Void) -> HDF5Error? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    func openError(_ path: String) -> HDF5Error? {
        failure { () throws(HDF5Error) in _ = try HDF5File(path: path) }
    }

    func imageError(_ bytes: [UInt8], name: String) -> HDF5Error? {
        failure { () throws(HDF5Error) in _ = try HDF5File(image: bytes, name: name) }
    }

    @Test func badFilesThrowWithoutStderrSpew() throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Paths.fixture)))

        let missing = directory.appendingPathComponent("missing.h5").path
        let empty = directory.appendingPathComponent("empty.h5").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        var generator = SplitMix64(seed: 0x5EED)
        let random = directory.appendingPathComponent("random.h5").path
        let randomBytes = (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        _ = FileManager.default.createFile(atPath: random, contents: Data(randomBytes))
        // Cut inside the superblock, just after it, in the middle and one byte short of the end.
        let truncated = [40, 200, fixture.count / 2, fixture.count - 1].map { length -> (String, [UInt8]) in
            let path = directory.appendingPathComponent("truncated-\(length).h5").path
            let bytes = Array(fixture.prefix(length))
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            return (path, bytes)
        }

        let spew = capturingStderr {
            if let error = openError(missing) {
                check(error, file: missing, kind: .fileNotFound)
                #expect(error.description == "\(missing): no such file")
            } else {
                Issue.record("missing file opened")
            }
            #expect(openError("")?.kind == .fileNotFound)
            #expect(openError(directory.path)?.kind == .notHDF5)
            for path in [empty, random] + truncated.map(\.0) {
                if let error = openError(path) {
                    check(error, file: path, kind: .notHDF5)
                } else {
                    Issue.record("\(path) opened")
                }
            }
            for (name, bytes) in [("empty", []), ("random", randomBytes)] + truncated.map({ ("cut-\($0.1.count)", $0.1) }) {
                if let error = imageError(bytes, name: name) {
                    check(error, file: name, kind: .notHDF5)
                } else {
                    Issue.record("image \(name) opened")
                }
            }
        }
        #expect(!spew.contains("HDF5-DIAG"), "\(spew)")
        #expect(!spew.contains("#000:"), "\(spew)")
    }

    @Test func missingObjectsThrowNamingFileAndObject() throws {
        let file = try HDF5File(path: Paths.fixture)
        let root = file.root
        let name = Paths.fixture
        /// Expects `body` to fail with `kind`, naming the file and `object`.
        func expectFailure(_ kind: HDF5Error.Kind, mentions object: String?,
                           sourceLocation: SourceLocation = #_sourceLocation,
                           _ body: () throws(HDF5Error) -> Void) -> HDF5Error? {
            guard let error = failure(body) else {
                Issue.record("no error", sourceLocation: sourceLocation)
                return nil
            }
            check(error, file: name, kind: kind, mentions: object, sourceLocation: sourceLocation)
            return error
        }
        let spew = capturingStderr {
            _ = expectFailure(.noGroup, mentions: "/nope") { () throws(HDF5Error) in _ = try root.group("nope") }
            let noDataset = expectFailure(.noDataset, mentions: "/model_weights/dense/dense/kernel:1") {
                () throws(HDF5Error) in _ = try root.dataset("model_weights/dense/dense/kernel:1")
            }
            #expect(noDataset?.description == "\(name): no dataset '/model_weights/dense/dense/kernel:1'")
            #expect(noDataset?.object == "/model_weights/dense/dense/kernel:1")
            _ = expectFailure(.noGroup, mentions: "/model_weights/missing/deeper") { () throws(HDF5Error) in
                _ = try root.group("model_weights").group("missing/deeper")
            }
            _ = expectFailure(.wrongObjectKind, mentions: "/data/i32") { () throws(HDF5Error) in
                _ = try root.group("data/i32")
            }
            _ = expectFailure(.wrongObjectKind, mentions: "/data") { () throws(HDF5Error) in
                _ = try root.dataset("data")
            }
            _ = expectFailure(.noDataset, mentions: "/data/i32/below") { () throws(HDF5Error) in
                _ = try root.dataset("data/i32/below")
            }
            let noAttribute = expectFailure(.noAttribute, mentions: "layer_names") { () throws(HDF5Error) in
                _ = try root.group("model_weights").requireAttribute("layer_names")
            }
            #expect(noAttribute?.description == "\(name): no attribute 'layer_names' on '/model_weights'")
            _ = expectFailure(.wrongValueType, mentions: "count") { () throws(HDF5Error) in
                _ = try root.requireAttribute("count").strings()
            }
            _ = expectFailure(.wrongValueType, mentions: "/data/text") { () throws(HDF5Error) in
                _ = try root.dataset("data/text").readDoubles()
            }
            _ = expectFailure(.wrongValueType, mentions: "/data/i32") { () throws(HDF5Error) in
                _ = try root.dataset("data/i32").readStrings()
            }
            _ = expectFailure(.invalidPath, mentions: nil) { () throws(HDF5Error) in _ = try root.group("") }
        }
        #expect(!spew.contains("HDF5-DIAG"), "\(spew)")
        #expect(!spew.contains("#000:"), "\(spew)")
    }

    @Test func errorsInImagesNameTheImage() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Paths.fixture)))
        let file = try HDF5File(image: bytes, name: "model.keras:model.weights.h5")
        let error = failure { () throws(HDF5Error) in _ = try file.root.dataset("layers/dense/vars/0") }
        #expect(error?.description == "model.keras:model.weights.h5: no dataset '/layers/dense/vars/0'")
    }

    @Test func newlinesInNamesStayOnOneLine() throws {
        let file = try HDF5File(path: Paths.fixture)
        let error = failure { () throws(HDF5Error) in _ = try file.root.group("a\nb") }
        #expect(error?.description.contains("\n") == false)
        #expect(error?.description.hasSuffix("no group '/a\\nb'") == true)
    }
}

/// Small deterministic generator for "random" bytes.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
