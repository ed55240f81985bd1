// The resources of the FPGA parts fpgarun's platforms use, so that estimates and vendor reports can be
// shown against what the part has. Whole-device figures (the shell of an Alveo platform takes a share of
// them: a design that fits the part may still not fit the platform's dynamic region).
//
// Sources (device totals, UltraScale+ families):
// - xcu200 / xcu250: Alveo U200 and U250 Data Center Accelerator Cards Data Sheet (AMD DS962), table
//   "Alveo U200/U250 card specifications": U200 1,182K LUT, 2,364K registers, 6,840 DSP slices,
//   2,160 36-Kb block RAMs, 960 UltraRAMs; U250 1,728K LUT, 3,456K registers, 12,288 DSP, 2,688 block
//   RAMs, 1,280 UltraRAMs. The U200's die (xcvu9p) is the part whose `AvailableResources` a Vivado
//   HLS csynth.xml lists as BRAM_18K 4320, DSP48E 6840, FF 2364480, LUT 1182240, URAM 960.
// - xcu280: Alveo U280 Data Sheet (DS963): 1,304K LUT, 2,607K registers, 9,024 DSP, 2,016 block RAMs,
//   960 UltraRAMs.
// - xcu50: Alveo U50 Data Sheet (DS965): 872K LUT, 1,743K registers, 5,952 DSP, 1,344 block RAMs,
//   640 UltraRAMs.
// - xcu55c: Alveo U55C Data Sheet (DS978): the same die as the U280 (1,304K LUT, 9,024 DSP, 2,016
//   block RAMs, 960 UltraRAMs).
// Block RAM is counted in 18-Kb halves (what HLS reports as BRAM_18K): two per 36-Kb block.

/// What one FPGA part offers: DSP slices, LUTs, flip-flops, 18-Kb block RAMs and UltraRAMs.
public struct PartResources: Sendable, Equatable, Codable {
    /// The part name (e.g. `xcu250-figd2104-2L-e`).
    public var part: String
    /// DSP48E2 slices.
    public var dsp: Int
    /// Six-input LUTs.
    public var lut: Int
    /// Flip-flops (CLB registers).
    public var ff: Int
    /// 18-Kb block RAMs (two per 36-Kb block).
    public var bram18k: Int
    /// 288-Kb UltraRAMs.
    public var uram: Int

    /// Creates a resource record.
    public init(part: String, dsp: Int, lut: Int, ff: Int, bram18k: Int, uram: Int) {
        self.part = part
        self.dsp = dsp
        self.lut = lut
        self.ff = ff
        self.bram18k = bram18k
        self.uram = uram
    }

    /// The parts of fpgarun's platforms (see the sources above).
    public static let known: [PartResources] = [
        PartResources(part: "xcu200-fsgd2104-2-e", dsp: 6840, lut: 1_182_240, ff: 2_364_480, bram18k: 4320, uram: 960),
        PartResources(part: "xcu250-figd2104-2L-e", dsp: 12_288, lut: 1_728_000, ff: 3_456_000, bram18k: 5376, uram: 1280),
        PartResources(part: "xcu280-fsvh2892-2L-e", dsp: 9024, lut: 1_303_680, ff: 2_607_360, bram18k: 4032, uram: 960),
        PartResources(part: "xcu50-fsvh2104-2-e", dsp: 5952, lut: 871_680, ff: 1_743_360, bram18k: 2688, uram: 640),
        PartResources(part: "xcu55c-fsvh2892-2L-e", dsp: 9024, lut: 1_303_680, ff: 2_607_360, bram18k: 4032, uram: 960),
    ]

    /// The part called `name`, matched on the device name before the package (`xcu250` matches
    /// `xcu250-figd2104-2L-e`) so that speed-grade spellings differ harmlessly; nil when unknown.
    public static func named(_ name: String) -> PartResources? {
        let device = name.lowercased().split(separator: "-").first.map(String.init) ?? ""
        return known.first { $0.part.lowercased() == name.lowercased() }
            ?? known.first { $0.part.lowercased().split(separator: "-").first.map(String.init) == device }
    }
}
