import ArgumentParser
import FixedPoint
import Foundation
import NPY

/// `fpgarun quantize`: quantize numbers to one fixed-point format exactly as ap_types assignment does.
struct Quantize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize numbers to one fixed-point format, exactly as assigning a double to the ap type does.",
        discussion: """
        TYPE is C++ spelling (ap_fixed<16,6,AP_RND,AP_SAT>, ap_ufixed<8,0>, ap_int<8>, ap_uint<4>) or \
        hls4ml shorthand (fixed<16,6>, ufixed<8,0,RND,SAT>, int<8>, uint<4>).
        Without --input/--output, reads one number per line on standard input and prints one exact \
        decimal result per line (or the raw two's-complement integer with --raw).
        With files, writes float64 holding the quantized values (exact up to 53 significant bits), \
        or with --raw int64 raw bit patterns (formats up to 64 bits wide).
        """
    )

    @Option(name: .long, help: "The fixed-point type, e.g. 'ap_fixed<16,6>' or 'fixed<16,6>'.")
    var type: String

    @Option(name: .long, help: "Input .npy (any numeric dtype, any shape).")
    var input: String?

    @Option(name: .long, help: "Output .npy (same shape as the input), written atomically.")
    var output: String?

    @Flag(name: .long, help: "Output raw two's-complement integers instead of values.")
    var raw = false

    func validate() throws {
        if (input == nil) != (output == nil) {
            throw ValidationError("--input and --output go together (or give neither to use standard input)")
        }
    }

    func run() throws {
        let format: FixedFormat
        do {
            format = try FixedFormat(parsing: type)
        } catch {
            throw CLIError("--type: \(error)")
        }
        if let input, let output {
            try quantizeFile(format, input: input, output: output)
        } else {
            try quantizeLines(format)
        }
    }

    private func quantizeLines(_ format: FixedFormat) throws {
        var out = ""
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let x = Double(text) else {
                throw CLIError("stdin line \(lineNumber): '\(text.prefix(40))' is not a number")
            }
            let q = format.quantize(x)
            out += raw ? String(q) : ExactDecimal.string(raw: q, fractionBits: format.fractionBits)
            out += "\n"
            if out.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(out.utf8))
                out = ""
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    private func quantizeFile(_ format: FixedFormat, input: String, output: String) throws {
        let array = try NPYArray(contentsOf: input)
        if raw && format.width > 64 {
            throw CLIError("--raw: raw values of \(format) (\(format.width) bits) do not fit int64")
        }
        let writer = try NPYStreamWriter(path: output, dtype: raw ? .int64 : .float64, shape: array.shape)
        let chunk = 1 << 16
        var values = [Double](repeating: 0, count: chunk)
        var raws = [Int64](repeating: 0, count: chunk)
        // Values up to 53 significant bits are exact as raw · 2^-F (a power-of-two scaling).
        let exactScale = format.fitsInt64 && format.width <= 53 && abs(format.fractionBits) < 1000
        let scale = Double(sign: .plus, exponent: -format.fractionBits, significand: 1)
        var start = 0
        while start < array.count {
            let n = min(chunk, array.count - start)
            try values.withUnsafeMutableBufferPointer { v in
                try raws.withUnsafeMutableBufferPointer { r in
                    try array.readDoubles(from: start, count: n, into: v.baseAddress!)
                    guard format.fitsInt64 else {
                        // Wide formats: one Int128 quantization per value, kept for both outputs.
                        for i in 0..<n {
                            let q = format.quantize(v[i])
                            r[i] = Int64(truncatingIfNeeded: q)
                            if !raw { v[i] = format.value(ofRaw: q) }
                        }
                        return
                    }
                    for i in 0..<n { r[i] = format.quantize64(v[i]) }
                    if raw { return }
                    if exactScale {
                        for i in 0..<n { v[i] = Double(r[i]) * scale }
                    } else {
                        for i in 0..<n { v[i] = format.value(ofRaw: Int128(r[i])) }
                    }
                }
            }
            if raw {
                try raws.withUnsafeBufferPointer { try writer.append(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            } else {
                try values.withUnsafeBufferPointer { try writer.append(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            }
            start += n
        }
        try writer.commit()
    }
}
