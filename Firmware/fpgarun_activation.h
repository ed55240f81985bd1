// fpgarun_activation.h — element-wise activations, io_parallel (softmax is in fpgarun_softmax.h).
//
// Every activation takes (const data_T data[n_in], res_T res[n_in]) and a config with at least
//
//   static const unsigned n_in = 64;          // elements
//   static const unsigned reuse_factor = 1;   // pipeline II
//
// plus, per function (all fields listed are required by that function):
//
//   linear, relu                      — nothing more
//   sigmoid, tanh, softplus, softsign,
//   selu                              — static const unsigned table_size = 1024; typedef ap_fixed<18,8> table_t;
//   elu                               — table_size, table_t, typedef param_t; static constexpr double alpha = 1.0;
//   leaky_relu                        — typedef param_t; static constexpr double alpha = 0.3;
//   thresholded_relu                  — typedef param_t; static constexpr double theta = 1.0;
//   prelu                             — typedef param_t; the alphas are an array argument [n_in]
//   hard_sigmoid                      — typedef slope_t, shift_t; static constexpr double slope = 0.2, shift = 0.5;
//
// Keras' ReLU layer maps to relu: hls4ml 1.3 drops its max_value / threshold / negative_slope (and so does
// fpgarun's emulator), so codegen emits fpgarun::relu for it.
//
// Calls: fpgarun::sigmoid<layerM_t, layerN_t, configN>(layerM_out, layerN_out);
//        fpgarun::prelu<layerM_t, layerN_t, configN>(layerM_out, layerN_out, aN);
//
// Real-valued parameters are emitted as decimal literals (the shortest text that reads back as the same
// double) and quantized to their type inside the kernel: param_t(alpha), as hls4ml does with the literal
// it writes into the call. hls4ml's defaults: param_t = the model precision, slope_t = ap_ufixed<16,0>,
// shift_t = ap_ufixed<2,0>, table_t = ap_fixed<18,8>, table_size = 1024.
//
// Numerics (hls4ml 1.3.0): see each function. Tables are filled with float32 glibc math exactly as
// hls4ml's C++ does and indexed by int(x * table_size / range), truncated toward zero, clamped.

#ifndef FPGARUN_ACTIVATION_H_
#define FPGARUN_ACTIVATION_H_

#include "fpgarun_common.h"

namespace fpgarun {
namespace detail {

// ---- table functions: x (float) → f(x) rounded to float, the exact float/double mix hls4ml uses ----

/// Logistic sigmoid: the division runs in double.
struct sigmoid_fn {
    static const unsigned span = 16;
    static float eval(float x) { return float(1.0 / (1.0f + std::exp(-x))); }
};

/// tanh in float (glibc tanhf).
struct tanh_fn {
    static const unsigned span = 8;
    static float eval(float x) { return std::tanh(x); }
};

/// log(exp(x) + 1): exp in float, the log in double.
struct softplus_fn {
    static const unsigned span = 16;
    static float eval(float x) { return float(std::log(double(std::exp(x)) + 1.0)); }
};

/// x / (|x| + 1), the division in double.
struct softsign_fn {
    static const unsigned span = 16;
    static float eval(float x) { return float(double(x) / (double(std::fabs(x)) + 1.0)); }
};

/// exp(x) - 1 for x <= 0 (alpha is applied at lookup).
struct elu_fn {
    static float eval(float x) { return float(double(std::exp(x)) - 1.0); }
};

/// SELU's negative branch, lambda * alpha * (exp(x) - 1), in double (alpha product first).
struct selu_fn {
    static float eval(float x) { return float(1.0507009873554805 * (1.6732632423543772 * (double(std::exp(x)) - 1.0))); }
};

/// Fills a table over [-span/2, span/2) (sigmoid, tanh, softplus, softsign).
template <class Fn, class table_t, unsigned N> void fill_centred(table_t table[N]) {
    for (unsigned i = 0; i < N; i++) {
        table[i] = Fn::eval(centred_grid(int(i), int(N), double(Fn::span)));
    }
}

/// Fills a table over (-8, 0] (ELU, SELU).
template <class Fn, class table_t, unsigned N> void fill_negative(table_t table[N]) {
    for (unsigned i = 0; i < N; i++) {
        table[i] = Fn::eval(negative_grid(int(i), int(N)));
    }
}

/// Index of x in a centred table: int(x * N / span) truncated toward zero, plus N/2, clamped.
template <unsigned N, unsigned span, class data_T> unsigned centred_index(const data_T &x) {
    #pragma HLS INLINE
    int index = (x * N / int(span)).to_int() + int(span / 2 * N / span);
    if (index < 0)
        index = 0;
    if (index > int(N) - 1)
        index = N - 1;
    return unsigned(index);
}

/// Index of a negative x in an ELU/SELU table: int(x * N / -8) truncated toward zero, clamped.
template <unsigned N, class data_T> unsigned negative_index(const data_T &x) {
    #pragma HLS INLINE
    int index = (x * N / -8).to_int();
    if (index < 0)
        index = 0;
    if (index > int(N) - 1)
        index = N - 1;
    return unsigned(index);
}

/// A centred-table activation: y = res_T(table[centred_index(x)]).
template <class Fn, class data_T, class res_T, class CONFIG_T>
void centred_table_activation(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE
    typedef typename CONFIG_T::table_t table_t;
    FPGARUN_ROM(table_t, table, CONFIG_T::table_size, (fill_centred<Fn, table_t, CONFIG_T::table_size>))
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        res[i] = table[centred_index<CONFIG_T::table_size, Fn::span>(data[i])];
    }
}

} // namespace detail

/// Identity with a cast to res_T (hls4ml keeps a linear activation only when it changes the type).
template <class data_T, class res_T, class CONFIG_T> void linear(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        res[i] = data[i];
    }
}

/// y = x > 0 ? x : 0, cast to res_T.
template <class data_T, class res_T, class CONFIG_T> void relu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        if (data[i] > 0)
            res[i] = data[i];
        else
            res[i] = 0;
    }
}

/// y = x > 0 ? x : alpha * x, alpha quantized to param_t, one cast of the exact product.
template <class data_T, class res_T, class CONFIG_T>
void leaky_relu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    const typename CONFIG_T::param_t alpha = double(CONFIG_T::alpha);
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        if (data[i] > 0)
            res[i] = data[i];
        else
            res[i] = alpha * data[i];
    }
}

/// y = x > theta ? x : 0 (strict), theta quantized to param_t.
template <class data_T, class res_T, class CONFIG_T>
void thresholded_relu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    const typename CONFIG_T::param_t theta = double(CONFIG_T::theta);
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        if (data[i] > theta)
            res[i] = data[i];
        else
            res[i] = 0;
    }
}

/// y = x > 0 ? x : alpha[i] * x with one alpha per element (param_t weights).
template <class data_T, class res_T, class CONFIG_T>
void prelu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in], const typename CONFIG_T::param_t alpha[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    #pragma HLS ARRAY_PARTITION variable=alpha complete
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        if (data[i] > 0)
            res[i] = data[i];
        else
            res[i] = alpha[i] * data[i];
    }
}

/// Keras 2 hard_sigmoid: d = slope * x + shift (exact), clamped to [0, 1], cast to res_T.
template <class data_T, class res_T, class CONFIG_T>
void hard_sigmoid(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    const typename CONFIG_T::slope_t slope = double(CONFIG_T::slope);
    const typename CONFIG_T::shift_t shift = double(CONFIG_T::shift);
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        // The clamp values are stored in the exact sum's own type, then the one cast to res_T.
        auto d = slope * data[i] + shift;
        if (d > 1)
            d = 1;
        else if (d < 0)
            d = 0;
        res[i] = d;
    }
}

/// Logistic sigmoid through a table_size-entry table over [-8, 8).
template <class data_T, class res_T, class CONFIG_T> void sigmoid(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    detail::centred_table_activation<detail::sigmoid_fn, data_T, res_T, CONFIG_T>(data, res);
}

/// tanh through a table over [-4, 4).
template <class data_T, class res_T, class CONFIG_T> void tanh(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    detail::centred_table_activation<detail::tanh_fn, data_T, res_T, CONFIG_T>(data, res);
}

/// softplus through a table over [-8, 8) (inputs beyond the range read the end entries).
template <class data_T, class res_T, class CONFIG_T> void softplus(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    detail::centred_table_activation<detail::softplus_fn, data_T, res_T, CONFIG_T>(data, res);
}

/// softsign through a table over [-8, 8).
template <class data_T, class res_T, class CONFIG_T> void softsign(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    detail::centred_table_activation<detail::softsign_fn, data_T, res_T, CONFIG_T>(data, res);
}

/// ELU: x >= 0 → x; else alpha * table[int(x * N / -8)] with alpha quantized to param_t.
template <class data_T, class res_T, class CONFIG_T> void elu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    typedef typename CONFIG_T::table_t table_t;
    FPGARUN_ROM(table_t, table, CONFIG_T::table_size, (detail::fill_negative<detail::elu_fn, table_t, CONFIG_T::table_size>))
    const typename CONFIG_T::param_t alpha = double(CONFIG_T::alpha);
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        if (data[i] >= 0)
            res[i] = data[i];
        else
            res[i] = alpha * table[detail::negative_index<CONFIG_T::table_size>(data[i])];
    }
}

/// SELU: x >= 0 → lambda * x with lambda = ap_ufixed<16,1>(1.0507009873554805); else the table entry.
template <class data_T, class res_T, class CONFIG_T> void selu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    typedef typename CONFIG_T::table_t table_t;
    FPGARUN_ROM(table_t, table, CONFIG_T::table_size, (detail::fill_negative<detail::selu_fn, table_t, CONFIG_T::table_size>))
    const ap_ufixed<16, 1> lambda = 1.0507009873554805;
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        if (data[i] >= 0)
            res[i] = lambda * data[i];
        else
            res[i] = table[detail::negative_index<CONFIG_T::table_size>(data[i])];
    }
}

} // namespace fpgarun

#endif
