import Foundation
@testable import HDF5
import Testing

/// Reading the committed fixture (see tools/make_hdf5_fixtures.py for what it holds).
@Suite("HDF5 fixture")
struct FixtureTests {
    let file: HDF5File

    init() throws {
        file = try HDF5File(path: Paths.fixture)
    }

    @Test func rootChildrenInNameOrder() throws {
        #expect(file.root.path == "/")
        #expect(file.root.name == "/")
        #expect(try file.root.children() == ["data", "model_weights", "vars"])
        // Created as zeta_f64, i32, u8, i8, scalar, alpha_empty, f32_be, f16, text: listed in name order.
        #expect(try file.root.group("data").children()
            == ["alpha_empty", "f16", "f32_be", "i32", "i8", "scalar", "text", "u8", "zeta_f64"])
        // Byte-wise order: "10" before "2" (Keras 3 vars need a numeric sort by the caller).
        #expect(try file.root.group("vars").children() == ["0", "1", "10", "2"])
    }

    @Test func stringAttributes() throws {
        let root = file.root
        // Variable-length UTF-8 scalar (h5py's str).
        #expect(try root.attribute("keras_version")?.value == .string("2.13.1"))
        // Fixed-length ASCII scalar.
        #expect(try root.attribute("backend")?.value == .string("tensorflow"))
        #expect(try root.requireAttribute("model_config").string()
            == "{\"class_name\": \"Sequential\", \"name\": \"caf\u{e9}\"}")
        // Fixed-length array, NUL-padded (Keras 2 layer_names / weight_names).
        let layerNames = try root.requireAttribute("layer_names")
        #expect(layerNames.shape == [3])
        #expect(try layerNames.strings() == ["input_1", "dense", "empty_layer"])
        // Variable-length array with UTF-8 and an empty string.
        #expect(try root.attribute("vlen_names")?.value == .strings(["alpha", "b\u{e9}ta", ""]))
        // Space-padded fixed-length string loses its padding.
        #expect(try root.attribute("spacepad")?.value == .string("pad"))
        #expect(throws: HDF5Error.self) { try root.requireAttribute("vlen_names").string() }
    }

    @Test func numericAttributes() throws {
        let root = file.root
        let count = try #require(try root.attribute("count"))
        #expect(count.value == .int(-7))
        #expect(count.shape == [])
        #expect(try count.ints() == [-7])
        #expect(try root.attribute("ints")?.value == .ints([1, 2, 3]))
        #expect(try root.attribute("scale")?.value == .double(0.125))
        #expect(try root.attribute("floats")?.value == .doubles([1.5, -2.25]))
        #expect(try root.attribute("ints")?.doubles() == [1, 2, 3])
        // A null dataspace (h5py.Empty) reads as an empty array.
        let nothing = try #require(try root.attribute("nothing"))
        #expect(nothing.value == .doubles([]))
        #expect(nothing.shape == [0])
    }

    @Test func attributeNamesAndAbsence() throws {
        #expect(try file.root.attributeNames() == [
            "backend", "count", "floats", "ints", "keras_version", "layer_names", "model_config",
            "nothing", "scale", "spacepad", "vlen_names",
        ])
        #expect(try file.root.attribute("no_such_attribute") == nil)
        #expect(try file.root.group("data").attributeNames() == [])
        let i32 = try file.root.dataset("data/i32")
        #expect(try i32.attributeNames() == ["unit"])
        #expect(try i32.attribute("unit")?.string() == "counts")
    }

    @Test func kerasNestingWithColonNames() throws {
        let layer = try file.root.group("model_weights/dense")
        #expect(layer.path == "/model_weights/dense")
        #expect(layer.name == "dense")
        let weightNames = try layer.requireAttribute("weight_names").strings()
        #expect(weightNames == ["dense/kernel:0", "dense/bias:0"])
        // weight_names are paths relative to the layer group, with a slash and a colon.
        let kernel = try layer.dataset(weightNames[0])
        #expect(kernel.path == "/model_weights/dense/dense/kernel:0")
        #expect(kernel.name == "kernel:0")
        #expect(kernel.shape == [2, 3])
        #expect(kernel.count == 6)
        #expect(kernel.elementType == .float(bits: 32))
        #expect(try kernel.readFloats() == [0.5, -1.25, 3.0, 2.0, 0.1, -0.3])
        #expect(try kernel.readDoubles() == [0.5, -1.25, 3.0, 2.0, 0.1, -0.3].map { Double(Float($0)) })
        let bias = try layer.dataset(weightNames[1])
        #expect(try bias.readFloats() == [0.25, -0.5, 1e-3])
        // The same dataset by absolute path, and through an intermediate group.
        #expect(try file.root.group("data").dataset("/model_weights/dense/dense/bias:0").path == bias.path)
        #expect(try file.root.group("model_weights").group("dense").group("dense").dataset("bias:0").shape == [3])
        // Keras's empty weight_names: an empty float64 array that reads as no strings.
        let empty = try file.root.group("model_weights/empty_layer").requireAttribute("weight_names")
        #expect(empty.value == .doubles([]))
        #expect(try empty.strings() == [])
    }

    @Test func numericDatasets() throws {
        let data = try file.root.group("data")
        let f64 = try data.dataset("zeta_f64")
        #expect(f64.shape == [2, 2])
        #expect(f64.elementType == .float(bits: 64))
        #expect(try f64.readDoubles() == [1.0, 2.5, -3.75, 1e300])
        #expect(try f64.readFloats() == [1.0, 2.5, -3.75, .infinity])

        let i32 = try data.dataset("i32")
        #expect(i32.elementType == .integer(bits: 32, signed: true))
        #expect(try i32.readDoubles() == [-2147483648, -1, 0, 2147483647])

        let u8 = try data.dataset("u8")
        #expect(u8.shape == [1, 3])
        #expect(u8.elementType == .integer(bits: 8, signed: false))
        #expect(try u8.readFloats() == [0, 1, 255])

        let i8 = try data.dataset("i8")
        #expect(try i8.readDoubles() == [12, -9, 1])

        let scalar = try data.dataset("scalar")
        #expect(scalar.shape == [])
        #expect(scalar.count == 1)
        #expect(try scalar.readDoubles() == [6.5])

        let empty = try data.dataset("alpha_empty")
        #expect(empty.shape == [0, 4])
        #expect(try empty.readFloats() == [])
        #expect(try empty.readDoubles() == [])
    }

    /// Float32 stored as the machine's float is read without HDF5's conversion and widened in
    /// Swift; other float types go through HDF5's conversion. Both are exact.
    @Test func floatDatasetsAsDoubles() throws {
        let kernel = try file.root.dataset("model_weights/dense/dense/kernel:0")
        #expect(kernel.storedAsNativeFloat)
        #expect(try kernel.readDoubles() == kernel.readFloats().map(Double.init))
        let data = try file.root.group("data")
        let bigEndian = try data.dataset("f32_be")
        #expect(bigEndian.elementType == .float(bits: 32))
        #expect(!bigEndian.storedAsNativeFloat)
        let values = try bigEndian.readDoubles()
        #expect(values == [1.5, 0, Double(Float.leastNonzeroMagnitude), -.infinity])
        #expect(values[1].sign == .minus)
        let half = try data.dataset("f16")
        #expect(half.elementType == .float(bits: 16))
        #expect(!half.storedAsNativeFloat)
        #expect(try half.readDoubles() == [0.5, -65504, Double(Float16(6e-08))])
        #expect(try !data.dataset("zeta_f64").storedAsNativeFloat)

        let text = try data.dataset("text")
        #expect(text.elementType == .string(variableLength: false))
        #expect(try text.readStrings() == ["not", "numeric"])

        #expect(try file.root.group("vars").dataset("10").readFloats() == [10])
        #expect(try file.root.group("vars").attribute("name")?.string() == "dense")
    }

    @Test func containsAndKinds() throws {
        let root = file.root
        #expect(root.contains("model_weights"))
        #expect(root.contains("model_weights/dense/dense/kernel:0"))
        #expect(root.contains("/model_weights/dense/"))
        #expect(!root.contains("model_weights/dense/dense/kernel:1"))
        #expect(!root.contains("model_weights/nope/dense/kernel:0"))
        // A path through a dataset is not an error, just absent.
        #expect(!root.contains("data/i32/deeper"))
        #expect(!root.contains(""))
        #expect(root.containsGroup("data"))
        #expect(!root.containsGroup("data/i32"))
        #expect(root.containsDataset("data/i32"))
        #expect(!root.containsDataset("data"))
        let dense = try root.group("model_weights/dense")
        #expect(dense.contains("dense/kernel:0"))
        #expect(!dense.contains("kernel:0"))
    }

    @Test func imageOpenMatchesFileOpen() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Paths.fixture)))
        let image = try HDF5File(image: bytes, name: "fixture.h5 (in memory)")
        #expect(image.name == "fixture.h5 (in memory)")
        let fromDisk = try dump(file.root)
        let fromImage = try dump(image.root)
        #expect(fromDisk.count > 30)
        #expect(fromImage == fromDisk)
    }

    @Test func twoImagesWithTheSameNameStayApart() throws {
        // HDF5 reuses an open core-driver file of the same name; if images were opened under the
        // caller's name, garbage opened as "same.h5" would read as the first image.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Paths.fixture)))
        let first = try HDF5File(image: bytes, name: "same.h5")
        #expect(throws: HDF5Error.self) {
            _ = try HDF5File(image: [UInt8](repeating: 7, count: 4096), name: "same.h5")
        }
        let second = try HDF5File(image: bytes, name: "same.h5")
        #expect(try first.root.children() == second.root.children())
    }

    @Test func groupsOutliveTheirFileValue() throws {
        // The file stays open while a group or dataset from it is alive.
        let kernel = try HDF5File(path: Paths.fixture).root.dataset("model_weights/dense/dense/kernel:0")
        #expect(try kernel.readFloats().count == 6)
        let group = try HDF5File(path: Paths.fixture).root.group("vars")
        #expect(try group.children().count == 4)
    }

    @Test func concurrentReadersAgree() async throws {
        let expected = try file.root.dataset("model_weights/dense/dense/kernel:0").readFloats()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Paths.fixture)))
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            for index in 0..<32 {
                tasks.addTask {
                    let own = index.isMultiple(of: 2)
                        ? try HDF5File(path: Paths.fixture)
                        : try HDF5File(image: bytes, name: "image-\(index)")
                    var ok = true
                    for _ in 0..<20 {
                        let kernel = try own.root.dataset("model_weights/dense/dense/kernel:0").readFloats()
                        let names = try own.root.requireAttribute("layer_names").strings()
                        let children = try own.root.group("data").children()
                        ok = ok && kernel == expected && names.count == 3 && children.count == 9
                    }
                    return ok
                }
            }
            for try await ok in tasks { #expect(ok) }
        }
    }
}
