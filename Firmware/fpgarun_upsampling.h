// fpgarun_upsampling.h — UpSampling1D/2D (nearest neighbour, integer factors), channels-last, io_parallel.
//
// What codegen emits for one upsampling layer N (1-D: in_height = 1, height_factor = 1):
//
//   struct configN {
//       static const unsigned in_height = 4, in_width = 5, n_chan = 2;
//       static const unsigned height_factor = 2, width_factor = 3;
//       static const unsigned out_height = 8, out_width = 15;   // in * factor (static_assert)
//       static const unsigned reuse_factor = 1;
//   };
//   fpgarun::upsample<layerM_t, layerN_t, configN>(layerM_out, layerN_out);
//
// Numerics: out[oh][ow][c] = res_T(in[oh / height_factor][ow / width_factor][c]) (hls4ml's fixed-point
// ratio index gives the same source for every size it can build; the type is the input's).

#ifndef FPGARUN_UPSAMPLING_H_
#define FPGARUN_UPSAMPLING_H_

#include "fpgarun_common.h"

namespace fpgarun {

/// Repeats every input pixel height_factor x width_factor times.
template <class data_T, class res_T, class CONFIG_T>
void upsample(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
              res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    static_assert(CONFIG_T::out_height == CONFIG_T::in_height * CONFIG_T::height_factor,
                  "upsample config: out_height must be in_height * height_factor");
    static_assert(CONFIG_T::out_width == CONFIG_T::in_width * CONFIG_T::width_factor,
                  "upsample config: out_width must be in_width * width_factor");
    for (unsigned oh = 0; oh < CONFIG_T::out_height; oh++) {
        #pragma HLS UNROLL
        for (unsigned ow = 0; ow < CONFIG_T::out_width; ow++) {
            #pragma HLS UNROLL
            const unsigned ih = oh / CONFIG_T::height_factor;
            const unsigned iw = ow / CONFIG_T::width_factor;
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                #pragma HLS UNROLL
                res[(oh * CONFIG_T::out_width + ow) * CONFIG_T::n_chan + c] =
                    data[(ih * CONFIG_T::in_width + iw) * CONFIG_T::n_chan + c];
            }
        }
    }
}

} // namespace fpgarun

#endif
