// fpgarun_merge.h — two-input merges (Add, Subtract, Multiply, Average, Maximum, Minimum) and
// Concatenate, io_parallel.
//
// What codegen emits for an element-wise merge N:
//
//   struct configN {
//       static const fpgarun::merge_op op = fpgarun::merge_op::add;   // add, subtract, multiply, average, maximum, minimum
//       static const unsigned n_elem = 8;      // output elements
//       static const unsigned n_elem1 = 8;     // first input (equal to n_elem, or broadcast by index % n_elem1)
//       static const unsigned n_elem2 = 8;     // second input (likewise)
//       static const unsigned reuse_factor = 1;
//   };
//   fpgarun::merge<layerA_t, layerB_t, layerN_t, configN>(layerA_out, layerB_out, layerN_out);
//
// For a Concatenate N along an axis: view each input as [n_outer][chunk] where n_outer is the product of
// the dimensions before the axis and chunk the product of the axis and every later dimension:
//
//   struct configN {
//       static const unsigned n_outer = 6;     // same for both inputs
//       static const unsigned n_chunk1 = 3;    // first input: elements per outer index
//       static const unsigned n_chunk2 = 4;    // second input
//       static const unsigned reuse_factor = 1;
//   };
//   fpgarun::concatenate<layerA_t, layerB_t, layerN_t, configN>(layerA_out, layerB_out, layerN_out);
//
// Numerics: one cast of the exact result to res_T: a+b, a-b, a*b, (a+b)*0.5; maximum/minimum take a when
// a > b (a < b) strictly, else b, then cast; concatenate casts each element.

#ifndef FPGARUN_MERGE_H_
#define FPGARUN_MERGE_H_

#include "fpgarun_common.h"

namespace fpgarun {

/// Element-wise merge operations.
enum class merge_op { add = 0, subtract = 1, multiply = 2, average = 3, maximum = 4, minimum = 5 };

namespace detail {

template <merge_op O> struct merge_element;

template <> struct merge_element<merge_op::add> {
    template <class res_T, class A, class B> static res_T run(const A &a, const B &b) { return a + b; }
};
template <> struct merge_element<merge_op::subtract> {
    template <class res_T, class A, class B> static res_T run(const A &a, const B &b) { return a - b; }
};
template <> struct merge_element<merge_op::multiply> {
    template <class res_T, class A, class B> static res_T run(const A &a, const B &b) { return a * b; }
};
template <> struct merge_element<merge_op::average> {
    // Halving by an exact multiply keeps the sum's bits; the only rounding is the cast.
    template <class res_T, class A, class B> static res_T run(const A &a, const B &b) {
        return (a + b) * ap_ufixed<1, 0>(0.5);
    }
};
template <> struct merge_element<merge_op::maximum> {
    template <class res_T, class A, class B> static res_T run(const A &a, const B &b) {
        return a > b ? res_T(a) : res_T(b);
    }
};
template <> struct merge_element<merge_op::minimum> {
    template <class res_T, class A, class B> static res_T run(const A &a, const B &b) {
        return a < b ? res_T(a) : res_T(b);
    }
};

} // namespace detail

/// Element-wise merge of two inputs.
template <class input1_T, class input2_T, class res_T, class CONFIG_T>
void merge(const input1_T data1[CONFIG_T::n_elem1], const input2_T data2[CONFIG_T::n_elem2], res_T res[CONFIG_T::n_elem]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
        #pragma HLS UNROLL
        res[i] = detail::merge_element<CONFIG_T::op>::template run<res_T>(data1[i % CONFIG_T::n_elem1],
                                                                          data2[i % CONFIG_T::n_elem2]);
    }
}

/// Concatenation: for each outer index, the first input's chunk then the second's.
template <class input1_T, class input2_T, class res_T, class CONFIG_T>
void concatenate(const input1_T data1[CONFIG_T::n_outer * CONFIG_T::n_chunk1],
                 const input2_T data2[CONFIG_T::n_outer * CONFIG_T::n_chunk2],
                 res_T res[CONFIG_T::n_outer * (CONFIG_T::n_chunk1 + CONFIG_T::n_chunk2)]) {
    #pragma HLS INLINE off
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    const unsigned row = CONFIG_T::n_chunk1 + CONFIG_T::n_chunk2;
    for (unsigned o = 0; o < CONFIG_T::n_outer; o++) {
        #pragma HLS UNROLL
        for (unsigned i = 0; i < CONFIG_T::n_chunk1; i++) {
            #pragma HLS UNROLL
            res[o * row + i] = data1[o * CONFIG_T::n_chunk1 + i];
        }
        for (unsigned i = 0; i < CONFIG_T::n_chunk2; i++) {
            #pragma HLS UNROLL
            res[o * row + CONFIG_T::n_chunk1 + i] = data2[o * CONFIG_T::n_chunk2 + i];
        }
    }
}

} // namespace fpgarun

#endif
