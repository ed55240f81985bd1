// The packing rule shared by the kernels (Kernels/kernel_io.h), the C-sim library and the host:
// a sample of N values of W bits is one little-endian bit string of N*W bits, value k at bit k*W, held
// in ceil(N*W/512) whole 512-bit words (64 bytes each, byte b = bits 8b..8b+7); samples never share a
// word, and unused top bits are zero on output and ignored on input.

/// Packs and unpacks samples of raw fixed-point values into the kernels' 512-bit words.
public struct SamplePacking: Sendable, Equatable {
    /// Bits per word.
    public static let wordBits = 512
    /// Bytes per word.
    public static let wordBytes = 64

    /// Values per sample.
    public let values: Int
    /// Bits per value (1...64 for the Int64 pack/unpack below).
    public let bits: Int

    /// A packing of `values` values of `bits` bits per sample.
    public init(values: Int, bits: Int) {
        precondition(values >= 1 && bits >= 1, "a sample has at least one value of at least one bit")
        self.values = values
        self.bits = bits
    }

    /// Whole words per sample: ceil(values * bits / 512).
    public var wordsPerSample: Int { (values * bits + SamplePacking.wordBits - 1) / SamplePacking.wordBits }
    /// Bytes per sample.
    public var bytesPerSample: Int { wordsPerSample * SamplePacking.wordBytes }

    /// Packs `samples` samples of raw values (low `bits` bits of each Int64 used) into `bytes`, which
    /// must hold samples * bytesPerSample bytes; unused bits are written as zeros.
    public func pack(_ raws: UnsafeBufferPointer<Int64>, samples: Int, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bits <= 64 && raws.count >= samples * values && bytes.count >= samples * bytesPerSample)
        let out = bytes.bindMemory(to: UInt8.self)
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        for s in 0..<samples {
            let base = s * bytesPerSample
            for b in base..<(base + bytesPerSample) { out[b] = 0 }
            var bit = base * 8
            for k in 0..<values {
                var v = UInt64(bitPattern: raws[s * values + k]) & mask
                var left = bits
                var at = bit
                while left > 0 {
                    let shift = at & 7, take = min(8 - shift, left)
                    out[at >> 3] |= UInt8(truncatingIfNeeded: (v & ((1 << UInt64(take)) - 1)) << UInt64(shift))
                    v >>= UInt64(take)
                    left -= take
                    at += take
                }
                bit += bits
            }
        }
    }

    /// Unpacks `samples` samples from `bytes` into raw values, sign-extending when `signed`.
    public func unpack(_ bytes: UnsafeRawBufferPointer, samples: Int, signed: Bool, into raws: UnsafeMutableBufferPointer<Int64>) {
        precondition(bits <= 64 && raws.count >= samples * values && bytes.count >= samples * bytesPerSample)
        let src = bytes.bindMemory(to: UInt8.self)
        let extend = UInt64(64 - bits)
        for s in 0..<samples {
            var bit = s * bytesPerSample * 8
            for k in 0..<values {
                var v: UInt64 = 0
                var got = 0
                var at = bit
                while got < bits {
                    let shift = at & 7, take = min(8 - shift, bits - got)
                    let chunk = (UInt64(src[at >> 3]) >> UInt64(shift)) & ((1 << UInt64(take)) - 1)
                    v |= chunk << UInt64(got)
                    got += take
                    at += take
                }
                raws[s * values + k] = signed
                    ? Int64(bitPattern: v << extend) >> Int64(extend)
                    : Int64(bitPattern: v)
                bit += bits
            }
        }
    }
}
