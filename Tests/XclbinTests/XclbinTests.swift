import Foundation
import Testing
@testable import Xclbin

/// A small xclbin with two kernels (memory-mapped and stream), two memories and a kept extra section.
func sampleXclbin() -> Xclbin {
    let control = XclbinPort(name: "S_AXI_CONTROL", mode: "slave", range: "0x1000", dataWidth: 32,
                             portType: "addressable", base: "0x0")
    let mm = XclbinKernel(name: "k_mm", args: [
        XclbinArgument(name: "in_mem", index: 0, addressQualifier: 1, type: "ap_uint<512>*", size: 8, offset: 0x10,
                       port: "M_AXI_GMEM0"),
        XclbinArgument(name: "out_mem", index: 1, addressQualifier: 1, type: "ap_uint<512>*", size: 8, offset: 0x1C,
                       port: "M_AXI_GMEM1"),
        XclbinArgument(name: "n", index: 2, addressQualifier: 0, type: "unsigned int", size: 4, offset: 0x28,
                       port: "S_AXI_CONTROL"),
    ], ports: [
        XclbinPort(name: "M_AXI_GMEM0", mode: "master", range: "0xFFFFFFFFFFFFFFFF", dataWidth: 512,
                   portType: "addressable", base: "0x0"),
        XclbinPort(name: "M_AXI_GMEM1", mode: "master", range: "0xFFFFFFFFFFFFFFFF", dataWidth: 512,
                   portType: "addressable", base: "0x0"),
        control,
    ])
    let axis = XclbinKernel(name: "k_axis", args: [
        XclbinArgument(name: "in_stream", index: 0, addressQualifier: 4, type: "stream<ap_axiu<512,0,0,0>>&",
                       size: 0, offset: 0, port: "in_stream", hostSize: 8),
        XclbinArgument(name: "n", index: 1, addressQualifier: 0, type: "unsigned int", size: 4, offset: 0x10,
                       port: "S_AXI_CONTROL"),
    ], ports: [
        XclbinPort(name: "in_stream", mode: "read_only", range: "", dataWidth: 512, portType: "stream", base: ""),
        control,
    ], controlProtocol: "ap_ctrl_chain")
    return Xclbin(
        uuid: UUID(uuidString: "01234567-89AB-CDEF-0011-223344556677")!,
        interfaceUUID: UUID(uuidString: "FEDCBA98-7654-3210-FFEE-DDCCBBAA9988")!,
        platformVBNV: "xilinx_u250_gen3x16_xdma_4_1_202210_1", mode: .swEmu, timestamp: 1_700_000_000,
        version: XclbinVersion(major: 2, minor: 13, patch: 466),
        sections: [XclbinSection(kind: .buildMetadata, name: "build", data: Array("{\"x\":1}".utf8))],
        kernels: [mm, axis],
        computeUnits: [
            XclbinComputeUnit(name: "k_mm:k_mm_1", index: 0, baseAddress: 0x1800000, properties: 0x101),
            XclbinComputeUnit(name: "k_axis:k_axis_1", index: 2, baseAddress: 0x1810000),
        ],
        otherIPs: [XclbinComputeUnit(name: "ddr4_0", index: 1, baseAddress: 0x4000000000, ipType: 4, properties: 0)],
        memories: [
            XclbinMemory(index: 0, tag: "DDR[0]", type: 1, used: true, baseAddress: 0x40_0000_0000, sizeKB: 16 << 20),
            XclbinMemory(index: 1, tag: "DDR[1]", type: 1, used: false, baseAddress: 0x44_0000_0000, sizeKB: 16 << 20),
        ],
        connections: [
            XclbinConnection(argIndex: 0, cuIndex: 0, memIndex: 0),
            XclbinConnection(argIndex: 1, cuIndex: 0, memIndex: 1),
        ],
        csimLibrary: "libfpgarun_csim.so", metadata: ["project": "k"])
}

@Suite struct XclbinRoundTripTests {
    @Test func everyFieldSurvivesWriteThenRead() throws {
        let x = sampleXclbin()
        let bytes = try x.encoded()
        let y = try Xclbin.parse(bytes, name: "sample.xclbin")
        #expect(y.uuid == x.uuid)
        #expect(y.interfaceUUID == x.interfaceUUID)
        #expect(y.platformVBNV == x.platformVBNV)
        #expect(y.mode == x.mode)
        #expect(y.timestamp == x.timestamp)
        #expect(y.version == x.version)
        #expect(y.kernels == x.kernels)
        #expect(y.computeUnits == x.computeUnits)
        #expect(y.otherIPs == x.otherIPs)
        #expect(y.memories == x.memories)
        #expect(y.connections == x.connections)
        #expect(y.csimLibrary == x.csimLibrary)
        #expect(y.metadata == x.metadata)
        #expect(y.sections.map(\.kind) == [.memTopology, .connectivity, .ipLayout, .embeddedMetadata,
                                           .userMetadata, .buildMetadata])
        #expect(y.section(.buildMetadata)?.data == Array("{\"x\":1}".utf8))
        #expect(y.section(.buildMetadata)?.name == "build")
        for s in y.sections {
            #expect(s.offset % 8 == 0, "section \(s.kind) not 8-byte aligned")
            #expect(s.size == UInt64(s.data.count))
        }
        // Writing what was read gives the same bytes.
        #expect(try y.encoded() == bytes)
        #expect(y.bank(computeUnit: 0, argument: 1) == 1)
        #expect(y.bankTag(computeUnit: 0, argument: 0) == "DDR[0]")
        #expect(y.bank(computeUnit: 0, argument: 2) == nil)
        #expect(y.computeUnits[0].kernelName == "k_mm" && y.computeUnits[0].instanceName == "k_mm_1")
    }

    @Test func headerFieldsSitWhereXclbinHSaysTheyDo() throws {
        let x = sampleXclbin()
        let b = try x.encoded()
        #expect(Array(b[0..<8]) == Array("xclbin2".utf8) + [0])
        #expect(b.le(8, as: Int32.self) == -1)
        #expect(b.le(304, as: UInt64.self) == UInt64(b.count))
        #expect(b.le(332, as: UInt16.self) == XclbinMode.swEmu.rawValue)
        #expect(b.cString(352, max: 64) == x.platformVBNV)
        #expect(b.uuid(416) == x.uuid)
        #expect(b.uuid(336) == x.interfaceUUID)
        #expect(b.le(448, as: UInt32.self) == 6)
    }

    @Test func fileWriteIsAtomicAndReadable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xclbin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.xclbin").path
        try sampleXclbin().write(to: path)
        var x = sampleXclbin()
        x.uuid = UUID()
        try x.write(to: path)  // replaces
        #expect(try Xclbin.read(path: path).uuid == x.uuid)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.xclbin"])
    }

    @Test func xmlEscapesAndXRTRequiredAttributes() throws {
        let b = try sampleXclbin().encoded()
        let y = try Xclbin.parse(b, name: "s")
        let xml = String(decoding: y.section(.embeddedMetadata)!.data, as: UTF8.self)
        #expect(xml.contains("type=\"stream&lt;ap_axiu&lt;512,0,0,0&gt;&gt;&amp;\""))
        #expect(xml.contains("<instance name=\"k_mm_1\">"))
        #expect(xml.contains("hostSize=\"0x8\""))
        #expect(xml.contains("<project name=\"k\">"))
    }

    @Test func writerRefusesWhatXRTWouldReject() throws {
        var x = sampleXclbin()
        x.kernels[0].args[2].index = 5
        #expect(throws: XclbinError.self) { try x.encoded() }
        x = sampleXclbin()
        x.kernels[0].args[2].offset = 0x1000
        #expect(throws: XclbinError.self) { try x.encoded() }
        x = sampleXclbin()
        x.memories[0].tag = "A_VERY_LONG_TAG_NAME"
        #expect(throws: XclbinError.self) { try x.encoded() }
        x = sampleXclbin()
        x.connections.append(XclbinConnection(argIndex: 0, cuIndex: 9, memIndex: 0))
        #expect(throws: XclbinError.self) { try x.encoded() }
    }
}

@Suite struct XclbinBadInputTests {
    func message(_ bytes: [UInt8]) -> String {
        do {
            _ = try Xclbin.parse(bytes, name: "bad.xclbin")
            return "parsed"
        } catch let e as XclbinError {
            return e.message
        } catch {
            return "\(error)"
        }
    }

    @Test func notAnXclbin() {
        #expect(message(Array("hello world, this is text".utf8)) == "bad.xclbin: not an xclbin (bad magic)")
        #expect(message([]).hasPrefix("bad.xclbin: not an xclbin"))
    }

    @Test func truncatedHeader() throws {
        let b = try sampleXclbin().encoded()
        #expect(message(Array(b[0..<200])) == "bad.xclbin: truncated: the header needs 456 bytes, file has 200")
    }

    @Test func truncatedFile() throws {
        let b = try sampleXclbin().encoded()
        #expect(message(Array(b[0..<(b.count - 10)])) == "bad.xclbin: truncated: header says \(b.count) bytes, file has \(b.count - 10)")
    }

    @Test func sectionOutOfBounds() throws {
        var b = try sampleXclbin().encoded()
        // The second section header's size field.
        b.putLE(UInt64(1 << 40), at: 456 + 40 + 32)
        #expect(message(b).hasPrefix("bad.xclbin: section CONNECTIVITY out of bounds"))
    }

    @Test func truncatedSection() throws {
        var b = try sampleXclbin().encoded()
        // MEM_TOPOLOGY claims 50 entries.
        let off = Int(b.le(456 + 24, as: UInt64.self))
        b.putLE(Int32(50), at: off)
        #expect(message(b).hasPrefix("bad.xclbin: MEM_TOPOLOGY section truncated: 50 entries need"))
    }

    @Test func missingRequiredSection() throws {
        var b = try sampleXclbin().encoded()
        b.putLE(UInt32(XclbinSectionKind.debugIPLayout.rawValue), at: 456)  // MEM_TOPOLOGY -> DEBUG_IP_LAYOUT
        #expect(message(b) == "bad.xclbin: missing MEM_TOPOLOGY section")
    }

    @Test func badXML() throws {
        var x = sampleXclbin()
        x.kernels = []
        var b = try x.encoded()
        let h = 456 + 3 * 40
        let off = Int(b.le(h + 24, as: UInt64.self))
        b[off + 1] = UInt8(ascii: "!")
        #expect(message(b).hasPrefix("bad.xclbin: EMBEDDED_METADATA is not valid kernel metadata XML"))
    }

    @Test func readNamesMissingFile() {
        #expect(throws: XclbinError("/nonexistent/x.xclbin: no such file")) {
            try Xclbin.read(path: "/nonexistent/x.xclbin")
        }
    }
}
