import Foundation
import ProcessRunner
import FixedPoint
import Testing
@testable import Codegen

/// The kernel wrappers compiled with g++ around the stand-in networks (Tests/Fixtures/kernels), loaded
/// with dlopen and driven through the C ABI: both interfaces must give the same bytes, equal to the
/// stand-in network computed here directly, with TLAST exactly on sample boundaries.
@Suite(.enabled(if: Support.canCompile, "needs g++ and .cache/ap_types (run tools/setup.sh)"))
struct CSimTests {
    /// A stand-in network: y[i] = result_t(x[i % N_INPUT] * 2 + 1).
    struct StandIn: CustomStringConvertible, Sendable {
        let name: String
        let nInput: Int
        let nOutput: Int
        let input: String
        let result: String
        var description: String { name }

        func spec(_ interface: KernelInterface = .both) throws -> KernelSpec {
            try KernelSpec(project: name, nInput: nInput, nOutput: nOutput,
                           inputFormat: FixedFormat(parsing: input), resultFormat: FixedFormat(parsing: result),
                           platform: Platform.defaultPlatform, interface: interface)
        }

        /// The network on raw values, computed with FixedPoint's cast (2x+1 is exact in W+2 bits).
        func expected(_ x: [Int64], samples: Int) throws -> [Int64] {
            let inF = try FixedFormat(parsing: input), outF = try FixedFormat(parsing: result)
            let wide = try FixedFormat(width: inF.width + 2, integerBits: inF.integerBits + 2)
            var y = [Int64](repeating: 0, count: samples * nOutput)
            for s in 0..<samples {
                for i in 0..<nOutput {
                    let raw = Int128(x[s * nInput + i % nInput]) * 2 + (Int128(1) << inF.fractionBits)
                    y[s * nOutput + i] = Int64(outF.convert(raw, from: wide))
                }
            }
            return y
        }
    }

    static let standin = StandIn(name: "standin", nInput: 16, nOutput: 5, input: "ap_fixed<16,6>", result: "ap_fixed<16,6>")
    static let oddwide = StandIn(name: "oddwide", nInput: 47, nOutput: 50, input: "ap_fixed<13,5>",
                                 result: "ap_fixed<11,3,AP_RND,AP_SAT>")
    static let tiny7 = StandIn(name: "tiny7", nInput: 7, nOutput: 3, input: "ap_fixed<13,5>",
                               result: "ap_ufixed<7,2,AP_RND_CONV,AP_SAT>")

    /// The loaded C ABI of one built project.
    final class Library: @unchecked Sendable {
        typealias Count = @convention(c) () -> UInt32
        typealias Name = @convention(c) () -> UnsafePointer<CChar>
        typealias Run = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, UInt32) -> Int32
        typealias Trace = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, UInt32) -> Int32
        let handle: UnsafeMutableRawPointer

        init(_ path: String) throws {
            guard let h = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
                throw CodegenError(.compile, "dlopen \(path): \(String(cString: dlerror()))")
            }
            handle = h
        }
        deinit { dlclose(handle) }

        func symbol<T>(_ name: String, _ type: T.Type) throws -> T {
            guard let p = dlsym(handle, name) else { throw CodegenError(.compile, "missing symbol \(name)") }
            return unsafeBitCast(p, to: type)
        }
        func count(_ name: String) throws -> Int { Int(try symbol(name, Count.self)()) }
        func string(_ name: String) throws -> String { String(cString: try symbol(name, Name.self)()) }
        var lastError: String { (try? string("fpgarun_last_error")) ?? "" }
    }

    /// Generates the project (kernel files + stand-in firmware), writes it and builds its library.
    static func build(_ net: StandIn, standard: String, interface: KernelInterface = .both) throws -> (URL, Library) {
        var files = try KernelCodegen.supportFiles(for: net.spec(interface))
        try files.merge(Support.firmware(net.name))
        let parent = try Support.tempDir("csim-\(net.name)")
        let dir = parent.appendingPathComponent(net.name)
        try ProjectWriter.write(files, to: dir.path)
        var options = CSimBuildOptions(apTypes: Support.apTypes.path)
        options.standard = standard
        options.niceness = 10
        options.optimization = "-O1"
        let lib = try CSimBuilder.build(projectDir: dir.path, options: options)
        return (parent, try Library(lib))
    }

    @Test(arguments: [(standin, "c++14"), (standin, "c++17"), (oddwide, "c++17"), (tiny7, "c++14")])
    func bothInterfacesMatchTheNetwork(net: StandIn, standard: String) throws {
        let (parent, lib) = try Self.build(net, standard: standard)
        defer { try? FileManager.default.removeItem(at: parent) }
        let spec = try net.spec()
        let inF = spec.inputFormat, outF = spec.resultFormat

        // Metadata getters agree with the spec.
        #expect(try lib.symbol("fpgarun_abi_version", (@convention(c) () -> Int32).self)() == 1)
        #expect(try lib.string("fpgarun_project") == net.name)
        #expect(try lib.count("fpgarun_interfaces") == 3)
        #expect(try lib.count("fpgarun_n_input") == net.nInput && lib.count("fpgarun_n_output") == net.nOutput)
        #expect(try lib.count("fpgarun_in_bits") == inF.width && lib.count("fpgarun_out_bits") == outF.width)
        #expect(try lib.count("fpgarun_in_words") == spec.inWords && lib.count("fpgarun_out_words") == spec.outWords)
        #expect(try lib.count("fpgarun_word_bytes") == 64)
        #expect(try lib.string("fpgarun_input_type") == inF.description)
        #expect(try lib.string("fpgarun_result_type") == outF.description)

        // A few hundred samples of random raw bits, with random garbage in the input padding bits.
        let n = 300
        var rng = SystemRandomNumberGenerator()
        let shift = Int64(64 - inF.width)
        let x: [Int64] = (0..<(n * net.nInput)).map { _ in (Int64(bitPattern: rng.next()) << shift) >> shift }
        let inPack = spec.inputPacking, outPack = spec.outputPacking
        var input = [UInt8](repeating: 0, count: n * inPack.bytesPerSample)
        x.withUnsafeBufferPointer { r in input.withUnsafeMutableBytes { inPack.pack(r, samples: n, into: $0) } }
        let used = net.nInput * inF.width
        for s in 0..<n {
            for bit in used..<(inPack.wordsPerSample * 512) where Bool.random(using: &rng) {
                input[s * inPack.bytesPerSample + bit / 8] |= UInt8(1 << (bit % 8))
            }
        }
        let y = try net.expected(x, samples: n)
        var want = [UInt8](repeating: 0, count: n * outPack.bytesPerSample)
        y.withUnsafeBufferPointer { r in want.withUnsafeMutableBytes { outPack.pack(r, samples: n, into: $0) } }

        let mm = try lib.symbol("fpgarun_mm", Library.Run.self)
        let trace = try lib.symbol("fpgarun_axis_trace", Library.Trace.self)
        let axis = try lib.symbol("fpgarun_axis", Library.Run.self)
        var outMM = [UInt8](repeating: 0xAA, count: want.count)
        var outAxis = [UInt8](repeating: 0x55, count: want.count)
        var outAxis2 = [UInt8](repeating: 0x33, count: want.count)
        var last = [UInt8](repeating: 7, count: n * outPack.wordsPerSample)
        let r1 = input.withUnsafeBytes { i in outMM.withUnsafeMutableBytes { mm(i.baseAddress, $0.baseAddress, UInt32(n)) } }
        let r2 = input.withUnsafeBytes { i in
            outAxis.withUnsafeMutableBytes { o in last.withUnsafeMutableBufferPointer { trace(i.baseAddress, o.baseAddress, $0.baseAddress, UInt32(n)) } }
        }
        let r3 = input.withUnsafeBytes { i in outAxis2.withUnsafeMutableBytes { axis(i.baseAddress, $0.baseAddress, UInt32(n)) } }
        #expect(r1 == 0 && r2 == 0 && r3 == 0, "\(lib.lastError)")

        // Equal bytes: same values and zeroed output padding, in both interfaces.
        // (Booleans, not the arrays: a failure would print tens of kilobytes.)
        let mmMatches = outMM == want, axisMatches = outAxis == outMM && outAxis2 == outMM
        #expect(mmMatches, "mm kernel differs from the network")
        #expect(axisMatches, "axis kernel differs from the mm kernel")
        if !mmMatches {
            var got = [Int64](repeating: 0, count: y.count)
            outMM.withUnsafeBytes { b in got.withUnsafeMutableBufferPointer { outPack.unpack(b, samples: n, signed: outF.isSigned, into: $0) } }
            let bad = (0..<y.count).first { got[$0] != y[$0] }
            Issue.record("first mismatch at value \(bad.map(String.init) ?? "padding"): got \(bad.map { got[$0] } ?? 0), want \(bad.map { y[$0] } ?? 0)")
        }
        // TLAST exactly on each sample's last beat.
        let words = outPack.wordsPerSample
        let lastOK = last == (0..<last.count).map { $0 % words == words - 1 ? 1 : 0 }
        #expect(lastOK, "TLAST is not set exactly on each sample's last beat")

        // Edge cases of the C ABI: an empty batch, NULL buffers.
        #expect(mm(nil, nil, 0) == 0 && axis(nil, nil, 0) == 0)
        #expect(mm(nil, nil, 1) == -1 && axis(nil, nil, 1) == -1)
        #expect(lib.lastError.contains("NULL"))
    }

    @Test func missingInterfaceReportsNotBuilt() throws {
        let (parent, lib) = try Self.build(Self.tiny7, standard: "c++14", interface: .mm)
        defer { try? FileManager.default.removeItem(at: parent) }
        #expect(try lib.count("fpgarun_interfaces") == 1)
        var input = [UInt8](repeating: 0, count: 64), output = [UInt8](repeating: 0, count: 64)
        let axis = try lib.symbol("fpgarun_axis", Library.Run.self)
        let r = input.withUnsafeMutableBytes { i in output.withUnsafeMutableBytes { axis(i.baseAddress, $0.baseAddress, 1) } }
        #expect(r == -2 && lib.lastError.contains("without the axis interface"))
        let mm = try lib.symbol("fpgarun_mm", Library.Run.self)
        let r2 = input.withUnsafeMutableBytes { i in output.withUnsafeMutableBytes { mm(i.baseAddress, $0.baseAddress, 1) } }
        #expect(r2 == 0)
        // Zero input through 2x+1 is 1.0; ufixed<7,2> has 5 fraction bits: raw 32 in each of 3 7-bit fields.
        var raws = [Int64](repeating: 0, count: 3)
        output.withUnsafeBytes { b in raws.withUnsafeMutableBufferPointer { SamplePacking(values: 3, bits: 7).unpack(b, samples: 1, signed: false, into: $0) } }
        #expect(raws == [32, 32, 32])
    }

    @Test func compilerFailureIsAClearError() throws {
        var files = try KernelCodegen.supportFiles(for: Self.standin.spec())
        var firmware = try Support.firmware("standin")
        firmware.files["firmware/standin.cpp"] = "#include \"standin.h\"\nvoid standin(const input_t x[N_INPUT], result_t y[N_OUTPUT]) { syntax error here }\n"
        try files.merge(firmware)
        let parent = try Support.tempDir("csim-broken")
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("standin")
        try ProjectWriter.write(files, to: dir.path)
        var options = CSimBuildOptions(apTypes: Support.apTypes.path)
        options.niceness = 10
        options.optimization = "-O0"
        #expect {
            try CSimBuilder.build(projectDir: dir.path, options: options)
        } throws: { e in
            let c = e as? CodegenError
            return c?.kind == .compile && c!.message.contains("standin.cpp") && c!.message.contains("error")
                && !c!.message.contains("\n") && c!.message.contains("csim_build.log")
        }
        let kept = try String(contentsOf: dir.appendingPathComponent("csim/csim_build.log"), encoding: .utf8)
        #expect(kept.contains("syntax"))
        let csim = dir.appendingPathComponent("csim")
        #expect(!Support.entries(csim).contains(CSimBuilder.libraryName))
        #expect(!Support.entries(csim).contains { $0.hasPrefix(".fpgarun-build") })
        #expect(throws: CodegenError.self) { try CSimBuilder.build(projectDir: parent.path, options: options) }

        // A firmware without the top function fails at link time, naming the missing symbol.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("firmware/standin.cpp"))
        #expect {
            try CSimBuilder.build(projectDir: dir.path, options: options)
        } throws: { e in
            let c = e as? CodegenError
            return c?.kind == .compile && c!.message.contains("linking") && c!.message.contains("standin")
        }
        #expect(!Support.entries(csim).contains(CSimBuilder.libraryName))
    }

    @Test func testbenchWritesHls4mlStyleResults() throws {
        var files = try KernelCodegen.supportFiles(for: Self.standin.spec())
        try files.merge(Support.firmware("standin"))
        let f = try FixedFormat(parsing: Self.standin.input)
        var rng = SystemRandomNumberGenerator()
        let n = 20
        let x: [Int64] = (0..<(n * 16)).map { _ in (Int64(bitPattern: rng.next()) << 48) >> 48 }
        // Shortest round-trip decimals: strtod gives back the exact double, which fits a float exactly.
        var lines = (0..<n).map { s in (0..<16).map { "\(f.value(ofRaw: Int128(x[s * 16 + $0])))" }.joined(separator: " ") }
        lines.insert("", at: 3)   // blank lines are skipped
        files.files["tb_data/tb_input_features.dat"] = lines.joined(separator: "\n") + "\n"
        let parent = try Support.tempDir("csim-tb")
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("standin")
        try ProjectWriter.write(files, to: dir.path)

        let exe = dir.appendingPathComponent("tb_run").path
        let compile = try run(["nice", "-n", "10", "g++", "-std=c++14", "-O0", "-w", "-isystem", Support.apTypes.path,
                               "-I", dir.appendingPathComponent("firmware").path,
                               dir.appendingPathComponent("tb/standin_test.cpp").path,
                               dir.appendingPathComponent("firmware/standin.cpp").path, "-o", exe], in: dir)
        #expect(compile.status == 0, "\(compile.output)")
        let result = try run([exe], in: dir)
        #expect(result.status == 0 && result.output.contains("Saved inference results"), "\(result.output)")
        let log = try String(contentsOf: dir.appendingPathComponent("tb_data/csim_results.log"), encoding: .utf8)
        let rows = log.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.count == n + 1 && rows.last == "")
        let y = try Self.standin.expected(x, samples: n)
        let out = try FixedFormat(parsing: Self.standin.result)
        for (s, row) in rows.prefix(n).enumerated() {
            #expect(row.hasSuffix(" "))   // hls4ml's layout: each value followed by a space
            let values = row.split(separator: " ").map { Double(String($0)) }
            #expect(values == (0..<5).map { out.value(ofRaw: Int128(y[s * 5 + $0])) }, "sample \(s): \(row)")
        }

        // A malformed line is an error naming it.
        try "1 2 3\n".write(to: dir.appendingPathComponent("tb_data/tb_input_features.dat"), atomically: false, encoding: .utf8)
        let bad = try run([exe], in: dir)
        #expect(bad.status == 1 && bad.output.contains("line 1: expected 16 numbers, got 3"), "\(bad.output)")
    }

    @Test func widePackingFollowsTheRule() throws {
        // Values of 100 and 128 bits take the three-lane path of pack/unpack (the networks above stay
        // within 64 bits, where Swift's Int64 SamplePacking can check them).
        let spec = try KernelSpec(project: "wide", nInput: 11, nOutput: 9,
                                  inputFormat: FixedFormat(parsing: "ap_fixed<100,40>"),
                                  resultFormat: FixedFormat(parsing: "ap_fixed<128,60>"), platform: Platform.defaultPlatform)
        var files = try KernelCodegen.supportFiles(for: spec)
        try files.merge(Support.firmware("wide"))
        files.files["csim/packing_check.cpp"] = try String(
            contentsOf: Support.fixtures.appendingPathComponent("wide/packing_check.cpp"), encoding: .utf8)
        let parent = try Support.tempDir("csim-wide")
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("wide")
        try ProjectWriter.write(files, to: dir.path)
        let exe = dir.appendingPathComponent("check").path
        let compile = try run(["nice", "-n", "10", "g++", "-std=c++14", "-O1", "-w", "-isystem", Support.apTypes.path,
                               "-I", dir.appendingPathComponent("csim/include").path,
                               "-I", dir.appendingPathComponent("firmware").path,
                               dir.appendingPathComponent("csim/packing_check.cpp").path, "-o", exe], in: dir)
        #expect(compile.status == 0, "\(compile.output.prefix(2000))")
        let r = try run([exe], in: dir)
        #expect(r.status == 0 && r.output.contains("bad=0"), "\(r.output)")
    }

    func run(_ args: [String], in dir: URL) throws -> (status: Int32, output: String) {
        let r = try ChildProcess.run(args, directory: dir.path, stderr: .standardOutput, ownGroup: true, timeout: 900)
        return (r.status, r.stdout)
    }
}
