// The non-network files of a generated project: Vitis kernel wrappers, v++ link configs, Makefile,
// xrt.ini, the HLS build script, the C testbench, the project README and the C-simulation ABI shim.
// Everything is rendered from the embedded Kernels/ templates; this file only computes the values.
// The network files (firmware/*.cpp/.h, defines.h, parameters.h, weights) come from the network
// code generator, which must honour the top-function contract:
//     #include "defines.h"   // input_t, result_t, N_INPUT, N_OUTPUT
//     void <project>(const input_t x[N_INPUT], result_t y[N_OUTPUT]);
// in firmware/<project>.h. The kernel wrappers static_assert that the firmware matches this spec.

import FixedPoint

/// Which kernel variants a project gets.
public enum KernelInterface: String, CaseIterable, Sendable {
    /// The memory-mapped batch kernel only.
    case mm
    /// The AXI-stream kernel and its data movers only.
    case axis
    /// Both variants.
    case both

    /// Whether the memory-mapped kernel is generated.
    public var hasMM: Bool { self != .axis }
    /// Whether the AXI-stream kernel and movers are generated.
    public var hasAxis: Bool { self != .mm }
}

/// Which HLS tool the project's build script is written for.
public enum HLSBackend: String, CaseIterable, Sendable {
    /// Vitis HLS (`build_prj.tcl`).
    case vitis
    /// Vivado HLS (`vivado_hls.tcl`).
    case vivado
}

/// Everything the kernel-side files depend on.
public struct KernelSpec: Sendable, Equatable {
    /// The project (and top function) name, already sanitised.
    public let project: String
    /// Values per input sample.
    public let nInput: Int
    /// Values per output sample.
    public let nOutput: Int
    /// The type of each input value (input_t).
    public let inputFormat: FixedFormat
    /// The type of each output value (result_t).
    public let resultFormat: FixedFormat
    /// The HLS clock period in nanoseconds.
    public let clockPeriodNs: Double
    /// The card.
    public let platform: Platform
    /// Which kernel variants to generate.
    public let interface: KernelInterface
    /// Which HLS build script to write.
    public let backend: HLSBackend
    /// The largest reuse factor in the network: the network accepts a sample every this many cycles.
    public let maxReuseFactor: Int
    /// HLS clock uncertainty, as Vitis HLS takes it ("12.5%" or nanoseconds).
    public let clockUncertainty: String

    /// Validates and stores a spec; `project` is passed through `sanitizeIdentifier`, and a nil clock
    /// period means the platform's default kernel clock.
    public init(
        project: String, nInput: Int, nOutput: Int, inputFormat: FixedFormat, resultFormat: FixedFormat,
        clockPeriodNs: Double? = nil, platform: Platform, interface: KernelInterface = .both,
        backend: HLSBackend = .vitis, maxReuseFactor: Int = 1, clockUncertainty: String = "12.5%"
    ) throws {
        guard nInput >= 1, nOutput >= 1 else {
            throw CodegenError(.invalidSpec, "N_INPUT and N_OUTPUT must be at least 1 (got \(nInput), \(nOutput))")
        }
        let period = clockPeriodNs ?? platform.defaultClockPeriodNs
        guard period.isFinite, period > 0, period <= 1000 else {
            throw CodegenError(.invalidSpec, "clock period must be in (0, 1000] ns (got \(period))")
        }
        guard maxReuseFactor >= 1 else {
            throw CodegenError(.invalidSpec, "reuse factor must be at least 1 (got \(maxReuseFactor))")
        }
        guard clockUncertainty.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "%") }),
              !clockUncertainty.isEmpty
        else {
            throw CodegenError(.invalidSpec, "clock uncertainty must look like 12.5% or 0.5 (got '\(sanitizedForMessage(clockUncertainty))')")
        }
        self.project = sanitizeIdentifier(project)
        self.nInput = nInput
        self.nOutput = nOutput
        self.inputFormat = inputFormat
        self.resultFormat = resultFormat
        self.clockPeriodNs = period
        self.platform = platform
        self.interface = interface
        self.backend = backend
        self.maxReuseFactor = maxReuseFactor
        self.clockUncertainty = clockUncertainty
        // The kernels count words in 32-bit registers; one sample must at least fit.
        guard inWords < 1 << 20, outWords < 1 << 20 else {
            throw CodegenError(.invalidSpec, "a sample needs \(max(inWords, outWords)) words; at most 2^20 are supported")
        }
    }

    /// How input samples are packed into words.
    public var inputPacking: SamplePacking { SamplePacking(values: nInput, bits: inputFormat.width) }
    /// How output samples are packed into words.
    public var outputPacking: SamplePacking { SamplePacking(values: nOutput, bits: resultFormat.width) }
    /// 512-bit words per input sample.
    public var inWords: Int { inputPacking.wordsPerSample }
    /// 512-bit words per output sample.
    public var outWords: Int { outputPacking.wordsPerSample }
    /// Kernel clock in whole MHz, rounded down so the period is met (at least 1).
    public var kernelFrequencyMHz: Int { max(1, Int((1000.0 / clockPeriodNs + 1e-9).rounded(.down))) }
    /// Cycles between samples in the kernels' sample loops: word transfers or the network, the slower.
    public var sampleInterval: Int { max(inWords, outWords, maxReuseFactor) }

    /// The HLS script's file name for the backend.
    public var hlsScript: String { backend == .vitis ? "build_prj.tcl" : "vivado_hls.tcl" }

    /// The kernels (v++ -k names) in the project.
    public var kernelNames: [String] {
        (interface.hasMM ? ["\(project)_mm"] : [])
            + (interface.hasAxis ? ["\(project)_axis", "\(project)_mm2s", "\(project)_s2mm"] : [])
    }
}

/// Renders the kernel-side files of a project.
public enum KernelCodegen {
    /// Samples per call assumed for HLS trip counts and co-simulation depths (reporting only).
    static let reportSamples = 1024

    /// The project's non-network files, by relative path.
    public static func supportFiles(for spec: KernelSpec) throws -> ProjectFiles {
        let p = spec.project
        let period = formatNumber(spec.clockPeriodNs)
        var files: [String: String] = [:]
        let common: [String: String] = [
            "project": p, "in_words": "\(spec.inWords)", "out_words": "\(spec.outWords)",
        ]
        // `common` values go to the templates that use them; every other value must be used.
        func render(_ template: String, _ extra: [String: String]) throws -> String {
            let t = try Template.embedded(template)
            let wanted = Set(try t.keys())
            var values = extra
            for (k, v) in common where wanted.contains(k) { values[k] = v }
            return try t.render(values)
        }
        let depthIn = "\(spec.inWords * reportSamples)", depthOut = "\(spec.outWords * reportSamples)"

        files["kernels/\(p)_io.h"] = try render("kernel_io.h", [
            "n_input": "\(spec.nInput)", "n_output": "\(spec.nOutput)",
            "in_bits": "\(spec.inputFormat.width)", "out_bits": "\(spec.resultFormat.width)",
            "input_type": spec.inputFormat.description, "result_type": spec.resultFormat.description,
        ])
        if spec.interface.hasMM {
            files["kernels/\(p)_mm.cpp"] = try render("kernel_mm.cpp", [
                "sample_ii": "\(spec.sampleInterval)", "tripcount_samples": "\(reportSamples)",
                "tripcount_in": depthIn, "tripcount_out": depthOut, "depth_in": depthIn, "depth_out": depthOut,
                "fifo_depth_in": "\(max(64, 2 * spec.inWords))", "fifo_depth_out": "\(max(64, 2 * spec.outWords))",
            ])
            files["link_mm.cfg"] = try render("link_mm.cfg", linkValues(spec, period))
        }
        if spec.interface.hasAxis {
            files["kernels/\(p)_axis.cpp"] = try render("kernel_axis.cpp", [
                "sample_ii": "\(spec.sampleInterval)", "tripcount_samples": "\(reportSamples)",
            ])
            files["kernels/\(p)_movers.cpp"] = try render("kernel_movers.cpp", [
                "depth_in": depthIn, "depth_out": depthOut,
            ])
            files["link_axis.cfg"] = try render("link_axis.cfg", linkValues(spec, period))
        }
        files["Makefile"] = try makefile(spec)
        files["xrt.ini"] = try render("xrt.ini", [:])
        files[spec.hlsScript] = try render("hls_build.tcl", hlsValues(spec, period))
        files["tb/\(p)_test.cpp"] = try render("testbench.cpp", [:])
        files["csim/csim_abi.cpp"] = try render("csim_abi.cpp", [
            "has_mm": spec.interface.hasMM ? "1" : "0", "has_axis": spec.interface.hasAxis ? "1" : "0",
            "input_type": spec.inputFormat.description, "result_type": spec.resultFormat.description,
        ])
        files["csim/include/ap_axi_sdata.h"] = try render("csim_ap_axi_sdata.h", [:])
        files["README.md"] = try readme(spec, period)
        return ProjectFiles(files)
    }

    static func linkValues(_ spec: KernelSpec, _ period: String) -> [String: String] {
        [
            "platform": spec.platform.name, "card": spec.platform.card, "memory": spec.platform.memory.rawValue,
            "freq_mhz": "\(spec.kernelFrequencyMHz)", "clock_period": period,
            "bank_in": spec.platform.bank(Platform.inputBank), "bank_out": spec.platform.bank(Platform.outputBank),
        ]
    }

    static func makefile(_ spec: KernelSpec) throws -> String {
        var targets: [String] = [], help: [String] = [], rules: [String] = []
        if spec.interface.hasMM {
            targets.append("xclbin_mm")
            help.append("#   make xclbin_mm   TARGET=...                             build_<TARGET>/\(spec.project)_mm.xclbin (batch kernel)")
            rules.append(try Template.embedded("make_mm.mk").render(["project": spec.project]))
        }
        if spec.interface.hasAxis {
            targets.append("xclbin_axis")
            help.append("#   make xclbin_axis TARGET=...                             build_<TARGET>/\(spec.project)_axis.xclbin (stream kernel + movers)")
            rules.append(try Template.embedded("make_axis.mk").render(["project": spec.project]))
        }
        return try Template.embedded("Makefile.in").render([
            "project": spec.project, "platform": spec.platform.name, "card": spec.platform.card,
            "memory": spec.platform.memory.rawValue, "freq_hz": "\(spec.kernelFrequencyMHz * 1_000_000)",
            "variant_targets": targets.joined(separator: " "), "help_targets": help.joined(separator: "\n"),
            "variant_rules": rules.joined(),
        ])
    }

    static func hlsValues(_ spec: KernelSpec, _ period: String) -> [String: String] {
        var v: [String: String] = [
            "script": spec.hlsScript, "part": spec.platform.part, "clock_period": period,
            "clock_uncertainty": spec.clockUncertainty,
        ]
        switch spec.backend {
        case .vitis:
            v["tool"] = "Vitis HLS"
            v["usage"] = """
                #   vitis_hls -f build_prj.tcl                      (Vitis HLS up to 2023.2)
                #   vitis-run --mode hls --tcl build_prj.tcl        (Vitis 2024.1 and later)
                """
            v["example"] = "vitis_hls -f build_prj.tcl \"reset=1 cosim=1\""
            v["cxx_std"] = "c++14"
            v["solution_flags"] = " -flow_target vivado"
        case .vivado:
            v["tool"] = "Vivado HLS"
            v["usage"] = "#   vivado_hls -f vivado_hls.tcl                    (Vivado HLS 2019.2 / 2020.1)"
            v["example"] = "vivado_hls -f vivado_hls.tcl \"reset=1 cosim=1\""
            // Vivado HLS's front end stops at C++11.
            v["cxx_std"] = "c++0x"
            v["solution_flags"] = ""
        }
        return v
    }

    static func readme(_ spec: KernelSpec, _ period: String) throws -> String {
        let p = spec.project
        var rows: [String] = []
        var lines: [String] = []
        rows.append("| `kernels/\(p)_io.h` | the sample packing shared by the kernels (the host uses the same rule) |")
        if spec.interface.hasMM {
            rows.append("| `kernels/\(p)_mm.cpp` | `\(p)_mm`: memory-mapped batch kernel (gmem0 in, gmem1 out, DATAFLOW read → compute → write) |")
            rows.append("| `link_mm.cfg` | v++ link config of the batch kernel |")
            lines.append("- `make xclbin_mm TARGET=hw` → `build_hw/\(p)_mm.xclbin` (the batch kernel)")
        }
        if spec.interface.hasAxis {
            rows.append("| `kernels/\(p)_axis.cpp` | `\(p)_axis`: AXI4-Stream kernel, TLAST on each sample's last beat |")
            rows.append("| `kernels/\(p)_movers.cpp` | `\(p)_mm2s` / `\(p)_s2mm`: data movers between memory and the stream kernel |")
            rows.append("| `link_axis.cfg` | v++ link config of the stream kernel and movers (`stream_connect=`) |")
            lines.append("- `make xclbin_axis TARGET=hw` → `build_hw/\(p)_axis.xclbin` (mm2s → stream kernel → s2mm)")
        }
        let hlsCommand = spec.backend == .vitis
            ? "vitis_hls -f build_prj.tcl \"csim=1 synth=1\"    # Vitis 2024.1+: vitis-run --mode hls --tcl build_prj.tcl"
            : "vivado_hls -f vivado_hls.tcl \"csim=1 synth=1\""
        return try Template.embedded("project_README.md").render([
            "project": p, "platform": spec.platform.name, "card": spec.platform.card,
            "memory": spec.platform.memory.rawValue, "part": spec.platform.part,
            "freq_mhz": "\(spec.kernelFrequencyMHz)", "clock_period": period, "backend": spec.backend.rawValue,
            "n_input": "\(spec.nInput)", "n_output": "\(spec.nOutput)",
            "input_type": spec.inputFormat.description, "result_type": spec.resultFormat.description,
            "kernel_rows": rows.joined(separator: "\n"), "make_lines": lines.joined(separator: "\n") + "\n",
            "hls_script": spec.hlsScript, "hls_tool": spec.backend == .vitis ? "Vitis HLS" : "Vivado HLS",
            "bank_in": spec.platform.bank(Platform.inputBank), "bank_out": spec.platform.bank(Platform.outputBank),
            "in_words": "\(spec.inWords)", "out_words": "\(spec.outWords)",
            "in_bits": "\(spec.inputFormat.width)", "out_bits": "\(spec.resultFormat.width)",
            "hls_command": hlsCommand,
        ])
    }

    /// A clock period as Tcl and humans read it, to 0.1 ps: "5", "3.3333".
    static func formatNumber(_ x: Double) -> String {
        let r = (x * 10_000).rounded() / 10_000
        if r == r.rounded() { return String(Int64(r)) }
        return "\(r)"
    }
}
