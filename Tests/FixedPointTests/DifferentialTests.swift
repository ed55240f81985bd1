import Foundation
import Testing

@testable import FixedPoint

/// FixedPoint against the real ap_types headers, compiled with g++ at test time (see
/// APTypesHarness.swift): every path (reference, public, Int64 and Int128 fast paths) must give the
/// same bits as the C++ statement for every case.
@Suite("Differential against ap_types")
struct DifferentialTests {
    /// The plan and the built harness, shared by the tests of one run (built once).
    static let setup: Result<(DifferentialPlan, APTypesHarness), any Error> = Result {
        let plan = DifferentialPlan.make()
        return (plan, try APTypesHarness.build(plan))
    }

    static func harness() throws -> (DifferentialPlan, APTypesHarness) {
        try setup.get()
    }

    static let maxReported = 15

    static func bits(_ answer: String) -> UInt128? {
        let parts = answer.split(separator: " ")
        guard parts.count == 2, let hi = UInt64(parts[0], radix: 16), let lo = UInt64(parts[1], radix: 16) else {
            return nil
        }
        return UInt128(hi) << 64 | UInt128(lo)
    }

    static func describe(_ x: Double) -> String {
        "\(x) (bits 0x\(String(x.bitPattern, radix: 16)))"
    }

    @Test("Double -> ap type: every mode, width, sign, range and special value")
    func quantize() throws {
        let (plan, harness) = try Self.harness()
        var g = SplitMix64(seed: DifferentialPlan.seed ^ 1)
        var requests: [String] = []
        var cases: [(format: Int, x: Double)] = []
        for (i, f) in plan.quantFormats.enumerated() {
            for x in DifferentialPlan.quantValues(for: f, &g) {
                requests.append("Q \(i) \(String(x.bitPattern, radix: 16))")
                cases.append((i, x))
            }
        }
        let answers = try harness.query(requests)
        var mismatches: [String] = []
        var mismatchCount = 0
        for (k, c) in cases.enumerated() {
            let f = plan.quantFormats[c.format]
            guard let pattern = Self.bits(answers[k]) else {
                Issue.record("harness answered '\(answers[k])' to '\(requests[k])'")
                return
            }
            let expected = f.normalize(Int128(truncatingIfNeeded: pattern))
            let reference = f.quantizeReference(c.x)
            let public_ = f.quantize(c.x)
            let fast: Int128? = f.fitsInt64 ? Int128(f.quantize64(c.x)) : nil
            if reference != expected || public_ != expected || (fast != nil && fast != expected) {
                mismatchCount += 1
                if mismatches.count < Self.maxReported {
                    mismatches.append(
                        "\(f) x=\(Self.describe(c.x)): ap_types \(expected), reference \(reference), "
                            + "quantize \(public_), quantize64 \(fast.map { "\($0)" } ?? "-")")
                }
            }
        }
        #expect(
            mismatchCount == 0,
            "\(mismatchCount) of \(cases.count) Double cases differ; first:\n\(mismatches.joined(separator: "\n"))")
        #expect(cases.count >= 90_000, "only \(cases.count) Double cases")
    }

    @Test("ap type -> ap type: rounding, carries, saturation bits, ap_int targets")
    func convert() throws {
        let (plan, harness) = try Self.harness()
        var g = SplitMix64(seed: DifferentialPlan.seed ^ 2)
        var requests: [String] = []
        var cases: [(pair: Int, raw: Int128)] = []
        for (i, p) in plan.convPairs.enumerated() {
            for pattern in DifferentialPlan.convRaws(for: p, &g) {
                requests.append("C \(i) \(String(UInt64(pattern >> 64), radix: 16)) \(String(UInt64(truncatingIfNeeded: pattern), radix: 16))")
                cases.append((i, p.source.normalize(Int128(truncatingIfNeeded: pattern))))
            }
        }
        let answers = try harness.query(requests)
        var mismatches: [String] = []
        var mismatchCount = 0
        for (k, c) in cases.enumerated() {
            let p = plan.convPairs[c.pair]
            guard let pattern = Self.bits(answers[k]) else {
                Issue.record("harness answered '\(answers[k])' to '\(requests[k])'")
                return
            }
            let expected = p.target.normalize(Int128(truncatingIfNeeded: pattern))
            let cast = FixedCast(from: p.source, to: p.target)
            let reference = p.target.convertReference(c.raw, from: p.source)
            let public_ = p.target.convert(c.raw, from: p.source)
            let wide = cast.apply(c.raw)
            let both64 = p.source.fitsInt64 && p.target.fitsInt64
            let fast: Int128? = both64 ? Int128(cast.apply(Int64(c.raw))) : nil
            let fastPublic: Int128? = both64 ? Int128(p.target.convert64(Int64(c.raw), from: p.source)) : nil
            if reference != expected || public_ != expected || wide != expected
                || (fast != nil && (fast != expected || fastPublic != expected))
            {
                mismatchCount += 1
                if mismatches.count < Self.maxReported {
                    mismatches.append(
                        "\(p.source) raw \(c.raw) -> \(p.target): ap_types \(expected), reference \(reference), "
                            + "Int128 cast \(wide), Int64 cast \(fast.map { "\($0)" } ?? "-")")
                }
            }
        }
        #expect(
            mismatchCount == 0,
            "\(mismatchCount) of \(cases.count) conversion cases differ; first:\n\(mismatches.joined(separator: "\n"))")
        #expect(cases.count >= 30_000, "only \(cases.count) conversion cases")
    }

    @Test("Result formats of +, -, * match the C++ operator result types")
    func resultTypes() throws {
        let (plan, harness) = try Self.harness()
        let requests = plan.rtypePairs.indices.map { "R \($0)" }
        let answers = try harness.query(requests)
        var mismatches: [String] = []
        for (k, p) in plan.rtypePairs.enumerated() {
            let numbers = answers[k].split(separator: " ").compactMap { Int($0) }
            guard numbers.count == 12 else {
                Issue.record("harness answered '\(answers[k])' to '\(requests[k])'")
                return
            }
            let ours = [
                FixedFormat.sumFormat(p.source, p.target), FixedFormat.differenceFormat(p.source, p.target),
                FixedFormat.productFormat(p.source, p.target),
            ]
            for (j, f) in ours.enumerated() {
                let theirs = Array(numbers[(j * 4)..<(j * 4 + 4)])
                let mine = [f.width, f.integerBits, f.isSigned ? 1 : 0, f.isInteger ? 1 : 0]
                if mine != theirs {
                    mismatches.append("\(p.source) \(["+", "-", "*"][j]) \(p.target): C++ W,I,S,int = \(theirs), ours \(mine) (\(f))")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) result formats differ:\n\(mismatches.prefix(15).joined(separator: "\n"))")
    }
}
