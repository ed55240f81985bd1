// fpgarun_conv.h — Conv1D / Conv2D, channels-last, explicit zero padding, io_parallel.
//
// What codegen emits for one convolution N (Conv1D: height fields 1, pad_top = pad_bottom = 0,
// stride_height = 1, filt_height = 1):
//
//   struct configN {
//       static const unsigned in_height = 9, in_width = 8, n_chan = 2;
//       static const unsigned filt_height = 3, filt_width = 4, n_filt = 3;
//       static const unsigned stride_height = 2, stride_width = 3;
//       static const unsigned pad_top = 1, pad_bottom = 1, pad_left = 1, pad_right = 2;
//       static const unsigned out_height = 5, out_width = 3;
//       static const fpgarun::strategy strategy = fpgarun::strategy::latency;   // or ::resource
//       static const unsigned reuse_factor = 1;
//       static const unsigned n_partitions = 15;           // divides out_height*out_width
//       static const unsigned n_zeros = 0;
//       static const bool store_weights_in_bram = false;
//       typedef ap_fixed<16,6> weight_t;
//       typedef ap_fixed<16,6> bias_t;
//       typedef ap_fixed<16,6> accum_t;
//   };
//   fpgarun::conv<layerM_t, layerN_t, configN>(layerM_out, layerN_out, wN, bN);
//
// Arrays: input [in_height][in_width][n_chan], output [out_height][out_width][n_filt]. Weights: latency →
// Keras layout [filt_height][filt_width][n_chan][n_filt]; resource → transposed
// [n_filt][filt_height][filt_width][n_chan]. Biases [n_filt]. out_* must equal
// (in + pad_before + pad_after - filt) / stride + 1 (static_assert).
//
// Hardware: the output pixels are processed in n_partitions groups of out_height*out_width/n_partitions
// pixels (hls4ml's ParallelizationFactor = pixels per group). Latency: the group loop is pipelined with
// II = reuse_factor, all pixels of a group and all their products in parallel (multipliers limited to
// ceil(pixels*K*n_filt/reuse_factor)). Resource: per group, a reuse loop of reuse_factor steps with II = 1;
// needs reuse_factor <= K and K % reuse_factor == 0, K = filt_height*filt_width*n_chan (hls4ml's
// convolution resource loop handles only that case).
//
// Numerics: every output pixel is exactly a Dense layer applied to its receptive field: the im2col row
// [kh][kw][c] (zeros where the window covers padding) times the [K][n_filt] kernel, bias first, each
// product cast to accum_t, one cast to the result type.

#ifndef FPGARUN_CONV_H_
#define FPGARUN_CONV_H_

#include "fpgarun_common.h"
#include "fpgarun_dense.h"

namespace fpgarun {
namespace detail {

/// The per-pixel matrix product of a convolution config, in the shape the Dense cores expect.
template <class CONFIG_T> struct conv_as_dense {
    static const unsigned n_in = CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan;
    static const unsigned n_out = CONFIG_T::n_filt;
    static const unsigned reuse_factor = CONFIG_T::reuse_factor;
    typedef typename CONFIG_T::weight_t weight_t;
    typedef typename CONFIG_T::bias_t bias_t;
    typedef typename CONFIG_T::accum_t accum_t;
};

/// Shape checks shared by both strategies.
template <class CONFIG_T> struct conv_shape {
    static const unsigned n_pixels = CONFIG_T::out_height * CONFIG_T::out_width;
    static const unsigned group = n_pixels / CONFIG_T::n_partitions; // pixels computed together
    static_assert(CONFIG_T::out_height ==
                      (CONFIG_T::in_height + CONFIG_T::pad_top + CONFIG_T::pad_bottom - CONFIG_T::filt_height) /
                              CONFIG_T::stride_height + 1,
                  "conv config: out_height does not match in_height, padding, filt_height and stride_height");
    static_assert(CONFIG_T::out_width ==
                      (CONFIG_T::in_width + CONFIG_T::pad_left + CONFIG_T::pad_right - CONFIG_T::filt_width) /
                              CONFIG_T::stride_width + 1,
                  "conv config: out_width does not match in_width, padding, filt_width and stride_width");
    static_assert(CONFIG_T::n_partitions >= 1 && n_pixels % CONFIG_T::n_partitions == 0,
                  "conv config: n_partitions must divide out_height * out_width");
};

/// The im2col row of output pixel `pixel`: receptive field in [kh][kw][c] order, zero in the padding.
template <class CONFIG_T, class data_T>
void receptive_field(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan], unsigned pixel,
                     data_T row[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan]) {
    #pragma HLS INLINE
    const int oh = pixel / CONFIG_T::out_width;
    const int ow = pixel % CONFIG_T::out_width;
    for (unsigned kh = 0; kh < CONFIG_T::filt_height; kh++) {
        #pragma HLS UNROLL
        for (unsigned kw = 0; kw < CONFIG_T::filt_width; kw++) {
            #pragma HLS UNROLL
            const int ih = oh * int(CONFIG_T::stride_height) + int(kh) - int(CONFIG_T::pad_top);
            const int iw = ow * int(CONFIG_T::stride_width) + int(kw) - int(CONFIG_T::pad_left);
            const bool inside = ih >= 0 && ih < int(CONFIG_T::in_height) && iw >= 0 && iw < int(CONFIG_T::in_width);
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                #pragma HLS UNROLL
                const unsigned k = (kh * CONFIG_T::filt_width + kw) * CONFIG_T::n_chan + c;
                row[k] = inside ? data[(ih * CONFIG_T::in_width + iw) * CONFIG_T::n_chan + c] : data_T(0);
            }
        }
    }
}

template <strategy S> struct conv_kernel;

template <> struct conv_kernel<strategy::latency> {
    template <class data_T, class res_T, class CONFIG_T>
    static void run(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                    res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
                    const typename CONFIG_T::weight_t weights[conv_as_dense<CONFIG_T>::n_in * CONFIG_T::n_filt],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
        #pragma HLS INLINE off
        typedef conv_as_dense<CONFIG_T> D;
        typedef conv_shape<CONFIG_T> S;
        #pragma HLS FUNCTION_INSTANTIATE variable=weights,biases
        #pragma HLS ARRAY_PARTITION variable=weights complete
        #pragma HLS ARRAY_PARTITION variable=biases complete
        const unsigned multiplier_limit =
            ceil_div(S::group * D::n_in * D::n_out, CONFIG_T::reuse_factor) - S::group * CONFIG_T::n_zeros / CONFIG_T::reuse_factor;
        #pragma HLS ALLOCATION operation instances=mul limit=multiplier_limit
        (void)multiplier_limit; // read only by the pragma
        for (unsigned part = 0; part < CONFIG_T::n_partitions; part++) {
            #pragma HLS PIPELINE II=CONFIG_T::reuse_factor rewind
            for (unsigned p = 0; p < S::group; p++) {
                #pragma HLS UNROLL
                const unsigned pixel = part * S::group + p;
                data_T row[D::n_in];
                #pragma HLS ARRAY_PARTITION variable=row complete
                receptive_field<CONFIG_T>(data, pixel, row);
                typename CONFIG_T::accum_t acc[D::n_out];
                #pragma HLS ARRAY_PARTITION variable=acc complete
                accumulate_latency<D>(row, acc, weights, biases);
                for (unsigned f = 0; f < D::n_out; f++) {
                    #pragma HLS UNROLL
                    res[pixel * D::n_out + f] = acc[f];
                }
            }
        }
    }
};

template <> struct conv_kernel<strategy::resource> {
    template <class data_T, class res_T, class CONFIG_T>
    static void run(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                    res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
                    const typename CONFIG_T::weight_t weights[conv_as_dense<CONFIG_T>::n_in * CONFIG_T::n_filt],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
        #pragma HLS INLINE off
        typedef conv_as_dense<CONFIG_T> D;
        typedef conv_shape<CONFIG_T> S;
        static_assert(CONFIG_T::reuse_factor <= D::n_in,
                      "conv config: the resource strategy needs reuse_factor <= filt_height * filt_width * n_chan");
        #pragma HLS FUNCTION_INSTANTIATE variable=weights,biases
        const unsigned block = ceil_div(D::n_in * D::n_out, CONFIG_T::reuse_factor);
        #pragma HLS ARRAY_RESHAPE variable=weights block factor=block
        (void)block; // read only by the pragma
        #pragma HLS ARRAY_PARTITION variable=biases complete
        if (CONFIG_T::store_weights_in_bram) {
            #pragma HLS BIND_STORAGE variable=weights type=rom_np impl=bram
        }
        for (unsigned part = 0; part < CONFIG_T::n_partitions; part++) {
            data_T rows[S::group][D::n_in];
            #pragma HLS ARRAY_PARTITION variable=rows complete dim=0
            typename CONFIG_T::accum_t acc[S::group][D::n_out];
            #pragma HLS ARRAY_PARTITION variable=acc complete dim=0
            for (unsigned p = 0; p < S::group; p++) {
                #pragma HLS UNROLL
                receptive_field<CONFIG_T>(data, part * S::group + p, rows[p]);
            }
            accumulate_resource<D, S::group>(rows, acc, weights, biases);
            for (unsigned p = 0; p < S::group; p++) {
                #pragma HLS UNROLL
                for (unsigned f = 0; f < D::n_out; f++) {
                    #pragma HLS UNROLL
                    res[(part * S::group + p) * D::n_out + f] = acc[p][f];
                }
            }
        }
    }
};

} // namespace detail

/// Convolution (1-D as height 1): each output pixel is a Dense product of its receptive field.
template <class data_T, class res_T, class CONFIG_T>
void conv(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
          res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
          const typename CONFIG_T::weight_t
              weights[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan * CONFIG_T::n_filt],
          const typename CONFIG_T::bias_t biases[CONFIG_T::n_filt]) {
    #pragma HLS INLINE
    detail::conv_kernel<CONFIG_T::strategy>::template run<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

} // namespace fpgarun

#endif
