// Emulator throughput: samples per second of Emulator.run on a config's model, per thread count.
//
//   swift build -c release --scratch-path .build-emu --product emu-bench
//   .build-emu/release/emu-bench Tests/Fixtures/hls4ml/zoo_keras_3layer/config.yml [samples] [threads...]
//
// Inputs are the case's x.npy (next to the config) tiled to `samples`, or uniform in [-4, 4) when there
// is none. Each thread count runs once to warm up, then the best of 5 timed runs is reported.
import Dispatch
import Emulator
import Foundation
import Graph
import Import
import NPY

/// CPU time of the whole process (all threads), in seconds.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write("usage: emu-bench CONFIG.yml [samples] [threads...]\n".data(using: .utf8)!)
    exit(2)
}
let configPath = args[1]
let samples = args.count > 2 ? Int(args[2]) ?? 1_000_000 : 1_000_000
let threadCounts = args.count > 3 ? args[3...].compactMap { Int($0) } : [1, 2]

do {
    let cfg = try ProjectConfig(contentsOf: configPath)
    var g = try KerasImporter.load(config: cfg)
    try Pipeline.run(Pipeline.standard(cfg.hls), on: &g)
    let emu = try Emulator(g)
    let n = emu.inputSize
    var input = [Double](repeating: 0, count: samples * n)
    let xPath = URL(fileURLWithPath: configPath).deletingLastPathComponent().appendingPathComponent("x.npy").path
    if FileManager.default.fileExists(atPath: xPath) {
        let x = try NPYArray(contentsOf: xPath).doubles()
        for i in 0..<input.count { input[i] = x[i % x.count] }
    } else {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<input.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            input[i] = Double(state >> 11) / Double(1 << 53) * 8 - 4
        }
    }
    var output = [Int64](repeating: 0, count: samples * emu.outputSize)
    print("\(g.name): \(n) inputs → \(emu.outputSize) outputs, \(samples) samples")
    for t in threadCounts {
        var best = Double.infinity, bestCPU = Double.infinity
        for rep in 0..<6 {
            let cpu0 = processCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            input.withUnsafeBufferPointer { i in
                output.withUnsafeMutableBufferPointer { o in
                    emu.run(input: i.baseAddress!, samples: samples, rawOutput: o.baseAddress!, threads: t)
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let cpu = processCPUSeconds() - cpu0
            if rep > 0 { best = min(best, seconds); bestCPU = min(bestCPU, cpu) }
        }
        let rate = Double(samples) / best
        // CPU time per sample tells how fast the code is when other processes share the cores.
        print(String(format: "threads %d: %.3f s, %.0f samples/s (%.1f ns/sample wall, %.1f ns CPU/sample)", t, best, rate,
                     1e9 / rate, bestCPU * 1e9 / Double(samples)))
    }
} catch {
    FileHandle.standardError.write("emu-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
