import Testing
@testable import Codegen

@Suite struct PlatformTests {
    @Test func knownPlatforms() throws {
        let u250 = try Platform.named("xilinx_u250_gen3x16_xdma_4_1_202210_1")
        #expect(u250.memory == .ddr && u250.card == "U250" && u250.part == "xcu250-figd2104-2L-e")
        #expect(u250.bank(0) == "DDR[0]" && u250.bank(1) == "DDR[1]")
        let u200 = try Platform.named("xilinx_u200_gen3x16_xdma_2_202110_1")
        #expect(u200.memory == .ddr && u200.part == "xcu200-fsgd2104-2-e")
        for name in ["xilinx_u280_gen3x16_xdma_1_202211_1", "xilinx_u50_gen3x16_xdma_5_202210_1",
                     "xilinx_u55c_gen3x16_xdma_3_202210_1"] {
            let p = try Platform.named(name)
            #expect(p.memory == .hbm && p.bank(1) == "HBM[1]", "\(name)")
        }
        #expect(Set(Platform.known.map(\.name)).count == Platform.known.count)
        #expect(Platform.known.allSatisfy { $0.defaultClockMHz > 0 && $0.part.hasPrefix("xcu") })
    }

    @Test func unknownPlatformListsKnownOnes() {
        #expect {
            try Platform.named("xilinx_u999_gen9")
        } throws: { e in
            guard let c = e as? CodegenError, c.kind == .unknownPlatform else { return false }
            return c.message.contains("xilinx_u999_gen9") && !c.message.contains("\n")
                && Platform.known.allSatisfy { c.message.contains($0.name) }
        }
    }
}
