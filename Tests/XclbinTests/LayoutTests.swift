import Foundation
import ProcessRunner
import Testing
@testable import Xclbin

/// Compiles a small C program against XRT's own xclbin.h that prints sizeof/offsetof of every field
/// fpgarun reads or writes, and compares them with `Layout` (a differential test of the binary format).
@Suite struct XclbinLayoutTests {
    static let header = "/usr/include/xrt/xclbin.h"

    static let program = """
        #include <stdio.h>
        #include <stddef.h>
        #include "xclbin.h"
        #define P(name, expr) printf("%s %zu\\n", name, (size_t)(expr))
        int main(void) {
            P("axlf", sizeof(struct axlf));
            P("axlf.m_magic", offsetof(struct axlf, m_magic));
            P("axlf.m_signature_length", offsetof(struct axlf, m_signature_length));
            P("axlf.reserved", offsetof(struct axlf, reserved));
            P("axlf.m_keyBlock", offsetof(struct axlf, m_keyBlock));
            P("axlf.m_uniqueId", offsetof(struct axlf, m_uniqueId));
            P("axlf.m_header", offsetof(struct axlf, m_header));
            P("axlf.m_sections", offsetof(struct axlf, m_sections));
            P("axlf_header", sizeof(struct axlf_header));
            P("h.m_length", offsetof(struct axlf, m_header.m_length));
            P("h.m_timeStamp", offsetof(struct axlf, m_header.m_timeStamp));
            P("h.m_featureRomTimeStamp", offsetof(struct axlf, m_header.m_featureRomTimeStamp));
            P("h.m_versionPatch", offsetof(struct axlf, m_header.m_versionPatch));
            P("h.m_versionMajor", offsetof(struct axlf, m_header.m_versionMajor));
            P("h.m_versionMinor", offsetof(struct axlf, m_header.m_versionMinor));
            P("h.m_mode", offsetof(struct axlf, m_header.m_mode));
            P("h.m_actionMask", offsetof(struct axlf, m_header.m_actionMask));
            P("h.rom_uuid", offsetof(struct axlf, m_header.rom_uuid));
            P("h.m_platformVBNV", offsetof(struct axlf, m_header.m_platformVBNV));
            P("h.uuid", offsetof(struct axlf, m_header.uuid));
            P("h.m_debug_bin", offsetof(struct axlf, m_header.m_debug_bin));
            P("h.m_numSections", offsetof(struct axlf, m_header.m_numSections));
            P("axlf_section_header", sizeof(struct axlf_section_header));
            P("s.m_sectionKind", offsetof(struct axlf_section_header, m_sectionKind));
            P("s.m_sectionName", offsetof(struct axlf_section_header, m_sectionName));
            P("s.m_sectionOffset", offsetof(struct axlf_section_header, m_sectionOffset));
            P("s.m_sectionSize", offsetof(struct axlf_section_header, m_sectionSize));
            P("mem_topology", sizeof(struct mem_topology));
            P("mem_topology.m_mem_data", offsetof(struct mem_topology, m_mem_data));
            P("mem_data", sizeof(struct mem_data));
            P("mem_data.m_type", offsetof(struct mem_data, m_type));
            P("mem_data.m_used", offsetof(struct mem_data, m_used));
            P("mem_data.m_size", offsetof(struct mem_data, m_size));
            P("mem_data.m_base_address", offsetof(struct mem_data, m_base_address));
            P("mem_data.m_tag", offsetof(struct mem_data, m_tag));
            P("connectivity", sizeof(struct connectivity));
            P("connectivity.m_connection", offsetof(struct connectivity, m_connection));
            P("connection", sizeof(struct connection));
            P("connection.arg_index", offsetof(struct connection, arg_index));
            P("connection.m_ip_layout_index", offsetof(struct connection, m_ip_layout_index));
            P("connection.mem_data_index", offsetof(struct connection, mem_data_index));
            P("ip_layout", sizeof(struct ip_layout));
            P("ip_layout.m_ip_data", offsetof(struct ip_layout, m_ip_data));
            P("ip_data", sizeof(struct ip_data));
            P("ip_data.m_type", offsetof(struct ip_data, m_type));
            P("ip_data.properties", offsetof(struct ip_data, properties));
            P("ip_data.m_base_address", offsetof(struct ip_data, m_base_address));
            P("ip_data.m_name", offsetof(struct ip_data, m_name));
            P("EMBEDDED_METADATA", EMBEDDED_METADATA);
            P("MEM_TOPOLOGY", MEM_TOPOLOGY);
            P("CONNECTIVITY", CONNECTIVITY);
            P("IP_LAYOUT", IP_LAYOUT);
            P("USER_METADATA", USER_METADATA);
            P("BUILD_METADATA", BUILD_METADATA);
            P("IP_KERNEL", IP_KERNEL);
            P("MEM_DDR4", MEM_DDR4);
            P("MEM_HBM", MEM_HBM);
            P("MEM_STREAMING_CONNECTION", MEM_STREAMING_CONNECTION);
            P("XCLBIN_SW_EMU", XCLBIN_SW_EMU);
            P("XCLBIN_MAX_NUM_SECTION", XCLBIN_MAX_NUM_SECTION);
            return 0;
        }
        """

    /// What fpgarun's Layout says for each name the C program prints.
    static let expected: [String: Int] = [
        "axlf": Layout.axlfSize, "axlf.m_magic": Layout.magic, "axlf.m_signature_length": Layout.signatureLength,
        "axlf.reserved": Layout.reserved, "axlf.m_keyBlock": Layout.keyBlock, "axlf.m_uniqueId": Layout.uniqueId,
        "axlf.m_header": Layout.header, "axlf.m_sections": Layout.sectionTable, "axlf_header": Layout.headerSize,
        "h.m_length": Layout.length, "h.m_timeStamp": Layout.timeStamp,
        "h.m_featureRomTimeStamp": Layout.featureRomTimeStamp, "h.m_versionPatch": Layout.versionPatch,
        "h.m_versionMajor": Layout.versionMajor, "h.m_versionMinor": Layout.versionMinor, "h.m_mode": Layout.mode,
        "h.m_actionMask": Layout.actionMask, "h.rom_uuid": Layout.interfaceUUID,
        "h.m_platformVBNV": Layout.platformVBNV, "h.uuid": Layout.uuid, "h.m_debug_bin": Layout.debugBin,
        "h.m_numSections": Layout.numSections,
        "axlf_section_header": Layout.sectionHeaderSize, "s.m_sectionKind": Layout.sectionKind,
        "s.m_sectionName": Layout.sectionName, "s.m_sectionOffset": Layout.sectionOffset,
        "s.m_sectionSize": Layout.sectionSize,
        "mem_topology": Layout.memTopologySize, "mem_topology.m_mem_data": Layout.memArray,
        "mem_data": Layout.memDataSize, "mem_data.m_type": Layout.memType, "mem_data.m_used": Layout.memUsed,
        "mem_data.m_size": Layout.memSize, "mem_data.m_base_address": Layout.memBase, "mem_data.m_tag": Layout.memTag,
        "connectivity": Layout.connectivitySize, "connectivity.m_connection": Layout.connArray,
        "connection": Layout.connectionSize, "connection.arg_index": Layout.connArg,
        "connection.m_ip_layout_index": Layout.connIP, "connection.mem_data_index": Layout.connMem,
        "ip_layout": Layout.ipLayoutSize, "ip_layout.m_ip_data": Layout.ipArray, "ip_data": Layout.ipDataSize,
        "ip_data.m_type": Layout.ipType, "ip_data.properties": Layout.ipProperties,
        "ip_data.m_base_address": Layout.ipBase, "ip_data.m_name": Layout.ipName,
        "EMBEDDED_METADATA": Int(XclbinSectionKind.embeddedMetadata.rawValue),
        "MEM_TOPOLOGY": Int(XclbinSectionKind.memTopology.rawValue),
        "CONNECTIVITY": Int(XclbinSectionKind.connectivity.rawValue),
        "IP_LAYOUT": Int(XclbinSectionKind.ipLayout.rawValue),
        "USER_METADATA": Int(XclbinSectionKind.userMetadata.rawValue),
        "BUILD_METADATA": Int(XclbinSectionKind.buildMetadata.rawValue),
        "IP_KERNEL": Int(XclbinComputeUnit.ipKernel),
        "MEM_DDR4": Int(XclbinMemory.Kind.ddr4.rawValue), "MEM_HBM": Int(XclbinMemory.Kind.hbm.rawValue),
        "MEM_STREAMING_CONNECTION": Int(XclbinMemory.Kind.streamingConnection.rawValue),
        "XCLBIN_SW_EMU": Int(XclbinMode.swEmu.rawValue), "XCLBIN_MAX_NUM_SECTION": Layout.maxSections,
    ]

    static var gcc: String? {
        for dir in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/gcc") {
            return "\(dir)/gcc"
        }
        return nil
    }

    @Test(.enabled(if: gcc != nil && FileManager.default.fileExists(atPath: header),
                   "needs gcc and XRT's /usr/include/xrt/xclbin.h (Debian libxrt-dev)"))
    func layoutMatchesXRTHeader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xclbin-layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let src = dir.appendingPathComponent("layout.c"), exe = dir.appendingPathComponent("layout")
        try Self.program.write(to: src, atomically: true, encoding: .utf8)
        try run(Self.gcc!, ["-I/usr/include/xrt", "-o", exe.path, src.path])
        let out = try run(exe.path, [])
        var seen: [String: Int] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: " ")
            seen[String(parts[0])] = Int(parts[1])
        }
        #expect(Set(seen.keys) == Set(Self.expected.keys))
        for (name, value) in Self.expected.sorted(by: { $0.key < $1.key }) {
            #expect(seen[name] == value, "\(name): xclbin.h says \(seen[name].map(String.init) ?? "nothing"), fpgarun uses \(value)")
        }
    }

    @discardableResult
    func run(_ tool: String, _ args: [String]) throws -> String {
        let r = try ChildProcess.run([tool] + args, stderr: .standardOutput, ownGroup: true, timeout: 300)
        guard r.termination.succeeded else { throw XclbinError("\(tool) \(r.termination): \(r.stdout)") }
        return r.stdout
    }
}
