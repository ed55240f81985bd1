import Foundation
import Testing
import FixedPoint
@testable import Codegen

/// The generated project's file set, pragmas, link configs, Makefile and scripts, for a DDR card
/// (U250) and an HBM card (U55C).
@Suite struct ProjectFilesTests {
    static let u250 = "xilinx_u250_gen3x16_xdma_4_1_202210_1"
    static let u55c = "xilinx_u55c_gen3x16_xdma_3_202210_1"

    @Test(arguments: [u250, u55c])
    func fileSetForBothInterfaces(platform: String) throws {
        let files = try KernelCodegen.supportFiles(for: Support.spec(platform))
        #expect(files.paths == [
            "Makefile", "README.md", "build_prj.tcl", "csim/csim_abi.cpp", "csim/include/ap_axi_sdata.h",
            "kernels/standin_axis.cpp", "kernels/standin_io.h", "kernels/standin_mm.cpp", "kernels/standin_movers.cpp",
            "link_axis.cfg", "link_mm.cfg", "tb/standin_test.cpp", "xrt.ini",
        ])
        for (path, text) in files.files {
            #expect(!text.contains("{{"), "\(path) has an unrendered placeholder")
            #expect(text.hasSuffix("\n"), "\(path) does not end with a newline")
        }
        try files.validate()
    }

    @Test func fileSetPerInterfaceAndBackend() throws {
        let mm = try KernelCodegen.supportFiles(for: Support.spec(Self.u250, interface: .mm, backend: .vivado))
        #expect(mm.files["kernels/standin_mm.cpp"] != nil && mm.files["link_mm.cfg"] != nil)
        #expect(mm.files["kernels/standin_axis.cpp"] == nil && mm.files["kernels/standin_movers.cpp"] == nil)
        #expect(mm.files["link_axis.cfg"] == nil)
        #expect(mm.files["vivado_hls.tcl"] != nil && mm.files["build_prj.tcl"] == nil)
        #expect(mm.files["csim/csim_abi.cpp"]!.contains("#define FPGARUN_CSIM_HAS_AXIS 0"))

        let axis = try KernelCodegen.supportFiles(for: Support.spec(Self.u55c, interface: .axis))
        #expect(axis.files["kernels/standin_mm.cpp"] == nil && axis.files["link_mm.cfg"] == nil)
        #expect(axis.files["kernels/standin_axis.cpp"] != nil && axis.files["link_axis.cfg"] != nil)
        #expect(axis.files["csim/csim_abi.cpp"]!.contains("#define FPGARUN_CSIM_HAS_MM 0"))
        let make = axis.files["Makefile"]!
        #expect(make.contains("all: xclbin_axis\n") && !make.contains("xclbin_mm"))
    }

    @Test func memoryMappedKernelPragmas() throws {
        let text = try KernelCodegen.supportFiles(for: Support.spec(Self.u250)).files["kernels/standin_mm.cpp"]!
        #expect(text.contains("extern \"C\" {"))
        #expect(text.contains("void standin_mm(const in_word *in_mem, out_word *out_mem, unsigned n)"))
        let pragmas = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("#pragma HLS INTERFACE") }
        #expect(pragmas.contains { $0.contains("m_axi port=in_mem") && $0.contains("bundle=gmem0")
                && $0.contains("max_read_burst_length=64") && $0.contains("num_read_outstanding=16") && $0.contains("depth=") })
        #expect(pragmas.contains { $0.contains("m_axi port=out_mem") && $0.contains("bundle=gmem1")
                && $0.contains("max_write_burst_length=64") && $0.contains("num_write_outstanding=16") })
        for port in ["in_mem", "out_mem", "n", "return"] {
            #expect(pragmas.contains("#pragma HLS INTERFACE s_axilite port=\(port) bundle=control"), "\(port)")
        }
        #expect(text.contains("#pragma HLS DATAFLOW"))
        #expect(text.contains("hls::stream<in_word> in_s") && text.contains("hls::stream<out_word> out_s"))
        #expect(text.contains("#pragma HLS PIPELINE II=1"))   // the burst loops
        #expect(text.contains("#pragma HLS PIPELINE II=1\n#pragma HLS LOOP_TRIPCOUNT min=1 max=1024"))  // sample loop
        let io = try KernelCodegen.supportFiles(for: Support.spec(Self.u250)).files["kernels/standin_io.h"]!
        #expect(io.contains("typedef ap_uint<512> word_t;"))
        #expect(io.contains("static_assert(N_INPUT == 16,") && io.contains("static_assert(input_t::width == 16,"))
        #expect(io.contains("static_assert(IN_WORDS == 1 && OUT_WORDS == 1,"))
    }

    @Test func streamKernelAndMoverPragmas() throws {
        let files = try KernelCodegen.supportFiles(for: Support.spec(Self.u55c))
        let axis = files.files["kernels/standin_axis.cpp"]!
        #expect(axis.contains("void standin_axis(hls::stream<axis_t> &in_stream, hls::stream<axis_t> &out_stream, unsigned n)"))
        #expect(axis.contains("#pragma HLS INTERFACE axis port=in_stream"))
        #expect(axis.contains("#pragma HLS INTERFACE axis port=out_stream"))
        #expect(axis.contains("#pragma HLS INTERFACE s_axilite port=return bundle=control"))
        #expect(axis.contains("beat.last = (j == OUT_WORDS - 1);"))
        let movers = files.files["kernels/standin_movers.cpp"]!
        #expect(movers.contains("void standin_mm2s(const fpgarun_movers::word_t *mem, hls::stream<fpgarun_movers::axis_t> &s, unsigned words)"))
        #expect(movers.contains("void standin_s2mm(hls::stream<fpgarun_movers::axis_t> &s, fpgarun_movers::word_t *mem, unsigned words)"))
        #expect(movers.contains("m_axi port=mem offset=slave bundle=gmem0"))
        #expect(movers.contains("m_axi port=mem offset=slave bundle=gmem1"))
        #expect(movers.components(separatedBy: "#pragma HLS INTERFACE axis port=s").count == 3)
        #expect(files.files["kernels/standin_io.h"]!.contains("typedef ap_axiu<512, 0, 0, 0> axis_t;"))
    }

    @Test(arguments: [(u250, "DDR"), (u55c, "HBM")])
    func linkConfigs(platform: String, bank: String) throws {
        let files = try KernelCodegen.supportFiles(for: Support.spec(platform))
        let mm = Support.configLines(files.files["link_mm.cfg"]!)
        #expect(mm == [
            "kernel_frequency=0:300",
            "[connectivity]",
            "nk=standin_mm:1:standin_mm_1",
            "sp=standin_mm_1.in_mem:\(bank)[0]",
            "sp=standin_mm_1.out_mem:\(bank)[1]",
        ])
        let axis = Support.configLines(files.files["link_axis.cfg"]!)
        #expect(axis == [
            "kernel_frequency=0:300",
            "[connectivity]",
            "nk=standin_mm2s:1:standin_mm2s_1",
            "nk=standin_axis:1:standin_axis_1",
            "nk=standin_s2mm:1:standin_s2mm_1",
            "stream_connect=standin_mm2s_1.s:standin_axis_1.in_stream",
            "stream_connect=standin_axis_1.out_stream:standin_s2mm_1.s",
            "sp=standin_mm2s_1.mem:\(bank)[0]",
            "sp=standin_s2mm_1.mem:\(bank)[1]",
        ])
    }

    @Test func clockFromConfigPeriod() throws {
        let files = try KernelCodegen.supportFiles(for: Support.spec(Self.u250, clock: 5))
        #expect(files.files["link_mm.cfg"]!.contains("kernel_frequency=0:200\n"))
        #expect(files.files["Makefile"]!.contains("KERNEL_FREQ_HZ ?= 200000000\n"))
        #expect(files.files["build_prj.tcl"]!.contains("set clock_period 5\n"))
        let odd = try Support.spec(Self.u250, clock: 3.3)
        #expect(odd.kernelFrequencyMHz == 303)
        #expect(try KernelCodegen.supportFiles(for: odd).files["build_prj.tcl"]!.contains("set clock_period 3.3\n"))
        // No period: the platform's default clock.
        let dflt = try Support.spec(Self.u250)
        #expect(dflt.kernelFrequencyMHz == 300)
        #expect(try KernelCodegen.supportFiles(for: dflt).files["build_prj.tcl"]!.contains("set clock_period 3.3333\n"))
    }

    @Test(arguments: [u250, u55c])
    func makefileTargets(platform: String) throws {
        let make = try KernelCodegen.supportFiles(for: Support.spec(platform)).files["Makefile"]!
        #expect(make.contains("TARGET ?= hw\n"))
        #expect(make.contains("PLATFORM ?= \(platform)\n"))
        #expect(make.contains("ifeq ($(filter $(TARGET),sw_emu hw_emu hw),)"))
        #expect(make.contains(".PHONY: all xclbin_mm xclbin_axis emconfig clean"))
        #expect(make.contains("\nall: xclbin_mm xclbin_axis\n"))
        for target in ["xclbin_mm:", "xclbin_axis:", "emconfig:", "clean:"] {
            #expect(make.contains("\n\(target)"), "\(target)")
        }
        // One v++ -c per kernel, one v++ -l per variant, each with its link config.
        for k in ["standin_mm", "standin_axis", "standin_mm2s", "standin_s2mm"] {
            #expect(make.contains("$(call vpp_compile,\(k)) -o $@"), "\(k)")
        }
        #expect(make.contains("vpp_compile = $(VPP) -c $(VPP_FLAGS)"))
        #expect(make.contains("--config link_mm.cfg -o $@ $(BUILD)/standin_mm.xo"))
        #expect(make.contains("--config link_axis.cfg -o $@ $(AXIS_XO)"))
        #expect(make.contains("$(VPP) -l $(VPP_FLAGS)"))
        // Recipes start with a tab; nothing else does.
        let lines = make.split(separator: "\n", omittingEmptySubsequences: false)
        let recipes = lines.filter { $0.hasPrefix("\t") }
        #expect(recipes.count == 13)
        #expect(recipes.allSatisfy { $0.dropFirst().first != " " && $0.dropFirst().first != "\t" })
        #expect(!lines.contains { $0.hasPrefix(" ") && $0.contains("$(VPP)") })
    }

    @Test func hlsScripts() throws {
        let vitis = try KernelCodegen.supportFiles(for: Support.spec(Self.u55c)).files["build_prj.tcl"]!
        #expect(vitis.contains("set project_name \"standin\"\n"))
        #expect(vitis.contains("set part \"xcu55c-fsvh2892-2L-e\"\n"))
        #expect(vitis.contains("open_solution -reset \"solution1\" -flow_target vivado"))
        #expect(vitis.contains("-std=c++14"))
        for step in ["csim_design", "csynth_design", "cosim_design", "export_design -format ip_catalog"] {
            #expect(vitis.contains(step), "\(step)")
        }
        for flag in ["reset", "csim", "synth", "cosim", "validation", "export"] {
            #expect(vitis.contains("\n    \(flag) "), "\(flag)")
        }
        let vivado = try KernelCodegen.supportFiles(for: Support.spec(Self.u250, backend: .vivado)).files["vivado_hls.tcl"]!
        #expect(vivado.contains("vivado_hls -f vivado_hls.tcl") && vivado.contains("-std=c++0x"))
        #expect(!vivado.contains("-flow_target"))
        #expect(vivado.contains("set part \"xcu250-figd2104-2L-e\"\n"))
    }

    @Test func readmeXrtIniAndTestbench() throws {
        let files = try KernelCodegen.supportFiles(for: Support.spec(Self.u55c))
        let readme = files.files["README.md"]!
        #expect(readme.contains("make all TARGET=hw") && readme.contains("xilinx_u55c_gen3x16_xdma_3_202210_1"))
        #expect(readme.contains("HBM[0]") && readme.contains("make xclbin_axis"))
        let ini = Support.configLines(files.files["xrt.ini"]!)
        #expect(ini.contains("[Runtime]") && ini.contains("runtime_log=console"))
        let tb = files.files["tb/standin_test.cpp"]!
        #expect(tb.contains("\"tb_data/tb_input_features.dat\"") && tb.contains("\"tb_data/csim_results.log\""))
        #expect(tb.contains("#include \"standin.h\"") && tb.contains("standin(x, y);"))
    }

    @Test func projectNameIsSanitisedEverywhere() throws {
        let spec = try Support.spec(Self.u250, project: "my-net\"; rm -rf /")
        #expect(spec.project == "my_net_rm_rf")
        let files = try KernelCodegen.supportFiles(for: spec)
        #expect(files.files["kernels/my_net_rm_rf_mm.cpp"] != nil)
        for (path, text) in files.files {
            #expect(!text.contains("rm -rf /") && !path.contains("\""), "\(path)")
        }
    }

    @Test func invalidSpecsAreRejected() throws {
        let f = try FixedFormat(width: 16, integerBits: 6)
        let p = try Platform.named(Self.u250)
        #expect(throws: CodegenError.self) {
            try KernelSpec(project: "p", nInput: 0, nOutput: 1, inputFormat: f, resultFormat: f, platform: p)
        }
        #expect(throws: CodegenError.self) {
            try KernelSpec(project: "p", nInput: 1, nOutput: 1, inputFormat: f, resultFormat: f, clockPeriodNs: -1, platform: p)
        }
        #expect(throws: CodegenError.self) {
            try KernelSpec(project: "p", nInput: 1, nOutput: 1, inputFormat: f, resultFormat: f, platform: p, maxReuseFactor: 0)
        }
        #expect(throws: CodegenError.self) {
            try KernelSpec(project: "p", nInput: 1, nOutput: 1, inputFormat: f, resultFormat: f, platform: p,
                           clockUncertainty: "1\"; exec ls")
        }
    }

    @Test func sampleIntervalFollowsWordsAndReuse() throws {
        let f = try FixedFormat(width: 13, integerBits: 5)
        let p = try Platform.named(Self.u250)
        let wide = try KernelSpec(project: "w", nInput: 100, nOutput: 3, inputFormat: f, resultFormat: f, platform: p)
        #expect(wide.inWords == 3 && wide.outWords == 1 && wide.sampleInterval == 3)
        let reused = try KernelSpec(project: "r", nInput: 3, nOutput: 3, inputFormat: f, resultFormat: f, platform: p,
                                    maxReuseFactor: 8)
        #expect(reused.sampleInterval == 8)
        let mm = try KernelCodegen.supportFiles(for: reused).files["kernels/r_mm.cpp"]!
        #expect(mm.contains("#pragma HLS PIPELINE II=8\n"))
    }
}
