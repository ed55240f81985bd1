// XRTDevice through XRT itself. XRT fixes its driver library (from XILINX_XRT and
// XCL_EMULATION_MODE) once per process, so every scenario runs in a child `xrt-probe` process with
// the environment it needs: XCL_EMULATION_MODE=noop for the whole call sequence on an xclbin our
// writer made, and the real driver (no card here) or no XILINX_XRT at all for the error paths.

import Foundation
import ProcessRunner
import Testing
import Codegen
import Xclbin
@testable import Runtime

/// The XRT environment the tests build: a XILINX_XRT folder whose lib/ links Debian's libxrt_*.so.2.
enum XRTTestEnv {
    /// Debian's folder holding libxrt_coreutil.so.2 and the driver libraries, if XRT is installed.
    static let systemLibDir: String? = {
        let fm = FileManager.default
        for dir in ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"]
        where fm.fileExists(atPath: dir + "/libxrt_noop.so.2") && fm.fileExists(atPath: dir + "/libxrt_core.so.2") {
            return dir
        }
        return nil
    }()

    /// The XILINX_XRT folder tools/setup.sh makes (.cache/xrt, lib/ symlinks to Debian's libraries),
    /// made here too when missing so the tests need no set-up step.
    static let root: String? = {
        guard let lib = systemLibDir else { return nil }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let root = repo.appendingPathComponent(".cache/xrt").path
        try? FileManager.default.createDirectory(atPath: root + "/lib", withIntermediateDirectories: true)
        for name in ["libxrt_core.so.2", "libxrt_noop.so.2", "libxrt_hwemu.so.2", "libxrt_swemu.so.2"] {
            // An existing link (from setup.sh or a concurrent run) is left alone.
            try? FileManager.default.createSymbolicLink(atPath: root + "/lib/" + name, withDestinationPath: lib + "/" + name)
        }
        return root
    }()

    /// The xrt-probe executable built next to the test bundle.
    static let probe: String? = {
        var dirs = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        dirs.append(Bundle.main.bundleURL.deletingLastPathComponent())
        dirs.append(Bundle.main.bundleURL)
        for dir in dirs {
            var d = dir
            for _ in 0..<4 {
                let candidate = d.appendingPathComponent("xrt-probe").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                d = d.deletingLastPathComponent()
            }
        }
        return nil
    }()

    /// XRT installed and the probe built.
    static var ready: Bool { root != nil && probe != nil }

    /// What a probe run printed: its `key value` lines and exit status.
    struct Output {
        var status: Int32
        var lines: [(String, String)]
        var text: String
        /// The first value of `key`.
        func value(_ key: String) -> String? { lines.first { $0.0 == key }?.1 }
        /// All values of `key`.
        func values(_ key: String) -> [String] { lines.filter { $0.0 == key }.map(\.1) }
        /// The error code and message of a failed run.
        var error: (code: String, message: String)? {
            guard let e = value("error") else { return nil }
            let parts = e.split(separator: " ", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// How the child's XRT environment is set.
    enum Mode { case noop, hardware, noXRT, xrtAt(String) }

    /// Runs xrt-probe with `args` under `mode`.
    static func run(_ mode: Mode, _ args: [String], environment: [String: String] = [:]) throws -> Output {
        var env = ProcessInfo.processInfo.environment
        env["XILINX_XRT"] = nil
        env["XCL_EMULATION_MODE"] = nil
        switch mode {
        case .noop:
            env["XILINX_XRT"] = try #require(root) as String
            env["XCL_EMULATION_MODE"] = "noop"
        case .hardware: env["XILINX_XRT"] = try #require(root) as String
        case .noXRT: break
        case .xrtAt(let path): env["XILINX_XRT"] = path
        }
        env.merge(environment) { $1 }
        return try execute(try #require(probe), args, environment: env)
    }

    /// Runs `executable` (a path) with `args`, standard output and error together; kills it after
    /// 60 s so a hang fails instead of blocking.
    static func execute(_ executable: String, _ args: [String],
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Output {
        let r = try ChildProcess.run([executable] + args, environment: environment, stderr: .standardOutput,
                                     ownGroup: true, timeout: 60)
        let text = r.stdout
        let lines = text.split(separator: "\n").map { line -> (String, String) in
            let parts = line.split(separator: " ", maxSplits: 1)
            return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
        }
        return Output(status: r.status, lines: lines, text: text)
    }

    /// A fresh temporary folder for one test's files.
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fpgarun-xrt-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The xclbin `fpgarun build --target csim` writes (our writer, through Codegen's CSimXclbin):
    /// by default the m_axi batch kernel `jet_mm(in_mem, out_mem, n)`, in_mem in bank 0, out_mem in 1.
    static func mmXclbin(interface: KernelInterface = .mm, computeUnits: Int = 1) throws -> Xclbin {
        try CSimXclbin.make(project: "jet", interface: interface, platform: Platform.defaultPlatform,
                            computeUnits: computeUnits)
    }

    /// Writes `mmXclbin` into `dir` and returns its path.
    static func writeMMXclbin(in dir: URL, _ xclbin: Xclbin? = nil) throws -> String {
        let xclbin = try xclbin ?? mmXclbin()
        let path = dir.appendingPathComponent("jet_mm.xclbin").path
        try xclbin.write(to: path)
        return path
    }
}

@Suite("XRTDevice", .enabled(if: XRTTestEnv.ready, "needs Debian's libxrt1 (tools/setup.sh) and the xrt-probe executable"))
struct XRTDeviceTests {
    @Test("noop mode: open, load our xclbin, kernel, banks, buffers, map, sync, run, wait, sync back")
    func noopSequence() throws {
        let dir = try XRTTestEnv.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let xclbin = try XRTTestEnv.mmXclbin()
        let path = try XRTTestEnv.writeMMXclbin(in: dir, xclbin)
        let out = try XRTTestEnv.run(.noop, ["sequence", path, "jet_mm"])
        #expect(out.status == 0, "\(out.text)")
        let uuid = xclbin.uuid.uuidString.lowercased()
        #expect(out.value("uuid") == uuid)
        #expect(out.value("loaded") == uuid)
        #expect(out.value("device") == "XRT noop device 0")
        #expect(out.value("kernel") == "jet_mm")
        #expect(out.value("banks") == "0 1")
        #expect(out.value("allocated") == "1024 1024")
        #expect(out.values("synced") == ["toDevice", "fromDevice"])
        #expect(out.value("state") == "completed")
        #expect(out.value("ok") == "1")
    }

    @Test("noop mode: a compute unit named in the k:{cu} form opens; its argument banks come from CONNECTIVITY")
    func noopComputeUnit() throws {
        let dir = try XRTTestEnv.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try XRTTestEnv.writeMMXclbin(in: dir)
        let out = try XRTTestEnv.run(.noop, ["kernel", "0", path, "jet_mm:{jet_mm_1}"])
        #expect(out.status == 0, "\(out.text)")
        #expect(out.values("bank") == ["0 0", "1 1"])
    }

    @Test("noop mode: both interfaces, two compute units: each kernel and CU opens with the banks CONNECTIVITY gives")
    func noopBothInterfaces() throws {
        let dir = try XRTTestEnv.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try XRTTestEnv.writeMMXclbin(in: dir, try XRTTestEnv.mmXclbin(interface: .both, computeUnits: 2))
        let expected: [(String, [String])] = [
            ("jet_mm:{jet_mm_1}", ["0 0", "1 1"]), ("jet_mm:{jet_mm_2}", ["0 2", "1 3"]),
            ("jet_mm2s:{jet_mm2s_2}", ["0 2"]), ("jet_s2mm:{jet_s2mm_1}", ["1 1"]), ("jet_axis", []),
        ]
        for (kernel, banks) in expected {
            let out = try XRTTestEnv.run(.noop, ["kernel", "0", path, kernel])
            #expect(out.status == 0, "\(kernel): \(out.text)")
            #expect(out.values("bank") == banks, "\(kernel): \(out.text)")
        }
        let run = try XRTTestEnv.run(.noop, ["sequence", path, "jet_mm:{jet_mm_2}"])
        #expect(run.value("banks") == "2 3", "\(run.text)")
        #expect(run.value("state") == "completed", "\(run.text)")
    }

    @Test("the bank of a scalar argument: an argument error naming kernel and argument")
    func scalarBank() throws {
        let dir = try XRTTestEnv.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try XRTTestEnv.writeMMXclbin(in: dir)
        let out = try XRTTestEnv.run(.noop, ["kernel", "0", path, "jet_mm", "2"])
        #expect(out.error?.code == "argument", "\(out.text)")
        #expect(out.error?.message.hasPrefix("XRT device 0: kernel jet_mm: argument 2 is not connected to a memory bank (XRT: ") == true,
                "\(out.text)")
    }

    @Test("a kernel the xclbin lacks: noKernel naming it, with XRT's message")
    func missingKernel() throws {
        let dir = try XRTTestEnv.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try XRTTestEnv.writeMMXclbin(in: dir)
        let out = try XRTTestEnv.run(.noop, ["kernel", "0", path, "nosuch_mm"])
        #expect(out.status == 1)
        #expect(out.error?.code == "noKernel", "\(out.text)")
        #expect(out.error?.message == "XRT device 0: kernel nosuch_mm: No such kernel 'nosuch_mm': Invalid argument")
        let cu = try XRTTestEnv.run(.noop, ["kernel", "0", path, "jet_mm:{jet_mm_7}"])
        #expect(cu.error?.code == "noKernel", "\(cu.text)")
        #expect(cu.error?.message.contains("jet_mm_7") == true)
    }

    @Test("a kernel opened against another xclbin's uuid: uuidMismatch naming both")
    func uuidMismatch() throws {
        let dir = try XRTTestEnv.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let xclbin = try XRTTestEnv.mmXclbin()
        let path = try XRTTestEnv.writeMMXclbin(in: dir, xclbin)
        let other = "00000000-0000-0000-0000-0000000000aa"
        let out = try XRTTestEnv.run(.noop, ["kernel-uuid", "0", path, "jet_mm", other])
        #expect(out.error?.code == "uuidMismatch", "\(out.text)")
        #expect(out.error?.message.contains(other) == true)
        #expect(out.error?.message.contains(xclbin.uuid.uuidString.lowercased()) == true)
    }

    @Test("not an xclbin, truncated, empty, missing: badXclbin naming the file (XRT alone would crash or accept)")
    func badXclbin() throws {
        let dir = try XRTTestEnv.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try XRTTestEnv.writeMMXclbin(in: dir)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let text = dir.appendingPathComponent("model.json").path
        try Data("{\"not\": \"an xclbin\"}\n".utf8).write(to: URL(fileURLWithPath: text))
        let cut = dir.appendingPathComponent("cut.xclbin").path
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: cut))
        let stub = dir.appendingPathComponent("stub.xclbin").path
        try bytes.prefix(300).write(to: URL(fileURLWithPath: stub))
        let empty = dir.appendingPathComponent("empty.xclbin").path
        try Data().write(to: URL(fileURLWithPath: empty))
        let missing = dir.appendingPathComponent("missing.xclbin").path
        let cases = [
            (text, "not an xclbin (no xclbin2 magic)"),
            (cut, "truncated xclbin (header says \(bytes.count) bytes, file has \(bytes.count - 100))"),
            (stub, "truncated xclbin (300 bytes, header needs 456)"),
            (empty, "not an xclbin (no xclbin2 magic)"),
            (missing, "cannot open: No such file or directory"),
        ]
        for (file, reason) in cases {
            let out = try XRTTestEnv.run(.noop, ["load", "0", file])
            #expect(out.status == 1, "\(file): \(out.text)")
            #expect(out.error?.code == "badXclbin", "\(out.text)")
            #expect(out.error?.message == "XRT device 0: xclbin \(file): \(reason)")
        }
    }

    @Test("XILINX_XRT unset or wrong: xrtMissing before XRT is called")
    func xrtMissing() throws {
        let unset = try XRTTestEnv.run(.noXRT, ["open", "0"])
        #expect(unset.status == 1)
        #expect(unset.error?.code == "xrtMissing", "\(unset.text)")
        #expect(unset.error?.message == "XRT device 0: XILINX_XRT is not set (set it to the XRT install folder, e.g. /opt/xilinx/xrt)")
        let wrong = try XRTTestEnv.run(.xrtAt("/nonexistent/xrt"), ["available"])
        #expect(wrong.error?.code == "xrtMissing", "\(wrong.text)")
        #expect(wrong.error?.message == "XRT: XRT driver library /nonexistent/xrt/lib/libxrt_core.so.2 not found (XILINX_XRT=/nonexistent/xrt)")
        let list = try XRTTestEnv.run(.noXRT, ["list"])
        #expect(list.error?.code == "xrtMissing", "\(list.text)")
    }

    @Test("XRT support (libFPGARunXRT.so) that cannot be loaded: xrtMissing with the loader's reason, from every call")
    func supportLibraryMissing() throws {
        let missing = ["FPGARUN_XRT_SHIM": "/nonexistent/libFPGARunXRT.so"]
        for args in [["open", "0"], ["available"], ["list"]] {
            let out = try XRTTestEnv.run(.noop, args, environment: missing)
            #expect(out.status == 1, "\(args): \(out.text)")
            #expect(out.error?.code == "xrtMissing", "\(args): \(out.text)")
            let message = out.error?.message ?? ""
            #expect(message.contains("cannot load fpgarun's XRT support (/nonexistent/libFPGARunXRT.so: cannot open shared object file"),
                    "\(args): \(message)")
            #expect(!message.contains("\n"))
        }
    }

    /// XRT is loaded only by the commands that use a card: the probe (like fpgarun) does not link
    /// libxrt_coreutil; the support library beside it does, and needs no Swift runtime library (it
    /// must load on a host without a Swift toolchain, into a binary with its own static runtime).
    @Test("only libFPGARunXRT.so links XRT, and it needs no Swift runtime")
    func linkage() throws {
        let probe = try #require(XRTTestEnv.probe)
        let support = URL(fileURLWithPath: probe).deletingLastPathComponent().appendingPathComponent("libFPGARunXRT.so").path
        func needed(_ file: String) throws -> [String] {
            let r = try XRTTestEnv.execute("/usr/bin/env", ["readelf", "-d", file])
            #expect(r.status == 0, "readelf -d \(file): \(r.text)")
            return r.text.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
                line.split(separator: "[").last.map { String($0.dropLast()) }
            }
        }
        let probeNeeds = try needed(probe)
        #expect(!probeNeeds.isEmpty && !probeNeeds.contains { $0.hasPrefix("libxrt") }, "\(probeNeeds)")
        let supportNeeds = try needed(support)
        #expect(supportNeeds.contains("libxrt_coreutil.so.2"), "\(supportNeeds)")
        #expect(!supportNeeds.contains { $0.hasPrefix("libswift") }, "\(supportNeeds)")
    }

    @Test("the real driver with no card: index 5 and an unknown PCIe address are noDevice; nothing is listed")
    func noDevice() throws {
        let index = try XRTTestEnv.run(.hardware, ["open", "5"])
        #expect(index.status == 1)
        #expect(index.error?.code == "noDevice", "\(index.text)")
        #expect(index.error?.message == "XRT device 5: Could not open device with index '5'")
        let bdf = try XRTTestEnv.run(.hardware, ["open", "0000:65:00.1"])
        #expect(bdf.error?.code == "noDevice", "\(bdf.text)")
        #expect(bdf.error?.message.hasPrefix("XRT device 0000:65:00.1: ") == true)
        let list = try XRTTestEnv.run(.hardware, ["list"])
        #expect(list.status == 0, "\(list.text)")
        #expect(list.value("count") == "0")
    }

    @Test("XRT's availability probe names the driver library it will load")
    func available() throws {
        let root = try #require(XRTTestEnv.root)
        let noop = try XRTTestEnv.run(.noop, ["available"])
        #expect(noop.value("library") == root + "/lib/libxrt_noop.so.2", "\(noop.text)")
        #expect(noop.value("mode") == "noop")
        let hw = try XRTTestEnv.run(.hardware, ["available"])
        #expect(hw.value("library") == root + "/lib/libxrt_core.so.2", "\(hw.text)")
    }
}

@Suite("XRT shim")
struct XRTShimTests {
    @Test("shim statuses map to runtime error codes")
    func codes() {
        let expected: [(Int32, RuntimeError.Code)] = [
            (1, .xrtMissing), (2, .noDevice), (3, .badXclbin), (4, .noKernel), (5, .timeout), (6, .argument),
            (7, .backend),
        ]
        for (status, code) in expected { #expect(XRTShim.code(status) == code) }
    }

    @Test("uuid bytes round-trip in order")
    func uuidBytes() {
        let bytes: [UInt8] = Array(0x10...0x1f)
        let uuid = XRTShim.uuid(bytes)
        #expect(uuid.uuidString.lowercased() == "10111213-1415-1617-1819-1a1b1c1d1e1f")
        #expect(XRTShim.bytes(uuid) == bytes)
    }
}
