import Foundation
import HDF5
import Testing

/// Real Keras files from the shared zoo (/work/shared/zoo/keras); skipped when it is absent.
@Suite("HDF5 zoo files", .enabled(if: Paths.zooAvailable, "shared zoo not found at ../shared/zoo/keras"))
struct ZooTests {
    func zoo(_ name: String) -> String { Paths.zoo + "/" + name }

    /// Keras 2 weights-only file: layers at the root, fixed-length byte-string name arrays.
    @Test func keras3LayerWeights() throws {
        let file = try HDF5File(path: zoo("KERAS_3layer_weights.h5"))
        let root = file.root
        #expect(try root.requireAttribute("layer_names").strings()
            == ["input_1", "fc1_relu", "fc2_relu", "fc3_relu", "output_softmax"])
        #expect(try root.requireAttribute("keras_version").string() == "2.0.0")
        #expect(try root.requireAttribute("backend").string() == "tensorflow")
        #expect(try root.children() == ["fc1_relu", "fc2_relu", "fc3_relu", "input_1", "output_softmax"])

        let layer = try root.group("fc1_relu")
        let weightNames = try layer.requireAttribute("weight_names").strings()
        #expect(weightNames == ["fc1_relu/kernel:0", "fc1_relu/bias:0"])
        let kernel = try layer.dataset(weightNames[0])
        #expect(kernel.shape == [16, 64])
        #expect(kernel.elementType == .float(bits: 32))
        let values = try kernel.readFloats()
        #expect(values.count == 16 * 64)
        #expect(Array(values.prefix(4)) == [0.27313474, -0.12113316, 0.4952146, 0.03743285])
        #expect(values[3 * 64 + 17] == -0.16610345)
        #expect(values[15 * 64 + 63] == -0.36512074)
        let sum = try kernel.readDoubles().reduce(0, +)
        #expect(abs(sum - -17.441249780531507) < 1e-9)

        let bias = try root.dataset("output_softmax/output_softmax/bias:0")
        #expect(try bias.readFloats() == [-0.32101622, 0.1269035, 0.4251871, -0.15557437, 0.019465582])
        // Weightless layers: weight_names is an empty float64 array.
        #expect(try root.group("input_1").requireAttribute("weight_names").strings() == [])
    }

    /// Keras 2 whole-model file (HGQ): model_config at the root, weights under model_weights/,
    /// variable-length name arrays, int8 quantizer datasets not nested a second time.
    @Test func hgqWholeModel() throws {
        let file = try HDF5File(path: zoo("hgq_jet_classifier.h5"))
        let root = file.root
        #expect(try root.children() == ["model_weights"])
        let config = try root.requireAttribute("model_config").string()
        #expect(config.hasPrefix("{\"class_name\": \"Functional\", \"config\": {\"name\": \"model\""))
        #expect(config.count == 7240)
        #expect(try root.requireAttribute("keras_version").string() == "2.13.1")

        let weights = try root.group("model_weights")
        let layerNames = try weights.requireAttribute("layer_names").strings()
        #expect(layerNames.count == 16)
        #expect(Array(layerNames.prefix(4)) == ["input_1", "inp_q_quantizer", "dense_1", "dense_1_quantizer"])

        let kernel = try weights.dataset("dense_1/dense_1/kernel:0")
        #expect(kernel.shape == [16, 64])
        let values = try kernel.readDoubles()
        #expect(values.reduce(0, +) == -28.3125)
        #expect(values[9] == -0.125 && values[17] == -0.5 && values[22] == -8)
        #expect(try weights.dataset("dense_4/dense_4/bias:0").readFloats()
            == [-1.109375, 1.234375, 0.484375, 0.3046875, -0.578125])

        let quantizer = try weights.group("dense_1_quantizer")
        #expect(try quantizer.requireAttribute("weight_names").strings()
            == ["keep_negative:0", "bits:0", "integers:0"])
        let bits = try quantizer.dataset("bits:0")
        #expect(bits.elementType == .integer(bits: 8, signed: true))
        #expect(try bits.readDoubles() == [12])
        #expect(try weights.dataset("inp_q_quantizer/bits:0").readDoubles()
            == [6, 6, 10, 10, 9, 9, 6, 5, 5, 6, 6, 6, 5, 2, 12, 8])
    }

    /// The same whole-model file through an in-memory image gives the same listing.
    @Test func imageOfZooFile() throws {
        let path = zoo("garnet_1layer_weights.h5")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let image = try HDF5File(image: bytes, name: "garnet_1layer_weights.h5")
        #expect(try dump(image.root) == dump(HDF5File(path: path).root))
        // Older Keras (2.2.4-tf): layer_names under model_weights is a fixed-length array.
        #expect(try image.root.group("model_weights").requireAttribute("layer_names").strings()
            == ["input_1", "input_2", "gar_1", "dense", "dense_1"])
    }
}
