import Foundation
import Testing

/// `fpgarun devices` end to end on the Alveo-like dumps of Tests/Fixtures/pci.
@Suite struct DevicesCLITests {
    static func dump(_ name: String) -> String {
        CLIRunner.root.appendingPathComponent("Tests/Fixtures/pci/\(name)").path
    }

    @Test func tableShowsCardsLinksAndFunctions() throws {
        let r = try CLIRunner.run(["devices", "--pci-dump", Self.dump("alveo.txt")])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ADDRESS") == true)
        let u250 = try #require(lines.first { $0.hasPrefix("0000:3b:00") })
        #expect(u250.contains("U250"))
        #expect(u250.contains("⚠ 8.0 GT/s x8 (capable 8.0 GT/s x16)"))
        #expect(u250.contains(".0 mgmt, .1 user"))
        #expect(u250.contains("not probed (dump)"))
        let u55c = try #require(lines.first { $0.hasPrefix("0000:d8:00") })
        #expect(u55c.contains("8.0 GT/s x16 (capable 8.0 GT/s x16)") && !u55c.contains("⚠"))
        // The host bridge, AMD crypto engine and NIC of the dump are not listed.
        #expect(lines.count == 4, "\(r.stdout)")
        #expect(lines.last?.hasPrefix("⚠ link below") == true)
    }

    @Test func jsonIsAStableArrayOfCards() throws {
        let r = try CLIRunner.run(["devices", "--pci-dump", Self.dump("alveo.txt"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let cards = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(cards.count == 2)
        #expect(cards.map { $0["address"] as? String } == ["0000:3b:00", "0000:d8:00"])
        #expect(cards[0]["vendor"] as? String == "0x10ee")
        #expect(cards[0]["device"] as? String == "0x5004")
        #expect(cards[0]["subsystem"] as? String == "0x10ee:0x000e")
        #expect(cards[0]["numa_node"] is NSNull)
        let link = try #require(cards[0]["link"] as? [String: Any])
        #expect(link["width"] as? Int == 8 && link["capable_width"] as? Int == 16)
        #expect(link["speed_gts"] as? Double == 8.0 && link["degraded"] as? Bool == true)
        let functions = try #require(cards[1]["functions"] as? [[String: Any]])
        #expect(functions.map { $0["address"] as? String } == ["0000:d8:00.0", "0000:d8:00.1"])
        #expect(functions.map { $0["role"] as? String } == ["mgmt", "user"])
        #expect(functions.map { $0["class"] as? String } == ["0x1200", "0x0580"])
        // Same input, same bytes.
        let again = try CLIRunner.run(["devices", "--pci-dump", Self.dump("alveo.txt"), "--json"])
        #expect(again.stdout == r.stdout)
        // A dump without a readable link gives null.
        let x = try CLIRunner.run(["devices", "--pci-dump", Self.dump("u200_x.txt"), "--json"])
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(x.stdout.utf8)) as? [[String: Any]])
        #expect(plain.count == 1 && plain[0]["link"] is NSNull)
    }

    @Test func noCardsIsNotAnError() throws {
        let path = Self.dump("none.txt")
        let r = try CLIRunner.run(["devices", "--pci-dump", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "no FPGA cards found in \(path)\n")
        let j = try CLIRunner.run(["devices", "--pci-dump", path, "--json"])
        #expect(j.status == 0)
        #expect(j.stdout == "[]\n")
    }

    @Test func liveBusWorksWithoutCards() throws {
        // The test machine has no FPGA: the live scan lists nothing (or whatever cards exist), exit 0.
        let r = try CLIRunner.run(["devices"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "no FPGA cards found on the PCIe bus\n" || r.stdout.hasPrefix("ADDRESS"))
    }

    @Test func badDumpsGiveOneLineErrorsAndExit2() throws {
        let dir = CLIRunner.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let garbage = dir.appendingPathComponent("garbage.txt")
        try Data((0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 1) }).write(to: garbage)
        let prose = dir.appendingPathComponent("prose.txt")
        try Data("this is not\na PCI dump\n".utf8).write(to: prose)
        for path in [dir.appendingPathComponent("missing.txt").path, garbage.path, prose.path] {
            let r = try CLIRunner.run(["devices", "--pci-dump", path])
            #expect(r.status == 2, "\(path): \(r.stdout) \(r.stderr)")
            #expect(r.stderr.hasPrefix("fpgarun: error: \(path)"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }
}
