import FixedPoint
import Foundation
import Graph

/// How the network's arrays reach the firmware (hls4ml's `IOType`).
public enum IOType: String, Sendable {
    case parallel = "io_parallel"
    case stream = "io_stream"
}

/// A project config in hls4ml's YAML format, parsed into typed values at the edge.
public struct ProjectConfig: Sendable {
    /// The YAML file it came from (or "<defaults>").
    public var path: String
    /// KerasJson, resolved against the YAML's folder.
    public var kerasJson: String?
    /// KerasH5, resolved against the YAML's folder.
    public var kerasH5: String?
    /// KerasModel (a whole `.h5` or `.keras`), resolved against the YAML's folder.
    public var kerasModel: String?
    /// OutputDir, resolved against the YAML's folder.
    public var outputDir: String?
    /// ProjectName (hls4ml default "myproject").
    public var projectName = "myproject"
    /// Part (or XilinxPart).
    public var part: String?
    /// ClockPeriod in ns (hls4ml default 5).
    public var clockPeriod = 5.0
    /// IOType.
    public var ioType = IOType.parallel
    /// Backend (Vivado, Vitis, ...).
    public var backend = "Vitis"
    /// HLSConfig.
    public var hls = HLSSettings()
    /// Keys that were not understood, one message each (`file: key 'X' ignored`).
    public var warnings: [String] = []

    /// hls4ml's defaults with no file.
    public init() {
        path = "<defaults>"
    }

    /// Reads and checks `path`; errors name the file and the key path.
    public init(contentsOf path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path, FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(path, "not a YAML config (not UTF-8 text)")
        }
        let root: Any?
        do {
            root = try YAMLReader.load(text)
        } catch {
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw ConfigError(path, "not valid YAML: \(first)")
        }
        guard let map = root as? [String: Any] else { throw ConfigError(path, "expected a YAML mapping at the top level") }
        try parse(map)
    }

    private mutating func parse(_ map: [String: Any]) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        func file(_ key: String) throws -> String? {
            guard let v = map[key] else { return nil }
            guard let s = v as? String, !s.isEmpty else { throw ConfigError(path, "\(key): expected a file path") }
            return s.hasPrefix("/") ? s : folder.appendingPathComponent(s).standardizedFileURL.path
        }
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "KerasJson": kerasJson = try file(key)
            case "KerasH5": kerasH5 = try file(key)
            case "KerasModel": kerasModel = try file(key)
            case "OutputDir": outputDir = try file(key)
            case "ProjectName":
                guard let s = value as? String, !s.isEmpty else { throw ConfigError(path, "ProjectName: expected a name") }
                projectName = s
            case "Part", "XilinxPart":
                guard let s = value as? String else { throw ConfigError(path, "\(key): expected a part name") }
                part = s
            case "ClockPeriod":
                guard let d = Self.number(value), d > 0 else { throw ConfigError(path, "ClockPeriod: '\(value)' is not a positive number of ns") }
                clockPeriod = d
            case "IOType":
                guard let s = value as? String, let io = IOType(rawValue: s) else {
                    throw ConfigError(path, "IOType: '\(value)' is not io_parallel or io_stream")
                }
                ioType = io
            case "Backend":
                guard let s = value as? String else { throw ConfigError(path, "Backend: expected a name") }
                backend = s
            case "HLSConfig":
                guard let hlsMap = value as? [String: Any] else { throw ConfigError(path, "HLSConfig: expected a mapping") }
                try parseHLS(hlsMap)
            case "InputData", "OutputPredictions", "Stamp", "Version", "WriterConfig", "ClockUncertainty":
                break  // hls4ml bookkeeping with no effect on the network's numerics
            default:
                warnings.append("\(path): unknown key '\(key)' ignored")
            }
        }
        if kerasModel == nil && kerasJson != nil && kerasH5 == nil {
            throw ConfigError(path, "KerasJson needs KerasH5 beside it (the weights)")
        }
    }

    private mutating func parseHLS(_ map: [String: Any]) throws {
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "Model":
                hls.model = try layerSettings(value, at: "HLSConfig.Model")
            case "LayerType", "LayerName":
                guard let entries = value as? [String: Any] else { throw ConfigError(path, "HLSConfig.\(key): expected a mapping") }
                for (name, sub) in entries {
                    let s = try layerSettings(sub, at: "HLSConfig.\(key).\(name)")
                    if key == "LayerType" { hls.byType[name] = s } else { hls.byName[name] = s }
                }
            default:
                warnings.append("\(path): unknown key 'HLSConfig.\(key)' ignored")
            }
        }
    }

    private mutating func layerSettings(_ value: Any, at where_: String) throws -> LayerSettings {
        guard let map = value as? [String: Any] else { throw ConfigError(path, "\(where_): expected a mapping") }
        var s = LayerSettings()
        for (key, v) in map.sorted(by: { $0.key < $1.key }) {
            let at = "\(where_).\(key)"
            switch key {
            case "Precision":
                if let dict = v as? [String: Any] {
                    for (pk, pv) in dict.sorted(by: { $0.key < $1.key }) {
                        guard let k = PrecisionKey(rawValue: pk) ?? PrecisionKey(rawValue: pk.replacingOccurrences(of: "_t", with: "")) else {
                            warnings.append("\(path): unknown precision '\(at).\(pk)' ignored")
                            continue
                        }
                        if k == .table || k == .expTable || k == .invTable {
                            // hls4ml 1.3 ignores these keys (table_t stays ap_fixed<18,8>, the softmax tables
                            // ap_fixed<18,8,AP_RND,AP_SAT>); so do we, to stay bit-exact with it. A layer-level
                            // `table_t:` (`exp_table_t:`, `inv_table_t:`) key does set the table type.
                            warnings.append("\(path): '\(at).\(pk)' is ignored, as hls4ml 1.3 ignores it (use '\(where_).\(k.rawValue)_t')")
                            continue
                        }
                        s.precision[k] = try format(pv, at: "\(at).\(pk)")
                    }
                } else {
                    s.precision[.default] = try format(v, at: at)
                }
            case "ReuseFactor":
                guard let n = v as? Int, n >= 1 else { throw ConfigError(path, "\(at): '\(v)' is not a positive integer") }
                s.reuseFactor = n
            case "Strategy":
                guard let text = v as? String else { throw ConfigError(path, "\(at): expected Latency or Resource") }
                if let st = Strategy(config: text) {
                    s.strategy = st
                } else if let impl = SoftmaxImplementation(rawValue: text.lowercased()) {
                    s.softmax = impl  // older hls4ml configs select the softmax variant through Strategy
                } else {
                    throw ConfigError(path, "\(at): '\(text)' is not Latency or Resource")
                }
            case "TableSize", "table_size":
                guard let n = v as? Int, n >= 2, n & (n - 1) == 0 else {
                    throw ConfigError(path, "\(at): '\(v)' is not a power of two ≥ 2")
                }
                s.tableSize = n
            case "Implementation", "implementation":
                guard let text = v as? String, let impl = SoftmaxImplementation(rawValue: text.lowercased()) else {
                    throw ConfigError(path, "\(at): '\(v)' is not one of \(SoftmaxImplementation.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                s.softmax = impl
            case "table_t", "exp_table_t", "inv_table_t", "accum_t", "weight_t", "bias_t", "result_t":
                s.precision[PrecisionKey(rawValue: String(key.dropLast(2)))!] = try format(v, at: at)
            case "Trace", "Compression", "ConvImplementation", "ParallelizationFactor", "BramFactor", "Skip":
                warnings.append("\(path): '\(at)' has no effect in fpgarun yet and is ignored")
            default:
                warnings.append("\(path): unknown key '\(at)' ignored")
            }
        }
        return s
    }

    private func format(_ value: Any, at: String) throws -> FixedFormat {
        guard let text = value as? String else { throw ConfigError(path, "\(at): expected a type like ap_fixed<16,6>") }
        do {
            return try FixedFormat(parsing: text)
        } catch {
            throw ConfigError(path, "\(at): \(error)")
        }
    }

    private static func number(_ v: Any) -> Double? {
        if let d = v as? Double { return d }
        if let i = v as? Int { return Double(i) }
        if let s = v as? String { return Double(s) }
        return nil
    }
}

/// A config that cannot be used; one line naming the file and key.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    /// The config file.
    public var path: String
    /// What is wrong, starting with the key path.
    public var message: String

    /// Creates an error about `path`.
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
