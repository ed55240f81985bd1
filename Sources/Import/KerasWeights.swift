import Foundation
import HDF5
import ZIPFoundation

/// Keras 2 HDF5: a weights file (`layer_names` on the root) or a whole model (`model_config` on
/// the root, weights under `model_weights`). Each layer group lists its arrays in `weight_names`.
struct Keras2Store: WeightStore {
    let path: String
    let file: HDF5File
    let weightsRoot: HDF5Group

    init(path: String) throws {
        self.path = path
        do {
            file = try HDF5File(path: path)
            let root = file.root
            weightsRoot = root.contains("model_weights") ? try root.group("model_weights") : root
        } catch {
            let text = error.description
            throw ImportError(path, nil, text.hasPrefix(path) ? String(text.dropFirst(path.count + 2)) : text)
        }
    }

    /// The `model_config` JSON text of a whole-model file, if present.
    func modelConfig() throws -> String? {
        try mapErrors { try file.root.attribute("model_config")?.string() }
    }

    func arrays(for layer: String) throws -> [WeightArray] {
        try mapErrors(layer) {
            guard weightsRoot.contains(layer) else { throw ImportError(path, layer, "no weights stored for this layer") }
            let group = try weightsRoot.group(layer)
            let names = try group.attribute("weight_names")?.strings() ?? []
            return try names.map { name in
                let ds = try group.dataset(name)
                return WeightArray(name: name, shape: ds.shape, values: try ds.readDoubles())
            }
        }
    }

    private func mapErrors<T>(_ layer: String? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as HDF5Error {
            throw ImportError(path, layer, String(describing: e))
        }
    }
}

/// Keras 3 `.keras`: a zip holding `config.json` and `model.weights.h5`, whose arrays sit at
/// `layers/<name>/vars/<i>` in Keras' order. The weights file is opened as an in-memory image.
struct KerasArchive {
    let path: String
    let config: JSON
    let store: Keras3Store

    init(path: String) throws {
        self.path = path
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ImportError(path, nil, FileManager.default.fileExists(atPath: path)
                ? "not a .keras archive (not a zip file)" : "cannot read: no such file")
        }
        func member(_ name: String) throws -> Data {
            guard let entry = archive[name] else { throw ImportError(path, nil, "not a .keras archive (no \(name))") }
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            } catch {
                throw ImportError(path, nil, "corrupt archive member \(name)")
            }
            return data
        }
        config = try JSON.parse(try member("config.json"), path: "\(path):config.json")
        let weights = try member("model.weights.h5")
        do {
            store = try Keras3Store(path: path, file: try HDF5File(image: [UInt8](weights), name: "\(path):model.weights.h5"))
        } catch {
            throw ImportError(path, nil, String(describing: error))
        }
    }
}

/// The weights file inside a `.keras` archive. Keras 3 names the groups after the layer's class
/// (`layers/dense_1/vars`), not its name; the layer's name is the `name` attribute of `vars`.
struct Keras3Store: WeightStore {
    let path: String
    let file: HDF5File
    /// Layer name -> group holding its `vars`.
    let groups: [String: String]

    init(path: String, file: HDF5File) throws(HDF5Error) {
        self.path = path
        self.file = file
        var groups: [String: String] = [:]
        let root = file.root
        if root.containsGroup("layers") {
            for child in try root.group("layers").children() {
                let base = "layers/\(child)"
                groups[child] = base
                if root.containsGroup("\(base)/vars"), let name = try root.group("\(base)/vars").attribute("name") {
                    groups[try name.string()] = base
                }
            }
        }
        self.groups = groups
    }

    func arrays(for layer: String) throws -> [WeightArray] {
        guard let base = groups[layer], file.root.containsGroup("\(base)/vars") else {
            throw ImportError(path, layer, "no weights stored for this layer")
        }
        do {
            let vars = try file.root.group("\(base)/vars")
            let names = try vars.children().sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
            return try names.map { n in
                let ds = try vars.dataset(n)
                return WeightArray(name: n, shape: ds.shape, values: try ds.readDoubles())
            }
        } catch {
            throw ImportError(path, layer, String(describing: error))
        }
    }
}
