// fpgarun_padding.h — ZeroPadding1D/2D, channels-last, io_parallel.
//
// What codegen emits for one zero-padding layer N (1-D: height fields 1, pad_top = pad_bottom = 0):
//
//   struct configN {
//       static const unsigned in_height = 5, in_width = 6, n_chan = 2;
//       static const unsigned pad_top = 2, pad_bottom = 1, pad_left = 0, pad_right = 3;
//       static const unsigned out_height = 8, out_width = 9;   // in + pads (static_assert)
//       static const unsigned reuse_factor = 1;
//   };
//   fpgarun::zero_pad<layerM_t, layerN_t, configN>(layerM_out, layerN_out);
//
// Numerics: the input copied (cast to res_T; hls4ml gives this layer the input's type) into a zero frame.

#ifndef FPGARUN_PADDING_H_
#define FPGARUN_PADDING_H_

#include "fpgarun_common.h"

namespace fpgarun {

/// Copies the input into the middle of a zero-filled output.
template <class data_T, class res_T, class CONFIG_T>
void zero_pad(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
              res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    static_assert(CONFIG_T::out_height == CONFIG_T::in_height + CONFIG_T::pad_top + CONFIG_T::pad_bottom,
                  "zero_pad config: out_height must be in_height + pad_top + pad_bottom");
    static_assert(CONFIG_T::out_width == CONFIG_T::in_width + CONFIG_T::pad_left + CONFIG_T::pad_right,
                  "zero_pad config: out_width must be in_width + pad_left + pad_right");
    for (unsigned oh = 0; oh < CONFIG_T::out_height; oh++) {
        #pragma HLS UNROLL
        for (unsigned ow = 0; ow < CONFIG_T::out_width; ow++) {
            #pragma HLS UNROLL
            const int ih = int(oh) - int(CONFIG_T::pad_top);
            const int iw = int(ow) - int(CONFIG_T::pad_left);
            const bool inside = ih >= 0 && ih < int(CONFIG_T::in_height) && iw >= 0 && iw < int(CONFIG_T::in_width);
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                #pragma HLS UNROLL
                const unsigned o = (oh * CONFIG_T::out_width + ow) * CONFIG_T::n_chan + c;
                if (inside)
                    res[o] = data[(ih * CONFIG_T::in_width + iw) * CONFIG_T::n_chan + c];
                else
                    res[o] = 0;
            }
        }
    }
}

} // namespace fpgarun

#endif
