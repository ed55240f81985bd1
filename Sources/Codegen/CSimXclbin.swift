// The xclbin of the emulated device: `fpgarun build --target csim DIR` writes DIR/csim/<project>.xclbin
// beside the C-sim library, describing the kernels exactly as Kernels/*.cpp declare them and wiring
// their memory arguments as Kernels/link_mm.cfg / link_axis.cfg do, so the runtime opens the same
// kernels, compute units and banks on the emulated device as on a card.
//
// Register offsets follow Vitis HLS's s_axilite map: 0x00-0x0F control/interrupt registers, then each
// argument in signature order, a 64-bit pointer taking 12 bytes (two data words + one reserved), a
// 32-bit scalar 8 bytes; stream arguments have no register (offset 0, size 0).
//
// Several compute units (`--compute-units N`): CU i of each kernel takes memory banks 2i and 2i+1
// (modulo the card's bank count) for input and output, so CU 1 is exactly the link configs'
// bank_in/bank_out and further CUs spread over the other banks as a multi-CU v++ link would.
// Stream-to-stream links (mm2s → axis → s2mm) are not recorded: the C-sim library wires them itself.

import Foundation
import Xclbin

/// The emulated device's xclbin for a generated project.
public enum CSimXclbin {
    /// The register map size of an HLS kernel's control port.
    static let controlRange = 0x1000
    /// Where the first compute unit's control registers sit, and the step between compute units.
    static let firstBase: UInt64 = 0x180_0000, baseStep: UInt64 = 0x1_0000
    /// The most compute units per kernel `--compute-units` allows.
    public static let maxComputeUnits = 16

    /// The xclbin's file name inside the project's csim/ folder.
    public static func fileName(project: String) -> String { "\(project).xclbin" }

    /// The project settings an xclbin needs, read back from a generated project folder.
    public struct ProjectInfo: Sendable, Equatable {
        /// The project name (the kernels' prefix).
        public var project: String
        /// Which kernels the project was generated with.
        public var interface: KernelInterface
        /// The platform the link configs were written for.
        public var platform: Platform
    }

    /// Reads project name (kernels/<p>_io.h), interfaces (csim/csim_abi.cpp's FPGARUN_CSIM_HAS_*)
    /// and platform (the Makefile's PLATFORM) from a project written by `fpgarun convert`.
    public static func projectInfo(projectDir: String) throws -> ProjectInfo {
        let dir = URL(fileURLWithPath: projectDir)
        let kernels = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("kernels").path)) ?? []
        let io = kernels.filter { $0.hasSuffix("_io.h") }
        guard io.count == 1, let project = io.first.map({ String($0.dropLast("_io.h".count)) }) else {
            throw CodegenError(.compile, "\(projectDir) is not a generated project: expected one kernels/<project>_io.h")
        }
        func text(_ path: String) throws -> String {
            guard let s = try? String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8) else {
                throw CodegenError(.compile, "\(projectDir) is not a generated project: cannot read \(path)")
            }
            return s
        }
        let abi = try text("csim/csim_abi.cpp")
        let hasMM = abi.contains("#define FPGARUN_CSIM_HAS_MM 1"), hasAxis = abi.contains("#define FPGARUN_CSIM_HAS_AXIS 1")
        let interface: KernelInterface
        switch (hasMM, hasAxis) {
        case (true, true): interface = .both
        case (true, false): interface = .mm
        case (false, true): interface = .axis
        default: throw CodegenError(.compile, "\(projectDir)/csim/csim_abi.cpp builds neither kernel interface")
        }
        let makefile = try text("Makefile")
        guard let line = makefile.split(separator: "\n").first(where: { $0.hasPrefix("PLATFORM ?= ") }) else {
            throw CodegenError(.compile, "\(projectDir)/Makefile names no PLATFORM")
        }
        let platform = try Platform.named(String(line.dropFirst("PLATFORM ?= ".count)).trimmingCharacters(in: .whitespaces))
        return ProjectInfo(project: project, interface: interface, platform: platform)
    }

    /// Writes PROJECT/csim/<project>.xclbin for the project in `projectDir` and returns its path.
    @discardableResult
    public static func write(projectDir: String, computeUnits: Int = 1) throws -> String {
        let info = try projectInfo(projectDir: projectDir)
        let x = try make(project: info.project, interface: info.interface, platform: info.platform,
                         computeUnits: computeUnits)
        let path = URL(fileURLWithPath: projectDir).appendingPathComponent("csim/\(fileName(project: info.project))").path
        do {
            try x.write(to: path)
        } catch let e as XclbinError {
            throw CodegenError(.write, e.message)
        }
        return path
    }

    /// The xclbin describing `project`'s kernels for `platform`, naming the C-sim library `library`
    /// (relative to the xclbin's folder), with `computeUnits` compute units of each kernel.
    public static func make(project p: String, interface: KernelInterface, platform: Platform, computeUnits n: Int = 1,
                            library: String = CSimBuilder.libraryName, uuid: UUID = UUID()) throws -> Xclbin {
        guard (1...maxComputeUnits).contains(n) else {
            throw CodegenError(.invalidSpec, "compute units must be 1...\(maxComputeUnits), got \(n)")
        }
        let control = XclbinPort(name: "S_AXI_CONTROL", mode: "slave", range: MetadataHex.hex(controlRange), dataWidth: 32,
                                 portType: "addressable", base: "0x0")
        func master(_ name: String) -> XclbinPort {
            XclbinPort(name: name, mode: "master", range: "0xFFFFFFFFFFFFFFFF", dataWidth: 512, portType: "addressable",
                       base: "0x0")
        }
        func stream(_ name: String, _ mode: String) -> XclbinPort {
            XclbinPort(name: name, mode: mode, range: "", dataWidth: 512, portType: "stream", base: "")
        }
        let word = "ap_uint<512>*", axis = "hls::stream<ap_axiu<512,0,0,0>>&", uint = "unsigned int"
        func pointer(_ name: String, _ index: Int, _ offset: Int, _ port: String) -> XclbinArgument {
            XclbinArgument(name: name, index: index, addressQualifier: 1, type: word, size: 8, offset: offset, port: port)
        }
        func scalar(_ name: String, _ index: Int, _ offset: Int) -> XclbinArgument {
            XclbinArgument(name: name, index: index, addressQualifier: 0, type: uint, size: 4, offset: offset,
                           port: control.name)
        }
        func streamArg(_ name: String, _ index: Int) -> XclbinArgument {
            XclbinArgument(name: name, index: index, addressQualifier: 4, type: axis, size: 0, offset: 0, port: name,
                           hostSize: 8)
        }

        // Each kernel with, per memory argument, whether it reads input (bank 2i) or writes output (2i+1).
        var kernels: [(XclbinKernel, [(arg: Int, output: Bool)])] = []
        if interface.hasMM {
            kernels.append((XclbinKernel(name: "\(p)_mm", args: [
                pointer("in_mem", 0, 0x10, "M_AXI_GMEM0"), pointer("out_mem", 1, 0x1C, "M_AXI_GMEM1"), scalar("n", 2, 0x28),
            ], ports: [master("M_AXI_GMEM0"), master("M_AXI_GMEM1"), control]), [(0, false), (1, true)]))
        }
        if interface.hasAxis {
            kernels.append((XclbinKernel(name: "\(p)_mm2s", args: [
                pointer("mem", 0, 0x10, "M_AXI_GMEM0"), streamArg("s", 1), scalar("words", 2, 0x1C),
            ], ports: [master("M_AXI_GMEM0"), stream("s", "write_only"), control]), [(0, false)]))
            kernels.append((XclbinKernel(name: "\(p)_axis", args: [
                streamArg("in_stream", 0), streamArg("out_stream", 1), scalar("n", 2, 0x10),
            ], ports: [stream("in_stream", "read_only"), stream("out_stream", "write_only"), control]), []))
            kernels.append((XclbinKernel(name: "\(p)_s2mm", args: [
                streamArg("s", 0), pointer("mem", 1, 0x10, "M_AXI_GMEM1"), scalar("words", 2, 0x1C),
            ], ports: [stream("s", "read_only"), master("M_AXI_GMEM1"), control]), [(1, true)]))
        }

        let banks = platform.memory == .ddr ? 4 : 32
        // DDR cards: 16 GiB DDR4 per bank above 0x40_0000_0000; HBM cards: 32 pseudo-channels of
        // 256 MiB (512 MiB on the 16 GiB U55C) from address 0.
        let bankBytes: UInt64 = platform.memory == .ddr ? 16 << 30 : (platform.card == "U55C" ? 512 << 20 : 256 << 20)
        let bankBase: UInt64 = platform.memory == .ddr ? 0x40_0000_0000 : 0
        var memories = (0..<banks).map { i in
            XclbinMemory(index: i, tag: platform.bank(i),
                         type: platform.memory == .ddr ? XclbinMemory.Kind.ddr4.rawValue : XclbinMemory.Kind.hbm.rawValue,
                         used: false, baseAddress: bankBase + UInt64(i) * bankBytes, sizeKB: bankBytes >> 10)
        }
        var cus: [XclbinComputeUnit] = [], connections: [XclbinConnection] = []
        for (kernel, memoryArgs) in kernels {
            for i in 0..<n {
                let index = cus.count
                cus.append(XclbinComputeUnit(name: "\(kernel.name):\(kernel.name)_\(i + 1)", index: index,
                                             baseAddress: firstBase + UInt64(index) * baseStep, properties: 1))
                for (arg, output) in memoryArgs {
                    let bank = (2 * i + (output ? Platform.outputBank : Platform.inputBank)) % banks
                    memories[bank].used = true
                    connections.append(XclbinConnection(argIndex: arg, cuIndex: index, memIndex: bank))
                }
            }
        }
        return Xclbin(uuid: uuid, platformVBNV: platform.name, mode: .swEmu, kernels: kernels.map(\.0),
                      computeUnits: cus, memories: memories, connections: connections, csimLibrary: library,
                      metadata: ["project": p, "interface": interface.rawValue, "compute_units": "\(n)",
                                 "generator": "fpgarun build --target csim"])
    }
}

/// Hex text as the kernel metadata writes numbers.
enum MetadataHex {
    static func hex(_ n: Int) -> String { "0x" + String(n, radix: 16, uppercase: true) }
}
