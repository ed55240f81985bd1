import ArgumentParser
import Codegen
import Emulator
import FixedPoint
import Foundation
import Graph
import Import

/// `fpgarun convert`: write the Vitis HLS project with its kernel wrappers and v++ files.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write the HLS project: firmware, kernel wrappers (mm, axis), v++ link files, Makefile, testbench.",
        discussion: """
        The project is written to a temporary folder and renamed into place, so a failure leaves \
        nothing half-written; re-running over a folder fpgarun wrote before replaces it. Build it with \
        `fpgarun build --target csim DIR` here, or with the project's Makefile on a Vitis machine.
        """
    )

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .customLong("output-dir"), help: "Project folder (default: the config's OutputDir).")
    var outputDir: String?

    @Option(name: .long, help: "HLS build script flavour: vitis or vivado.")
    var backend: String = "vitis"

    @Option(name: .long, help: "Kernel interfaces: mm, axis or both.")
    var interface: String = "both"

    @Option(name: .long, help: "Vitis platform (default \(Platform.defaultPlatform.name)).")
    var platform: String = Platform.defaultPlatform.name

    func validate() throws {
        guard HLSBackend(rawValue: backend) != nil else { throw ValidationError("--backend must be vitis or vivado") }
        guard KernelInterface(rawValue: interface) != nil else { throw ValidationError("--interface must be mm, axis or both") }
    }

    func run() throws {
        let (cfg, graph) = try modelOptions.load()
        guard let dir = outputDir ?? cfg.outputDir else {
            throw CLIError("no project folder: pass --output-dir DIR (or set OutputDir in the config)")
        }
        let plat = try Platform.named(platform)
        do {
            try NetworkEmitter.checkReuse(graph, requested: cfg.hls)
        } catch {
            throw CLIError("\(cfg.path): \(error)")
        }
        let files = try Self.project(graph: graph, config: cfg, platform: plat, interface: KernelInterface(rawValue: interface)!,
                                     backend: HLSBackend(rawValue: backend)!)
        try ProjectWriter.write(files, to: dir)
        print("wrote \(files.files.count) files to \(dir) (\(sanitizeIdentifier(cfg.projectName)), \(plat), interface \(interface))")
    }

    /// Every file of the project: the network, the layer library, the kernels and build files, and
    /// a testbench data set with the emulator's expected outputs.
    static func project(graph: Graph, config: ProjectConfig, platform: Platform, interface: KernelInterface,
                        backend: HLSBackend) throws -> ProjectFiles {
        let spec = try NetworkProject.spec(graph, projectName: config.projectName, clockPeriodNs: config.clockPeriod,
                                           platform: platform, interface: interface, backend: backend)
        var files = try NetworkProject.files(graph, spec: spec)
        try files.merge(ProjectFiles(try testbenchData(graph)))
        return files
    }

    /// 16 deterministic samples spread over the input type's range, and the emulator's outputs.
    static func testbenchData(_ graph: Graph) throws -> [String: String] {
        let emulator = try Emulator(graph)
        let samples = 16, n = emulator.inputSize
        var state: UInt64 = 0x2545F4914F6CDD1D
        let f = emulator.inputFormat
        let span = min(f.maxValue, 8)
        let inputs: [Double] = (0..<(samples * n)).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            return f.value(ofRaw: f.quantize((u * 2 - 1) * span))
        }
        var outputs = [Double](repeating: 0, count: samples * emulator.outputSize)
        inputs.withUnsafeBufferPointer { i in
            outputs.withUnsafeMutableBufferPointer { emulator.run(input: i.baseAddress!, samples: samples, output: $0.baseAddress!) }
        }
        func lines(_ values: [Double], width: Int) -> String {
            stride(from: 0, to: values.count, by: width).map { start in
                values[start..<(start + width)].map { "\($0)" }.joined(separator: " ")
            }.joined(separator: "\n") + "\n"
        }
        return ["tb_data/tb_input_features.dat": lines(inputs, width: n),
                "tb_data/tb_output_predictions.dat": lines(outputs, width: emulator.outputSize)]
    }
}
