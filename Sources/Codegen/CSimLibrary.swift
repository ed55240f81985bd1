// Loads a project's C-simulation library (made by CSimBuilder) with dlopen and calls its C ABI
// (Kernels/csim_abi.cpp): the kernel functions as a host would call them, on packed 512-bit words.
// Each library is opened under RTLD_LOCAL so two projects' libraries can be loaded side by side.

#if canImport(Glibc)
import Glibc
#endif
import FixedPoint

/// The kernel interface a C-sim call goes through.
public enum CSimInterface: String, Sendable, CaseIterable {
    /// The memory-mapped batch kernel.
    case mm
    /// mm2s → AXI-stream network → s2mm.
    case axis
}

/// A loaded C-simulation kernel library.
public final class CSimLibrary: @unchecked Sendable {  // immutable after init; the C calls are reentrant
    /// The library file.
    public let path: String
    /// The project name (the kernels are `<project>_mm`, `<project>_axis`, ...).
    public let project: String
    /// Values per input / output sample.
    public let nInput: Int, nOutput: Int
    /// Packed words per input / output sample.
    public let inWords: Int, outWords: Int
    /// The input and result types the project was generated for.
    public let inputFormat: FixedFormat, resultFormat: FixedFormat
    /// Which interfaces were generated.
    public let interfaces: Set<CSimInterface>

    private typealias Run = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, UInt32) -> Int32
    private let handle: UnsafeMutableRawPointer
    private let runMM: Run
    private let runAxis: Run
    private let lastError: @convention(c) () -> UnsafePointer<CChar>?

    /// Opens `path` and reads its metadata; errors name the file.
    public init(path: String) throws {
        self.path = path
        guard let h = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw CodegenError(.load, "\(path): cannot load C-sim library: \(reason)")
        }
        handle = h
        func symbol<T>(_ name: String, as _: T.Type) throws -> T {
            guard let s = dlsym(h, name) else {
                throw CodegenError(.load, "\(path): not an fpgarun C-sim library (no \(name))")
            }
            return unsafeBitCast(s, to: T.self)
        }
        typealias Count = @convention(c) () -> UInt32
        typealias Text = @convention(c) () -> UnsafePointer<CChar>?
        do {
            let version = try symbol("fpgarun_abi_version", as: (@convention(c) () -> Int32).self)()
            guard version == 1 else { throw CodegenError(.load, "\(path): C-sim ABI version \(version), expected 1 (rebuild it)") }
            nInput = Int(try symbol("fpgarun_n_input", as: Count.self)())
            nOutput = Int(try symbol("fpgarun_n_output", as: Count.self)())
            inWords = Int(try symbol("fpgarun_in_words", as: Count.self)())
            outWords = Int(try symbol("fpgarun_out_words", as: Count.self)())
            let mask = try symbol("fpgarun_interfaces", as: Count.self)()
            interfaces = Set((mask & 1 != 0 ? [.mm] : []) + (mask & 2 != 0 ? [.axis] : []))
            let text = { (name: String) throws -> String in
                try symbol(name, as: Text.self)().map { String(cString: $0) } ?? ""
            }
            project = try text("fpgarun_project")
            inputFormat = try FixedFormat(parsing: try text("fpgarun_input_type"))
            resultFormat = try FixedFormat(parsing: try text("fpgarun_result_type"))
            runMM = try symbol("fpgarun_mm", as: Run.self)
            runAxis = try symbol("fpgarun_axis", as: Run.self)
            lastError = try symbol("fpgarun_last_error", as: Text.self)
        } catch {
            dlclose(h)
            throw error
        }
    }

    deinit { dlclose(handle) }

    /// Input/output packing of one sample.
    public var inputPacking: SamplePacking { SamplePacking(values: nInput, bits: inputFormat.width) }
    /// Output packing of one sample.
    public var outputPacking: SamplePacking { SamplePacking(values: nOutput, bits: resultFormat.width) }

    /// Runs `n` samples through `interface`: `input` holds `n * inWords` 64-byte words, `output`
    /// receives `n * outWords`.
    public func run(_ interface: CSimInterface, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, samples n: Int) throws {
        guard interfaces.contains(interface) else {
            throw CodegenError(.load, "\(path): the \(interface.rawValue) kernel was not generated (convert with --interface both)")
        }
        let code = (interface == .mm ? runMM : runAxis)(input, output, UInt32(n))
        if code != 0 {
            let message = lastError().map { String(cString: $0) } ?? ""
            throw CodegenError(.load, "\(path): \(interface.rawValue) kernel failed (\(code)): \(message)")
        }
    }

    /// Quantizes Double inputs, packs them, runs the kernel and unpacks raw outputs (convenience for
    /// tests and `predict --target csim`).
    public func run(_ interface: CSimInterface, input: UnsafeBufferPointer<Double>, samples n: Int,
                    rawOutput: UnsafeMutableBufferPointer<Int64>) throws {
        precondition(input.count >= n * nInput && rawOutput.count >= n * nOutput, "buffers too small")
        var raws = [Int64](repeating: 0, count: n * nInput)
        for i in 0..<(n * nInput) { raws[i] = inputFormat.quantize64(input[i]) }
        let inBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, n * inWords * SamplePacking.wordBytes), alignment: 64)
        let outBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, n * outWords * SamplePacking.wordBytes), alignment: 64)
        defer {
            inBytes.deallocate()
            outBytes.deallocate()
        }
        raws.withUnsafeBufferPointer { inputPacking.pack($0, samples: n, into: inBytes) }
        try run(interface, input: inBytes.baseAddress!, output: outBytes.baseAddress!, samples: n)
        outputPacking.unpack(UnsafeRawBufferPointer(outBytes), samples: n, signed: resultFormat.isSigned, into: rawOutput)
    }
}
