import ArgumentParser
import Codegen
import Emulator
import Foundation
import Graph
import NPY

/// `fpgarun predict`: run the bit-accurate emulator on a batch of inputs.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run the bit-accurate emulator on inputs from a .npy file.",
        discussion: """
        The input holds one sample per row: shape (samples, features) or (samples, *input_shape). \
        The output is float64 of shape (samples, outputs) holding the exact fixed-point values the \
        firmware computes. Inputs are streamed in blocks, so their size is not bounded by memory; \
        each of the --threads workers reads, computes and writes its own blocks.
        """
    )

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: "Input samples (.npy).")
    var input: String

    @Option(name: .long, help: "Output file (.npy, float64), written atomically.")
    var output: String

    @Option(name: .long, help: "Worker threads, each reading, computing and writing (default: all cores).")
    var threads: Int = Self.cores

    /// The default worker count, read once: ArgumentParser evaluates a default each time it builds
    /// the command, and Foundation reads the cgroup's CPU quota files on every call.
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Write each layer's output as DIR/<layer>.npy (for every sample).")
    var trace: String?

    @Option(name: .long, help: "emulator (default), or csim: the project's compiled C-simulation kernel library.")
    var target: String = "emulator"

    @Option(name: .long, help: "With --target csim: the project folder (built with `fpgarun build --target csim`).")
    var project: String?

    @Option(name: .long, help: "With --target csim: the kernel interface to call, mm or axis.")
    var interface: String = "mm"

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        switch target {
        case "emulator":
            guard modelOptions.given else { throw ValidationError("give --config C.yml or --model M (or both)") }
        case "csim":
            guard project != nil else { throw ValidationError("--target csim needs --project DIR") }
            guard CSimInterface(rawValue: interface) != nil else { throw ValidationError("--interface must be mm or axis") }
            guard trace == nil else { throw ValidationError("--trace works with the emulator only") }
        default:
            throw ValidationError("--target must be emulator or csim")
        }
    }

    func run() throws {
        if target == "csim" { return try runCSim() }
        let (_, graph) = try modelOptions.load()
        let emulator: Emulator
        do {
            emulator = try Emulator(graph)
        } catch let e as EmulatorError {
            throw CLIError("\(graph.name): \(e)")
        }
        let x = try NPYArray(contentsOf: input)
        let samples = try Self.sampleCount(x, features: emulator.inputSize, shape: graph.nodes[graph.input].shape)
        if let trace {
            let writer = try NPYStreamWriter(path: output, dtype: .float64, shape: [samples, emulator.outputSize])
            return try runTraced(emulator, graph: graph, x: x, samples: samples, writer: writer, dir: trace)
        }
        let writer = try NPYBlockWriter(path: output, shape: [samples, emulator.outputSize])
        let inSize = emulator.inputSize, outSize = emulator.outputSize
        let array = x
        // Each worker reads, computes and writes its own blocks: up to 2 MB of float64 input (16384
        // samples of the jet tagger's 16 features) while much is left, so that the reads and writes
        // are few, and down to 256 samples at the end.
        let largest = min(16384, max(256, (2 << 20) / (inSize * 8)))
        try emulator.run(samples: samples, threads: threads, blocks: 256...largest, input: { start, count, scratch in
            try array.readDoubles(from: start * inSize, count: count * inSize, into: scratch)
            return UnsafePointer(scratch)
        }, output: { start, values in
            try writer.write(values, at: start * outSize)
        })
        try writer.commit()
    }

    /// `--trace`: the outputs and every layer's values, chunk by chunk on this thread.
    private func runTraced(_ emulator: Emulator, graph: Graph, x: NPYArray, samples: Int, writer: NPYStreamWriter,
                           dir: String) throws {
        let tracer = try Tracer(dir: dir, graph: graph, samples: samples)
        let chunk = max(1, min(samples, 1 << 16))
        var inBuf = [Double](repeating: 0, count: chunk * emulator.inputSize)
        var outBuf = [Double](repeating: 0, count: chunk * emulator.outputSize)
        var start = 0
        while start < samples {
            let n = min(chunk, samples - start)
            try inBuf.withUnsafeMutableBufferPointer {
                try x.readDoubles(from: start * emulator.inputSize, count: n * emulator.inputSize, into: $0.baseAddress!)
            }
            inBuf.withUnsafeBufferPointer { i in
                outBuf.withUnsafeMutableBufferPointer { o in
                    emulator.run(input: i.baseAddress!, samples: n, output: o.baseAddress!, threads: threads)
                }
            }
            try outBuf.withUnsafeBufferPointer { try writer.append(UnsafeBufferPointer(rebasing: $0[0..<(n * emulator.outputSize)])) }
            try inBuf.withUnsafeBufferPointer { i in
                try emulator.trace(input: i.baseAddress!, samples: n) { node, values in
                    try tracer.writers[node].append(values)
                }
            }
            start += n
        }
        try tracer.commit()
        try writer.commit()
    }

    /// Runs the inputs through a project's C-simulation library, chunk by chunk.
    func runCSim() throws {
        let libPath = "\(project!)/csim/\(CSimBuilder.libraryName)"
        guard FileManager.default.fileExists(atPath: libPath) else {
            throw CLIError("\(project!): no C-sim library; run `fpgarun build --target csim \(project!)` first")
        }
        let lib = try CSimLibrary(path: libPath)
        let x = try NPYArray(contentsOf: input)
        let samples = try Self.sampleCount(x, features: lib.nInput, shape: [lib.nInput])
        let writer = try NPYStreamWriter(path: output, dtype: .float64, shape: [samples, lib.nOutput])
        let chunk = max(1, min(samples, 1 << 14))
        var inBuf = [Double](repeating: 0, count: chunk * lib.nInput)
        var raw = [Int64](repeating: 0, count: chunk * lib.nOutput)
        var values = [Double](repeating: 0, count: chunk * lib.nOutput)
        let scale = Double(sign: .plus, exponent: -lib.resultFormat.fractionBits, significand: 1)
        var start = 0
        while start < samples {
            let n = min(chunk, samples - start)
            try inBuf.withUnsafeMutableBufferPointer { try x.readDoubles(from: start * lib.nInput, count: n * lib.nInput, into: $0.baseAddress!) }
            try inBuf.withUnsafeBufferPointer { i in
                try raw.withUnsafeMutableBufferPointer { try lib.run(CSimInterface(rawValue: interface)!, input: i, samples: n, rawOutput: $0) }
            }
            for k in 0..<(n * lib.nOutput) { values[k] = Double(raw[k]) * scale }
            try values.withUnsafeBufferPointer { try writer.append(UnsafeBufferPointer(rebasing: $0[0..<(n * lib.nOutput)])) }
            start += n
        }
        try writer.commit()
    }

    /// Samples in `x`, checking its shape against the model's input.
    static func sampleCount(_ x: NPYArray, features: Int, shape: [Int]) throws -> Int {
        let dims = x.shape
        // One sample per row, with its features flat or in any shape of the same size (C order).
        if dims.count >= 2, dims.dropFirst().reduce(1, *) == features { return dims[0] }
        if dims.count == 1, features == 1 { return dims[0] }
        throw CLIError("\(x.path): the model takes \(features) features per sample (input shape \(shape)); the file has shape \(dims)")
    }
}

/// Per-layer outputs of every sample, one `.npy` per layer, each written atomically.
struct Tracer {
    let writers: [NPYStreamWriter]

    init(dir: String, graph: Graph, samples: Int) throws {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw CLIError("\(dir): cannot create trace folder")
        }
        writers = try graph.nodes.map { node in
            let safe = String(node.name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
            return try NPYStreamWriter(path: "\(dir)/\(safe).npy", dtype: .float64, shape: [samples] + node.shape)
        }
    }

    func commit() throws {
        for w in writers { try w.commit() }
    }
}
