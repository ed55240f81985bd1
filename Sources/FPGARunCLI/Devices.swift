import ArgumentParser
import Foundation
import Runtime

/// `fpgarun devices`: the FPGA cards on the PCIe bus (or in an lspci dump), with their links.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List FPGA cards on the PCIe bus: address, name, link speed/width, NUMA node, functions.",
        discussion: """
        Cards are found with libpci (Xilinx vendor 0x10ee; AMD 0x1022 only for accelerator functions). \
        --pci-dump reads an `lspci -x`/`-xxx`/`-xxxx` text dump instead of the live bus.
        """
    )

    @Option(name: .customLong("pci-dump"), help: "Read this lspci -x style dump instead of the live bus.")
    var pciDump: String?

    @Flag(help: "Print a JSON array of cards instead of the table.")
    var json = false

    // MARK: XRT seam — the xrt branch wires XRTDevice here.
    /// XRT's one-line view of the cards: which XRT device index opens each (by its user function's
    /// address) and its shell name. Cards read from a dump are not probed (they are not on this bus).
    static func xrtView(probing: Bool) -> @Sendable (PCICard) -> String? {
        guard probing else { return { _ in "not probed (dump)" } }
        let devices: [XRTDeviceInfo]
        switch XRTDevice.probe() {
        case .failure(let e):
            let reason = e.message
            return { _ in "XRT unavailable: \(reason)" }
        case .success:
            devices = (try? XRTDevice.list()) ?? []
        }
        return { card in
            let address = card.userFunction.address
            guard let d = devices.first(where: { $0.bdf.map { address.hasSuffix($0) || $0.hasSuffix(address) } ?? false }) else {
                return nil
            }
            return "device \(d.index)" + (d.name.map { ": \($0)" } ?? "")
        }
    }

    func run() throws {
        let cards = try PCIScanner.scan(dumpFile: pciDump)
        let view = cards.isEmpty ? { _ in nil } : Self.xrtView(probing: pciDump == nil)
        print(json ? Self.json(cards, xrtView: view) : Self.table(cards, source: pciDump, xrtView: view),
              terminator: "")
    }

    /// The text table (or the "none found" line), newline-terminated.
    static func table(_ cards: [PCICard], source: String?, xrtView: (PCICard) -> String?) -> String {
        guard !cards.isEmpty else {
            return "no FPGA cards found " + (source.map { "in \($0)" } ?? "on the PCIe bus") + "\n"
        }
        let header = ["ADDRESS", "NAME", "LINK", "NUMA", "FUNCTIONS", "XRT"]
        var degraded = false
        let rows: [[String]] = cards.map { card in
            let link: String
            if let l = card.link {
                link = (l.isDegraded ? "⚠ " : "") + l.summary
                degraded = degraded || l.isDegraded
            } else {
                link = "unknown (PCIe capability not readable)"
            }
            let functions = card.functions.map { f in ".\(f.function) " + (f.role ?? String(format: "0x%04x", f.deviceID)) }
            return [card.address, card.name, link, card.numaNode.map(String.init) ?? "-",
                    functions.joined(separator: ", "), xrtView(card) ?? "not opened"]
        }
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, s in c == cells.count - 1 ? s : s.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ") + "\n"
        }
        var out = line(header) + rows.map(line).joined()
        if degraded {
            out += "⚠ link below what card and slot can do: check the slot, riser and BIOS PCIe settings\n"
        }
        return out
    }

    /// The JSON array of cards (sorted keys, explicit nulls), newline-terminated.
    static func json(_ cards: [PCICard], xrtView: (PCICard) -> String?) -> String {
        if cards.isEmpty { return "[]\n" }  // JSONEncoder pretty-prints an empty array over three lines
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try! encoder.encode(cards.map { JSONCard(card: $0, xrt: xrtView($0)) })
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// One card as `fpgarun devices --json` writes it: ids as hex strings, every key always present.
private struct JSONCard: Encodable {
    let card: PCICard
    let xrt: String?

    enum Keys: String, CodingKey {
        case address, name, vendor, device, subsystem, link, numa_node, functions, xrt
        case speed_gts, width, capable_speed_gts, capable_width, degraded
        case function, `class`, role
    }

    static func hex(_ v: UInt16) -> String { String(format: "0x%04x", v) }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(card.address, forKey: .address)
        try c.encode(card.name, forKey: .name)
        try c.encode(Self.hex(card.vendorID), forKey: .vendor)
        try c.encode(Self.hex(card.deviceID), forKey: .device)
        try c.encode("\(Self.hex(card.subsystemVendorID)):\(Self.hex(card.subsystemID))", forKey: .subsystem)
        if let l = card.link {
            var lc = c.nestedContainer(keyedBy: Keys.self, forKey: .link)
            try lc.encode(l.speed, forKey: .speed_gts)
            try lc.encode(l.width, forKey: .width)
            try lc.encode(l.capableSpeed, forKey: .capable_speed_gts)
            try lc.encode(l.capableWidth, forKey: .capable_width)
            try lc.encode(l.isDegraded, forKey: .degraded)
        } else {
            try c.encodeNil(forKey: .link)
        }
        try c.encode(card.numaNode, forKey: .numa_node)
        var fs = c.nestedUnkeyedContainer(forKey: .functions)
        for f in card.functions {
            var fc = fs.nestedContainer(keyedBy: Keys.self)
            try fc.encode(f.address, forKey: .address)
            try fc.encode(f.function, forKey: .function)
            try fc.encode(Self.hex(f.vendorID), forKey: .vendor)
            try fc.encode(Self.hex(f.deviceID), forKey: .device)
            try fc.encode(Self.hex(f.classCode), forKey: .class)
            try fc.encode(f.role, forKey: .role)
            try fc.encode(f.name, forKey: .name)
        }
        try c.encode(xrt, forKey: .xrt)
    }
}
