import Foundation
import ProcessRunner
import Testing
@testable import Xclbin

/// XRT's own parser on files fpgarun writes: a small C++ probe built against libxrt_coreutil reads the
/// xclbin with xrt::xclbin (the parser xrt::device::load_xclbin uses) and prints what XRT sees; the
/// test compares it with what was written. When libxrt_noop is installed the probe also loads the file
/// on device 0 in XRT's noop emulation mode, opens a kernel, allocates its buffers and runs it once.
/// Skipped with a message without g++ or XRT's headers and library (Debian libxrt-dev).
@Suite(.serialized) struct XRTAcceptanceTests {
    static let libDir = "/usr/lib/x86_64-linux-gnu"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/g++")
            && FileManager.default.fileExists(atPath: "/usr/include/xrt/experimental/xrt_xclbin.h")
            && FileManager.default.fileExists(atPath: "\(libDir)/libxrt_coreutil.so")
    }
    static var noopAvailable: Bool { FileManager.default.fileExists(atPath: "\(libDir)/libxrt_noop.so.2") }

    static let probeSource = """
        // Reads an xclbin with XRT's own parser (xrt::xclbin) and prints what XRT sees, one fact per line,
        // for XclbinTests to compare with what fpgarun wrote. With a kernel name as second argument it also
        // loads the xclbin on device 0 (run under XCL_EMULATION_MODE=noop), opens the kernel, allocates a
        // buffer in the bank of each global argument and runs the kernel once.
        #include <xrt/xrt_bo.h>
        #include <xrt/xrt_device.h>
        #include <xrt/xrt_kernel.h>
        #include <experimental/xrt_xclbin.h>

        #include <algorithm>
        #include <chrono>
        #include <iostream>
        #include <string>
        #include <vector>

        int main(int argc, char **argv) {
            if (argc < 2) return 2;
            try {
                xrt::xclbin x(argv[1]);
                std::cout << "uuid " << x.get_uuid().to_string() << "\\n";
                std::cout << "platform " << x.get_xsa_name() << "\\n";
                for (auto &k : x.get_kernels()) {
                    std::cout << "kernel " << k.get_name() << " cus " << k.get_cus().size() << "\\n";
                    for (auto &a : k.get_args()) {
                        std::cout << "arg " << k.get_name() << " " << a.get_index() << " " << a.get_name() << " offset "
                                  << a.get_offset() << " size " << a.get_size() << " type " << a.get_host_type() << "\\n";
                        std::vector<std::string> tags;
                        for (auto &m : a.get_mems()) tags.push_back(m.get_tag());
                        std::sort(tags.begin(), tags.end());
                        for (auto &t : tags) std::cout << "argmem " << k.get_name() << " " << a.get_index() << " " << t << "\\n";
                    }
                    for (auto &cu : k.get_cus())
                        std::cout << "cu " << cu.get_name() << " base " << cu.get_base_address() << "\\n";
                }
                for (auto &m : x.get_mems())
                    std::cout << "mem " << m.get_index() << " " << m.get_tag() << " used " << m.get_used() << "\\n";
                if (argc > 2) {
                    xrt::device d(0);
                    auto uuid = d.load_xclbin(x);
                    std::cout << "loaded " << uuid.to_string() << "\\n";
                    xrt::kernel k(d, uuid, argv[2]);
                    xrt::run run(k);
                    int i = 0;
                    for (auto &a : x.get_kernel(argv[2]).get_args()) {
                        if (a.get_mems().empty()) run.set_arg(i, 1u);
                        else run.set_arg(i, xrt::bo(d, 4096, k.group_id(i)));
                        i++;
                    }
                    run.start();
                    auto state = run.wait(std::chrono::milliseconds(20000));
                    if (state != ERT_CMD_STATE_COMPLETED) {
                        std::cout << "xrt-timeout " << argv[2] << " state " << state << "\\n";
                        return 3;
                    }
                    std::cout << "ran " << argv[2] << "\\n";
                }
            } catch (const std::exception &e) {
                std::cout << "xrt-error " << e.what() << "\\n";
                return 1;
            }
            return 0;
        }
        """

    /// A consistent xclbin (every connected memory used) for XRT.
    static func sample() -> Xclbin {
        var x = sampleXclbin()
        x.memories[1].used = true
        return x
    }

    /// What XRT should report for `x`, as the probe prints it.
    static func expectedLines(_ x: Xclbin) -> Set<String> {
        var lines: Set<String> = ["uuid \(x.uuid.uuidString.lowercased())", "platform \(x.platformVBNV)"]
        for k in x.kernels {
            let cus = x.computeUnits(ofKernel: k.name)
            lines.insert("kernel \(k.name) cus \(cus.count)")
            for a in k.args {
                lines.insert("arg \(k.name) \(a.index) \(a.name) offset \(a.offset) size \(a.size) type \(a.type)")
                for cu in cus {
                    if let tag = x.bankTag(computeUnit: cu.index, argument: a.index) {
                        lines.insert("argmem \(k.name) \(a.index) \(tag)")
                    }
                }
            }
            for cu in cus { lines.insert("cu \(cu.name) base \(cu.baseAddress)") }
        }
        for m in x.memories { lines.insert("mem \(m.index) \(m.tag) used \(m.used ? 1 : 0)") }
        return lines
    }

    @Test(.enabled(if: available, "needs g++ and XRT (libxrt-dev: xrt_xclbin.h, libxrt_coreutil)"))
    func xrtParsesWhatWeWrite() throws {
        let dir = try Self.workDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = Self.sample()
        let file = dir.appendingPathComponent("sample.xclbin").path
        try x.write(to: file)
        let probe = try Self.buildProbe(dir)
        let (status, out) = try Self.run(probe, [file], env: [:])
        #expect(status == 0, "XRT rejected the file: \(out)")
        let seen = Set(out.split(separator: "\n").map(String.init)
            .filter { ["uuid ", "platform ", "kernel ", "arg ", "argmem ", "cu ", "mem "].contains(where: $0.hasPrefix) })
        #expect(seen == Self.expectedLines(x), "XRT saw \(seen.subtracting(Self.expectedLines(x))), missed \(Self.expectedLines(x).subtracting(seen))")
    }

    @Test(.enabled(if: available && noopAvailable, "needs g++ and XRT with libxrt_noop (noop emulation)"))
    func xrtNoopLoadsOpensAndRuns() throws {
        let dir = try Self.workDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = Self.sample()
        let file = dir.appendingPathComponent("sample.xclbin").path
        try x.write(to: file)
        let probe = try Self.buildProbe(dir)
        // XRT loads $XILINX_XRT/lib/libxrt_noop.so.2: give it a folder with that layout.
        let xrt = dir.appendingPathComponent("xrt/lib")
        try FileManager.default.createDirectory(at: xrt, withIntermediateDirectories: true)
        for lib in ["libxrt_noop.so.2", "libxrt_core.so.2"] where FileManager.default.fileExists(atPath: "\(Self.libDir)/\(lib)") {
            try FileManager.default.createSymbolicLink(atPath: xrt.appendingPathComponent(lib).path,
                                                       withDestinationPath: "\(Self.libDir)/\(lib)")
        }
        let env = ["XILINX_XRT": dir.appendingPathComponent("xrt").path, "XCL_EMULATION_MODE": "noop"]
        for kernel in ["k_mm", "k_axis"] {
            var (status, out) = try Self.run(probe, [file, kernel], env: env)
            if status == 3 {
                // XRT's noop driver once lost a run's completion (the wait never returned; three XRT
                // test suites were running beside it, and it did not recur in ten more runs): a
                // run that is not done after 20 s is tried once more, and the first try is reported.
                print("XRTAcceptanceTests: noop run of \(kernel) timed out, tried again: \(out)")
                (status, out) = try Self.run(probe, [file, kernel], env: env)
            }
            #expect(status == 0 && out.contains("loaded \(x.uuid.uuidString.lowercased())") && out.contains("ran \(kernel)"),
                    "noop load/run of \(kernel) failed: \(out.split(separator: "\n").filter { $0.contains("xrt-error") })")
        }
    }

    static func workDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xclbin-xrt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func buildProbe(_ dir: URL) throws -> String {
        let src = dir.appendingPathComponent("xrt_probe.cpp"), exe = dir.appendingPathComponent("xrt_probe")
        try probeSource.write(to: src, atomically: true, encoding: .utf8)
        let (status, out) = try run("/usr/bin/g++", ["-std=c++17", "-I/usr/include/xrt", src.path, "-o", exe.path,
                                                     "-lxrt_coreutil", "-luuid", "-pthread"], env: [:])
        guard status == 0 else { throw XclbinError("g++ failed on the XRT probe: \(out)") }
        return exe.path
    }

    /// Runs a tool, standard output and error together; a run over 5 minutes is killed and fails.
    static func run(_ tool: String, _ args: [String], env: [String: String]) throws -> (Int32, String) {
        let r = try ChildProcess.run([tool] + args, environment: ChildProcess.environment(env.mapValues { $0 }), stderr: .standardOutput,
                                     ownGroup: true, timeout: 300)
        return (r.status, r.stdout)
    }
}
