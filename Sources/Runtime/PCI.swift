// FPGA card discovery on the PCIe bus through libpci (CLibPCI), live or from an `lspci -x` text dump.
//
// Algorithm: open libpci (dump files are checked first, see `PCIDumpCheck`), scan the bus, describe
// each function (ids, class, subsystem, NUMA node, PCI Express Link Capabilities / Link Status),
// keep the FPGA functions (rule in `PCIScanner.isFPGAFunction`), and group the functions of one
// slot (domain:bus:device) into one card: an Alveo shows a management function .0 and a user
// function .1.
//
// libpci's fatal errors: its `error` callback must not return and defaults to exit(1). The CLibPCI
// shim installs a C handler that longjmps back into the `cpci_` call that armed it, which returns an
// error Swift turns into `PCIError`. Because that jump leaks what libpci had allocated, dump files
// are validated here first against every condition libpci's dump reader treats as fatal (cannot
// open, line too long or unterminated, malformed byte line, offset ≥ 4096), so on a dump the jump
// is only a safety net.

import CLibPCI
import Foundation

/// A PCI discovery failure: one line, naming the dump file (and line) when there is one.
public struct PCIError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The one-line message.
    public let message: String

    /// Makes an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// The PCIe link of a function: what it trained at and what both ends could do.
public struct PCILink: Sendable, Codable, Equatable {
    /// Current speed in GT/s (nil when the Link Status code is unknown, e.g. link down).
    public var speed: Double?
    /// Current (negotiated) width in lanes (0 when the link is down).
    public var width: Int
    /// Maximum speed in GT/s from Link Capabilities (nil for an unknown code).
    public var capableSpeed: Double?
    /// Maximum width in lanes from Link Capabilities.
    public var capableWidth: Int

    /// Makes a link from its speeds and widths.
    public init(speed: Double?, width: Int, capableSpeed: Double?, capableWidth: Int) {
        self.speed = speed
        self.width = width
        self.capableSpeed = capableSpeed
        self.capableWidth = capableWidth
    }

    /// Decodes the Link Capabilities (32-bit) and Link Status (16-bit) registers.
    public init(linkCapabilities cap: UInt32, linkStatus status: UInt16) {
        self.init(speed: PCILink.gigatransfers(Int(status & 0xF)), width: Int((status >> 4) & 0x3F),
                  capableSpeed: PCILink.gigatransfers(Int(cap & 0xF)), capableWidth: Int((cap >> 4) & 0x3F))
    }

    /// GT/s of a PCIe link speed code (1 = 2.5 GT/s … 6 = 64 GT/s).
    public static func gigatransfers(_ code: Int) -> Double? {
        [1: 2.5, 2: 5.0, 3: 8.0, 4: 16.0, 5: 32.0, 6: 64.0][code]
    }

    /// True when the link runs slower or narrower than it could.
    public var isDegraded: Bool {
        if width < capableWidth { return true }
        if let speed, let capableSpeed { return speed < capableSpeed }
        return false
    }

    /// `8.0 GT/s x8 (capable 8.0 GT/s x16)`.
    public var summary: String {
        func text(_ s: Double?, _ w: Int) -> String { "\(s.map { String(format: "%.1f GT/s", $0) } ?? "? GT/s") x\(w)" }
        return "\(width == 0 ? "down" : text(speed, width)) (capable \(text(capableSpeed, capableWidth)))"
    }
}

/// One PCI function of a card.
public struct PCIFunction: Sendable, Codable, Equatable {
    /// `dddd:bb:dd.f`.
    public var address: String
    /// Function number (0–7).
    public var function: Int
    /// Vendor id (0x10ee Xilinx, 0x1022 AMD).
    public var vendorID: UInt16
    /// Device id.
    public var deviceID: UInt16
    /// Subsystem vendor id (0 when the header has none).
    public var subsystemVendorID: UInt16
    /// Subsystem id.
    public var subsystemID: UInt16
    /// Class code: base class << 8 | subclass (0x1200 processing accelerator, 0x0580 memory controller).
    public var classCode: UInt16
    /// `"mgmt"` or `"user"` for known Alveo functions, else nil.
    public var role: String?
    /// Device name (pci.ids, else the built-in Alveo table, else `Xilinx device 0xNNNN`).
    public var name: String
    /// The PCIe link, nil when the function has no readable PCI Express capability.
    public var link: PCILink?
    /// NUMA node, nil when unknown (always from a dump).
    public var numaNode: Int?
}

/// One FPGA card: the functions of one PCIe slot (domain:bus:device).
public struct PCICard: Sendable, Codable, Equatable {
    /// `dddd:bb:dd` (the slot; functions carry the full address).
    public var address: String
    /// The card's name: its lowest function's name.
    public var name: String
    /// Vendor id of the lowest function.
    public var vendorID: UInt16
    /// Device id of the lowest function.
    public var deviceID: UInt16
    /// Subsystem vendor id of the lowest function.
    public var subsystemVendorID: UInt16
    /// Subsystem id of the lowest function.
    public var subsystemID: UInt16
    /// The link of the lowest function that reports one (all functions share the physical link).
    public var link: PCILink?
    /// NUMA node of the slot, nil when unknown.
    public var numaNode: Int?
    /// The functions, by function number.
    public var functions: [PCIFunction]

    /// The function XRT opens (the user function when known, else the lowest).
    public var userFunction: PCIFunction { functions.first { $0.role == "user" } ?? functions[0] }
}

/// Finds FPGA cards with libpci.
public enum PCIScanner {
    /// Xilinx's PCI vendor id.
    public static let xilinx: UInt16 = 0x10EE
    /// AMD's PCI vendor id (also every AMD CPU's host bridge and on-die devices).
    public static let amd: UInt16 = 0x1022

    /// Known Alveo/Versal card functions by device id: (model, role). Ids from XRT's driver tables.
    public static let alveoFunctions: [UInt16: (model: String, role: String)] = {
        var t: [UInt16: (String, String)] = [:]
        let pairs: [(UInt16, String)] = [
            (0x5000, "Alveo U200"), (0x5004, "Alveo U250"), (0x5008, "Alveo U280-ES1"), (0x500C, "Alveo U280"),
            (0x5020, "Alveo U50"), (0x5050, "Alveo U25"), (0x5058, "Alveo U55N"), (0x505C, "Alveo U55C"),
            (0x5060, "Alveo U50LV"), (0x506C, "Alveo U50C"), (0x513C, "Alveo U30"), (0x5048, "VCK5000"),
            (0x5094, "Alveo V70"),
        ]
        for (mgmt, model) in pairs {
            t[mgmt] = (model, "mgmt")
            t[mgmt + 1] = (model, "user")
        }
        // Golden (recovery) images expose only a management function.
        for (id, model) in [(0xD000, "Alveo U200"), (0xD004, "Alveo U250"), (0xD00C, "Alveo U280"), (0xD020, "Alveo U50")]
        as [(UInt16, String)] {
            t[id] = (model + " golden image", "mgmt")
        }
        return t
    }()

    /// The filter. Xilinx (0x10ee): every function except bridges (class 0x06xx). AMD (0x1022):
    /// only a processing accelerator (class 0x1200), or a memory controller (0x05xx) / unclassified
    /// (0xffxx) function whose device id is a known Alveo function — never a bridge, so an AMD host's
    /// root complex, IOMMU, crypto engine and the like stay out.
    public static func isFPGAFunction(vendor: UInt16, device: UInt16, classCode: UInt16) -> Bool {
        let base = classCode >> 8
        switch vendor {
        case xilinx: return base != 0x06
        case amd: return classCode == 0x1200 || ((base == 0x05 || base == 0xFF) && alveoFunctions[device] != nil)
        default: return false
        }
    }

    /// Scans the live bus (default libpci access method) or, with `dumpFile`, an `lspci -x`/`-xxx`/
    /// `-xxxx` text dump. `idsFile` overrides the pci.ids database path (tests force the built-in
    /// table with a missing file). Returns the FPGA cards ordered by address.
    public static func scan(dumpFile: String? = nil, idsFile: String? = nil) throws -> [PCICard] {
        var dumpPath = dumpFile
        var temporary: URL?
        if let dumpFile {
            let check = try PCIDumpCheck.validate(dumpFile)
            if check.lacksFinalNewline {
                // libpci rejects an unterminated last line; give it a copy that ends with a newline.
                let url = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-pci-\(UUID().uuidString).txt")
                do { try (check.contents + Data([0x0A])).write(to: url) } catch {
                    throw PCIError("\(dumpFile): cannot make a newline-terminated copy: \(error.localizedDescription)")
                }
                temporary = url
                dumpPath = url.path
            }
        }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        let what = dumpFile.map { "\($0): libpci" } ?? "libpci (live bus)"

        var err = [CChar](repeating: 0, count: 512)
        guard let access = cpci_open(dumpPath, idsFile, &err, Int32(err.count)) else {
            throw PCIError("\(what): \(string(err))")
        }
        defer { cpci_close(access) }

        var functions: [PCIFunction] = []
        var slots: [String: (domain: Int, bus: Int, dev: Int)] = [:]
        var device = cpci_first_device(access)
        while let d = device {
            var info = cpci_info()
            if cpci_describe(d, &info, &err, Int32(err.count)) != 0 {
                throw PCIError("\(what): \(string(err))")
            }
            device = d.pointee.next
            let vendor = UInt16(truncatingIfNeeded: info.vendor_id), dev = UInt16(truncatingIfNeeded: info.device_id)
            let cls = UInt16(truncatingIfNeeded: info.class_code)
            guard isFPGAFunction(vendor: vendor, device: dev, classCode: cls) else { continue }
            let slot = String(format: "%04x:%02x:%02x", info.domain, info.bus, info.dev)
            slots[slot] = (Int(info.domain), Int(info.bus), Int(info.dev))
            let known = alveoFunctions[dev]
            functions.append(PCIFunction(
                address: slot + ".\(info.func)", function: Int(info.func), vendorID: vendor, deviceID: dev,
                subsystemVendorID: UInt16(truncatingIfNeeded: info.subsys_vendor_id),
                subsystemID: UInt16(truncatingIfNeeded: info.subsys_id), classCode: cls, role: known?.role,
                name: try name(access, vendor: vendor, device: dev, what: what),
                link: info.has_express != 0
                    ? PCILink(linkCapabilities: UInt32(truncatingIfNeeded: info.link_cap),
                              linkStatus: UInt16(truncatingIfNeeded: info.link_status)) : nil,
                numaNode: info.numa_node >= 0 ? Int(info.numa_node) : nil))
        }
        return group(functions)
    }

    /// A NUL-terminated C buffer as a String.
    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Groups functions by slot into cards, both ordered by address.
    static func group(_ functions: [PCIFunction]) -> [PCICard] {
        let bySlot = Dictionary(grouping: functions) { String($0.address.dropLast(2)) }
        return bySlot.keys.sorted().map { slot in
            let fs = bySlot[slot]!.sorted { $0.function < $1.function }
            let first = fs[0]
            return PCICard(address: slot, name: first.name, vendorID: first.vendorID, deviceID: first.deviceID,
                           subsystemVendorID: first.subsystemVendorID, subsystemID: first.subsystemID,
                           link: fs.lazy.compactMap(\.link).first, numaNode: fs.lazy.compactMap(\.numaNode).first,
                           functions: fs)
        }
    }

    /// pci.ids' name, else the built-in table's, else `Xilinx device 0xNNNN`.
    static func name(_ access: UnsafeMutablePointer<pci_access>, vendor: UInt16, device: UInt16, what: String) throws -> String {
        var buf = [CChar](repeating: 0, count: 256)
        var err = [CChar](repeating: 0, count: 512)
        switch cpci_device_name(access, UInt32(vendor), UInt32(device), &buf, Int32(buf.count), &err, Int32(err.count)) {
        case 1: return string(buf)
        case 0: break
        default: throw PCIError("\(what): \(string(err))")
        }
        if let known = alveoFunctions[device] { return known.model }
        return String(format: "%@ device 0x%04x", vendor == xilinx ? "Xilinx" : "AMD", device)
    }
}

/// Checks a dump file against what libpci's dump reader would reject (fatally) or silently misread.
enum PCIDumpCheck {
    /// The result: the bytes, and whether the last line lacks its newline (libpci rejects that).
    struct Result {
        var contents: Data
        var lacksFinalNewline: Bool
    }

    /// libpci reads lines with fgets into a 255-byte buffer: a line plus its newline must fit in 254.
    static let maxLineBytes = 253

    /// Validates `path`; throws a `PCIError` naming the file (and line) on the first problem.
    static func validate(_ path: String) throws -> Result {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw PCIError("\(path): no such file")
        }
        if isDir.boolValue { throw PCIError("\(path): is a directory, not an lspci -x dump") }
        guard FileManager.default.isReadableFile(atPath: path), let data = FileManager.default.contents(atPath: path) else {
            throw PCIError("\(path): cannot read (permission denied?)")
        }
        if data.contains(0) { throw PCIError("\(path): not an lspci -x dump (binary data)") }
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        var devices: [(name: String, bytes: Int)] = []
        var inDevice = false
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            if index == lines.count - 1 && raw.isEmpty { break }  // after the final newline
            if raw.count > maxLineBytes {
                throw PCIError("\(path) line \(number): longer than \(maxLineBytes) characters (libpci's limit for dump lines)")
            }
            var line = Array(raw)
            if line.last == 0x0D { line.removeLast() }
            if let address = deviceAddress(line) {
                devices.append((address, 0))
                inDevice = true
            } else if line.isEmpty {
                inDevice = false
            } else if inDevice, let offset = byteLineOffset(line) {
                // The bytes: pairs of hex digits, each followed by a space or the end of the line.
                var i = line.firstIndex(of: 0x20)! + 1
                var at = offset
                while i + 1 < line.count, isHex(line[i]), isHex(line[i + 1]), i + 2 == line.count || line[i + 2] == 0x20 {
                    if at >= 4096 {
                        throw PCIError("\(path) line \(number): config-space offset \(at) beyond 4096 bytes")
                    }
                    at += 1
                    i += 2
                    if i < line.count { i += 1 }
                }
                if i < line.count {
                    throw PCIError("\(path) line \(number): malformed config-space line (expected 'oo: xx xx …')")
                }
                devices[devices.count - 1].bytes = max(devices[devices.count - 1].bytes, at)
            }
        }
        guard !devices.isEmpty else {
            throw PCIError("\(path): not an lspci -x dump (no device line such as '3b:00.0 Processing accelerators: …')")
        }
        if let short = devices.first(where: { $0.bytes < 64 }) {
            throw PCIError("\(path): device \(short.name) has \(short.bytes) bytes of config space (an lspci -x dump has at least 64)")
        }
        return Result(contents: data, lacksFinalNewline: data.last != 0x0A)
    }

    static func isHex(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
    }

    static func hexValue(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 * 16 + Int($1 <= 0x39 ? $1 - 0x30 : ($1 | 0x20) - 0x61 + 10) }
    }

    /// Matches `pattern` ('#' = hex digit, anything else literal) at the start of `line`.
    static func matches(_ line: [UInt8], _ pattern: String) -> Bool {
        let p = Array(pattern.utf8)
        guard line.count >= p.count else { return false }
        for (c, q) in zip(line, p) where q == UInt8(ascii: "#") ? !isHex(c) : c != q { return false }
        return true
    }

    /// `bb:dd.f ` or `dddd:bb:dd.f ` / `ddddd:bb:dd.f ` (libpci's forms; the function is decimal).
    static func deviceAddress(_ line: [UInt8]) -> String? {
        for domainDigits in [0, 4, 5] {
            let pattern = (domainDigits == 0 ? "" : String(repeating: "#", count: domainDigits) + ":") + "##:##.# "
            guard matches(line, pattern) else { continue }
            let fn = line[pattern.utf8.count - 2]
            guard (0x30...0x39).contains(fn) else { return nil }
            return String(decoding: line[..<(pattern.utf8.count - 1)], as: UTF8.self)
        }
        return nil
    }

    /// The offset of a config-space byte line `oo: …` (2 to 8 hex digits), else nil.
    static func byteLineOffset(_ line: [UInt8]) -> Int? {
        for digits in 2...8 where matches(line, String(repeating: "#", count: digits) + ": ") {
            return hexValue(line[0..<digits])
        }
        return nil
    }
}
