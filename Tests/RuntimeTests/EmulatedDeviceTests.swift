import Codegen
import Foundation
import NPY
import Testing
@testable import Runtime

/// The emulated device running the compiled kernel wrappers, streamed through like a card.
@Suite(.serialized) struct EmulatedDeviceTests {
    func example() throws -> RuntimeSupport.Example {
        try #require(RuntimeSupport.canCompile, "run `make setup` (ap_types missing)")
        return try RuntimeSupport.example.get()
    }

    func stream(_ ex: RuntimeSupport.Example, interface: CSimInterface, units: Int = 1, batch: Int, depth: Int = 2,
                faults: [EmulatedFault] = [], timeout: Double = 10) throws -> KernelStream {
        let device = EmulatedDevice(faults: faults)
        try device.load(design: .standard(library: ex.library, computeUnits: units))
        var o = StreamOptions()
        o.batch = batch
        o.depth = depth
        o.timeout = timeout
        let layout = KernelLayout(project: ex.library.project, interface: interface, computeUnits: units,
                                  input: ex.library.inputPacking, output: ex.library.outputPacking)
        return try KernelStream(device: device, layout: layout, options: o)
    }

    @Test(arguments: [(CSimInterface.mm, 1, 7, 1), (.mm, 2, 16, 2), (.axis, 1, 33, 3), (.axis, 3, 5, 2)])
    func everySampleMatchesTheEmulator(interface: CSimInterface, units: Int, batch: Int, depth: Int) throws {
        let ex = try example()
        let path = try RuntimeSupport.inputs(samples: 250, features: ex.emulator.inputSize, seed: 5)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = try stream(ex, interface: interface, units: units, batch: batch, depth: depth)
        let r = try ValidateEngine.run(stream: s, emulator: ex.emulator, input: try NPYArray(contentsOf: path), xclbin: "t")
        #expect(r.total == 250)
        #expect(r.matched == 250, "\(r.firstMismatches)")
    }

    /// Every fault kind is caught and the first divergent sample is the one the fault predicts.
    @Test(arguments: [CSimInterface.mm, .axis])
    func faultsAreCaughtAtTheRightSample(interface: CSimInterface) throws {
        let ex = try example()
        let n = 300
        let path = try RuntimeSupport.inputs(samples: n, features: ex.emulator.inputSize, seed: 9)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let x = try NPYArray(contentsOf: path)
        // The emulator's outputs, to predict where each fault first shows.
        var expected = [Int64](repeating: 0, count: n * ex.emulator.outputSize)
        let xs = x.doubles()
        xs.withUnsafeBufferPointer { i in
            expected.withUnsafeMutableBufferPointer { ex.emulator.run(input: i.baseAddress!, samples: n, rawOutput: $0.baseAddress!) }
        }
        let m = ex.emulator.outputSize
        func row(_ i: Int) -> ArraySlice<Int64> { expected[(i * m)..<((i + 1) * m)] }
        let batch = 32
        // First index >= i whose shifted output differs from its own: where a shift becomes visible.
        func firstShifted(from i: Int, by d: Int) -> Int? {
            let end = (i / batch + 1) * batch
            return (i..<min(end, n)).first { j in
                let k = j + d
                return k < 0 || k >= min(end, n) ? true : row(k) != row(j)
            }
        }
        let cases: [(EmulatedFault, Int?)] = [
            (.bitFlip(sample: 41, bit: 3), 41),
            (.drop(sample: 77), firstShifted(from: 77, by: 1)),
            (.duplicate(sample: 100), firstShifted(from: 101, by: -1)),
            (.reorder(sample: 130), row(130) != row(131) ? 130 : nil),
        ]
        for (fault, predicted) in cases {
            let s = try stream(ex, interface: interface, batch: batch, faults: [fault])
            let r = try ValidateEngine.run(stream: s, emulator: ex.emulator, input: try NPYArray(contentsOf: path), xclbin: "t")
            #expect(r.total == n)
            guard let predicted else { continue }  // the fault is invisible in these outputs (equal neighbours)
            #expect(r.matched < n, "\(fault) not caught")
            #expect(r.firstMismatches.first?.sample == predicted, "\(fault): first mismatch \(String(describing: r.firstMismatches.first?.sample)), expected \(predicted)")
        }
    }

    @Test func aHungRunTimesOutNamingItsBatch() throws {
        let ex = try example()
        let path = try RuntimeSupport.inputs(samples: 64, features: ex.emulator.inputSize, seed: 2)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = try stream(ex, interface: .mm, batch: 16, faults: [.hang(sample: 40)], timeout: 0.2)
        let error = #expect(throws: RuntimeError.self) {
            try ValidateEngine.run(stream: s, emulator: ex.emulator, input: try NPYArray(contentsOf: path), xclbin: "t")
        }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("batch 2 (samples 32..<48)") == true, "\(String(describing: error))")
    }

    @Test func deviceRulesAreEnforced() throws {
        let ex = try example()
        let device = EmulatedDevice()
        try device.load(design: .standard(library: ex.library))
        let p = ex.library.project
        #expect(throws: RuntimeError.self) { try device.openKernel("\(p)_nope") }
        #expect(throws: RuntimeError.self) { try device.openKernel("\(p)_mm:{\(p)_mm_9}") }
        let mm = try device.openKernel("\(p)_mm:{\(p)_mm_1}")
        #expect(try mm.bank(ofArgument: 0) == 0 && mm.bank(ofArgument: 1) == 1)
        let bytesIn = 4 * ex.library.inputPacking.bytesPerSample, bytesOut = 4 * ex.library.outputPacking.bytesPerSample
        let input = try mm.allocate(bytes: bytesIn, bank: 0)
        let output = try mm.allocate(bytes: bytesOut, bank: 1)
        let wrongBank = try mm.allocate(bytes: bytesIn, bank: 1)
        // A buffer in the wrong bank is refused, as XRT refuses it.
        #expect(throws: RuntimeError.self) { try mm.start([.buffer(wrongBank), .buffer(output), .uint32(4)]) }
        // Input never synced to the device: refused rather than computing on stale memory.
        #expect(throws: RuntimeError.self) { try mm.start([.buffer(input), .buffer(output), .uint32(4)]) }
        try input.sync(.toDevice, bytes: bytesIn, offset: 0)
        // More samples than the buffers hold.
        #expect(throws: RuntimeError.self) { try mm.start([.buffer(input), .buffer(output), .uint32(5)]) }
        let run = try mm.start([.buffer(input), .buffer(output), .uint32(4)])
        #expect(try run.wait(timeout: 5) == .completed)
        #expect(run.deviceSeconds != nil)

        // An AXI-stream chain whose movers disagree with the network's sample count ends in an error.
        let mm2s = try device.openKernel("\(p)_mm2s"), net = try device.openKernel("\(p)_axis"), s2mm = try device.openKernel("\(p)_s2mm")
        let sIn = try mm2s.allocate(bytes: bytesIn, bank: try mm2s.bank(ofArgument: 0))
        let sOut = try s2mm.allocate(bytes: bytesOut, bank: try s2mm.bank(ofArgument: 1))
        try sIn.sync(.toDevice, bytes: bytesIn, offset: 0)
        let words = UInt32(ex.library.inWords * 4)
        let r1 = try s2mm.start([.unset, .buffer(sOut), .uint32(UInt32(ex.library.outWords * 4))])
        let r2 = try net.start([.unset, .unset, .uint32(3)])
        // Until the sender starts, the chain waits (as a card's would): a short wait times out.
        #expect(throws: RuntimeError.self) { try r1.wait(timeout: 0.05) }
        let r3 = try mm2s.start([.buffer(sIn), .unset, .uint32(words)])
        for r in [r1, r2, r3] {
            guard case .error(let message) = try r.wait(timeout: 5) else {
                Issue.record("inconsistent counts not reported")
                continue
            }
            #expect(message.contains("mm2s sends"))
        }
    }

    @Test func faultsParse() throws {
        #expect(try EmulatedFault(parsing: "flip:12:3") == .bitFlip(sample: 12, bit: 3))
        #expect(try EmulatedFault(parsing: "drop:5") == .drop(sample: 5))
        #expect(try EmulatedFault(parsing: "hang:0") == .hang(sample: 0))
        for bad in ["flip", "drop:x", "nope:3", "drop:-1", "reorder:1:2"] {
            #expect(throws: RuntimeError.self) { try EmulatedFault(parsing: bad) }
        }
    }
}
