import ArgumentParser
import Codegen
import Foundation
import Emulator
import Runtime

extension SampleShape {
    /// The kernel-boundary shape of an emulated model.
    init(_ e: Emulator) {
        self.init(nInput: e.inputSize, nOutput: e.outputSize, inputFormat: e.inputFormat, resultFormat: e.outputFormat)
    }
}

/// The flags `bench` and `validate` share: which design, on which device, streamed how.
struct DeviceOptions: ParsableArguments {
    @Option(name: .long, help: "The xclbin: one made by `fpgarun build --target csim` runs on the emulated device, any other on a card through XRT.")
    var xclbin: String?

    @Option(name: .long, help: "Card to use through XRT: index or PCIe address (default 0).")
    var device: String = "0"

    @Option(name: .long, help: "Kernel interface to stream through: mm or axis.")
    var interface: String = "mm"

    @Option(name: .long, help: "Samples per batch (per kernel run).")
    var batch: Int = 1024

    @Option(name: .long, help: "Buffer sets in flight per compute unit (2 = double buffering).")
    var depth: Int = 2

    @Option(name: .customLong("compute-units"), help: "Compute units to stream through (default: all the xclbin has).")
    var computeUnits: Int?

    @Option(name: .long, help: "Seconds a kernel run may take before it counts as hung.")
    var timeout: Double = 10

    @Option(name: .long, help: ArgumentHelp(
        "Emulated device only: inject a fault to test the checker (repeatable): flip:S[:BIT], drop:S, duplicate:S, reorder:S, hang:S (S = sample index).",
        valueName: "fault"))
    var inject: [String] = []

    func validate() throws {
        guard CSimInterface(rawValue: interface) != nil else { throw ValidationError("--interface must be mm or axis") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard depth >= 1 && depth <= 64 else { throw ValidationError("--depth must be 1 to 64") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if let computeUnits, computeUnits < 1 { throw ValidationError("--compute-units must be at least 1") }
        for f in inject {
            do {
                _ = try EmulatedFault(parsing: f)
            } catch {
                throw ValidationError("--inject \(error)")
            }
        }
    }

    var streamOptions: StreamOptions {
        var o = StreamOptions()
        o.batch = batch
        o.depth = depth
        o.timeout = timeout
        return o
    }

    /// Opens the device the xclbin is for, loads it, and sets up the stream.
    func open(xclbin path: String, model: SampleShape?, nullKernels: Bool = false) throws -> OpenedDesign {
        let loaded = try DesignLoader.open(xclbin: path, device: device, faults: inject.map { try EmulatedFault(parsing: $0) },
                                           model: model, nullKernels: nullKernels)
        if let model { try loaded.check(model: model) }
        return try stream(loaded)
    }

    private func stream(_ loaded: LoadedDesign) throws -> OpenedDesign {
        if !inject.isEmpty && loaded.device.identity.backend != "emulated" {
            throw CLIError("--inject works on the emulated device only")
        }
        let layout = try loaded.layout(interface: CSimInterface(rawValue: interface)!, computeUnits: computeUnits)
        let stream = try KernelStream(device: loaded.device, layout: layout, options: streamOptions)
        return OpenedDesign(loaded: loaded, stream: stream)
    }
}

/// A loaded design with its stream.
struct OpenedDesign {
    let loaded: LoadedDesign
    let stream: KernelStream
}

/// A one-line progress bar on standard error, only when it is a terminal.
final class ProgressLine {
    let label: String
    let enabled = isatty(2) == 1
    private var shown = false

    init(_ label: String) { self.label = label }

    func update(_ done: Int, _ total: Int?) {
        guard enabled else { return }
        var line = "\(label) \(groupDigits(done))"
        if let total, total > 0 {
            let width = 30, filled = min(width, done * width / total)
            line = "\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(groupDigits(done))/\(groupDigits(total))"
        }
        FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8))
        shown = true
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// 1234567 → "1,234,567".
func groupDigits(_ n: Int) -> String {
    let s = String(n.magnitude)
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// Microseconds as a readable duration.
func formatMicros(_ us: Double) -> String {
    if us < 1000 { return String(format: "%.1f µs", us) }
    if us < 1_000_000 { return String(format: "%.2f ms", us / 1000) }
    return String(format: "%.2f s", us / 1_000_000)
}

/// Writes `data` to `path` atomically (temporary file in the same folder, then rename).
func writeAtomically(_ data: Data, to path: String) throws {
    do {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw CLIError("\(path): cannot write: \(error.localizedDescription)")
    }
}

/// JSON with sorted keys, pretty-printed.
func encodeJSON<T: Encodable>(_ value: T) throws -> Data {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try e.encode(value) + Data("\n".utf8)
}
