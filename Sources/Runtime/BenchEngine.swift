// `fpgarun bench`: latency and throughput of a design on a device.
//
// Inputs are packed once into each buffer set and re-sent as they are, so the figures are the device
// path's (sync, run, wait, sync back) and not the host's packing, which `validate` exercises. A few
// warm-up batches run first and are not counted. Per batch it records the latency (host→device +
// start→completion + device→host) in an HdrHistogram (three significant digits, nanoseconds), and
// the split into host→device, kernel and device→host time.

import Codegen
import Dispatch
import Foundation
import Histogram

/// Latency percentiles in microseconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var min: Double, p50: Double, p90: Double, p99: Double, p999: Double, max: Double, mean: Double

    init(_ h: Histogram<UInt64>) {
        func us(_ ns: UInt64) -> Double { Double(ns) / 1000 }
        min = us(h.min)
        p50 = us(h.valueAtPercentile(50))
        p90 = us(h.valueAtPercentile(90))
        p99 = us(h.valueAtPercentile(99))
        p999 = us(h.valueAtPercentile(99.9))
        max = us(h.max)
        mean = h.mean / 1000
    }
}

/// Mean time per batch of each step, microseconds.
public struct TimeSplit: Codable, Sendable, Equatable {
    public var hostToDevice: Double, kernel: Double, deviceToHost: Double
}

/// What `bench` measured.
public struct BenchReport: Codable, Sendable {
    /// The device.
    public var device: DeviceIdentity
    /// True when the figures come from the emulated device (C-sim kernels on the host CPU).
    public var emulated: Bool
    /// The xclbin file (nil when bench built the example itself and loaded its design directly).
    public var xclbin: String?
    /// The design's uuid.
    public var uuid: String
    /// The design's project name.
    public var project: String
    /// mm or axis.
    public var interface: String
    /// Compute units streamed through.
    public var computeUnits: Int
    /// Samples per batch.
    public var batch: Int
    /// Buffer sets in flight per compute unit.
    public var depth: Int
    /// Samples and batches measured (after warm-up).
    public var samples: Int, batches: Int
    /// Wall time of the measured part, seconds.
    public var seconds: Double
    /// Samples per second.
    public var samplesPerSecond: Double
    /// Megabytes (10^6) per second moved host→device and device→host.
    public var inputMBPerSecond: Double, outputMBPerSecond: Double
    /// Per-batch latency.
    public var latencyMicroseconds: LatencySummary
    /// Per-batch split.
    public var splitMicroseconds: TimeSplit
    /// Wall time per batch not spent in the kernel (µs): the runtime's own overhead when depth is 1.
    public var overheadMicroseconds: Double
}

/// Runs a bench.
public enum BenchEngine {
    /// Streams `samples` samples (or for `seconds`) through `stream`, after `warmup` batches.
    /// `pool` holds packed input samples (at least one); `progress` gets (samples done, total or nil).
    public static func run(stream: KernelStream, pool: UnsafeRawBufferPointer, samples: Int, seconds: Double?,
                           warmup: Int = 4, xclbin: String?, uuid: UUID,
                           progress: ((Int, Int?) -> Void)? = nil) throws -> BenchReport {
        let layout = stream.layout, batch = stream.options.batch
        let inBytes = layout.input.bytesPerSample
        let poolSamples = pool.count / inBytes
        precondition(poolSamples >= 1, "empty input pool")
        // Each buffer set is packed once, on its first use.
        var packed = Set<UnsafeMutableRawPointer>()
        let fill = { (b: StreamBatch, host: UnsafeMutableRawPointer) in
            guard packed.insert(host).inserted else { return }
            for i in 0..<batch {
                let src = pool.baseAddress! + ((b.first + i) % poolSamples) * inBytes
                (host + i * inBytes).copyMemory(from: src, byteCount: inBytes)
            }
        }
        try stream.run(samples: warmup * batch, fill: fill, consume: { _, _, _ in })

        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        var split = TimeSplit(hostToDevice: 0, kernel: 0, deviceToHost: 0)
        var batches = 0, done = 0
        var lastProgress = DispatchTime.now().uptimeNanoseconds
        let start = DispatchTime.now().uptimeNanoseconds
        let total = try stream.run(samples: samples, seconds: seconds, fill: fill) { b, _, t in
            _ = histogram.record(UInt64(max(0, t.latency * 1e9)))
            split.hostToDevice += t.hostToDevice
            split.kernel += t.kernel
            split.deviceToHost += t.deviceToHost
            batches += 1
            done += b.samples
            if let progress {
                let now = DispatchTime.now().uptimeNanoseconds
                if now - lastProgress > 100_000_000 {
                    lastProgress = now
                    progress(done, seconds == nil ? samples : nil)
                }
            }
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        progress?(done, seconds == nil ? samples : nil)
        let perBatch = Double(max(1, batches))
        let mean = TimeSplit(hostToDevice: split.hostToDevice / perBatch * 1e6, kernel: split.kernel / perBatch * 1e6,
                             deviceToHost: split.deviceToHost / perBatch * 1e6)
        return BenchReport(
            device: stream.device.identity, emulated: stream.device.identity.backend == "emulated",
            xclbin: xclbin, uuid: uuid.uuidString.lowercased(), project: layout.project,
            interface: layout.interface.rawValue, computeUnits: layout.computeUnits, batch: batch,
            depth: stream.options.depth, samples: total, batches: batches, seconds: wall,
            samplesPerSecond: Double(total) / wall,
            inputMBPerSecond: Double(total * inBytes) / wall / 1e6,
            outputMBPerSecond: Double(total * layout.output.bytesPerSample) / wall / 1e6,
            latencyMicroseconds: LatencySummary(histogram), splitMicroseconds: mean,
            overheadMicroseconds: max(0, wall * 1e6 / perBatch - mean.kernel / Double(layout.computeUnits)))
    }

    /// A pool of `samples` random packed input samples (any bit pattern is a valid fixed-point value).
    public static func randomPool(_ packing: SamplePacking, samples: Int, seed: UInt64 = 1) -> UnsafeMutableRawBufferPointer {
        var rng = SplitMix64(seed)
        var raws = [Int64](repeating: 0, count: samples * packing.values)
        for i in raws.indices { raws[i] = Int64(bitPattern: rng.next()) }
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: samples * packing.bytesPerSample, alignment: 64)
        raws.withUnsafeBufferPointer { packing.pack($0, samples: samples, into: bytes) }
        return bytes
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
