import Testing
@testable import Codegen

@Suite struct PackingTests {
    @Test func wordsPerSample() {
        #expect(SamplePacking(values: 16, bits: 16).wordsPerSample == 1)
        #expect(SamplePacking(values: 32, bits: 16).wordsPerSample == 1)
        #expect(SamplePacking(values: 33, bits: 16).wordsPerSample == 2)
        #expect(SamplePacking(values: 47, bits: 13).wordsPerSample == 2)
        #expect(SamplePacking(values: 784, bits: 16).bytesPerSample == 25 * 64)
    }

    @Test func bitLayoutIsLittleEndianAcrossWords() {
        // 47 values of 13 bits: value 39 sits at bits 507...519, straddling words 0 and 1.
        let p = SamplePacking(values: 47, bits: 13)
        var raws = [Int64](repeating: 0, count: 47)
        raws[39] = 0x1ABC  // 13 bits: 1 1010 1011 1100
        raws[0] = -1       // all 13 bits set
        var bytes = [UInt8](repeating: 0xEE, count: p.bytesPerSample)
        raws.withUnsafeBufferPointer { r in bytes.withUnsafeMutableBytes { p.pack(r, samples: 1, into: $0) } }
        func bit(_ i: Int) -> Int { Int(bytes[i / 8] >> UInt8(i % 8)) & 1 }
        for i in 0..<13 { #expect(bit(i) == 1) }
        #expect(bit(13) == 0)
        for i in 0..<13 { #expect(bit(507 + i) == (0x1ABC >> i) & 1, "bit \(507 + i)") }
        for i in (47 * 13)..<(2 * 512) { #expect(bit(i) == 0, "padding bit \(i)") }
        var back = [Int64](repeating: 0, count: 47)
        bytes.withUnsafeBytes { b in back.withUnsafeMutableBufferPointer { p.unpack(b, samples: 1, signed: true, into: $0) } }
        #expect(back[39] == Int64(0x1ABC) - 8192 && back[0] == -1)
        bytes.withUnsafeBytes { b in back.withUnsafeMutableBufferPointer { p.unpack(b, samples: 1, signed: false, into: $0) } }
        #expect(back[39] == 0x1ABC && back[0] == 8191)
    }

    @Test func roundTripsRandomSamples() {
        var rng = SystemRandomNumberGenerator()
        for bits in [1, 7, 13, 16, 31, 64] {
            for values in [1, 5, 40, 100] {
                let p = SamplePacking(values: values, bits: bits)
                let n = 9
                let raws: [Int64] = (0..<(n * values)).map { _ in
                    let v = Int64(bitPattern: rng.next())
                    return bits == 64 ? v : (v << (64 - bits)) >> (64 - bits)   // in range, sign-extended
                }
                var bytes = [UInt8](repeating: 0, count: n * p.bytesPerSample)
                raws.withUnsafeBufferPointer { r in bytes.withUnsafeMutableBytes { p.pack(r, samples: n, into: $0) } }
                var back = [Int64](repeating: 0, count: raws.count)
                bytes.withUnsafeBytes { b in back.withUnsafeMutableBufferPointer { p.unpack(b, samples: n, signed: true, into: $0) } }
                #expect(back == raws, "bits \(bits) values \(values)")
            }
        }
    }
}
