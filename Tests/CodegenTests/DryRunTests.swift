import Foundation
import ProcessRunner
import Testing
@testable import Codegen

/// Runs the generated Makefile (`make -n`, printing the v++ commands without running them) and the
/// generated HLS Tcl script (under tclsh with the HLS commands stubbed out to log their calls): no
/// Vitis tool runs here, but syntax and the command sequence are checked by the real interpreters.
@Suite struct DryRunTests {
    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)", "/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ exe: String, _ args: [String], in dir: URL) throws -> (status: Int32, output: String) {
        let r = try ChildProcess.run([exe] + args, directory: dir.path, stderr: .standardOutput, ownGroup: true, timeout: 900)
        return (r.status, r.stdout)
    }

    static func project(_ spec: KernelSpec) throws -> (URL, URL) {
        var files = try KernelCodegen.supportFiles(for: spec)
        try files.merge(Support.firmware("standin"))
        let parent = try Support.tempDir("dryrun")
        let dir = parent.appendingPathComponent("standin")
        try ProjectWriter.write(files, to: dir.path)
        return (parent, dir)
    }

    @Test(.enabled(if: tool("make") != nil, "needs GNU make"),
          arguments: [ProjectFilesTests.u250, ProjectFilesTests.u55c])
    func makefileDryRun(platform: String) throws {
        let make = Self.tool("make")!
        let (parent, dir) = try Self.project(Support.spec(platform))
        defer { try? FileManager.default.removeItem(at: parent) }

        let r = try Self.run(make, ["-n", "all", "TARGET=hw_emu"], in: dir)
        #expect(r.status == 0, "\(r.output)")
        let lines = r.output.split(separator: "\n").map(String.init)
        let compiles = lines.filter { $0.hasPrefix("v++ -c ") }
        let links = lines.filter { $0.hasPrefix("v++ -l ") }
        #expect(compiles.count == 4 && links.count == 2, "\(r.output)")
        for k in ["standin_mm", "standin_axis", "standin_mm2s", "standin_s2mm"] {
            let c = compiles.first { $0.contains(" -k \(k) ") }
            #expect(c != nil, "no v++ -c for \(k)")
            #expect(c?.contains("-t hw_emu --platform \(platform)") == true)
            #expect(c?.contains("--hls.clock 300000000:\(k)") == true)
            #expect(c?.contains("-o build_hw_emu/\(k).xo") == true)
        }
        // Network kernels compile with the firmware; the movers without it.
        #expect(compiles.first { $0.contains("-k standin_mm ") }?.hasSuffix("kernels/standin_mm.cpp firmware/standin.cpp") == true)
        #expect(compiles.first { $0.contains("-k standin_mm2s ") }?.hasSuffix("kernels/standin_movers.cpp") == true)
        #expect(links.contains { $0.contains("--config link_mm.cfg -o build_hw_emu/standin_mm.xclbin build_hw_emu/standin_mm.xo") })
        #expect(links.contains {
            $0.contains("--config link_axis.cfg -o build_hw_emu/standin_axis.xclbin")
                && $0.hasSuffix("build_hw_emu/standin_mm2s.xo build_hw_emu/standin_axis.xo build_hw_emu/standin_s2mm.xo")
        })

        let only = try Self.run(make, ["-n", "xclbin_mm"], in: dir)
        #expect(only.status == 0 && only.output.contains("-t hw ") && !only.output.contains("standin_axis"))
        let emconfig = try Self.run(make, ["-n", "emconfig", "TARGET=sw_emu", "PLATFORM=other_pfm"], in: dir)
        #expect(emconfig.output.contains("emconfigutil --platform other_pfm --od build_sw_emu"))
        let clean = try Self.run(make, ["-n", "clean"], in: dir)
        #expect(clean.status == 0 && clean.output.contains("rm -rf build_sw_emu build_hw_emu build_hw"))
        let bad = try Self.run(make, ["-n", "all", "TARGET=fpga"], in: dir)
        #expect(bad.status != 0 && bad.output.contains("TARGET must be sw_emu, hw_emu or hw, not 'fpga'"))
    }

    /// A tclsh driver: stubs the HLS commands (each prints `CALL <name> <args>`), then sources the
    /// script named by argv[1] with argv[0] as the script's own command-line words.
    static let driver = """
        foreach cmd {open_project set_top add_files open_solution set_part create_clock set_clock_uncertainty
                     config_compile config_array_partition config_schedule csim_design csynth_design
                     cosim_design export_design} {
            proc $cmd {args} "puts \\"CALL $cmd \\$args\\""
        }
        set script [lindex $::argv 1]
        set ::argv [list [lindex $::argv 0]]
        source $script

        """

    @Test(.enabled(if: tool("tclsh") != nil, "needs tclsh"),
          arguments: [HLSBackend.vitis, HLSBackend.vivado])
    func hlsScriptUnderTclsh(backend: HLSBackend) throws {
        let tclsh = Self.tool("tclsh")!
        let spec = try Support.spec(ProjectFilesTests.u250, backend: backend, clock: 4)
        let (parent, dir) = try Self.project(spec)
        defer { try? FileManager.default.removeItem(at: parent) }
        let driver = parent.appendingPathComponent("driver.tcl")
        try Self.driver.write(to: driver, atomically: false, encoding: .utf8)
        let script = dir.appendingPathComponent(spec.hlsScript).path

        let r = try Self.run(tclsh, [driver.path, "reset=1 cosim=1 export=1", script], in: parent)
        #expect(r.status == 0, "\(r.output)")
        let calls = r.output.split(separator: "\n").filter { $0.hasPrefix("CALL ") }.map { String($0.dropFirst(5)) }
        let names = calls.map { String($0.split(separator: " ").first ?? "") }
        #expect(names.first == "open_project" && calls.first == "open_project -reset standin_prj")
        #expect(calls.contains("set_top standin"))
        #expect(calls.contains("set_part xcu250-figd2104-2L-e"))
        #expect(calls.contains("create_clock -period 4 -name default"))
        #expect(calls.contains("set_clock_uncertainty 12.5% default"))
        let std = backend == .vitis ? "c++14" : "c++0x"
        #expect(calls.contains("add_files firmware/standin.cpp -cflags {-std=\(std) -I\(dir.path)/firmware}"), "\(calls)")
        #expect(calls.contains { $0.hasPrefix("add_files -tb tb/standin_test.cpp -cflags") && $0.contains("-DRTL_SIM") })
        #expect(calls.contains("add_files -tb tb_data"))
        let solution = backend == .vitis ? "open_solution -reset solution1 -flow_target vivado" : "open_solution -reset solution1"
        #expect(calls.contains(solution), "\(calls)")
        let steps = names.filter { $0.hasSuffix("_design") }
        #expect(steps == ["csim_design", "csynth_design", "cosim_design", "export_design"])

        // build_opt.tcl (hls4ml's way) turns steps off; command-line words still win.
        try "array set opt {csim 0 synth 0}\n".write(to: dir.appendingPathComponent("build_opt.tcl"), atomically: false, encoding: .utf8)
        let r2 = try Self.run(tclsh, [driver.path, "synth=1", script], in: parent)
        #expect(r2.status == 0, "\(r2.output)")
        let steps2 = r2.output.split(separator: "\n").filter { $0.hasPrefix("CALL ") && $0.contains("_design") }
        #expect(steps2.map { $0.split(separator: " ")[1] } == ["csynth_design"])
        #expect(r2.output.contains("CALL open_project standin_prj"))
    }
}
