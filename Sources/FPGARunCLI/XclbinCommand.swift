import ArgumentParser
import Foundation
import Xclbin

/// `fpgarun xclbin FILE`: what an xclbin holds — identity, sections, kernels, compute units and banks.
struct XclbinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xclbin",
        abstract: "Print an xclbin's uuid, platform, sections, kernels with their arguments, compute units and the memory bank of each argument.",
        discussion: """
        Reads Vitis-built xclbins and the emulated device's DIR/csim/<project>.xclbin that \
        `fpgarun build --target csim` writes (which also names its C-simulation library). --json prints \
        the same as one JSON object with sorted keys.
        """
    )

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Argument(help: "The xclbin file.")
    var file: String

    func run() throws {
        let x = try Xclbin.read(path: file)
        if json {
            let data = try JSONSerialization.data(withJSONObject: Self.jsonObject(x, file: file),
                                                  options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(Self.text(x, file: file), terminator: "")
        }
    }

    /// The C-sim library's absolute path (it is stored relative to the xclbin's folder).
    static func libraryPath(_ x: Xclbin, file: String) -> String? {
        guard let lib = x.csimLibrary else { return nil }
        if lib.hasPrefix("/") { return lib }
        return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(lib).standardizedFileURL.path
    }

    static func hex(_ n: UInt64) -> String { "0x" + String(n, radix: 16) }

    static func kindName(_ a: XclbinArgument) -> String { a.kind?.description ?? "qualifier \(a.addressQualifier)" }

    static func sizeText(kb: UInt64) -> String {
        kb >= 1 << 20 && kb % (1 << 20) == 0 ? "\(kb >> 20) GiB" : kb >= 1 << 10 && kb % (1 << 10) == 0 ? "\(kb >> 10) MiB" : "\(kb) KiB"
    }

    static func text(_ x: Xclbin, file: String) -> String {
        var s = ""
        func line(_ label: String, _ value: String) { s += label.padding(toLength: 14, withPad: " ", startingAt: 0) + value + "\n" }
        line("file", file)
        line("uuid", x.uuid.uuidString.lowercased())
        if let i = x.interfaceUUID { line("interface", i.uuidString.lowercased()) }
        line("platform", x.platformVBNV)
        line("mode", "\(x.mode) (\(x.mode.name))")
        line("created", ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(x.timestamp))))
        line("format", x.version.description)
        if let lib = libraryPath(x, file: file) {
            let found = FileManager.default.fileExists(atPath: lib) ? "" : " (missing: run `fpgarun build --target csim`)"
            line("C-sim library", "\(x.csimLibrary!) -> \(lib)\(found)")
        }
        if !x.metadata.isEmpty {
            line("metadata", x.metadata.keys.sorted().map { "\($0)=\(x.metadata[$0]!)" }.joined(separator: ", "))
        }
        s += "sections (\(x.sections.count))\n"
        for sec in x.sections {
            s += "  \(sec.kind.name.padding(toLength: 22, withPad: " ", startingAt: 0))"
                + "\(String(sec.size).leftPadded(9)) bytes at \(hex(sec.offset))\(sec.name.isEmpty ? "" : "  '\(sec.name)'")\n"
        }
        s += "kernels (\(x.kernels.count))\n"
        for k in x.kernels {
            let n = x.computeUnits(ofKernel: k.name).count
            s += "  \(k.name)  (\(n) compute unit\(n == 1 ? "" : "s"))\n"
            let width = k.args.map(\.name.count).max() ?? 0
            for a in k.args {
                s += "    \(a.index)  \(a.name.padding(toLength: width, withPad: " ", startingAt: 0))  "
                    + "\(kindName(a).padding(toLength: 6, withPad: " ", startingAt: 0))  \(a.type)"
                    + (a.size > 0 ? "  @\(hex(UInt64(a.offset)))" : "") + "\n"
            }
        }
        s += "compute units (\(x.computeUnits.count))\n"
        for cu in x.computeUnits {
            s += "  [\(cu.index)] \(cu.name)  base \(hex(cu.baseAddress))\n"
            guard let k = x.kernel(of: cu) else {
                s += "    (no kernel \(cu.kernelName) in EMBEDDED_METADATA)\n"
                continue
            }
            for a in k.args where a.kind != .scalar {
                let bank = x.bankTag(computeUnit: cu.index, argument: a.index)
                    ?? (a.kind == .stream ? "stream" : "unconnected")
                s += "    \(a.name) -> \(bank)\n"
            }
        }
        let used = x.memories.filter(\.used)
        s += "memories (\(x.memories.count), \(used.count) used)\n"
        for m in used {
            s += "  [\(m.index)] \(m.tag.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                + "\(m.kind?.description ?? "type \(m.type)")  \(sizeText(kb: m.sizeKB)) at \(hex(m.baseAddress))\n"
        }
        return s
    }

    static func jsonObject(_ x: Xclbin, file: String) -> [String: Any] {
        var o: [String: Any] = [
            "file": file,
            "uuid": x.uuid.uuidString.lowercased(),
            "interface_uuid": x.interfaceUUID.map { $0.uuidString.lowercased() } ?? NSNull(),
            "platform": x.platformVBNV,
            "mode": x.mode.name,
            "timestamp": x.timestamp,
            "format_version": x.version.description,
            "csim_library": x.csimLibrary ?? NSNull(),
            "csim_library_path": libraryPath(x, file: file) ?? NSNull(),
            "metadata": x.metadata,
        ]
        o["sections"] = x.sections.map { s -> [String: Any] in
            ["kind": s.kind.name, "kind_value": s.kind.rawValue, "name": s.name, "offset": s.offset, "size": s.size]
        }
        o["kernels"] = x.kernels.map { k -> [String: Any] in
            ["name": k.name, "args": k.args.map { a -> [String: Any] in
                ["index": a.index, "name": a.name, "kind": kindName(a), "address_qualifier": a.addressQualifier,
                 "type": a.type, "size": a.size, "offset": a.offset, "port": a.port]
            }]
        }
        o["compute_units"] = x.computeUnits.map { cu -> [String: Any] in
            let args = x.kernel(of: cu)?.args ?? []
            let conns = x.connections.filter { $0.cuIndex == cu.index }.map { c -> [String: Any] in
                ["arg": c.argIndex, "arg_name": args.first { $0.index == c.argIndex }?.name ?? NSNull(),
                 "memory": c.memIndex, "tag": x.memories[c.memIndex].tag]
            }
            return ["index": cu.index, "name": cu.name, "kernel": cu.kernelName, "instance": cu.instanceName,
                    "base_address": cu.baseAddress, "connections": conns]
        }
        o["memories"] = x.memories.map { m -> [String: Any] in
            ["index": m.index, "tag": m.tag, "type": m.kind?.description ?? "\(m.type)", "used": m.used,
             "base_address": m.baseAddress, "size_kb": m.sizeKB]
        }
        return o
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
