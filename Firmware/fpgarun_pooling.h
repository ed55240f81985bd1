// fpgarun_pooling.h — max / average pooling, 1-D and 2-D, local and global, channels-last, io_parallel.
//
// What codegen emits for one pooling layer N (1-D: height fields 1, pad_top = pad_bottom = 0; global
// pooling: pool = stride = the input size, no padding, out 1 x 1):
//
//   struct configN {
//       static const unsigned in_height = 6, in_width = 7, n_chan = 2;
//       static const unsigned pool_height = 3, pool_width = 3;
//       static const unsigned stride_height = 2, stride_width = 2;
//       static const unsigned pad_top = 0, pad_bottom = 1, pad_left = 1, pad_right = 1;
//       static const unsigned out_height = 3, out_width = 4;
//       static const fpgarun::pool_op op = fpgarun::pool_op::average;   // or ::max
//       static const unsigned reuse_factor = 1;                         // pipeline II
//       typedef ap_fixed<16,6> accum_t;
//   };
//   fpgarun::pooling<layerM_t, layerN_t, configN>(layerM_out, layerN_out);
//
// Arrays: input [in_height][in_width][n_chan], output [out_height][out_width][n_chan].
//
// Numerics (hls4ml 1.3.0, Keras semantics for padding):
//   max:     the window's cells in row-major order, padded cells holding the input type's value with only
//            the top bit set (the most negative value of a signed type); y = max, cast to accum_t, then to
//            res_T.
//   average: acc = 0 in accum_t; acc = accum_t(acc + v) for each cell inside the input (padding is not
//            counted); acc = accum_t(acc / count) with the division truncating toward zero (ap_fixed
//            division by an integer); y = res_T(acc).

#ifndef FPGARUN_POOLING_H_
#define FPGARUN_POOLING_H_

#include "fpgarun_common.h"

namespace fpgarun {

/// Pooling operation.
enum class pool_op { max = 0, average = 1 };

namespace detail {

/// The value a padded cell contributes to max pooling: only the top bit set.
template <class T> T max_pool_padding() {
    #pragma HLS INLINE
    T v = 0;
    v[T::width - 1] = 1;
    return v;
}

template <pool_op O> struct pool_window;

template <> struct pool_window<pool_op::max> {
    template <class data_T, class CONFIG_T>
    static typename CONFIG_T::accum_t run(const data_T data[], int top, int left, unsigned c) {
        #pragma HLS INLINE
        data_T best = 0;
        for (unsigned kh = 0; kh < CONFIG_T::pool_height; kh++) {
            #pragma HLS UNROLL
            for (unsigned kw = 0; kw < CONFIG_T::pool_width; kw++) {
                #pragma HLS UNROLL
                const int ih = top + int(kh);
                const int iw = left + int(kw);
                const bool inside = ih >= 0 && ih < int(CONFIG_T::in_height) && iw >= 0 && iw < int(CONFIG_T::in_width);
                const data_T v = inside ? data[(ih * CONFIG_T::in_width + iw) * CONFIG_T::n_chan + c] : max_pool_padding<data_T>();
                if (kh == 0 && kw == 0)
                    best = v;
                else if (v > best)
                    best = v;
            }
        }
        return best;
    }
};

template <> struct pool_window<pool_op::average> {
    template <class data_T, class CONFIG_T>
    static typename CONFIG_T::accum_t run(const data_T data[], int top, int left, unsigned c) {
        #pragma HLS INLINE
        typename CONFIG_T::accum_t acc = 0;
        unsigned count = 0;
        for (unsigned kh = 0; kh < CONFIG_T::pool_height; kh++) {
            #pragma HLS UNROLL
            for (unsigned kw = 0; kw < CONFIG_T::pool_width; kw++) {
                #pragma HLS UNROLL
                const int ih = top + int(kh);
                const int iw = left + int(kw);
                if (ih >= 0 && ih < int(CONFIG_T::in_height) && iw >= 0 && iw < int(CONFIG_T::in_width)) {
                    acc += data[(ih * CONFIG_T::in_width + iw) * CONFIG_T::n_chan + c];
                    count++;
                }
            }
        }
        acc /= count;
        return acc;
    }
};

} // namespace detail

/// Max or average pooling over each window; 1-D is height 1, global pooling is one window.
template <class data_T, class res_T, class CONFIG_T>
void pooling(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
             res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    static_assert(CONFIG_T::out_height ==
                      (CONFIG_T::in_height + CONFIG_T::pad_top + CONFIG_T::pad_bottom - CONFIG_T::pool_height) /
                              CONFIG_T::stride_height + 1,
                  "pooling config: out_height does not match in_height, padding, pool_height and stride_height");
    static_assert(CONFIG_T::out_width ==
                      (CONFIG_T::in_width + CONFIG_T::pad_left + CONFIG_T::pad_right - CONFIG_T::pool_width) /
                              CONFIG_T::stride_width + 1,
                  "pooling config: out_width does not match in_width, padding, pool_width and stride_width");
    for (unsigned oh = 0; oh < CONFIG_T::out_height; oh++) {
        #pragma HLS UNROLL
        for (unsigned ow = 0; ow < CONFIG_T::out_width; ow++) {
            #pragma HLS UNROLL
            const int top = int(oh * CONFIG_T::stride_height) - int(CONFIG_T::pad_top);
            const int left = int(ow * CONFIG_T::stride_width) - int(CONFIG_T::pad_left);
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                #pragma HLS UNROLL
                res[(oh * CONFIG_T::out_width + ow) * CONFIG_T::n_chan + c] =
                    detail::pool_window<CONFIG_T::op>::template run<data_T, CONFIG_T>(data, top, left, c);
            }
        }
    }
}

} // namespace fpgarun

#endif
