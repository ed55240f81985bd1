// ap_axi_sdata.h — C-simulation stand-in for the Vitis HLS header of the same name.
//
// The ap_types headers that fpgarun builds against (from the hls4ml wheel) do not ship ap_axi_sdata.h,
// so `fpgarun build --target csim` puts this file first on g++'s include path. It declares only what
// the fpgarun kernels use: ap_axiu<D, 0, 0, 0> with `data`, `keep`, `strb` and `last`, which is how the
// Vitis header lays out a beat without user, id or dest sideband. Synthesis (v++, Vitis HLS) never
// sees this file: there the real header is used.
//
// Written for fpgarun (not derived from the Vitis sources); regenerate rather than edit.

#ifndef FPGARUN_CSIM_AP_AXI_SDATA_H_
#define FPGARUN_CSIM_AP_AXI_SDATA_H_

#include "ap_int.h"

/// An AXI4-Stream beat with D data bits; only the sideband-free form (U = TI = TD = 0) is defined.
template <int D, int U, int TI, int TD> struct ap_axiu;

template <int D> struct ap_axiu<D, 0, 0, 0> {
    ap_uint<D> data;
    ap_uint<(D + 7) / 8> keep;
    ap_uint<(D + 7) / 8> strb;
    ap_uint<1> last;
};

#endif
