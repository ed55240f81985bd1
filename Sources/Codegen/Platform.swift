// The Alveo platforms fpgarun can target: each name maps to the card's memory kind (which decides the
// `sp=` bank names in the link configs), its FPGA part (for the HLS scripts) and the platform's default
// kernel clock. A name outside the table is an error listing the table, never a guess.

/// The kind of global memory a card's kernels connect to.
public enum MemoryKind: String, Sendable, CaseIterable {
    /// DDR4 banks, named DDR[i] in v++ `sp=` lines.
    case ddr = "DDR"
    /// HBM pseudo-channels, named HBM[i] in v++ `sp=` lines.
    case hbm = "HBM"
}

/// One Vitis platform (card shell) with what code generation needs to know about it.
public struct Platform: Sendable, Hashable, CustomStringConvertible {
    /// The platform name as v++ `--platform` takes it.
    public let name: String
    /// The card, e.g. "U250".
    public let card: String
    /// DDR or HBM: decides the bank names.
    public let memory: MemoryKind
    /// The FPGA part, for Vitis HLS `set_part`.
    public let part: String
    /// The platform's default kernel clock in MHz (used when the config gives no clock period).
    public let defaultClockMHz: Int

    /// The banks the first compute unit's input and output memory arguments go to (link configs and
    /// the emulated device's xclbin both follow this; compute unit i uses 2i + these).
    public static let inputBank = 0, outputBank = 1

    /// The v++ name of memory bank `index`: DDR[i] or HBM[i].
    public func bank(_ index: Int) -> String { "\(memory.rawValue)[\(index)]" }

    /// The default kernel clock period in nanoseconds.
    public var defaultClockPeriodNs: Double { 1000.0 / Double(defaultClockMHz) }

    public var description: String { "\(name) (\(card), \(memory.rawValue))" }

    /// Every platform fpgarun knows, DDR cards first.
    public static let known: [Platform] = [
        Platform(name: "xilinx_u200_gen3x16_xdma_2_202110_1", card: "U200", memory: .ddr,
                 part: "xcu200-fsgd2104-2-e", defaultClockMHz: 300),
        Platform(name: "xilinx_u250_gen3x16_xdma_4_1_202210_1", card: "U250", memory: .ddr,
                 part: "xcu250-figd2104-2L-e", defaultClockMHz: 300),
        Platform(name: "xilinx_u50_gen3x16_xdma_5_202210_1", card: "U50", memory: .hbm,
                 part: "xcu50-fsvh2104-2-e", defaultClockMHz: 300),
        Platform(name: "xilinx_u55c_gen3x16_xdma_3_202210_1", card: "U55C", memory: .hbm,
                 part: "xcu55c-fsvh2892-2L-e", defaultClockMHz: 300),
        Platform(name: "xilinx_u280_gen3x16_xdma_1_202211_1", card: "U280", memory: .hbm,
                 part: "xcu280-fsvh2892-2L-e", defaultClockMHz: 300),
    ]

    /// The platform fpgarun uses when none is named (the U250).
    public static let defaultPlatform = known[1]

    /// Looks a platform up by its exact name; an unknown name is an error listing the known ones.
    public static func named(_ name: String) throws -> Platform {
        if let p = known.first(where: { $0.name == name }) { return p }
        let list = known.map { "\($0.name) (\($0.card))" }.joined(separator: ", ")
        let shown = sanitizedForMessage(name)
        throw CodegenError(.unknownPlatform, "unknown platform '\(shown)'; known platforms: \(list)")
    }
}

/// Shortens user text for a one-line message.
func sanitizedForMessage(_ s: String, limit: Int = 80) -> String {
    let flat = String(s.map { $0.isNewline ? " " : $0 })
    return flat.count > limit ? String(flat.prefix(limit - 3)) + "..." : flat
}
