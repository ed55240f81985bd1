import Emulator
import FixedPoint
import Foundation
import Graph
import Testing
@testable import Codegen

/// Random networks as a host runs them: the whole project written (network, layer library, kernels),
/// built into the C-sim library, and driven through both kernel interfaces (memory-mapped batch
/// kernel; mm2s → AXI-stream network → s2mm) on packed words — against the emulator, bit for bit.
@Suite(.serialized) struct KernelDifferentialTests {
    typealias R = RandomNetworks

    /// Networks covering precisions with rounding/saturation, both strategies, reuse 1 and > 1.
    static func networks() throws -> [Graph] {
        [
            try R.mlp("mlp_resource", seed: 11, R.settings(model: [.default: "ap_fixed<14,5>",
                                                                   .result: "ap_fixed<12,4,AP_RND_CONV,AP_SAT>"],
                                                           rf: 4, strategy: .resource)),
            try R.cnn2d("cnn_latency", seed: 12, R.settings(model: [.default: "ap_fixed<16,6>"])),
            try R.merges("merges_rnd", seed: 13, R.settings(model: [.default: "ap_fixed<12,5,AP_RND,AP_SAT>"], rf: 2)),
            try R.softmax("softmax_latency", seed: 14, impl: .latency, R.settings(model: [.default: "ap_fixed<16,6>"])),
        ]
    }

    @Test func randomNetworksThroughBothKernelInterfaces() throws {
        let apTypes = NetworkHarness.apTypes.path
        try #require(FileManager.default.fileExists(atPath: apTypes + "/ap_fixed.h"), "run `make setup` (ap_types missing)")
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-kdiff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        var options = CSimBuildOptions(apTypes: apTypes)
        options.niceness = 10
        options.pchCache = NetworkHarness.root.appendingPathComponent(".cache/pch").path
        for graph in try Self.networks() {
            let spec = try NetworkProject.spec(graph, projectName: graph.name, clockPeriodNs: 5,
                                               platform: try Platform.named("xilinx_u55c_gen3x16_xdma_3_202210_1"))
            let dir = tmp.appendingPathComponent(graph.name).path
            try ProjectWriter.write(try NetworkProject.files(graph, spec: spec), to: dir)
            let library = try CSimLibrary(path: try CSimBuilder.build(projectDir: dir, options: options))
            #expect(library.interfaces == [.mm, .axis])
            #expect(library.nInput == graph.inputSize && library.nOutput == graph.outputSize)

            let samples = 97  // not a multiple of anything the kernels batch by
            var rng = SeededRandom(state: 99)
            let input = (0..<(samples * graph.inputSize)).map { _ in rng.uniform(-6, 6) }
            let emulator = try Emulator(graph)
            var expected = [Int64](repeating: 0, count: samples * graph.outputSize)
            input.withUnsafeBufferPointer { i in
                expected.withUnsafeMutableBufferPointer { emulator.run(input: i.baseAddress!, samples: samples, rawOutput: $0.baseAddress!) }
            }
            #expect(Set(expected).count > 1, "\(graph.name): constant outputs would make the comparison vacuous")
            for interface in CSimInterface.allCases {
                var got = [Int64](repeating: 0, count: samples * graph.outputSize)
                try input.withUnsafeBufferPointer { i in
                    try got.withUnsafeMutableBufferPointer { try library.run(interface, input: i, samples: samples, rawOutput: $0) }
                }
                let bad = zip(got, expected).filter { $0 != $1 }.count
                #expect(bad == 0, "\(graph.name) via \(interface.rawValue): \(bad) of \(got.count) raw outputs differ")
            }
        }
    }
}
