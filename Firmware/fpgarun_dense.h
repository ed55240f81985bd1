// fpgarun_dense.h — fully connected layer (Keras Dense), io_parallel.
//
// What codegen emits for one Dense layer N:
//
//   struct configN {
//       static const unsigned n_in = 16;                   // input features
//       static const unsigned n_out = 64;                  // output features
//       static const fpgarun::strategy strategy = fpgarun::strategy::latency;   // or ::resource
//       static const unsigned reuse_factor = 1;            // see below
//       static const unsigned n_zeros = 0;                 // weights equal to zero (lowers the multiplier limit)
//       static const bool store_weights_in_bram = false;   // resource: keep the weight ROM in BRAM
//       typedef ap_fixed<16,6> weight_t;
//       typedef ap_fixed<16,6> bias_t;
//       typedef ap_fixed<16,6> accum_t;
//   };
//   fpgarun::dense<layerM_t, layerN_t, configN>(layerM_out, layerN_out, wN, bN);
//
// Weights wN: latency → Keras kernel layout [n_in][n_out] row-major; resource → transposed [n_out][n_in]
// (each of the reuse_factor steps then reads one block of the reshaped ROM). bN: [n_out] (zeros typed
// ap_uint<1> when the layer has no bias).
//
// reuse_factor: latency → the function is pipelined with II = reuse_factor and the number of
// multipliers is limited to ceil(n_in*n_out/reuse_factor) - n_zeros/reuse_factor. resource → a loop of
// reuse_factor steps (II = 1 each) doing ceil(n_in*n_out/reuse_factor) products per step. Valid resource
// values: reuse_factor <= n_in with n_in % reuse_factor == 0, or reuse_factor > n_in with
// reuse_factor % n_in == 0 (hls4ml's rule; other values fail a static_assert).
//
// Numerics (both strategies): acc[j] = accum_t(b[j]); for each input i, acc[j] = accum_t(acc[j] +
// accum_t(x[i] * w)); y[j] = res_T(acc[j]). Latency adds inputs in order i = 0..n_in-1. Resource adds them
// in reuse order (step r adds inputs r, r+RF, r+2RF, ... when RF <= n_in); the order only matters when
// accum_t saturates.

#ifndef FPGARUN_DENSE_H_
#define FPGARUN_DENSE_H_

#include "fpgarun_common.h"

namespace fpgarun {
namespace detail {

/// x * w, exact, then cast to accum_t: the per-product cast point.
template <class CONFIG_T, class data_T>
typename CONFIG_T::accum_t weighted(const data_T &x, const typename CONFIG_T::weight_t &w) {
    #pragma HLS INLINE
    return x * w;
}

/// Latency arithmetic for one input vector: acc = bias, then every product added in input order.
/// CONFIG_T needs n_in, n_out, weight_t, bias_t, accum_t; weights are [n_in][n_out].
template <class CONFIG_T, class data_T>
void accumulate_latency(const data_T data[CONFIG_T::n_in], typename CONFIG_T::accum_t acc[CONFIG_T::n_out],
                        const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                        const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    #pragma HLS INLINE
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        acc[j] = biases[j];
    }
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
            #pragma HLS UNROLL
            acc[j] += weighted<CONFIG_T>(data[i], weights[i * CONFIG_T::n_out + j]);
        }
    }
}

/// Resource arithmetic for P input vectors sharing the weights (Dense: P = 1; Conv: the pixels of one
/// partition). Weights are [n_out][n_in]; step r of the reuse loop multiplies weight r + k*RF for
/// k = 0..block-1. Specialised on whether RF <= n_in (the two index patterns hls4ml accepts).
template <bool reuse_within_inputs> struct resource_accumulator;

template <> struct resource_accumulator<true> {
    template <class CONFIG_T, unsigned P, class data_T>
    static void run(const data_T data[P][CONFIG_T::n_in], typename CONFIG_T::accum_t acc[P][CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out]) {
        #pragma HLS INLINE
        const unsigned rf = CONFIG_T::reuse_factor;
        const unsigned block = CONFIG_T::n_in * CONFIG_T::n_out / rf;
        const unsigned per_out = CONFIG_T::n_in / rf; // products of one output done in one step
        static_assert(CONFIG_T::n_in % rf == 0, "resource strategy with reuse_factor <= n_in needs n_in % reuse_factor == 0");
        for (unsigned r = 0; r < rf; r++) {
            #pragma HLS PIPELINE II=1 rewind
            for (unsigned k = 0; k < block; k++) {
                #pragma HLS UNROLL
                const unsigned out = k / per_out;
                const unsigned in = r + (k % per_out) * rf;
                for (unsigned p = 0; p < P; p++) {
                    #pragma HLS UNROLL
                    acc[p][out] += weighted<CONFIG_T>(data[p][in], weights[r + k * rf]);
                }
            }
        }
    }
};

template <> struct resource_accumulator<false> {
    template <class CONFIG_T, unsigned P, class data_T>
    static void run(const data_T data[P][CONFIG_T::n_in], typename CONFIG_T::accum_t acc[P][CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out]) {
        #pragma HLS INLINE
        const unsigned rf = CONFIG_T::reuse_factor;
        const unsigned n_weights = CONFIG_T::n_in * CONFIG_T::n_out;
        const unsigned block = ceil_div(n_weights, rf);
        const unsigned out_stride = rf / CONFIG_T::n_in; // outputs between two weights of one step
        static_assert(rf % CONFIG_T::n_in == 0, "resource strategy with reuse_factor > n_in needs reuse_factor % n_in == 0");
        static_assert(rf <= n_weights, "reuse_factor exceeds n_in * n_out");
        // Step r always reads input r % n_in and starts at output r / n_in; both advance as counters so
        // that no divider is built.
        unsigned in = 0;
        unsigned first_out = 0;
        for (unsigned r = 0; r < rf; r++) {
            #pragma HLS PIPELINE II=1 rewind
            for (unsigned k = 0; k < block; k++) {
                #pragma HLS UNROLL
                if (r + k * rf < n_weights) {
                    for (unsigned p = 0; p < P; p++) {
                        #pragma HLS UNROLL
                        acc[p][first_out + k * out_stride] += weighted<CONFIG_T>(data[p][in], weights[r + k * rf]);
                    }
                }
            }
            if (++in == CONFIG_T::n_in) {
                in = 0;
                first_out++;
            }
        }
    }
};

/// Resource arithmetic: acc = bias, then the reuse loop. See resource_accumulator.
template <class CONFIG_T, unsigned P, class data_T>
void accumulate_resource(const data_T data[P][CONFIG_T::n_in], typename CONFIG_T::accum_t acc[P][CONFIG_T::n_out],
                         const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                         const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    #pragma HLS INLINE
    for (unsigned p = 0; p < P; p++) {
        #pragma HLS UNROLL
        for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
            #pragma HLS UNROLL
            acc[p][j] = biases[j];
        }
    }
    resource_accumulator<(CONFIG_T::reuse_factor <= CONFIG_T::n_in)>::template run<CONFIG_T, P>(data, acc, weights);
}

template <strategy S> struct dense_kernel;

template <> struct dense_kernel<strategy::latency> {
    template <class data_T, class res_T, class CONFIG_T>
    static void run(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
        #pragma HLS INLINE off
        #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        #pragma HLS FUNCTION_INSTANTIATE variable=weights,biases
        #pragma HLS ARRAY_PARTITION variable=biases complete
        const unsigned multiplier_limit =
            ceil_div(CONFIG_T::n_in * CONFIG_T::n_out, CONFIG_T::reuse_factor) - CONFIG_T::n_zeros / CONFIG_T::reuse_factor;
        #pragma HLS ALLOCATION operation instances=mul limit=multiplier_limit
        (void)multiplier_limit; // read only by the pragma
        typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
        #pragma HLS ARRAY_PARTITION variable=acc complete
        accumulate_latency<CONFIG_T>(data, acc, weights, biases);
        for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
            #pragma HLS UNROLL
            res[j] = acc[j];
        }
    }
};

template <> struct dense_kernel<strategy::resource> {
    template <class data_T, class res_T, class CONFIG_T>
    static void run(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
        #pragma HLS INLINE off
        #pragma HLS FUNCTION_INSTANTIATE variable=weights,biases
        const unsigned block = ceil_div(CONFIG_T::n_in * CONFIG_T::n_out, CONFIG_T::reuse_factor);
        #pragma HLS ARRAY_RESHAPE variable=weights block factor=block
        (void)block; // read only by the pragma
        #pragma HLS ARRAY_PARTITION variable=biases complete
        if (CONFIG_T::store_weights_in_bram) {
            #pragma HLS BIND_STORAGE variable=weights type=rom_np impl=bram
        }
        // Every step reads a different slice of the inputs: keep them in registers (a copy is only wires).
        data_T rows[1][CONFIG_T::n_in];
        #pragma HLS ARRAY_PARTITION variable=rows complete dim=0
        for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
            #pragma HLS UNROLL
            rows[0][i] = data[i];
        }
        typename CONFIG_T::accum_t acc[1][CONFIG_T::n_out];
        #pragma HLS ARRAY_PARTITION variable=acc complete dim=0
        accumulate_resource<CONFIG_T, 1>(rows, acc, weights, biases);
        for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
            #pragma HLS UNROLL
            res[j] = acc[0][j];
        }
    }
};

} // namespace detail

/// Dense layer: res = cast(accumulate(bias, data · weights)). See the header comment for the config.
template <class data_T, class res_T, class CONFIG_T>
void dense(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
           const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    #pragma HLS INLINE
    detail::dense_kernel<CONFIG_T::strategy>::template run<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

} // namespace fpgarun

#endif
