import ArgumentParser
import Codegen
import Emulator
import Foundation
import Runtime

/// `fpgarun bench`: on-board latency and throughput of a design (a card, or the emulated device).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure latency and throughput of a design on a card (XRT) or the emulated device.",
        discussion: """
        Inputs are packed once into each buffer set and re-sent, so the figures are the device path's: \
        host→device sync, kernel run, device→host sync, with double buffering (--depth) and every \
        compute unit. After a warm-up it prints per-batch latency percentiles (HdrHistogram), samples/s, \
        MB/s each way and the split of the time. Without --xclbin it converts and builds the bundled \
        example model for the emulated device (cached in the checkout's .cache). Figures from the \
        emulated device are the host CPU running the C-sim kernels, and are labelled so.
        """
    )

    @OptionGroup var deviceOptions: DeviceOptions
    @OptionGroup(title: "Model (needed for a card's xclbin, which does not say how samples are packed)")
    var modelOptions: ModelOptions

    @Option(name: .long, help: "Samples to stream (after warm-up).")
    var samples: Int?

    @Option(name: .long, help: "Stream for this many seconds instead of a sample count.")
    var seconds: Double?

    @Option(name: .long, help: "Write the results as JSON to this file.")
    var json: String?

    @Flag(name: .customLong("null-kernels"), help: "Emulated device only: complete runs without executing the kernels, to measure the runtime's own cost per batch.")
    var nullKernels = false

    func validate() throws {
        if samples != nil && seconds != nil { throw ValidationError("give --samples or --seconds, not both") }
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1") }
        if let seconds, seconds <= 0 { throw ValidationError("--seconds must be positive") }
    }

    func run() throws {
        var shape: SampleShape?
        if modelOptions.given {
            let (_, graph) = try modelOptions.load()
            shape = SampleShape(try Emulator(graph))
        }
        let opened = try deviceOptions.open(xclbin: try deviceOptions.xclbin ?? ExampleProject.ensure(), model: shape,
                                         nullKernels: nullKernels)
        let stream = opened.stream
        let total = samples ?? (seconds == nil ? max(10 * deviceOptions.batch, 10_000) : 0)
        let pool = BenchEngine.randomPool(stream.layout.input, samples: min(max(total, deviceOptions.batch), 1 << 16))
        defer { pool.deallocate() }
        let progress = ProgressLine("bench")
        let report = try BenchEngine.run(stream: stream, pool: UnsafeRawBufferPointer(pool), samples: total, seconds: seconds,
                                         xclbin: opened.loaded.xclbin, uuid: opened.loaded.uuid, progress: progress.update)
        progress.finish()
        print(Self.summary(report), terminator: "")
        if let json { try writeAtomically(try encodeJSON(report), to: json) }
    }

    /// The human-readable result.
    static func summary(_ r: BenchReport) -> String {
        var s = ""
        let id = r.device
        s += "device   \(id.name)\(id.bdf.map { " at \($0)" } ?? "") [\(r.emulated ? "EMULATED: the host CPU runs the C-sim kernels; not a card's figures" : "XRT")]\n"
        s += "xclbin   \(r.xclbin ?? "(built in)") uuid \(r.uuid)\n"
        s += "design   \(r.project), \(r.interface) kernel, \(r.computeUnits) compute unit\(r.computeUnits == 1 ? "" : "s"), batch \(groupDigits(r.batch)), \(r.depth) buffer set\(r.depth == 1 ? "" : "s") in flight per unit\n"
        s += String(format: "stream   %@ samples in %@ batches, %.2f s: %@ samples/s, %.1f MB/s in, %.1f MB/s out\n",
                    groupDigits(r.samples), groupDigits(r.batches), r.seconds, groupDigits(Int(r.samplesPerSecond.rounded())),
                    r.inputMBPerSecond, r.outputMBPerSecond)
        let l = r.latencyMicroseconds
        s += "latency  per batch: p50 \(formatMicros(l.p50))  p90 \(formatMicros(l.p90))  p99 \(formatMicros(l.p99))  p99.9 \(formatMicros(l.p999))  max \(formatMicros(l.max))"
        s += r.depth > 1 ? " (submit to result, including the wait behind the batch ahead on its unit; --depth 1 for a lone batch)\n" : "\n"
        let t = r.splitMicroseconds
        s += "split    per batch: host→device \(formatMicros(t.hostToDevice))  kernel \(formatMicros(t.kernel))  device→host \(formatMicros(t.deviceToHost))\n"
        return s
    }
}

/// The bundled example model, converted and built for the emulated device on first use.
enum ExampleProject {
    /// The example's xclbin for the emulated device, building it when missing.
    static func ensure() throws -> String {
        let headers = try Build.apTypes()
        let cache = URL(fileURLWithPath: headers).deletingLastPathComponent()
        let root = cache.deletingLastPathComponent()
        let config = root.appendingPathComponent("tools/example/jet_tagger.yml").path
        guard FileManager.default.fileExists(atPath: config) else {
            throw CLIError("\(config): the bundled example is missing; pass --xclbin FILE")
        }
        let dir = cache.appendingPathComponent("example-project").path
        func built() -> String? {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(dir)/csim")) ?? []
            return files.first { $0.hasSuffix(".xclbin") }.map { "\(dir)/csim/\($0)" }
        }
        if let xclbin = built() { return xclbin }
        do {
            FileHandle.standardError.write(Data("bench: building the example model for the emulated device in \(dir)\n".utf8))
            let convert = try Convert.parse(["--config", config, "--output-dir", dir])
            try convert.run()
            let build = try Build.parse(["--target", "csim", dir])
            try build.run()
        }
        guard let xclbin = built() else { throw CLIError("\(dir): building the example made no xclbin") }
        return xclbin
    }
}
