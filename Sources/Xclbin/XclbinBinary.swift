// Reading and writing the binary container. Offsets come from xrt/xclbin.h (all little-endian, C
// natural alignment); XclbinTests compares every one of them with what gcc computes from the header.
//
// Reading checks, in order: the fixed header fits, the magic, m_length against the file size, the
// section table fits, each section lies inside m_length, the four sections XRT needs are present,
// and each payload's entry count fits its section. Every failure is one XclbinError naming the file.

import Foundation

/// Byte offsets and sizes of xclbin.h's structs.
enum Layout {
    // struct axlf
    static let magic = 0, signatureLength = 8, reserved = 12, keyBlock = 40, uniqueId = 296, header = 304
    // struct axlf_header, absolute offsets (header + field offset)
    static let length = 304, timeStamp = 312, featureRomTimeStamp = 320, versionPatch = 328, versionMajor = 330,
               versionMinor = 331, mode = 332, actionMask = 334, interfaceUUID = 336, platformVBNV = 352,
               uuid = 416, debugBin = 432, numSections = 448
    static let headerSize = 152
    /// Where the section table starts: sizeof(axlf) minus the one section header it declares.
    static let sectionTable = 456
    static let axlfSize = 496
    // struct axlf_section_header
    static let sectionHeaderSize = 40, sectionKind = 0, sectionName = 4, sectionOffset = 24, sectionSize = 32
    static let sectionNameBytes = 16
    static let maxSections = 0x10000
    // struct mem_topology / mem_data
    static let memArray = 8, memDataSize = 40, memTopologySize = 48
    static let memType = 0, memUsed = 1, memSize = 8, memBase = 16, memTag = 24, memTagBytes = 16
    // struct connectivity / connection
    static let connArray = 4, connectionSize = 12, connectivitySize = 16
    static let connArg = 0, connIP = 4, connMem = 8
    // struct ip_layout / ip_data
    static let ipArray = 8, ipDataSize = 80, ipLayoutSize = 88
    static let ipType = 0, ipProperties = 4, ipBase = 8, ipName = 16, ipNameBytes = 64
    static let vbnvBytes = 64, debugBinBytes = 16
    static let magicBytes: [UInt8] = Array("xclbin2".utf8) + [0]
}

// MARK: - little-endian access

extension [UInt8] {
    func le<T: FixedWidthInteger>(_ offset: Int, as: T.Type = T.self) -> T {
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(truncatingIfNeeded: self[offset + i]) << (8 * i) }
        return v
    }

    mutating func putLE<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for i in 0..<MemoryLayout<T>.size { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    /// A NUL-terminated string in a fixed field (the whole field when it has no NUL).
    func cString(_ offset: Int, max: Int) -> String {
        let field = self[offset..<(offset + max)]
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[offset..<end], as: UTF8.self)
    }

    mutating func putCString(_ s: String, at offset: Int, max: Int) {
        let bytes = Array(s.utf8)
        precondition(bytes.count < max)
        for (i, b) in bytes.enumerated() { self[offset + i] = b }
    }

    func uuid(_ offset: Int) -> UUID {
        let b = Array(self[offset..<(offset + 16)])
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                           b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    mutating func putUUID(_ u: UUID, at offset: Int) {
        Swift.withUnsafeBytes(of: u.uuid) { raw in for i in 0..<16 { self[offset + i] = raw[i] } }
    }
}

// MARK: - reading

extension Xclbin {
    /// The four sections XRT needs to open kernels and allocate buffers.
    static let requiredKinds: [XclbinSectionKind] = [.embeddedMetadata, .memTopology, .connectivity, .ipLayout]

    /// Reads and parses the xclbin at `path`.
    public static func read(path: String) throws -> Xclbin {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
                throw XclbinError(isDir.boolValue ? "\(path): is a folder, not an xclbin" : "\(path): cannot read the file")
            }
            throw XclbinError("\(path): no such file")
        }
        return try parse([UInt8](data), name: path)
    }

    /// Parses xclbin bytes; `name` (a path) starts every error message.
    public static func parse(_ bytes: [UInt8], name: String) throws -> Xclbin {
        func fail(_ what: String) -> XclbinError { XclbinError("\(name): \(what)") }
        if bytes.count >= 8, Array(bytes[0..<8]) != Layout.magicBytes {
            throw fail("not an xclbin (bad magic)")
        }
        guard bytes.count >= Layout.sectionTable else {
            if bytes.count < 8 { throw fail("not an xclbin (\(bytes.count) bytes; the header alone is \(Layout.sectionTable))") }
            throw fail("truncated: the header needs \(Layout.sectionTable) bytes, file has \(bytes.count)")
        }
        let length = bytes.le(Layout.length, as: UInt64.self)
        guard length <= UInt64(bytes.count) else {
            throw fail("truncated: header says \(length) bytes, file has \(bytes.count)")
        }
        guard length >= UInt64(Layout.sectionTable) else {
            throw fail("corrupt header: length \(length) is shorter than the header (\(Layout.sectionTable) bytes)")
        }
        let count = Int(bytes.le(Layout.numSections, as: UInt32.self))
        guard count <= Layout.maxSections,
              UInt64(Layout.sectionTable + count * Layout.sectionHeaderSize) <= length else {
            throw fail("section table out of bounds: \(count) sections do not fit in \(length) bytes")
        }
        var sections: [XclbinSection] = []
        for i in 0..<count {
            let h = Layout.sectionTable + i * Layout.sectionHeaderSize
            let kind = XclbinSectionKind(rawValue: bytes.le(h + Layout.sectionKind))
            let offset: UInt64 = bytes.le(h + Layout.sectionOffset), size: UInt64 = bytes.le(h + Layout.sectionSize)
            guard offset <= length, size <= length - offset else {
                throw fail("section \(kind) out of bounds: bytes \(offset)+\(size) beyond the file's \(length)")
            }
            var section = XclbinSection(kind: kind, name: bytes.cString(h + Layout.sectionName, max: Layout.sectionNameBytes),
                                        offset: offset, data: Array(bytes[Int(offset)..<Int(offset + size)]))
            section.size = size
            sections.append(section)
        }
        for kind in requiredKinds where !sections.contains(where: { $0.kind == kind }) {
            throw fail("missing \(kind) section")
        }
        guard let mode = XclbinMode(rawValue: bytes.le(Layout.mode)) else {
            throw fail("unknown mode \(bytes.le(Layout.mode, as: UInt16.self)) in the header")
        }
        let noInterface = bytes[Layout.interfaceUUID..<(Layout.interfaceUUID + 16)].allSatisfy { $0 == 0 }
        var x = Xclbin(
            uuid: bytes.uuid(Layout.uuid),
            interfaceUUID: noInterface ? nil : bytes.uuid(Layout.interfaceUUID),
            platformVBNV: bytes.cString(Layout.platformVBNV, max: Layout.vbnvBytes), mode: mode,
            timestamp: bytes.le(Layout.timeStamp),
            version: XclbinVersion(major: bytes.le(Layout.versionMajor), minor: bytes.le(Layout.versionMinor),
                                   patch: bytes.le(Layout.versionPatch)),
            sections: sections)
        func payload(_ kind: XclbinSectionKind) -> [UInt8] { sections.first { $0.kind == kind }!.data }

        // MEM_TOPOLOGY
        let mem = payload(.memTopology)
        let memCount = try entryCount(mem, kind: .memTopology, array: Layout.memArray, entry: Layout.memDataSize, fail)
        for i in 0..<memCount {
            let e = Layout.memArray + i * Layout.memDataSize
            x.memories.append(XclbinMemory(index: i, tag: mem.cString(e + Layout.memTag, max: Layout.memTagBytes),
                                           type: mem[e + Layout.memType], used: mem[e + Layout.memUsed] != 0,
                                           baseAddress: mem.le(e + Layout.memBase), sizeKB: mem.le(e + Layout.memSize)))
        }
        // IP_LAYOUT
        let ip = payload(.ipLayout)
        let ipCount = try entryCount(ip, kind: .ipLayout, array: Layout.ipArray, entry: Layout.ipDataSize, fail)
        for i in 0..<ipCount {
            let e = Layout.ipArray + i * Layout.ipDataSize
            let unit = XclbinComputeUnit(name: ip.cString(e + Layout.ipName, max: Layout.ipNameBytes), index: i,
                                         baseAddress: ip.le(e + Layout.ipBase), ipType: ip.le(e + Layout.ipType),
                                         properties: ip.le(e + Layout.ipProperties))
            if unit.ipType == XclbinComputeUnit.ipKernel { x.computeUnits.append(unit) } else { x.otherIPs.append(unit) }
        }
        // CONNECTIVITY
        let conn = payload(.connectivity)
        let connCount = try entryCount(conn, kind: .connectivity, array: Layout.connArray, entry: Layout.connectionSize, fail)
        for i in 0..<connCount {
            let e = Layout.connArray + i * Layout.connectionSize
            let c = XclbinConnection(argIndex: Int(conn.le(e + Layout.connArg, as: Int32.self)),
                                     cuIndex: Int(conn.le(e + Layout.connIP, as: Int32.self)),
                                     memIndex: Int(conn.le(e + Layout.connMem, as: Int32.self)))
            guard (0..<ipCount).contains(c.cuIndex), (0..<memCount).contains(c.memIndex), c.argIndex >= 0 else {
                throw fail("CONNECTIVITY entry \(i) (arg \(c.argIndex), ip \(c.cuIndex), memory \(c.memIndex)) points outside IP_LAYOUT (\(ipCount)) or MEM_TOPOLOGY (\(memCount))")
            }
            x.connections.append(c)
        }
        // EMBEDDED_METADATA
        x.kernels = try MetadataXML.parseKernels(payload(.embeddedMetadata), name: name)
        // fpgarun's USER_METADATA
        if let user = sections.first(where: { $0.kind == .userMetadata && $0.name == FpgarunMetadata.sectionName }) {
            var values = try FpgarunMetadata.decode(user.data, name: name)
            x.csimLibrary = values.removeValue(forKey: FpgarunMetadata.csimLibraryKey)
            x.metadata = values
        }
        return x
    }

    /// The entry count of an array section, checked against the section's size.
    private static func entryCount(_ data: [UInt8], kind: XclbinSectionKind, array: Int, entry: Int,
                                   _ fail: (String) -> XclbinError) throws -> Int {
        guard data.count >= 4 else { throw fail("\(kind) section truncated: \(data.count) bytes, no entry count") }
        let count = Int(data.le(0, as: Int32.self))
        guard count >= 0 else { throw fail("\(kind) section has a negative entry count \(count)") }
        let need = array + count * entry
        guard count == 0 || need <= data.count else {
            throw fail("\(kind) section truncated: \(count) entries need \(need) bytes, section has \(data.count)")
        }
        return count
    }
}

// MARK: - writing

extension Xclbin {
    /// The file's bytes: the typed fields become MEM_TOPOLOGY, CONNECTIVITY, IP_LAYOUT, EMBEDDED_METADATA
    /// and (with a C-sim library or metadata) USER_METADATA "fpgarun"; every other section in
    /// `sections` is copied as it is.
    public func encoded() throws -> [UInt8] {
        func fail(_ what: String) -> XclbinError { XclbinError("xclbin for \(platformVBNV): \(what)") }
        try checkFits(platformVBNV, Layout.vbnvBytes, "platform name", fail)
        let ips = (computeUnits + otherIPs).sorted { $0.index < $1.index }
        guard ips.map(\.index) == Array(0..<ips.count) else {
            throw fail("IP_LAYOUT indices must be 0..<\(ips.count), got \(ips.map(\.index))")
        }
        guard memories.map(\.index) == Array(0..<memories.count) else {
            throw fail("MEM_TOPOLOGY indices must be 0..<\(memories.count), got \(memories.map(\.index))")
        }
        for c in connections {
            guard ips.indices.contains(c.cuIndex), memories.indices.contains(c.memIndex), c.argIndex >= 0,
                  c.argIndex <= Int(Int32.max) else {
                throw fail("connection (arg \(c.argIndex), compute unit \(c.cuIndex), memory \(c.memIndex)) points outside IP_LAYOUT or MEM_TOPOLOGY")
            }
        }

        var mem = [UInt8](repeating: 0, count: max(Layout.memTopologySize, Layout.memArray + memories.count * Layout.memDataSize))
        mem.putLE(Int32(memories.count), at: 0)
        for m in memories {
            try checkFits(m.tag, Layout.memTagBytes, "memory tag", fail)
            let e = Layout.memArray + m.index * Layout.memDataSize
            mem[e + Layout.memType] = m.type
            mem[e + Layout.memUsed] = m.used ? 1 : 0
            mem.putLE(m.sizeKB, at: e + Layout.memSize)
            mem.putLE(m.baseAddress, at: e + Layout.memBase)
            mem.putCString(m.tag, at: e + Layout.memTag, max: Layout.memTagBytes)
        }
        var conn = [UInt8](repeating: 0, count: max(Layout.connectivitySize, Layout.connArray + connections.count * Layout.connectionSize))
        conn.putLE(Int32(connections.count), at: 0)
        for (i, c) in connections.enumerated() {
            let e = Layout.connArray + i * Layout.connectionSize
            conn.putLE(Int32(c.argIndex), at: e + Layout.connArg)
            conn.putLE(Int32(c.cuIndex), at: e + Layout.connIP)
            conn.putLE(Int32(c.memIndex), at: e + Layout.connMem)
        }
        var ip = [UInt8](repeating: 0, count: max(Layout.ipLayoutSize, Layout.ipArray + ips.count * Layout.ipDataSize))
        ip.putLE(Int32(ips.count), at: 0)
        for u in ips {
            try checkFits(u.name, Layout.ipNameBytes, "IP name", fail)
            let e = Layout.ipArray + u.index * Layout.ipDataSize
            ip.putLE(u.ipType, at: e + Layout.ipType)
            ip.putLE(u.properties, at: e + Layout.ipProperties)
            ip.putLE(u.baseAddress, at: e + Layout.ipBase)
            ip.putCString(u.name, at: e + Layout.ipName, max: Layout.ipNameBytes)
        }
        let xml = try MetadataXML.render(self, fail)

        var out: [XclbinSection] = [
            XclbinSection(kind: .memTopology, data: mem),
            XclbinSection(kind: .connectivity, data: conn),
            XclbinSection(kind: .ipLayout, data: ip),
            XclbinSection(kind: .embeddedMetadata, data: xml),
        ]
        var values = metadata
        if let lib = csimLibrary { values[FpgarunMetadata.csimLibraryKey] = lib }
        if !values.isEmpty {
            out.append(XclbinSection(kind: .userMetadata, name: FpgarunMetadata.sectionName,
                                     data: try FpgarunMetadata.encode(values)))
        }
        let generated: Set<XclbinSectionKind> = [.memTopology, .connectivity, .ipLayout, .embeddedMetadata]
        for s in sections where !generated.contains(s.kind)
            && !(s.kind == .userMetadata && s.name == FpgarunMetadata.sectionName) {
            try checkFits(s.name, Layout.sectionNameBytes, "section name", fail)
            out.append(XclbinSection(kind: s.kind, name: s.name, data: s.data))
        }

        // Lay out: header, section table, then each payload at an 8-byte boundary.
        var offset = align8(Layout.sectionTable + out.count * Layout.sectionHeaderSize)
        for i in out.indices {
            out[i].offset = UInt64(offset)
            offset = align8(offset + out[i].data.count)
        }
        var bytes = [UInt8](repeating: 0, count: max(offset, Layout.axlfSize))
        for (i, b) in Layout.magicBytes.enumerated() { bytes[Layout.magic + i] = b }
        bytes.putLE(Int32(-1), at: Layout.signatureLength)  // unsigned
        for i in 0..<28 { bytes[Layout.reserved + i] = 0xFF }
        for i in 0..<256 { bytes[Layout.keyBlock + i] = 0xFF }
        withUnsafeBytes(of: uuid.uuid) { raw in
            var id: UInt64 = 0
            for i in 0..<8 { id |= UInt64(raw[i]) << (8 * i) }
            bytes.putLE(id, at: Layout.uniqueId)
        }
        bytes.putLE(UInt64(bytes.count), at: Layout.length)
        bytes.putLE(timestamp, at: Layout.timeStamp)
        bytes.putLE(version.patch, at: Layout.versionPatch)
        bytes[Layout.versionMajor] = version.major
        bytes[Layout.versionMinor] = version.minor
        bytes.putLE(mode.rawValue, at: Layout.mode)
        if let iface = interfaceUUID { bytes.putUUID(iface, at: Layout.interfaceUUID) }
        bytes.putCString(platformVBNV, at: Layout.platformVBNV, max: Layout.vbnvBytes)
        bytes.putUUID(uuid, at: Layout.uuid)
        bytes.putLE(UInt32(out.count), at: Layout.numSections)
        for (i, s) in out.enumerated() {
            let h = Layout.sectionTable + i * Layout.sectionHeaderSize
            bytes.putLE(s.kind.rawValue, at: h + Layout.sectionKind)
            bytes.putCString(s.name, at: h + Layout.sectionName, max: Layout.sectionNameBytes)
            bytes.putLE(s.offset, at: h + Layout.sectionOffset)
            bytes.putLE(UInt64(s.data.count), at: h + Layout.sectionSize)
            bytes.replaceSubrange(Int(s.offset)..<(Int(s.offset) + s.data.count), with: s.data)
        }
        return bytes
    }

    /// Writes the xclbin to `path` atomically (a temporary file beside it, then a rename).
    public func write(to path: String) throws {
        let bytes = try encoded()
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temp)
            // rename(2) replaces the target in one step (FileManager's replace is not atomic on Linux).
            guard rename(temp.path, url.path) == 0 else {
                throw XclbinError(String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw XclbinError("\(path): cannot write: \((error as? XclbinError)?.message ?? error.localizedDescription)")
        }
    }

    private func checkFits(_ s: String, _ field: Int, _ what: String, _ fail: (String) -> XclbinError) throws {
        guard s.utf8.count < field, !s.utf8.contains(0) else {
            throw fail("\(what) '\(s)' does not fit its \(field)-byte field (at most \(field - 1) bytes)")
        }
    }
}

func align8(_ n: Int) -> Int { (n + 7) & ~7 }

/// fpgarun's key/value metadata in a USER_METADATA section: `{"fpgarun": {"key": "value", ...}}`.
enum FpgarunMetadata {
    static let sectionName = "fpgarun"
    static let csimLibraryKey = "csim_library"

    static func encode(_ values: [String: String]) throws -> [UInt8] {
        let data = try JSONSerialization.data(withJSONObject: ["fpgarun": values], options: [.sortedKeys])
        return [UInt8](data)
    }

    static func decode(_ bytes: [UInt8], name: String) throws -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let values = object["fpgarun"] as? [String: String] else {
            throw XclbinError("\(name): USER_METADATA 'fpgarun' is not a JSON object {\"fpgarun\": {key: string}}")
        }
        return values
    }
}
