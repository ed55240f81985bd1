// `fpgarun validate`: every output of the device compared bit for bit with the emulator.
//
// Samples are numbered by their row in the input file and stay tagged by that index through the
// stream (batches carry the index of their first sample and finish in order). For each batch the host
// quantizes the inputs to the design's input type exactly as the emulator does (the same FixedFormat
// routine), packs them into the kernel's words and streams them; when the batch comes back it runs
// the emulator on the same rows and compares the raw output values. The input is memory-mapped and
// the pages behind the stream are released, so the input size is bounded by the disk, not memory.

import Codegen
import Dispatch
import Emulator
import FixedPoint
import Foundation
import NPY

/// One sample whose device output differs from the emulator's.
public struct Mismatch: Codable, Sendable, Equatable {
    /// Row of the sample in the input file.
    public var sample: Int
    /// Outputs that differ (indices into the sample's output vector).
    public var outputs: [Int]
    /// The device's values.
    public var device: [Double]
    /// The emulator's values.
    public var emulator: [Double]
}

/// What `validate` found.
public struct ValidateReport: Codable, Sendable {
    /// The device.
    public var device: DeviceIdentity
    /// True on the emulated device.
    public var emulated: Bool
    /// The xclbin file.
    public var xclbin: String
    /// mm or axis.
    public var interface: String
    /// Samples whose every output bit matched.
    public var matched: Int
    /// Samples checked.
    public var total: Int
    /// The first mismatching samples (up to the limit asked for).
    public var firstMismatches: [Mismatch]
    /// Wall time, seconds.
    public var seconds: Double

    /// True when every sample matched.
    public var passed: Bool { matched == total }
}

/// Runs a validation.
public enum ValidateEngine {
    /// Streams every row of `input` through `stream` and checks it against `emulator`.
    public static func run(stream: KernelStream, emulator: Emulator, input: NPYArray, xclbin: String,
                           keep: Int = 10, progress: ((Int, Int?) -> Void)? = nil) throws -> ValidateReport {
        let layout = stream.layout
        let nIn = emulator.inputSize, nOut = emulator.outputSize
        guard layout.input.values == nIn, layout.output.values == nOut else {
            throw RuntimeError(.input, "\(xclbin): the kernel takes \(layout.input.values) inputs and gives \(layout.output.values) outputs per sample; the model has \(nIn) and \(nOut)")
        }
        let dims = input.shape
        guard dims.count >= 1, (dims.count == 1 ? 1 : dims.dropFirst().reduce(1, *)) == nIn else {
            throw RuntimeError(.input, "\(input.path): the model takes \(nIn) features per sample; the file has shape \(dims)")
        }
        let total = dims[0]
        let batch = stream.options.batch
        let inFormat = emulator.inputFormat, outFormat = emulator.outputFormat
        let scale = Double(sign: .plus, exponent: -outFormat.fractionBits, significand: 1)
        var x = [Double](repeating: 0, count: batch * nIn)
        var raws = [Int64](repeating: 0, count: batch * nIn)
        var expected = [Int64](repeating: 0, count: batch * nOut)
        var got = [Int64](repeating: 0, count: batch * nOut)
        var matched = 0, checked = 0
        var mismatches: [Mismatch] = []
        var lastProgress = DispatchTime.now().uptimeNanoseconds
        let start = DispatchTime.now().uptimeNanoseconds

        try stream.run(samples: total, fill: { b, host in
            x.withUnsafeMutableBufferPointer { input.copyDoubles(from: b.first * nIn, count: b.samples * nIn, into: $0.baseAddress!) }
            for i in 0..<(b.samples * nIn) { raws[i] = inFormat.quantize64(x[i]) }
            raws.withUnsafeBufferPointer {
                layout.input.pack($0, samples: b.samples,
                                  into: UnsafeMutableRawBufferPointer(start: host, count: b.samples * layout.input.bytesPerSample))
            }
        }, consume: { b, host, _ in
            x.withUnsafeMutableBufferPointer { input.copyDoubles(from: b.first * nIn, count: b.samples * nIn, into: $0.baseAddress!) }
            x.withUnsafeBufferPointer { xi in
                expected.withUnsafeMutableBufferPointer { emulator.run(input: xi.baseAddress!, samples: b.samples, rawOutput: $0.baseAddress!) }
            }
            got.withUnsafeMutableBufferPointer {
                layout.output.unpack(UnsafeRawBufferPointer(start: host, count: b.samples * layout.output.bytesPerSample),
                                     samples: b.samples, signed: outFormat.isSigned, into: $0)
            }
            for s in 0..<b.samples {
                var differs: [Int] = []
                for k in 0..<nOut where got[s * nOut + k] != expected[s * nOut + k] {
                    if mismatches.count >= keep { differs = [k]; break }
                    differs.append(k)
                }
                if differs.isEmpty {
                    matched += 1
                } else if mismatches.count < keep {
                    mismatches.append(Mismatch(
                        sample: b.first + s, outputs: differs,
                        device: (0..<nOut).map { Double(got[s * nOut + $0]) * scale },
                        emulator: (0..<nOut).map { Double(expected[s * nOut + $0]) * scale }))
                }
            }
            checked += b.samples
            input.release(upTo: (b.first + b.samples) * nIn)
            if let progress {
                let now = DispatchTime.now().uptimeNanoseconds
                if now - lastProgress > 100_000_000 {
                    lastProgress = now
                    progress(checked, total)
                }
            }
        })
        progress?(checked, total)
        return ValidateReport(device: stream.device.identity, emulated: stream.device.identity.backend == "emulated",
                              xclbin: xclbin, interface: layout.interface.rawValue, matched: matched, total: checked,
                              firstMismatches: mismatches,
                              seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}
