// fpgarun_softmax.h — softmax over the last axis, io_parallel; hls4ml's four implementations.
//
// What codegen emits for one softmax N (all fields for every implementation; unused types may be any
// ap_fixed type, e.g. the input type):
//
//   struct configN {
//       static const unsigned n_in = 8;           // all elements of the input
//       static const unsigned n_slice = 8;        // length of the last axis (n_in / n_slice independent softmaxes)
//       static const fpgarun::softmax_implementation implementation = fpgarun::softmax_implementation::stable;
//       static const unsigned exp_table_size = 1024;   // power of two
//       static const unsigned inv_table_size = 1024;   // power of two
//       static const unsigned reuse_factor = 1;        // pipeline II
//       typedef ap_fixed<18,8,AP_RND,AP_SAT> exp_table_t;
//       typedef ap_fixed<18,8,AP_RND,AP_SAT> inv_table_t;
//       typedef ap_fixed<16,6> accum_t;                // hls4ml: the model precision
//       typedef ap_fixed<18,8,AP_RND,AP_SAT> inv_inp_t;
//       typedef ap_ufixed<15,5> inp_norm_t;            // stable: ap_ufixed<W-1,I-1> of a signed ap_fixed<W,I> input
//       typedef ap_fixed<18,8> table_t;                // legacy: type of both legacy tables
//   };
//   fpgarun::softmax<layerM_t, layerN_t, configN>(layerM_out, layerN_out);
//
// hls4ml's table sizes: exp_table_size = inv_table_size = TableSize (1024), but no larger than
// 2^(input width) / 2^(inv_inp_t width), and for stable with a signed input exp_table_size <= 2^(W-1).
//
// Numerics (per slice x[0..n-1]):
//   stable:  m = max(x) (balanced tree); d_i = inp_norm_t(m - x_i); e_i = accum_t(exp_table[top bits of d_i]);
//            s = balanced-tree sum of e_i in accum_t; inv = inv_table[top bits of inv_inp_t(s)];
//            y_i = res_T(e_i * inv).  exp_table[k] = exp(-v_k), inv_table[k] = 1/v_k, v_k the value whose
//            top log2(size) bits are k (float math, then the table type).
//   latency: like stable without the max: e_i = exp_table[top bits of x_i] with exp_table[k] = exp(v_k).
//   legacy:  s_i = sum over j of table_t(exp(x_j - x_i)) (j = i contributes exactly 1) from a centred table
//            over [-8, 8); y_i = res_T(inv_table[clamp(int(s_i * N / 64))]), inv_table[k] = 1 / (64k/N).
//   argmax:  y = 1 at the first maximum, 0 elsewhere.

#ifndef FPGARUN_SOFTMAX_H_
#define FPGARUN_SOFTMAX_H_

#include "fpgarun_activation.h"
#include "fpgarun_common.h"

namespace fpgarun {

/// hls4ml's softmax variants (its `Implementation` setting).
enum class softmax_implementation { latency = 0, legacy = 1, stable = 2, argmax = 3 };

namespace detail {

/// exp table addressed by the top bits of index_t: entry k = exp(±v_k) in float, then table_t.
template <class index_t, class table_t, unsigned N, bool negate> void fill_exp(table_t table[N]) {
    for (unsigned k = 0; k < N; k++) {
        float v = top_bits_value<index_t, log2_exact(N)>(k);
        if (negate)
            v = -v;
        table[k] = std::exp(v);
    }
}

/// Inverse table addressed by the top bits of index_t: entry k = 1 / v_k in float, then table_t.
template <class index_t, class table_t, unsigned N> void fill_inverse(table_t table[N]) {
    for (unsigned k = 0; k < N; k++) {
        float v = top_bits_value<index_t, log2_exact(N)>(k);
        table[k] = 1 / v;
    }
}

/// Legacy exp table: exp(x) over [-8, 8), x on the centred grid, float exp.
template <class table_t, unsigned N> void fill_legacy_exp(table_t table[N]) {
    for (unsigned k = 0; k < N; k++) {
        table[k] = std::exp(centred_grid(int(k), int(N), 16.0));
    }
}

/// Legacy inverse table: 1 / x for x = 64k/N (float grid, double division), 0 at k = 0.
template <class table_t, unsigned N> void fill_legacy_inverse(table_t table[N]) {
    for (unsigned k = 0; k < N; k++) {
        float x = float(64.0 * k / N);
        if (x > 0.0)
            table[k] = 1.0 / x;
        else
            table[k] = 0.0;
    }
}

/// The exp-sum-invert tail shared by stable and latency: s = tree sum in accum_t, inverse looked up by the
/// top bits of inv_inp_t(s), y_i = e_i * inverse.
template <class res_T, class CONFIG_T>
void normalise(const typename CONFIG_T::accum_t e[CONFIG_T::n_slice], res_T res[CONFIG_T::n_slice]) {
    #pragma HLS INLINE
    typedef typename CONFIG_T::inv_table_t inv_table_t;
    typedef typename CONFIG_T::inv_inp_t inv_inp_t;
    const unsigned bits = log2_exact(CONFIG_T::inv_table_size);
    static_assert(is_pow2(CONFIG_T::inv_table_size) && bits <= inv_inp_t::width,
                  "softmax config: inv_table_size must be a power of two no larger than 2^(inv_inp_t width)");
    FPGARUN_ROM(inv_table_t, inv_table, CONFIG_T::inv_table_size, (fill_inverse<inv_inp_t, inv_table_t, CONFIG_T::inv_table_size>))
    const inv_inp_t sum = tree_reduce<CONFIG_T::n_slice>::run(e, add_op<typename CONFIG_T::accum_t>());
    const inv_table_t inverse = inv_table[top_bits_index<bits>(sum)];
    for (unsigned i = 0; i < CONFIG_T::n_slice; i++) {
        #pragma HLS UNROLL
        res[i] = e[i] * inverse;
    }
}

template <softmax_implementation I> struct softmax_slice;

template <> struct softmax_slice<softmax_implementation::stable> {
    template <class data_T, class res_T, class CONFIG_T>
    static void run(const data_T data[CONFIG_T::n_slice], res_T res[CONFIG_T::n_slice]) {
        #pragma HLS INLINE
        typedef typename CONFIG_T::exp_table_t exp_table_t;
        typedef typename CONFIG_T::inp_norm_t inp_norm_t;
        const unsigned bits = log2_exact(CONFIG_T::exp_table_size);
        static_assert(is_pow2(CONFIG_T::exp_table_size) && bits <= inp_norm_t::width,
                      "softmax config: exp_table_size must be a power of two no larger than 2^(inp_norm_t width)");
        FPGARUN_ROM(exp_table_t, exp_table, CONFIG_T::exp_table_size,
                    (fill_exp<inp_norm_t, exp_table_t, CONFIG_T::exp_table_size, true>))
        const data_T top = tree_reduce<CONFIG_T::n_slice>::run(data, max_op<data_T>());
        typename CONFIG_T::accum_t e[CONFIG_T::n_slice];
        #pragma HLS ARRAY_PARTITION variable=e complete
        for (unsigned i = 0; i < CONFIG_T::n_slice; i++) {
            #pragma HLS UNROLL
            const inp_norm_t distance = top - data[i];
            e[i] = exp_table[top_bits_index<bits>(distance)];
        }
        normalise<res_T, CONFIG_T>(e, res);
    }
};

template <> struct softmax_slice<softmax_implementation::latency> {
    template <class data_T, class res_T, class CONFIG_T>
    static void run(const data_T data[CONFIG_T::n_slice], res_T res[CONFIG_T::n_slice]) {
        #pragma HLS INLINE
        typedef typename CONFIG_T::exp_table_t exp_table_t;
        const unsigned bits = log2_exact(CONFIG_T::exp_table_size);
        static_assert(is_pow2(CONFIG_T::exp_table_size) && bits <= data_T::width,
                      "softmax config: exp_table_size must be a power of two no larger than 2^(input width)");
        FPGARUN_ROM(exp_table_t, exp_table, CONFIG_T::exp_table_size,
                    (fill_exp<data_T, exp_table_t, CONFIG_T::exp_table_size, false>))
        typename CONFIG_T::accum_t e[CONFIG_T::n_slice];
        #pragma HLS ARRAY_PARTITION variable=e complete
        for (unsigned i = 0; i < CONFIG_T::n_slice; i++) {
            #pragma HLS UNROLL
            e[i] = exp_table[top_bits_index<bits>(data[i])];
        }
        normalise<res_T, CONFIG_T>(e, res);
    }
};

template <> struct softmax_slice<softmax_implementation::legacy> {
    template <class data_T, class res_T, class CONFIG_T>
    static void run(const data_T data[CONFIG_T::n_slice], res_T res[CONFIG_T::n_slice]) {
        #pragma HLS INLINE
        typedef typename CONFIG_T::table_t table_t;
        FPGARUN_ROM(table_t, exp_table, CONFIG_T::exp_table_size, (fill_legacy_exp<table_t, CONFIG_T::exp_table_size>))
        FPGARUN_ROM(table_t, inv_table, CONFIG_T::inv_table_size, (fill_legacy_inverse<table_t, CONFIG_T::inv_table_size>))
        for (unsigned i = 0; i < CONFIG_T::n_slice; i++) {
            #pragma HLS UNROLL
            table_t sum = 0;
            for (unsigned j = 0; j < CONFIG_T::n_slice; j++) {
                #pragma HLS UNROLL
                if (i == j)
                    sum += table_t(1);
                else
                    sum += exp_table[centred_index<CONFIG_T::exp_table_size, 16>(data[j] - data[i])];
            }
            int k = (sum * CONFIG_T::inv_table_size / 64).to_int();
            if (k < 0)
                k = 0;
            if (k > int(CONFIG_T::inv_table_size) - 1)
                k = CONFIG_T::inv_table_size - 1;
            res[i] = inv_table[k];
        }
    }
};

template <> struct softmax_slice<softmax_implementation::argmax> {
    template <class data_T, class res_T, class CONFIG_T>
    static void run(const data_T data[CONFIG_T::n_slice], res_T res[CONFIG_T::n_slice]) {
        #pragma HLS INLINE
        data_T best = data[0];
        unsigned at = 0;
        for (unsigned i = 1; i < CONFIG_T::n_slice; i++) {
            #pragma HLS UNROLL
            if (data[i] > best) {
                best = data[i];
                at = i;
            }
        }
        for (unsigned i = 0; i < CONFIG_T::n_slice; i++) {
            #pragma HLS UNROLL
            res[i] = res_T(i == at ? 1 : 0);
        }
    }
};

} // namespace detail

/// Softmax of each consecutive n_slice elements (the last axis) with the configured implementation.
template <class data_T, class res_T, class CONFIG_T> void softmax(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    static_assert(CONFIG_T::n_slice >= 1 && CONFIG_T::n_in % CONFIG_T::n_slice == 0, "softmax config: n_slice must divide n_in");
    for (unsigned s = 0; s < CONFIG_T::n_in / CONFIG_T::n_slice; s++) {
        #pragma HLS UNROLL
        detail::softmax_slice<CONFIG_T::implementation>::template run<data_T, res_T, CONFIG_T>(
            data + s * CONFIG_T::n_slice, res + s * CONFIG_T::n_slice);
    }
}

} // namespace fpgarun

#endif
