// The xclbin2 container as typed values. An xclbin is a fixed 456-byte header (`struct axlf` up to its
// section table), a table of 40-byte section headers, then each section's payload at an 8-byte
// aligned offset. fpgarun reads the four sections XRT needs to run kernels (EMBEDDED_METADATA,
// MEM_TOPOLOGY, CONNECTIVITY, IP_LAYOUT) into typed arrays and keeps every section's bytes, so a
// hardware xclbin read and written again keeps its bitstream and other sections untouched.
//
// fpgarun's own metadata (the C-sim library of an emulated xclbin) lives in a USER_METADATA section
// named "fpgarun" holding a small JSON object: XRT ignores USER_METADATA, and KEYVALUE_METADATA has a
// schema of its own that xclbinutil validates.

import Foundation

/// An xclbin file: header fields, sections, and the kernel metadata XRT runs kernels from.
public struct Xclbin: Sendable, Equatable {
    /// The xclbin's own uuid (`m_header.uuid`); XRT matches loaded xclbins by it.
    public var uuid: UUID
    /// The shell interface uuid the xclbin was linked against (`m_interface_uuid`); nil when all zero.
    public var interfaceUUID: UUID?
    /// The platform (shell) name, e.g. "xilinx_u250_gen3x16_xdma_4_1_202210_1".
    public var platformVBNV: String
    /// What the xclbin was built for: hardware, hardware or software emulation.
    public var mode: XclbinMode
    /// Seconds since the epoch when the file was made (`m_timeStamp`).
    public var timestamp: UInt64
    /// The xclbin format version (`m_versionMajor.m_versionMinor.m_versionPatch`).
    public var version: XclbinVersion
    /// Every section in file order, with its bytes (after `encoded()`, the sections it wrote).
    public var sections: [XclbinSection]
    /// The kernels of EMBEDDED_METADATA with their arguments.
    public var kernels: [XclbinKernel]
    /// IP_LAYOUT's kernel instances (IP_KERNEL entries); `index` is the position in IP_LAYOUT.
    public var computeUnits: [XclbinComputeUnit]
    /// IP_LAYOUT entries that are not kernels (memory controllers and the like), kept for writing back.
    public var otherIPs: [XclbinComputeUnit]
    /// MEM_TOPOLOGY's memories in file order (`index` is the position).
    public var memories: [XclbinMemory]
    /// CONNECTIVITY: which memory each kernel argument of each compute unit is wired to.
    public var connections: [XclbinConnection]
    /// For fpgarun's emulated xclbins: the C-sim library path, relative to the xclbin's folder.
    public var csimLibrary: String?
    /// Further fpgarun key/value metadata (USER_METADATA "fpgarun"), e.g. the project name.
    public var metadata: [String: String]

    /// An xclbin with the given identity and no kernels; fill in the arrays, then `encoded()`.
    public init(uuid: UUID = UUID(), interfaceUUID: UUID? = nil, platformVBNV: String, mode: XclbinMode = .flat,
                timestamp: UInt64 = UInt64(Date().timeIntervalSince1970), version: XclbinVersion = .init(),
                sections: [XclbinSection] = [], kernels: [XclbinKernel] = [], computeUnits: [XclbinComputeUnit] = [],
                otherIPs: [XclbinComputeUnit] = [], memories: [XclbinMemory] = [],
                connections: [XclbinConnection] = [], csimLibrary: String? = nil, metadata: [String: String] = [:]) {
        self.uuid = uuid
        self.interfaceUUID = interfaceUUID
        self.platformVBNV = platformVBNV
        self.mode = mode
        self.timestamp = timestamp
        self.version = version
        self.sections = sections
        self.kernels = kernels
        self.computeUnits = computeUnits
        self.otherIPs = otherIPs
        self.memories = memories
        self.connections = connections
        self.csimLibrary = csimLibrary
        self.metadata = metadata
    }

    /// The memory index (MEM_TOPOLOGY position) argument `argument` of compute unit `cu` (its
    /// IP_LAYOUT index) is connected to; nil for an unconnected argument (a scalar).
    public func bank(computeUnit cu: Int, argument: Int) -> Int? {
        connections.first { $0.cuIndex == cu && $0.argIndex == argument }?.memIndex
    }

    /// The memory tag ("DDR[1]") argument `argument` of compute unit `cu` is connected to.
    public func bankTag(computeUnit cu: Int, argument: Int) -> String? {
        guard let m = bank(computeUnit: cu, argument: argument), memories.indices.contains(m) else { return nil }
        return memories[m].tag
    }

    /// The kernel a compute unit instantiates.
    public func kernel(of cu: XclbinComputeUnit) -> XclbinKernel? {
        kernels.first { $0.name == cu.kernelName }
    }

    /// The compute units of kernel `name`, in IP_LAYOUT order.
    public func computeUnits(ofKernel name: String) -> [XclbinComputeUnit] {
        computeUnits.filter { $0.kernelName == name }
    }

    /// The first section of `kind`, if any.
    public func section(_ kind: XclbinSectionKind) -> XclbinSection? {
        sections.first { $0.kind == kind }
    }
}

/// `m_mode`: what an xclbin targets.
public enum XclbinMode: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case flat = 0, pr, tandemStage2, tandemStage2WithPR, hwEmu, swEmu, hwEmuPR

    /// The enumerator name in xclbin.h, e.g. "XCLBIN_SW_EMU".
    public var name: String {
        ["XCLBIN_FLAT", "XCLBIN_PR", "XCLBIN_TANDEM_STAGE2", "XCLBIN_TANDEM_STAGE2_WITH_PR", "XCLBIN_HW_EMU",
         "XCLBIN_SW_EMU", "XCLBIN_HW_EMU_PR"][Int(rawValue)]
    }

    public var description: String {
        switch self {
        case .flat: "hw (flat)"
        case .pr: "hw (partial reconfiguration)"
        case .tandemStage2: "hw (tandem stage 2)"
        case .tandemStage2WithPR: "hw (tandem stage 2 with PR)"
        case .hwEmu: "hw_emu"
        case .swEmu: "sw_emu"
        case .hwEmuPR: "hw_emu (PR)"
        }
    }
}

/// The xclbin format version in the header.
public struct XclbinVersion: Sendable, Equatable, CustomStringConvertible {
    /// `m_versionMajor`.
    public var major: UInt8
    /// `m_versionMinor`.
    public var minor: UInt8
    /// `m_versionPatch`.
    public var patch: UInt16

    /// A version; the default is XRT 2.13's (the XRT on this machine).
    public init(major: UInt8 = 2, minor: UInt8 = 13, patch: UInt16 = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public var description: String { "\(major).\(minor).\(patch)" }
}

/// A section kind (`enum axlf_section_kind`); unknown values are kept as numbers.
public struct XclbinSectionKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let bitstream = Self(rawValue: 0)
    public static let embeddedMetadata = Self(rawValue: 2)
    public static let memTopology = Self(rawValue: 6)
    public static let connectivity = Self(rawValue: 7)
    public static let ipLayout = Self(rawValue: 8)
    public static let debugIPLayout = Self(rawValue: 9)
    public static let clockFreqTopology = Self(rawValue: 11)
    public static let buildMetadata = Self(rawValue: 14)
    public static let keyValueMetadata = Self(rawValue: 15)
    public static let userMetadata = Self(rawValue: 16)
    public static let groupTopology = Self(rawValue: 26)
    public static let groupConnectivity = Self(rawValue: 27)

    /// The enumerator names of xclbin.h, by value.
    static let names = [
        "BITSTREAM", "CLEARING_BITSTREAM", "EMBEDDED_METADATA", "FIRMWARE", "DEBUG_DATA", "SCHED_FIRMWARE",
        "MEM_TOPOLOGY", "CONNECTIVITY", "IP_LAYOUT", "DEBUG_IP_LAYOUT", "DESIGN_CHECK_POINT",
        "CLOCK_FREQ_TOPOLOGY", "MCS", "BMC", "BUILD_METADATA", "KEYVALUE_METADATA", "USER_METADATA",
        "DNA_CERTIFICATE", "PDI", "BITSTREAM_PARTIAL_PDI", "PARTITION_METADATA", "EMULATION_DATA",
        "SYSTEM_METADATA", "SOFT_KERNEL", "ASK_FLASH", "AIE_METADATA", "ASK_GROUP_TOPOLOGY",
        "ASK_GROUP_CONNECTIVITY", "SMARTNIC", "AIE_RESOURCES", "OVERLAY", "VENDER_METADATA",
    ]

    /// The xclbin.h name ("MEM_TOPOLOGY"), or the number for a kind this table does not know.
    public var name: String {
        rawValue < Self.names.count ? Self.names[Int(rawValue)] : "KIND_\(rawValue)"
    }

    public var description: String { name }
}

/// One section: its header fields and its bytes.
public struct XclbinSection: Sendable, Equatable {
    /// `m_sectionKind`.
    public var kind: XclbinSectionKind
    /// `m_sectionName` (at most 15 bytes).
    public var name: String
    /// `m_sectionOffset`: where the bytes start in the file.
    public var offset: UInt64
    /// `m_sectionSize`.
    public var size: UInt64
    /// The section's bytes.
    public var data: [UInt8]

    /// A section to write (offset and size are set by the writer).
    public init(kind: XclbinSectionKind, name: String = "", offset: UInt64 = 0, data: [UInt8]) {
        self.kind = kind
        self.name = name
        self.offset = offset
        self.size = UInt64(data.count)
        self.data = data
    }
}

/// A kernel of EMBEDDED_METADATA.
public struct XclbinKernel: Sendable, Equatable {
    /// The kernel (function) name.
    public var name: String
    /// The arguments, in `id` order.
    public var args: [XclbinArgument]
    /// The kernel's interfaces (`<port>`): AXI masters, streams and the s_axilite control slave.
    /// Empty when writing: the writer derives them from the arguments.
    public var ports: [XclbinPort]
    /// `language`: "c" for HLS kernels, "ip" for RTL.
    public var language: String
    /// `vlnv`: vendor:library:name:version.
    public var vlnv: String
    /// `hwControlProtocol` ("ap_ctrl_hs", "ap_ctrl_chain", "ap_ctrl_none"); nil when absent.
    public var controlProtocol: String?

    /// A kernel; `vlnv` defaults to Vitis HLS's "xilinx.com:hls:NAME:1.0".
    public init(name: String, args: [XclbinArgument], ports: [XclbinPort] = [], language: String = "c",
                vlnv: String? = nil, controlProtocol: String? = "ap_ctrl_hs") {
        self.name = name
        self.args = args
        self.ports = ports
        self.language = language
        self.vlnv = vlnv ?? "xilinx.com:hls:\(name):1.0"
        self.controlProtocol = controlProtocol
    }
}

/// One kernel argument (`<arg>`).
public struct XclbinArgument: Sendable, Equatable {
    /// `addressQualifier` values.
    public enum Kind: UInt32, Sendable, CustomStringConvertible {
        case scalar = 0, global = 1, constant = 2, local = 3, stream = 4
        public var description: String {
            switch self {
            case .scalar: "scalar"
            case .global: "global"
            case .constant: "constant"
            case .local: "local"
            case .stream: "stream"
            }
        }
    }

    /// The argument name.
    public var name: String
    /// Its position in the kernel's signature (`id`).
    public var index: Int
    /// `addressQualifier`: 0 scalar, 1 global memory, 4 stream.
    public var addressQualifier: UInt32
    /// The C type as v++ spells it, e.g. "int*", "unsigned int", "stream<ap_axiu<512,0,0,0>>&".
    public var type: String
    /// Bytes the argument takes in the control registers (8 for a pointer, 4 for a 32-bit scalar).
    public var size: Int
    /// Offset of its control register (0x10 for the first argument of an HLS kernel).
    public var offset: Int
    /// The kernel port it travels on ("M_AXI_GMEM0", "S_AXI_CONTROL", a stream name).
    public var port: String
    /// `hostOffset`.
    public var hostOffset: Int
    /// `hostSize`: bytes the host passes (8 for a pointer).
    public var hostSize: Int

    /// An argument; hostSize defaults to size.
    public init(name: String, index: Int, addressQualifier: UInt32, type: String, size: Int, offset: Int,
                port: String, hostOffset: Int = 0, hostSize: Int? = nil) {
        self.name = name
        self.index = index
        self.addressQualifier = addressQualifier
        self.type = type
        self.size = size
        self.offset = offset
        self.port = port
        self.hostOffset = hostOffset
        self.hostSize = hostSize ?? size
    }

    /// The kind named by `addressQualifier`, nil for a value xclbin.h does not define.
    public var kind: Kind? { Kind(rawValue: addressQualifier) }
}

/// One kernel interface (`<port>`).
public struct XclbinPort: Sendable, Equatable {
    /// The interface name, e.g. "M_AXI_GMEM0".
    public var name: String
    /// "master", "slave", "read_only" or "write_only".
    public var mode: String
    /// Address range ("0xFFFFFFFF" for a master, the register map size for the slave, "" for a stream).
    public var range: String
    /// Data width in bits.
    public var dataWidth: Int
    /// "addressable" or "stream".
    public var portType: String
    /// Base address ("0x0"; "" for a stream).
    public var base: String

    /// A port.
    public init(name: String, mode: String, range: String, dataWidth: Int, portType: String, base: String) {
        self.name = name
        self.mode = mode
        self.range = range
        self.dataWidth = dataWidth
        self.portType = portType
        self.base = base
    }
}

/// One IP_LAYOUT entry; for a kernel, a compute unit.
public struct XclbinComputeUnit: Sendable, Equatable {
    /// `enum IP_TYPE` values.
    public static let ipKernel: UInt32 = 1
    /// The IP name: "kernel:instance" for a compute unit, e.g. "k_mm:k_mm_1".
    public var name: String
    /// Position in IP_LAYOUT (CONNECTIVITY's `m_ip_layout_index`).
    public var index: Int
    /// Base address of the control registers.
    public var baseAddress: UInt64
    /// `m_type` (1 = IP_KERNEL).
    public var ipType: UInt32
    /// `properties`: bit 0 interrupt enable, bits 1-7 interrupt id, bits 8-15 control protocol.
    public var properties: UInt32

    /// A compute unit named "kernel:instance".
    public init(name: String, index: Int, baseAddress: UInt64, ipType: UInt32 = XclbinComputeUnit.ipKernel,
                properties: UInt32 = 1) {
        self.name = name
        self.index = index
        self.baseAddress = baseAddress
        self.ipType = ipType
        self.properties = properties
    }

    /// The kernel part of the name ("k_mm" of "k_mm:k_mm_1").
    public var kernelName: String {
        name.firstIndex(of: ":").map { String(name[..<$0]) } ?? name
    }

    /// The instance part of the name ("k_mm_1" of "k_mm:k_mm_1").
    public var instanceName: String {
        name.firstIndex(of: ":").map { String(name[name.index(after: $0)...]) } ?? name
    }

    /// `IP_CONTROL` from the properties: 0 ap_ctrl_hs, 1 ap_ctrl_chain, 2 ap_ctrl_none.
    public var controlProtocol: UInt32 { (properties & 0xFF00) >> 8 }
}

/// One MEM_TOPOLOGY entry.
public struct XclbinMemory: Sendable, Equatable {
    /// `enum MEM_TYPE` values.
    public enum Kind: UInt8, Sendable, CustomStringConvertible {
        case ddr3 = 0, ddr4, dram, streaming, preallocatedGlobal, aurora, hbm, bram, uram, streamingConnection,
             host, psKernel
        public var description: String {
            ["MEM_DDR3", "MEM_DDR4", "MEM_DRAM", "MEM_STREAMING", "MEM_PREALLOCATED_GLOB", "MEM_ARE", "MEM_HBM",
             "MEM_BRAM", "MEM_URAM", "MEM_STREAMING_CONNECTION", "MEM_HOST", "MEM_PS_KERNEL"][Int(rawValue)]
        }
    }

    /// Position in MEM_TOPOLOGY (CONNECTIVITY's `mem_data_index`).
    public var index: Int
    /// `m_tag`, e.g. "DDR[0]", "HBM[3]" (at most 15 bytes).
    public var tag: String
    /// `m_type` (see `Kind`).
    public var type: UInt8
    /// `m_used`: whether anything is connected to it (XRT allocates only in used banks).
    public var used: Bool
    /// `m_base_address` (for streams, the flow id).
    public var baseAddress: UInt64
    /// `m_size` in KiB (for streams, the route id).
    public var sizeKB: UInt64

    /// A memory.
    public init(index: Int, tag: String, type: UInt8, used: Bool, baseAddress: UInt64, sizeKB: UInt64) {
        self.index = index
        self.tag = tag
        self.type = type
        self.used = used
        self.baseAddress = baseAddress
        self.sizeKB = sizeKB
    }

    /// The type as xclbin.h names it, nil for an unknown value.
    public var kind: Kind? { Kind(rawValue: type) }
}

/// One CONNECTIVITY entry: argument `argIndex` of compute unit `cuIndex` is wired to memory `memIndex`.
public struct XclbinConnection: Sendable, Equatable {
    /// The kernel argument (`arg_index`).
    public var argIndex: Int
    /// The compute unit's IP_LAYOUT index (`m_ip_layout_index`).
    public var cuIndex: Int
    /// The MEM_TOPOLOGY index (`mem_data_index`).
    public var memIndex: Int

    /// A connection.
    public init(argIndex: Int, cuIndex: Int, memIndex: Int) {
        self.argIndex = argIndex
        self.cuIndex = cuIndex
        self.memIndex = memIndex
    }
}

/// A malformed or unreadable xclbin, or one the writer cannot encode; the message names the file.
public struct XclbinError: Error, CustomStringConvertible, Equatable {
    /// One line naming the file and what is wrong.
    public var message: String
    /// An error with this message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
