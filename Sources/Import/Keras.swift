import Foundation
import HDF5
import Graph

/// One stored array of a layer (a kernel, a bias, a batch-norm statistic), values in C order.
struct WeightArray {
    var name: String
    var shape: [Int]
    var values: [Double]
}

/// Where a layer's arrays come from: a Keras 2 HDF5 file or a Keras 3 weights file.
protocol WeightStore {
    /// The arrays stored for `layer`, in Keras' order (kernel, bias; gamma, beta, mean, variance).
    func arrays(for layer: String) throws -> [WeightArray]
}

/// Imports Keras models (Keras 2 JSON + HDF5 weights, Keras 2 whole `.h5`, Keras 3 `.keras`) into
/// a `Graph`. Sequential and functional models with one input and one output; branches allowed.
public enum KerasImporter {
    /// Imports a Keras 2 architecture JSON with its HDF5 weights.
    public static func load(json jsonPath: String, weights weightsPath: String) throws -> Graph {
        guard let data = FileManager.default.contents(atPath: jsonPath) else {
            throw ImportError(jsonPath, nil, FileManager.default.fileExists(atPath: jsonPath) ? "cannot read" : "no such file")
        }
        let json = try JSON.parse(data, path: jsonPath)
        let store = try Keras2Store(path: weightsPath)
        return try build(json, store: store, path: jsonPath, name: modelName(jsonPath))
    }

    /// Imports a whole model: a Keras 2 `.h5` (with a `model_config` attribute) or a Keras 3 `.keras`.
    public static func load(model path: String) throws -> Graph {
        if path.hasSuffix(".keras") {
            let archive = try KerasArchive(path: path)
            return try build(archive.config, store: archive.store, path: path, name: modelName(path))
        }
        let store = try Keras2Store(path: path)
        guard let text = try store.modelConfig() else {
            throw ImportError(path, nil, "no 'model_config' attribute: this is a weights-only file (give the architecture JSON too)")
        }
        let json = try JSON.parse(Data(text.utf8), path: path)
        return try build(json, store: store, path: path, name: modelName(path))
    }

    /// Imports the model a config names (KerasModel, or KerasJson + KerasH5), unless overridden.
    public static func load(config: ProjectConfig, model: String? = nil, weights: String? = nil) throws -> Graph {
        if let model {
            if model.hasSuffix(".json") {
                guard let w = weights ?? config.kerasH5 else {
                    throw ImportError(model, nil, "a JSON architecture needs weights: pass --weights W.h5")
                }
                return try load(json: model, weights: w)
            }
            return try load(model: model)
        }
        if let m = config.kerasModel { return try load(model: m) }
        if let j = config.kerasJson, let w = weights ?? config.kerasH5 { return try load(json: j, weights: w) }
        throw ConfigError(config.path, "names no model: give KerasJson + KerasH5 or KerasModel (or pass --model)")
    }

    static func modelName(_ path: String) -> String {
        var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        if name.hasSuffix("_weights") { name.removeLast(8) }
        return name
    }

    /// Builds the graph from a parsed Keras model JSON (either Keras version's layout).
    static func build(_ json: JSON, store: WeightStore, path: String, name: String) throws -> Graph {
        let cls = json["class_name"].string ?? ""
        var config = json["config"]
        let layers: [JSON]
        if let list = config.array {  // very old Sequential: config is the layer list
            layers = list
            config = .null
        } else if let list = config["layers"].array {
            layers = list
        } else {
            throw ImportError(path, nil, "not a Keras model (no layer list under 'config')")
        }
        guard !layers.isEmpty else { throw ImportError(path, nil, "the model has no layers") }
        var converter = LayerConverter(path: path, store: store, builder: GraphBuilder(name: name))
        switch cls {
        case "Sequential":
            var previous: NodeID?
            for layer in layers {
                if previous == nil {
                    let first = layer["config"]
                    let shape = first["batch_input_shape"].array ?? first["batch_shape"].array
                        ?? config["build_input_shape"].array ?? layer["build_config"]["input_shape"].array
                    let inputName = layer["class_name"].string == "InputLayer"
                        ? (first["name"].string ?? "input_1") : "input1"  // hls4ml's name for an implicit input
                    guard let shape else {
                        throw ImportError(path, first["name"].string, "the first layer gives no input shape")
                    }
                    previous = try converter.input(inputName, shape: shape)
                    if layer["class_name"].string == "InputLayer" { continue }
                }
                previous = try converter.convert(layer, inputs: [previous!]) ?? previous
            }
            return try converter.builder.finish(output: previous!)
        case "Model", "Functional":
            return try buildFunctional(config, layers: layers, converter: &converter, path: path)
        default:
            throw ImportError(path, nil, "not a Keras model: class_name '\(cls)' (expected Sequential, Model or Functional)")
        }
    }

    static func buildFunctional(_ config: JSON, layers: [JSON], converter: inout LayerConverter, path: String) throws -> Graph {
        var produced: [String: NodeID] = [:]  // Keras layer name -> node holding its output
        for layer in layers {
            let cls = layer["class_name"].string ?? "?"
            guard let name = layer["config"]["name"].string ?? layer["name"].string else {
                throw ImportError(path, nil, "a \(cls) layer has no name")
            }
            if cls == "InputLayer" {
                let c = layer["config"]
                guard let shape = c["batch_input_shape"].array ?? c["batch_shape"].array else {
                    throw ImportError(path, name, "input layer gives no shape")
                }
                produced[name] = try converter.input(name, shape: shape)
                continue
            }
            let sources = try inboundLayers(layer, path: path, name: name)
            let inputs = try sources.map { src -> NodeID in
                guard let id = produced[src] else { throw ImportError(path, name, "reads '\(src)', which is not defined before it") }
                return id
            }
            if let id = try converter.convert(layer, inputs: inputs) {
                produced[name] = id
            } else {
                produced[name] = inputs[0]  // identity layer (Dropout, ...)
            }
        }
        let outputs = config["output_layers"]
        let outName: String?
        if let first = outputs[0].string {
            outName = first  // Keras 3 may store a single [name, 0, 0]
        } else {
            guard (outputs.array?.count ?? 0) == 1 else {
                throw ImportError(path, nil, "the model has \(outputs.array?.count ?? 0) outputs; one is supported")
            }
            outName = outputs[0][0].string
        }
        let inputs = config["input_layers"]
        if inputs[0].string == nil, (inputs.array?.count ?? 1) > 1 {
            throw ImportError(path, nil, "the model has \(inputs.array!.count) inputs; one is supported")
        }
        guard let outName, let out = produced[outName] else { throw ImportError(path, nil, "output layer not found") }
        return try converter.builder.finish(output: out)
    }

    /// The names of the layers a functional layer reads (Keras 2 nested lists or Keras 3 args).
    static func inboundLayers(_ layer: JSON, path: String, name: String) throws -> [String] {
        guard let nodes = layer["inbound_nodes"].array, !nodes.isEmpty else {
            throw ImportError(path, name, "has no inbound nodes")
        }
        guard nodes.count == 1 else { throw ImportError(path, name, "is called \(nodes.count) times (shared layers are not supported)") }
        let node = nodes[0]
        if let list = node.array {  // Keras 2: [[name, node_index, tensor_index, kwargs], ...]
            return try list.map { entry in
                guard let s = entry[0].string else { throw ImportError(path, name, "malformed inbound node") }
                return s
            }
        }
        // Keras 3: {"args": [tensor or [tensors]], "kwargs": {...}}
        var names: [String] = []
        func collect(_ j: JSON) {
            if j["class_name"].string == "__keras_tensor__", let s = j["config"]["keras_history"][0].string {
                names.append(s)
            } else if let a = j.array {
                a.forEach(collect)
            }
        }
        collect(node["args"])
        guard !names.isEmpty else { throw ImportError(path, name, "malformed inbound node") }
        return names
    }
}

/// A model that cannot be imported; one line naming the file and, where known, the layer.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    /// The model or weights file.
    public var path: String
    /// The layer concerned.
    public var layer: String?
    /// What is wrong.
    public var message: String

    /// Creates an error about `path` (and `layer`).
    public init(_ path: String, _ layer: String?, _ message: String) {
        self.path = path
        self.layer = layer
        self.message = message
    }

    public var description: String {
        layer.map { "\(path): layer '\($0)': \(message)" } ?? "\(path): \(message)"
    }
}
