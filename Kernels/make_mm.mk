
# ---- memory-mapped batch kernel: {{project}}_mm ----
xclbin_mm: $(BUILD)/{{project}}_mm.xclbin

$(BUILD)/{{project}}_mm.xo: kernels/{{project}}_mm.cpp kernels/{{project}}_io.h $(FIRMWARE_SRC) $(FIRMWARE_HDR)
	@mkdir -p $(BUILD)
	$(call vpp_compile,{{project}}_mm) -o $@ kernels/{{project}}_mm.cpp $(FIRMWARE_SRC)

$(BUILD)/{{project}}_mm.xclbin: $(BUILD)/{{project}}_mm.xo link_mm.cfg
	$(VPP) -l $(VPP_FLAGS) --temp_dir $(BUILD)/tmp_link_mm --config link_mm.cfg -o $@ $(BUILD)/{{project}}_mm.xo
