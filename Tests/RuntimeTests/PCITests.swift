import Foundation
import Testing
@testable import Runtime

/// PCI discovery on the Alveo-like dumps of Tests/Fixtures/pci (made by tools/make_pci_dumps.py).
@Suite struct PCITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func fixture(_ name: String) -> String { root.appendingPathComponent("Tests/Fixtures/pci/\(name)").path }
    /// A pci.ids path that does not exist: names then come from the built-in Alveo table.
    static let noIDs = "/nonexistent/fpgarun/pci.ids"

    @Test func alveoHostKeepsTheTwoCardsAndGroupsTheirFunctions() throws {
        let cards = try PCIScanner.scan(dumpFile: Self.fixture("alveo.txt"))
        #expect(cards.map(\.address) == ["0000:3b:00", "0000:d8:00"])
        let u250 = cards[0], u55c = cards[1]
        #expect(u250.vendorID == 0x10EE && u250.deviceID == 0x5004)
        #expect(u250.subsystemVendorID == 0x10EE && u250.subsystemID == 0x000E)
        #expect(u250.functions.map(\.address) == ["0000:3b:00.0", "0000:3b:00.1"])
        #expect(u250.functions.map(\.deviceID) == [0x5004, 0x5005])
        #expect(u250.functions.map(\.classCode) == [0x1200, 0x0580])
        #expect(u250.functions.map(\.role) == ["mgmt", "user"])
        #expect(u250.userFunction.address == "0000:3b:00.1")
        #expect(u250.name.contains("U250"))
        #expect(u55c.functions.map(\.deviceID) == [0x505C, 0x505D])
        #expect(u55c.name.contains("U55C"))
        // From a dump the NUMA node is unknown.
        #expect(cards.allSatisfy { $0.numaNode == nil })
    }

    @Test func linkSpeedsAndWidthsComeFromTheExpressCapability() throws {
        let cards = try PCIScanner.scan(dumpFile: Self.fixture("alveo.txt"))
        let u250 = try #require(cards[0].link), u55c = try #require(cards[1].link)
        #expect(u250 == PCILink(speed: 8.0, width: 8, capableSpeed: 8.0, capableWidth: 16))
        #expect(u250.isDegraded)
        #expect(u250.summary == "8.0 GT/s x8 (capable 8.0 GT/s x16)")
        #expect(u55c == PCILink(speed: 8.0, width: 16, capableSpeed: 8.0, capableWidth: 16))
        #expect(!u55c.isDegraded)

        let u280 = try PCIScanner.scan(dumpFile: Self.fixture("u280_domain1_xxxx.txt"))
        #expect(u280.map(\.address) == ["0001:02:00"])
        #expect(u280[0].link == PCILink(speed: 2.5, width: 16, capableSpeed: 8.0, capableWidth: 16))
        #expect(u280[0].link?.isDegraded == true)
        #expect(u280[0].functions.map(\.role) == ["mgmt", "user"])
    }

    @Test func plainXDumpHasNoLink() throws {
        // lspci -x stops at 64 bytes: the capability pointer leads outside the dump.
        let cards = try PCIScanner.scan(dumpFile: Self.fixture("u200_x.txt"))
        #expect(cards.count == 1)
        #expect(cards[0].functions.map(\.deviceID) == [0x5000, 0x5001])
        #expect(cards[0].link == nil)
    }

    @Test func nonFPGADevicesAreFilteredOut() throws {
        #expect(try PCIScanner.scan(dumpFile: Self.fixture("none.txt")).isEmpty)
        // AMD 0x1022: the accelerator (class 0x1200) and the memory controller with an Alveo device id
        // stay; the root complex, the crypto engine and an unknown memory controller go.
        let amd = try PCIScanner.scan(dumpFile: Self.fixture("amd.txt"), idsFile: Self.noIDs)
        #expect(amd.map(\.address) == ["0000:81:00"])
        #expect(amd[0].functions.map(\.deviceID) == [0x50B4, 0x5005])
        #expect(amd[0].name == "AMD device 0x50b4")
        #expect(amd[0].functions[1].name == "Alveo U250")
    }

    @Test func filterRule() {
        #expect(PCIScanner.isFPGAFunction(vendor: 0x10EE, device: 0x5004, classCode: 0x1200))
        #expect(PCIScanner.isFPGAFunction(vendor: 0x10EE, device: 0x9999, classCode: 0x0580))
        #expect(!PCIScanner.isFPGAFunction(vendor: 0x10EE, device: 0x9999, classCode: 0x0604))
        #expect(PCIScanner.isFPGAFunction(vendor: 0x1022, device: 0x1234, classCode: 0x1200))
        #expect(PCIScanner.isFPGAFunction(vendor: 0x1022, device: 0x505D, classCode: 0x0580))
        #expect(!PCIScanner.isFPGAFunction(vendor: 0x1022, device: 0x1480, classCode: 0x0600))  // host bridge
        #expect(!PCIScanner.isFPGAFunction(vendor: 0x1022, device: 0x5004, classCode: 0x0600))
        #expect(!PCIScanner.isFPGAFunction(vendor: 0x1022, device: 0x1234, classCode: 0x0580))
        #expect(!PCIScanner.isFPGAFunction(vendor: 0x8086, device: 0x5004, classCode: 0x1200))
    }

    @Test func namesFallBackToTheBuiltInTable() throws {
        let cards = try PCIScanner.scan(dumpFile: Self.fixture("alveo.txt"), idsFile: Self.noIDs)
        #expect(cards.flatMap(\.functions).map(\.name) == ["Alveo U250", "Alveo U250", "Alveo U55C", "Alveo U55C"])
        // With the system's pci.ids its names win where it has an entry.
        let ids = "/usr/share/misc/pci.ids"
        if FileManager.default.fileExists(atPath: ids),
           (try? String(contentsOfFile: ids, encoding: .utf8))?.contains("\t5004  Alveo U250 XDMA Platform") == true {
            let named = try PCIScanner.scan(dumpFile: Self.fixture("alveo.txt"), idsFile: ids)
            #expect(named[0].name == "Alveo U250 XDMA Platform")
        }
    }

    @Test func linkRegisterDecoding() {
        let l = PCILink(linkCapabilities: 0x0001_8104, linkStatus: 0x0083)  // Gen4 x16 capable, Gen3 x8
        #expect(l == PCILink(speed: 8.0, width: 8, capableSpeed: 16.0, capableWidth: 16))
        #expect(PCILink(linkCapabilities: 0x104, linkStatus: 0).summary == "down (capable 16.0 GT/s x16)")
        #expect(PCILink(linkCapabilities: 0x107, linkStatus: 0x107).summary == "? GT/s x16 (capable ? GT/s x16)")
    }

    /// Writes `bytes` to a temporary file and returns its path.
    func temp(_ dir: URL, _ name: String, _ bytes: [UInt8]) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func badDumpFilesGiveOneLineErrorsNamingTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-pci-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try String(contentsOfFile: Self.fixture("alveo.txt"), encoding: .utf8)  // the fixture is there
        let header = "3b:00.0 Processing accelerators: Xilinx\n"
        let cases: [(String, String)] = [
            (dir.appendingPathComponent("missing.txt").path, "no such file"),
            (dir.path, "is a directory"),
            (try temp(dir, "empty.txt", []), "no device line"),
            (try temp(dir, "binary.txt", (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37) }), "binary"),
            (try temp(dir, "prose.txt", Array("hello world\nnot a dump\n".utf8)), "no device line"),
            (try temp(dir, "long.txt", Array((header + "00: " + String(repeating: "00 ", count: 90) + "\n").utf8)), "longer than"),
            (try temp(dir, "malformed.txt", Array((header + "00: ee 10 04 50 zz\n").utf8)), "malformed"),
            (try temp(dir, "offset.txt", Array((header + "1000: 00\n").utf8)), "beyond 4096"),
            (try temp(dir, "short.txt", Array((header + "00: ee 10 04 50\n").utf8)), "4 bytes of config space"),
            (try temp(dir, "nobytes.txt", Array((header + "\n").utf8)), "0 bytes of config space"),
        ]
        for (path, expected) in cases {
            do {
                let cards = try PCIScanner.scan(dumpFile: path)
                Issue.record("\(path): expected an error, got \(cards.count) cards")
            } catch let error as PCIError {
                #expect(error.message.hasPrefix(path), "\(error.message)")
                #expect(error.message.contains(expected), "\(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
    }

    @Test func unterminatedLastLineIsAccepted() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-pci-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = try String(contentsOfFile: Self.fixture("alveo.txt"), encoding: .utf8)
        while text.hasSuffix("\n") { text.removeLast() }
        let path = try temp(dir, "unterminated.txt", Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        #expect(try PCIScanner.scan(dumpFile: path).map(\.address) == ["0000:3b:00", "0000:d8:00"])
    }

    @Test func libpciFatalErrorsBecomeThrownErrors() throws {
        // A broken pci.ids makes libpci call its no-return error handler: the shim's longjmp net
        // turns that into a PCIError instead of exit().
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-pci-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ids = try temp(dir, "pci.ids", Array("10ee  Xilinx\n\tzz50 bad\n".utf8))
        #expect(throws: PCIError.self) { try PCIScanner.scan(dumpFile: Self.fixture("alveo.txt"), idsFile: ids) }
        do {
            _ = try PCIScanner.scan(dumpFile: Self.fixture("alveo.txt"), idsFile: ids)
        } catch let error as PCIError {
            #expect(error.message.contains("Parse error"), "\(error.message)")
        }
        // The process (and libpci on a fresh handle) carries on.
        #expect(try PCIScanner.scan(dumpFile: Self.fixture("alveo.txt")).count == 2)
    }

    @Test func liveBusScanDoesNotCrash() {
        // No FPGA is expected on the test machine; the live scan returns FPGA cards only, or a
        // one-line libpci error where the bus is not accessible (e.g. no /sys/bus/pci).
        do {
            let cards = try PCIScanner.scan()
            #expect(cards.allSatisfy { $0.vendorID == 0x10EE || $0.vendorID == 0x1022 })
        } catch let error as PCIError {
            #expect(error.message.hasPrefix("libpci"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
