// `fpgarun validate`: every output of the device compared bit for bit with the emulator.
//
// Samples are numbered by their row in the input file and stay tagged by that index through the
// stream (batches carry the index of their first sample and finish in order). For each batch the host
// quantizes the inputs to the design's input type exactly as the emulator does (the same FixedFormat
// routine), packs them into the kernel's words and runs the emulator on the same rows while the
// device works; when the batch comes back it compares the raw output values. The input is memory-mapped and
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
        // The emulator's outputs of each batch in flight, by its buffer set (batch b uses set b mod
        // slotCount, and its set is reused only after b was consumed).
        var expected = [[Int64]](repeating: [Int64](repeating: 0, count: batch * nOut), count: stream.slotCount)
        var got = [Int64](repeating: 0, count: batch * nOut)
        var matched = 0, checked = 0
        var mismatches: [Mismatch] = []
        var lastProgress = DispatchTime.now().uptimeNanoseconds
        let start = DispatchTime.now().uptimeNanoseconds

        // Each row is read once: quantized and packed for the device, and run through the emulator
        // while the device works on the batches ahead of it.
        try stream.run(samples: total, fill: { b, host in
            try x.withUnsafeMutableBufferPointer { try input.readDoubles(from: b.first * nIn, count: b.samples * nIn, into: $0.baseAddress!) }
            for i in 0..<(b.samples * nIn) { raws[i] = inFormat.quantize64(x[i]) }
            raws.withUnsafeBufferPointer {
                layout.input.pack($0, samples: b.samples,
                                  into: UnsafeMutableRawBufferPointer(start: host, count: b.samples * layout.input.bytesPerSample))
            }
            x.withUnsafeBufferPointer { xi in
                expected[b.index % expected.count].withUnsafeMutableBufferPointer {
                    emulator.run(input: xi.baseAddress!, samples: b.samples, rawOutput: $0.baseAddress!)
                }
            }
        }, consume: { b, host, _ in
            let want = expected[b.index % expected.count]
            got.withUnsafeMutableBufferPointer {
                layout.output.unpack(UnsafeRawBufferPointer(start: host, count: b.samples * layout.output.bytesPerSample),
                                     samples: b.samples, signed: outFormat.isSigned, into: $0)
            }
            for s in 0..<b.samples {
                let row = (s * nOut)..<((s + 1) * nOut)
                if got[row] == want[row] {
                    matched += 1
                } else if mismatches.count < keep {
                    mismatches.append(Mismatch(
                        sample: b.first + s, outputs: row.filter { got[$0] != want[$0] }.map { $0 - row.lowerBound },
                        device: got[row].map { Double($0) * scale }, emulator: want[row].map { Double($0) * scale }))
                }
            }
            checked += b.samples
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
