// EMBEDDED_METADATA: the XML the Vitis linker writes, which XRT reads kernel arguments from
// (project/platform/device/core/kernel, with <port>, <arg> and <instance> children).
//
// XRT's parser (boost property_tree) requires, per <arg>: name, id, offset, size, hostSize and a
// numeric addressQualifier; per <port>: mode; it rejects an argument whose offset+size passes the
// range of the kernel's "slave" port, and argument ids that are not 0..n-1 after sorting. The
// writer enforces the same, so XRT never sees a file from us it would reject.

import Foundation
import XMLScanner

enum MetadataXML {
    /// The XML for `x`'s kernels (with each kernel's compute units as <instance> elements).
    static func render(_ x: Xclbin, _ fail: (String) -> XclbinError) throws -> [UInt8] {
        var s = """
            <?xml version="1.0" encoding="UTF-8"?>
            <project name="\(esc(x.metadata["project"] ?? "fpgarun"))">
              <platform vendor="xilinx" boardid="" name="\(esc(x.platformVBNV))" featureRomTime="0">
                <version major="\(x.version.major)" minor="\(x.version.minor)"/>
                <description/>
                <device name="fpga0" fpgaDevice="" addrWidth="0">
                  <core name="OCL_REGION_0" target="\(x.mode == .swEmu ? "csim" : "bitstream")" type="clc_region" clockFreq="0MHz" numComputeUnits="\(x.computeUnits.count)">

            """
        for k in x.kernels {
            try check(k, fail)
            var attrs = "name=\"\(esc(k.name))\" language=\"\(esc(k.language))\" vlnv=\"\(esc(k.vlnv))\" attributes=\"\" preferredWorkGroupSizeMultiple=\"0\" workGroupSize=\"1\" debug=\"false\" interrupt=\"true\""
            if let p = k.controlProtocol { attrs += " hwControlProtocol=\"\(esc(p))\"" }
            s += "        <kernel \(attrs)>\n"
            for p in k.ports {
                s += "          <port name=\"\(esc(p.name))\" mode=\"\(esc(p.mode))\" range=\"\(esc(p.range))\" dataWidth=\"\(p.dataWidth)\" portType=\"\(esc(p.portType))\" base=\"\(esc(p.base))\"/>\n"
            }
            for a in k.args.sorted(by: { $0.index < $1.index }) {
                s += "          <arg name=\"\(esc(a.name))\" addressQualifier=\"\(a.addressQualifier)\" id=\"\(a.index)\" port=\"\(esc(a.port))\" size=\"\(hex(a.size))\" offset=\"\(hex(a.offset))\" hostOffset=\"\(hex(a.hostOffset))\" hostSize=\"\(hex(a.hostSize))\" type=\"\(esc(a.type))\"/>\n"
            }
            let control = k.ports.first { $0.mode == "slave" }
            for cu in x.computeUnits where cu.kernelName == k.name {
                s += "          <instance name=\"\(esc(cu.instanceName))\">\n"
                s += "            <addrRemap base=\"0x\(String(cu.baseAddress, radix: 16))\" range=\"0x10000\" port=\"\(esc(control?.name ?? "S_AXI_CONTROL"))\"/>\n"
                s += "          </instance>\n"
            }
            s += "        </kernel>\n"
        }
        s += """
                  </core>
                </device>
              </platform>
            </project>

            """
        return Array(s.utf8)
    }

    /// The checks XRT's parser makes, so a file we write is one XRT loads.
    private static func check(_ k: XclbinKernel, _ fail: (String) -> XclbinError) throws {
        let ids = k.args.map(\.index).sorted()
        guard ids == Array(0..<ids.count) else {
            throw fail("kernel \(k.name): argument ids must be 0..<\(ids.count) (XRT requires it), got \(ids)")
        }
        if let slave = k.ports.first(where: { $0.mode == "slave" }), let range = number(slave.range) {
            for a in k.args where a.offset + a.size > range {
                throw fail("kernel \(k.name): argument \(a.name) at \(hex(a.offset))+\(hex(a.size)) passes the control port's range \(slave.range)")
            }
        }
    }

    /// The kernels of an EMBEDDED_METADATA section.
    static func parseKernels(_ bytes: [UInt8], name: String) throws -> [XclbinKernel] {
        // XRT's writer may end the section with NULs.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0 { end -= 1 }
        var collector = Collector()
        do {
            try XMLScanner.scan(Array(bytes[0..<end])) { event, line in try collector.take(event, line: line) }
        } catch let e as XMLSyntaxError {
            throw XclbinError("\(name): EMBEDDED_METADATA is not valid kernel metadata XML (\(e))")
        }
        guard collector.sawCore else {
            throw XclbinError("\(name): EMBEDDED_METADATA has no project/platform/device/core element")
        }
        return collector.kernels
    }

    /// The kernels under project/platform/device/core, with their ports and arguments.
    private struct Collector {
        var stack: [String] = []
        var kernels: [XclbinKernel] = []
        var sawCore = false

        mutating func take(_ event: XMLEvent, line: Int) throws {
            switch event {
            case .start(let element, let a):
                defer { stack.append(element) }
                try start(element, a, line: line)
            case .end(let element):
                if element == "kernel", stack.count == 5 {
                    kernels[kernels.count - 1].args.sort { $0.index < $1.index }
                }
                stack.removeLast()
            case .text:
                break
            }
        }

        private mutating func start(_ element: String, _ a: [String: String], line: Int) throws {
            func fail(_ why: String) -> XMLSyntaxError { XMLSyntaxError(line: line, message: why) }
            if element == "core", stack == ["project", "platform", "device"] { sawCore = true }
            let inCore = stack.count == 4 && Array(stack.prefix(4)) == ["project", "platform", "device", "core"]
            if element == "kernel", inCore {
                guard let n = a["name"] else { throw fail("a <kernel> without a name") }
                kernels.append(XclbinKernel(name: n, args: [], language: a["language"] ?? "", vlnv: a["vlnv"] ?? "",
                                            controlProtocol: a["hwControlProtocol"]))
                return
            }
            guard stack.count == 5, stack.last == "kernel", !kernels.isEmpty else { return }
            let k = kernels[kernels.count - 1].name
            switch element {
            case "port":
                guard let n = a["name"] else { throw fail("kernel \(k): a <port> without a name") }
                kernels[kernels.count - 1].ports.append(XclbinPort(
                    name: n, mode: a["mode"] ?? "", range: a["range"] ?? "", dataWidth: number(a["dataWidth"] ?? "") ?? 0,
                    portType: a["portType"] ?? "", base: a["base"] ?? ""))
            case "arg":
                guard let n = a["name"] else { throw fail("kernel \(k): an <arg> without a name") }
                guard let id = number(a["id"] ?? ""), let q = number(a["addressQualifier"] ?? "") else {
                    throw fail("kernel \(k): argument \(n) has no numeric id or addressQualifier")
                }
                let size = number(a["size"] ?? "") ?? 0
                kernels[kernels.count - 1].args.append(XclbinArgument(
                    name: n, index: id, addressQualifier: UInt32(truncatingIfNeeded: q), type: a["type"] ?? "",
                    size: size, offset: number(a["offset"] ?? "") ?? 0, port: a["port"] ?? "",
                    hostOffset: number(a["hostOffset"] ?? "") ?? 0, hostSize: number(a["hostSize"] ?? "") ?? size))
            default:
                break
            }
        }
    }

    /// A number as the metadata writes it: "0x1C" or "28"; nil for empty or malformed text.
    static func number(_ s: String) -> Int? {
        let t = s.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("0x") || t.hasPrefix("0X") {
            return UInt64(t.dropFirst(2), radix: 16).map { Int(truncatingIfNeeded: $0) }
        }
        return Int(t)
    }

    static func hex(_ n: Int) -> String { "0x" + String(n, radix: 16, uppercase: true) }

    static func esc(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
