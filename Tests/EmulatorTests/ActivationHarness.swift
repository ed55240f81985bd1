import FixedPoint
import Foundation
import ProcessRunner
import Graph

@testable import Emulator

// A differential harness for the activation kernels: a C++ program (generated here, our own text)
// that includes hls4ml 1.3's own nnet_utils/nnet_activation.h and the ap_types headers from the
// set-up cache (.cache, never committed), calls the activation templates with config structs shaped
// like the ones hls4ml writes, and prints raw results. The Swift kernels must agree bit for bit.
// Tests skip with a message when the cache or g++ is absent.

/// One configuration of one activation, with its inputs.
struct ActivationCase: CustomStringConvertible, Sendable {
    var label: String
    var activation: Activation
    var input: FixedFormat
    var result: FixedFormat
    /// Values per sample (n_in; the softmax slice).
    var n: Int
    var table = AssignSettings.defaultTable
    var param = FixedFormat.hlsDefault
    var accum = FixedFormat.hlsDefault
    var expTable = AssignSettings.defaultSoftmaxTable
    var invTable = AssignSettings.defaultSoftmaxTable
    /// Raw input values (input format), `n` per sample; or, with `doubles`, Double bit patterns that
    /// the C++ side assigns to the input type (`data_T x = d;`).
    var raws: [Int64]
    var doubles = false

    var description: String { label }
    var samples: Int { raws.count / n }

    /// The node the emulator compiles for this case.
    var node: Node {
        var types = LayerTypes(result: result)
        types.table = table
        types.param = param
        types.accum = accum
        types.expTable = expTable
        types.invTable = invTable
        return Node(id: 1, name: label, sourceClass: "Activation", op: .activation(activation), inputs: [0],
                    shape: [n], types: types)
    }

    /// Softmax table sizes as hls4ml 1.3 writes them (fix_softmax_table_size, then the stable cap).
    var softmaxSizes: (exp: Int, inv: Int) {
        var size = activation.tableSize
        let cap = min(input.width, invTable.width)
        if 1 << cap < size { size = 1 << cap }
        var exp = size
        if activation.softmax == .stable && input.isSigned { exp = min(size, 1 << (input.width - 1)) }
        return (exp, size)
    }
}

struct ActivationHarnessFailure: Error, CustomStringConvertible {
    let description: String
}

/// Builds and runs the C++ side.
enum ActivationHarness {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let apTypes = root.appendingPathComponent(".cache/ap_types")

    /// hls4ml's vivado templates folder inside the set-up venv, if present.
    static var templates: URL? {
        let lib = root.appendingPathComponent(".cache/hls4ml-venv/lib")
        guard let pythons = try? FileManager.default.contentsOfDirectory(atPath: lib.path) else { return nil }
        for p in pythons.sorted() {
            let t = lib.appendingPathComponent("\(p)/site-packages/hls4ml/templates/vivado")
            if FileManager.default.fileExists(atPath: t.appendingPathComponent("nnet_utils/nnet_activation.h").path) {
                return t
            }
        }
        return nil
    }

    /// Why the harness cannot run here, or nil.
    static var unavailable: String? {
        if !FileManager.default.fileExists(atPath: apTypes.appendingPathComponent("ap_fixed.h").path) {
            return "ap_types headers missing at \(apTypes.path) (run tools/setup.sh)"
        }
        if templates == nil { return "hls4ml venv missing under .cache/hls4ml-venv (run tools/hls4ml_env.sh)" }
        if (try? shell(["g++", "--version"]))?.status != 0 { return "g++ not found" }
        return nil
    }

    /// The C++ spelling of a float parameter as hls4ml writes it (`str(float)`: shortest round trip).
    static func literal(_ x: Double) -> String { "\(x)" }

    /// The C++ program for `cases`.
    static func source(_ cases: [ActivationCase]) -> String {
        var out = """
            #include "nnet_utils/nnet_activation.h"
            #include <cstdint>
            #include <cstdio>
            #include <cstring>

            template <class T> void setRaw(T& x, int64_t r) {
              for (int i = 0; i < T::width; i++) x[i] = (r >> (i < 63 ? i : 63)) & 1;
            }
            template <class T> int64_t getRaw(const T& y, bool isSigned) {
              uint64_t u = 0;
              for (int i = 0; i < T::width; i++) if (y[i]) u |= 1ull << i;
              if (isSigned && T::width < 64 && y[T::width - 1]) u |= ~0ull << T::width;
              return (int64_t)u;
            }
            template <class T> void setInput(T& x, int64_t r, bool fromDouble) {
              if (fromDouble) { double d; std::memcpy(&d, &r, 8); x = d; } else { setRaw(x, r); }
            }
            static int64_t readOne() {
              int64_t r;
              if (std::fread(&r, 8, 1, stdin) != 1) { std::fprintf(stderr, "short input\\n"); std::exit(2); }
              return r;
            }
            static void writeOne(int64_t r) { std::fwrite(&r, 8, 1, stdout); }

            """
        for (k, c) in cases.enumerated() {
            let inT = c.input.description, resT = c.result.description, n = c.n
            let f = c.activation.function
            var config = ""
            var call = ""
            switch f {
            case .hardSigmoid:
                config = """
                    struct cfg\(k) {
                      static const unsigned n_in = \(n);
                      static const ap_ufixed<16,0> slope;
                      static const ap_ufixed<2,0> shift;
                      static const unsigned io_type = nnet::io_parallel;
                      static const unsigned reuse_factor = 1;
                    };
                    const ap_ufixed<16,0> cfg\(k)::slope = 0.2;
                    const ap_ufixed<2,0> cfg\(k)::shift = 0.5;
                    """
                call = "nnet::hard_sigmoid<\(inT), \(resT), cfg\(k)>(x, y);"
            case .softmax:
                let sizes = c.softmaxSizes
                let normT = c.input.isSigned
                    ? "ap_ufixed<\(c.input.width - 1), \(c.input.integerBits - 1)>"
                    : "ap_ufixed<\(c.input.width), \(c.input.integerBits)>"
                config = """
                    struct cfg\(k) : nnet::activ_config {
                      static const unsigned n_in = \(n);
                      static const unsigned n_slice = \(n);
                      static const unsigned n_outer = 1;
                      static const unsigned n_inner = 1;
                      static const unsigned parallelization_factor = -1;
                      static const unsigned exp_table_size = \(sizes.exp);
                      static const unsigned inv_table_size = \(sizes.inv);
                      static const unsigned io_type = nnet::io_parallel;
                      static const unsigned reuse_factor = 1;
                      static const unsigned axis = -1;
                      static const nnet::softmax_implementation implementation = nnet::softmax_implementation::\(c.activation.softmax.rawValue);
                      static constexpr float exp_scale = 1.0;
                      typedef \(c.expTable.description) exp_table_t;
                      typedef \(c.invTable.description) inv_table_t;
                      typedef \(c.accum.description) accum_t;
                      typedef \(AssignSettings.defaultSoftmaxTable.description) inv_inp_t;
                      typedef \(c.activation.softmax == .stable ? normT : "ap_fixed<1,0>") inp_norm_t;
                    };
                    """
                call = "nnet::softmax<\(inT), \(resT), cfg\(k)>(x, y);"
            default:
                config = """
                    struct cfg\(k) : nnet::activ_config {
                      static const unsigned n_in = \(n);
                      static const unsigned table_size = \(c.activation.tableSize);
                      static const unsigned io_type = nnet::io_parallel;
                      static const unsigned reuse_factor = 1;
                      typedef \(c.table.description) table_t;
                      typedef \(c.param.description) param_t;
                    };
                    """
                let p = c.param.description
                switch f {
                case .linear: call = "nnet::linear<\(inT), \(resT), cfg\(k)>(x, y);"
                case .relu, .reluParameters: call = "nnet::relu<\(inT), \(resT), cfg\(k)>(x, y);"
                case .sigmoid: call = "nnet::sigmoid<\(inT), \(resT), cfg\(k)>(x, y);"
                case .tanh: call = "nnet::tanh<\(inT), \(resT), cfg\(k)>(x, y);"
                case .softplus: call = "nnet::softplus<\(inT), \(resT), cfg\(k)>(x, y);"
                case .softsign: call = "nnet::softsign<\(inT), \(resT), cfg\(k)>(x, y);"
                case .selu: call = "nnet::selu<\(inT), \(resT), cfg\(k)>(x, y);"
                case .elu(let alpha): call = "nnet::elu<\(inT), \(p), \(resT), cfg\(k)>(x, \(literal(alpha)), y);"
                case .leakyRelu(let alpha):
                    call = "nnet::leaky_relu<\(inT), \(p), \(resT), cfg\(k)>(x, \(literal(alpha)), y);"
                case .thresholdedRelu(let theta):
                    call = "nnet::thresholded_relu<\(inT), \(p), \(resT), cfg\(k)>(x, \(literal(theta)), y);"
                case .prelu(let alphas):
                    let text = alphas.map { c.param.weightText($0) }.joined(separator: ", ")
                    call = "static \(p) alpha[\(n)] = {\(text)};\n  nnet::prelu<\(inT), \(p), \(resT), cfg\(k)>(x, alpha, y);"
                default: call = "#error unsupported"
                }
            }
            out += """
                \(config)
                static void case\(k)() {
                  static \(inT) x[\(n)];
                  static \(resT) y[\(n)];
                  for (long s = 0; s < \(c.samples); s++) {
                    for (int i = 0; i < \(n); i++) setInput(x[i], readOne(), \(c.doubles));
                    \(call)
                    for (int i = 0; i < \(n); i++) writeOne(getRaw(y[i], \(c.result.isSigned)));
                  }
                }

                """
        }
        out += "int main() {\n"
        for k in cases.indices { out += "  case\(k)();\n" }
        out += "  return 0;\n}\n"
        return out
    }

    /// Compiles (cached by source hash in the temp directory) and runs the program; returns each
    /// case's raw outputs.
    static func run(_ cases: [ActivationCase]) throws -> [[Int64]] {
        guard let templates else { throw ActivationHarnessFailure(description: "hls4ml templates not found") }
        let text = source(cases)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let tmp = FileManager.default.temporaryDirectory
        let exe = tmp.appendingPathComponent("fpgarun-activation-harness-\(String(hash, radix: 16))")
        if !FileManager.default.isExecutableFile(atPath: exe.path) {
            let work = tmp.appendingPathComponent("fpgarun-activation-build-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let cpp = work.appendingPathComponent("harness.cpp")
            try text.write(to: cpp, atomically: true, encoding: .utf8)
            let built = work.appendingPathComponent("harness")
            let r = try shell(["g++", "-O1", "-std=c++14", "-w", "-I", apTypes.path, "-I", templates.path,
                               cpp.path, "-o", built.path])
            guard r.status == 0 else {
                throw ActivationHarnessFailure(description: "g++ failed: \(r.output.prefix(3000))")
            }
            if (try? FileManager.default.moveItem(at: built, to: exe)) == nil,
               !FileManager.default.isExecutableFile(atPath: exe.path) {
                throw ActivationHarnessFailure(description: "could not place the harness at \(exe.path)")
            }
        }
        let work = tmp.appendingPathComponent("fpgarun-activation-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let input = work.appendingPathComponent("in.bin"), output = work.appendingPathComponent("out.bin")
        var data = Data()
        for c in cases { c.raws.withUnsafeBytes { data.append(contentsOf: $0) } }
        try data.write(to: input)
        // ap_types warns on NaN assignments: stderr is dropped.
        let end = try ChildProcess([exe.path], stdin: .file(input.path), stdout: .file(output.path), stderr: .null,
                                   ownGroup: true).wait(timeout: 900)
        guard end.succeeded else {
            throw ActivationHarnessFailure(description: "harness \(end)")
        }
        let bytes = try Data(contentsOf: output)
        let all: [Int64] = bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
        guard all.count == cases.reduce(0, { $0 + $1.raws.count }) else {
            throw ActivationHarnessFailure(description: "harness wrote \(all.count) values")
        }
        var results: [[Int64]] = []
        var at = 0
        for c in cases {
            results.append(Array(all[at..<(at + c.raws.count)]))
            at += c.raws.count
        }
        return results
    }

    static func shell(_ command: [String]) throws -> (status: Int32, output: String) {
        let r = try ChildProcess.run(command, stderr: .standardOutput, ownGroup: true, timeout: 900)
        return (r.status, r.stdout)
    }
}

/// Runs an activation kernel directly on raw inputs (or on doubles through the emulator's input
/// quantization), outside any graph.
enum KernelRunner {
    static func run(_ c: ActivationCase) throws -> [Int64] {
        let raws = c.doubles ? c.raws.map { c.input.quantize64(Double(bitPattern: UInt64(bitPattern: $0))) } : c.raws
        return try run(node: c.node, input: c.input, raws: raws)
    }

    /// `raws` holds whole samples of `node.size` values in `input`'s raw scale.
    static func run(node: Node, input: FixedFormat, raws: [Int64], inputShape: [Int]? = nil) throws -> [Int64] {
        let ctx = KernelContext(node: node, inputFormats: [input], inputShapes: [inputShape ?? node.shape])
        guard case .activation(let a) = node.op else { throw EmulatorError(layer: node.name, "not an activation") }
        let kernel = try ActivationKernels.make(ctx, a)
        let samples = raws.count / node.size
        var out = [Int64](repeating: .min, count: raws.count)
        var scratch = [Int64](repeating: 0, count: max(1, kernel.scratchCount(batch: 7)))
        // Tiles of 7 samples: exercises the batch loops with a ragged last tile.
        raws.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                scratch.withUnsafeMutableBufferPointer { s in
                    var start = 0
                    while start < samples {
                        let b = min(7, samples - start)
                        withUnsafePointer(to: UnsafePointer(x.baseAddress! + start * node.size)) { ptrs in
                            kernel.run(batch: b, inputs: ptrs, output: y.baseAddress! + start * node.size,
                                       scratch: s.baseAddress!)
                        }
                        start += b
                    }
                }
            }
        }
        return out
    }
}
