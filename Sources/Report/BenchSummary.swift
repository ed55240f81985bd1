// The part of a `fpgarun bench --json` result the HTML report shows. The file's format is the runtime's
// `BenchReport` (Sources/Runtime/BenchEngine.swift); only the fields used here are decoded, so the
// Report module stays independent of the runtime.

import Foundation

/// Throughput and latency percentiles of one bench run.
public struct BenchSummary: Sendable, Codable, Equatable {
    /// Latency percentiles in microseconds (per batch).
    public struct Latency: Sendable, Codable, Equatable {
        public var min: Double, p50: Double, p90: Double, p99: Double, p999: Double, max: Double, mean: Double
    }
    /// Mean time per batch of each step, microseconds.
    public struct Split: Sendable, Codable, Equatable {
        public var hostToDevice: Double, kernel: Double, deviceToHost: Double
    }
    /// The design's project name.
    public var project: String
    /// True when measured on the emulated device.
    public var emulated: Bool
    /// mm or axis.
    public var interface: String
    /// Samples per batch.
    public var batch: Int
    /// Samples measured.
    public var samples: Int
    /// Samples per second.
    public var samplesPerSecond: Double
    /// Per-batch latency.
    public var latencyMicroseconds: Latency
    /// Per-batch split.
    public var splitMicroseconds: Split?

    /// Reads a bench JSON file; errors name the file and, for a bad field, the field.
    public init(contentsOf path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ReportError(path, "cannot read: \(error.localizedDescription)")
        }
        do {
            self = try JSONDecoder().decode(BenchSummary.self, from: data)
        } catch DecodingError.keyNotFound(let key, let ctx) {
            throw ReportError(path, "not a bench JSON: missing field '\((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx) {
            throw ReportError(path, "not a bench JSON: bad field '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw ReportError(path, "not a bench JSON (not valid JSON)")
        }
    }
}
