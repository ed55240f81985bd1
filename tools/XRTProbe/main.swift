// xrt-probe: runs one XRT scenario through `XRTDevice` in its own process, because XRT's state
// (the driver library chosen by XILINX_XRT / XCL_EMULATION_MODE) is fixed per process. The XRT tests
// start it with the environment they need; it is also a quick manual check of a machine's XRT.
//
//   xrt-probe available                     XRT usable? prints the driver library
//   xrt-probe list                          devices XRT enumerates (index, name, bdf)
//   xrt-probe open INDEX|BDF                opens a device, prints its identity
//   xrt-probe load INDEX FILE               loads an xclbin, prints its uuid
//   xrt-probe kernel INDEX FILE NAME [ARG]  loads, opens a kernel, prints its argument banks (or ARG's)
//   xrt-probe kernel-uuid INDEX FILE NAME UUID  loads FILE, opens NAME expecting xclbin UUID
//   xrt-probe sequence FILE KERNEL [WAIT_MS]  device 0: load, kernel (in_mem, out_mem, n), buffers in
//                                           the arguments' banks, map, write, sync, run, wait, sync back
//
// Output: one `key value` line per step; a failure prints `error <code> <message>` and exits 1.

import Foundation
import Runtime

func say(_ key: String, _ value: String) { print("\(key) \(value)") }

func device(_ spec: String) throws -> XRTDevice {
    if let index = Int(spec) { return try XRTDevice(index: index) }
    return try XRTDevice(bdf: spec)
}

func run(_ args: [String]) throws {
    guard let command = args.first else { throw RuntimeError(.argument, "usage: xrt-probe available|list|open|load|kernel|sequence ...") }
    let rest = Array(args.dropFirst())
    func arg(_ i: Int) throws -> String {
        guard i < rest.count else { throw RuntimeError(.argument, "\(command): missing argument \(i + 1)") }
        return rest[i]
    }
    switch command {
    case "available":
        let a = try XRTDevice.available()
        say("library", a.driverLibrary)
        say("mode", a.emulationMode ?? "hardware")
    case "list":
        let devices = try XRTDevice.list()
        say("count", "\(devices.count)")
        for d in devices { say("device", "\(d.index) \(d.name ?? "-") \(d.bdf ?? "-")") }
    case "open":
        let d = try device(try arg(0))
        say("name", d.identity.name)
        say("bdf", d.identity.bdf ?? "-")
        say("index", "\(d.identity.index)")
    case "load":
        let d = try device(try arg(0))
        say("uuid", try d.load(xclbin: try arg(1)).uuidString.lowercased())
    case "kernel":
        let d = try device(try arg(0))
        say("uuid", try d.load(xclbin: try arg(1)).uuidString.lowercased())
        let k = try d.openKernel(try arg(2))
        say("kernel", k.name)
        if rest.count > 3, let only = Int(rest[3]) {
            say("bank", "\(only) \(try k.bank(ofArgument: only))")
            return
        }
        // The shim cannot count arguments; XRT fails for scalars, streams and indices past the end.
        for i in 0..<16 {
            if let bank = try? k.bank(ofArgument: i) { say("bank", "\(i) \(bank)") }
        }
    case "kernel-uuid":
        let d = try device(try arg(0))
        say("uuid", try d.load(xclbin: try arg(1)).uuidString.lowercased())
        guard let expected = UUID(uuidString: try arg(3)) else { throw RuntimeError(.argument, "not a uuid: \(rest[3])") }
        say("kernel", try d.openKernel(try arg(2), xclbin: expected).name)
    case "sequence":
        let waitMS = rest.count > 2 ? Double(rest[2]) ?? 1000 : 1000
        let d = try XRTDevice(index: 0)
        say("device", d.identity.name)
        let uuid = try d.load(xclbin: try arg(0))
        say("uuid", uuid.uuidString.lowercased())
        let k = try d.openKernel(try arg(1))
        say("kernel", k.name)
        let inBank = try k.bank(ofArgument: 0), outBank = try k.bank(ofArgument: 1)
        say("banks", "\(inBank) \(outBank)")
        let samples = 16, wordBytes = 64
        let input = try k.allocate(bytes: samples * wordBytes, bank: inBank)
        let output = try k.allocate(bytes: samples * wordBytes, bank: outBank)
        say("allocated", "\(input.size) \(output.size)")
        let words = input.host.bindMemory(to: UInt32.self, capacity: input.size / 4)
        for i in 0..<input.size / 4 { words[i] = UInt32(i) }
        try input.sync(.toDevice, bytes: input.size, offset: 0)
        say("synced", "toDevice")
        let r = try k.start([.buffer(input), .buffer(output), .uint32(UInt32(samples))])
        say("started", "1")
        let state = try r.wait(timeout: waitMS / 1000)
        say("state", state == .completed ? "completed" : "\(state)")
        try output.sync(.fromDevice, bytes: output.size, offset: 0)
        say("synced", "fromDevice")
        say("loaded", try d.loadedUUID().uuidString.lowercased())
    default:
        throw RuntimeError(.argument, "unknown scenario \(command)")
    }
}

do {
    try run(Array(CommandLine.arguments.dropFirst()))
    say("ok", "1")
} catch let error as RuntimeError {
    say("error", "\(error.code.rawValue) \(error.message)")
    exit(1)
} catch {
    say("error", "other \(error)")
    exit(1)
}
