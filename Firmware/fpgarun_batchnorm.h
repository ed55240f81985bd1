// fpgarun_batchnorm.h — BatchNormalization as a per-channel multiply-add, io_parallel.
//
// What codegen emits for one BatchNormalization N:
//
//   struct configN {
//       static const unsigned n_in = 400;          // all elements of the input
//       static const unsigned n_scale_bias = 4;    // channels (last dimension); n_in for a flat vector
//       static const unsigned reuse_factor = 1;    // II; multipliers limited to ceil(n_in / reuse_factor)
//       typedef ap_fixed<16,6> scale_t;
//       typedef ap_fixed<16,6> bias_t;
//   };
//   fpgarun::batchnorm<layerM_t, layerN_t, configN>(layerM_out, layerN_out, sN, bN);
//
// sN, bN: [n_scale_bias], the folded Keras parameters scale = gamma / sqrt(var + eps) and
// bias = beta - mean * scale (hls4ml folds them in float32).
//
// Numerics: y[i] = res_T(x[i] * scale[c] + bias[c]) with c = i % n_scale_bias — exact product plus exact
// sum, one rounding.

#ifndef FPGARUN_BATCHNORM_H_
#define FPGARUN_BATCHNORM_H_

#include "fpgarun_common.h"

namespace fpgarun {

/// y = x * scale[channel] + bias[channel], rounded once to res_T.
template <class data_T, class res_T, class CONFIG_T>
void batchnorm(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
               const typename CONFIG_T::scale_t scale[CONFIG_T::n_scale_bias],
               const typename CONFIG_T::bias_t bias[CONFIG_T::n_scale_bias]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    #pragma HLS FUNCTION_INSTANTIATE variable=scale,bias
    #pragma HLS ARRAY_PARTITION variable=scale complete
    #pragma HLS ARRAY_PARTITION variable=bias complete
    static_assert(CONFIG_T::n_in % CONFIG_T::n_scale_bias == 0, "batchnorm config: n_scale_bias must divide n_in");
    const unsigned multiplier_limit = ceil_div(CONFIG_T::n_in, CONFIG_T::reuse_factor);
    #pragma HLS ALLOCATION operation instances=mul limit=multiplier_limit
    (void)multiplier_limit; // read only by the pragma
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        const unsigned c = i % CONFIG_T::n_scale_bias;
        res[i] = data[i] * scale[c] + bias[c];
    }
}

} // namespace fpgarun

#endif
