
# ---- AXI-stream kernel and data movers: {{project}}_axis, {{project}}_mm2s, {{project}}_s2mm ----
AXIS_XO := $(BUILD)/{{project}}_mm2s.xo $(BUILD)/{{project}}_axis.xo $(BUILD)/{{project}}_s2mm.xo

xclbin_axis: $(BUILD)/{{project}}_axis.xclbin

$(BUILD)/{{project}}_axis.xo: kernels/{{project}}_axis.cpp kernels/{{project}}_io.h $(FIRMWARE_SRC) $(FIRMWARE_HDR)
	@mkdir -p $(BUILD)
	$(call vpp_compile,{{project}}_axis) -o $@ kernels/{{project}}_axis.cpp $(FIRMWARE_SRC)

$(BUILD)/{{project}}_mm2s.xo: kernels/{{project}}_movers.cpp
	@mkdir -p $(BUILD)
	$(call vpp_compile,{{project}}_mm2s) -o $@ kernels/{{project}}_movers.cpp

$(BUILD)/{{project}}_s2mm.xo: kernels/{{project}}_movers.cpp
	@mkdir -p $(BUILD)
	$(call vpp_compile,{{project}}_s2mm) -o $@ kernels/{{project}}_movers.cpp

$(BUILD)/{{project}}_axis.xclbin: $(AXIS_XO) link_axis.cfg
	$(VPP) -l $(VPP_FLAGS) --temp_dir $(BUILD)/tmp_link_axis --config link_axis.cfg -o $@ $(AXIS_XO)
