import ArgumentParser
import Codegen
import Emulator
import Foundation
import NPY
import Runtime

/// `fpgarun validate`: every output of a card (or the emulated device) checked against the emulator.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Stream inputs through a design on a card or the emulated device and check every output bit against the emulator.",
        discussion: """
        Every sample is tagged by its row in the input file. Prints matched/total and the first \
        divergent samples with both values; exits 1 on any mismatch, 0 when all match. The input is \
        memory-mapped and released as it streams, so its size is not bounded by memory.
        """
    )

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var deviceOptions: DeviceOptions

    @Option(name: .long, help: "Input samples (.npy), one per row.")
    var input: String

    @Option(name: .long, help: "Write validate.json (and trace.json with --trace) into this folder.")
    var report: String?

    @Flag(name: .long, help: "Add the emulator's per-layer values for the first failing sample.")
    var trace = false

    @Option(name: .long, help: "Divergent samples to show.")
    var show: Int = 10

    func validate() throws {
        guard deviceOptions.xclbin != nil else { throw ValidationError("validate needs --xclbin FILE") }
        guard modelOptions.given else { throw ValidationError("give --config C.yml (or --model M)") }
        guard show >= 1 else { throw ValidationError("--show must be at least 1") }
    }

    func run() throws {
        let (_, graph) = try modelOptions.load()
        let emulator: Emulator
        do {
            emulator = try Emulator(graph)
        } catch {
            throw CLIError("\(graph.name): \(error)")
        }
        let x = try NPYArray(contentsOf: input)
        _ = try Predict.sampleCount(x, features: emulator.inputSize, shape: graph.nodes[graph.input].shape)
        let opened = try deviceOptions.open(xclbin: deviceOptions.xclbin!, model: SampleShape(emulator))
        let progress = ProgressLine("validate")
        let result = try ValidateEngine.run(stream: opened.stream, emulator: emulator, input: x, xclbin: deviceOptions.xclbin!,
                                            keep: show, progress: progress.update)
        progress.finish()
        let kind = result.emulated ? "emulated device" : opened.loaded.device.identity.name
        print("validate \(opened.loaded.project) on the \(kind), \(result.interface) kernel: \(groupDigits(result.matched)) of \(groupDigits(result.total)) samples match the emulator bit for bit"
              + String(format: " (%.2f s)", result.seconds))
        for m in result.firstMismatches {
            print("  sample \(m.sample): output\(m.outputs.count == 1 ? "" : "s") \(m.outputs.map(String.init).joined(separator: ",")) differ\(m.outputs.count == 1 ? "s" : "")")
            print("    device   \(m.device.map { "\($0)" }.joined(separator: " "))")
            print("    emulator \(m.emulator.map { "\($0)" }.joined(separator: " "))")
        }
        var layers: [TraceLayer] = []
        if trace, let first = result.firstMismatches.first {
            let n = emulator.inputSize
            var row = [Double](repeating: 0, count: n)
            row.withUnsafeMutableBufferPointer { x.copyDoubles(from: first.sample * n, count: n, into: $0.baseAddress!) }
            let values = emulator.trace(input: row)
            print("  emulator trace of sample \(first.sample):")
            for node in graph.nodes {
                let v = values[node.id]
                layers.append(TraceLayer(layer: node.name, type: node.types.result.description, values: v))
                let shown = v.prefix(8).map { "\($0)" }.joined(separator: " ") + (v.count > 8 ? " … (\(v.count) values)" : "")
                print("    \(node.name) [\(node.types.result)]: \(shown)")
            }
        }
        if let dir = report {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw CLIError("\(dir): cannot create report folder")
            }
            try writeAtomically(try encodeJSON(result), to: "\(dir)/validate.json")
            if !layers.isEmpty {
                try writeAtomically(try encodeJSON(TraceReport(sample: result.firstMismatches[0].sample, layers: layers)),
                                    to: "\(dir)/trace.json")
            }
        }
        if !result.passed { throw ExitCode(1) }
    }
}

/// One layer's emulator values for `--trace`.
struct TraceLayer: Codable {
    var layer: String
    var type: String
    var values: [Double]
}

/// The emulator's per-layer values for the first failing sample.
struct TraceReport: Codable {
    var sample: Int
    var layers: [TraceLayer]
}
