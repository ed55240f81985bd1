// fpgarun_common.h — shared pieces of the fpgarun HLS layer library.
//
// Every layer header includes this one. It holds:
//   - the strategy enum a config names (`fpgarun::strategy::latency` / `resource`);
//   - compile-time integer helpers used to size loops and pragmas;
//   - `tree_reduce`: the balanced reduction whose split points fix the rounding order of softmax sums;
//   - `FPGARUN_ROM`: how a function lookup table is declared and filled (once in C simulation, as an
//     unconditionally initialised static array in synthesis so that Vitis HLS infers a ROM);
//   - the float-side helpers that turn a table index into the x value the table is evaluated at.
//
// Conventions for the whole library (what generated code relies on):
//   - Arrays are flat, channels-last, without the batch dimension: Dense [n], 1-D maps [width][chan],
//     2-D maps [height][width][chan]. A 1-D layer is the 2-D layer with height 1 (codegen emits height
//     fields as 1 and top/bottom padding as 0).
//   - One config struct per layer instance; every field documented at the top of a layer header is
//     required (there are no defaults to inherit, so a missing field is a compile error, never a silent
//     default). Fields are `static const unsigned` / `static const bool` / enum constants, typedefs, and
//     for real-valued parameters `static constexpr double` holding the value as a decimal literal.
//   - Arithmetic follows hls4ml 1.3.0's C simulation bit for bit (docs/hls4ml-numerics.md): every
//     ap_fixed expression is exact, and a value is rounded only where it is assigned to a typed variable.
//     Code below marks each such cast point.
//   - Under g++ the `#pragma HLS` lines are unknown pragmas: build with -Wno-unknown-pragmas.

#ifndef FPGARUN_COMMON_H_
#define FPGARUN_COMMON_H_

#include <cmath>

#include "ap_fixed.h"
#include "ap_int.h"

// Emits a pragma from a macro argument (for pragmas that macros have to produce).
#define FPGARUN_PRAGMA(text) _Pragma(#text)

// Declares `NAME`, a lookup table of N elements of type T, filled by `FILL(NAME)`.
// C simulation: a static array filled on the first call only (filling costs float math).
// Synthesis: the same static array, filled unconditionally at the top of the function by a separate
// fill function — the pattern Vitis HLS turns into a ROM (the fill is evaluated at compile time).
// FILL may contain template commas if it is wrapped in parentheses: `(fill<A, B>)`.
#ifdef __SYNTHESIS__
#define FPGARUN_ROM(T, NAME, N, FILL) \
    static T NAME[N];                 \
    FILL(NAME);
#else
#define FPGARUN_ROM(T, NAME, N, FILL)              \
    static T NAME[N];                              \
    static bool NAME##_filled = false;             \
    if (!NAME##_filled) {                          \
        FILL(NAME);                                \
        NAME##_filled = true;                      \
    }
#endif

namespace fpgarun {

/// How a multiply-heavy layer (Dense, Conv) uses its multipliers.
/// latency: all products in parallel, the whole layer pipelined with II = reuse_factor.
/// resource: a loop of reuse_factor steps, each doing n_in*n_out/reuse_factor products, weights read
/// from a block-reshaped array (BRAM when `store_weights_in_bram`).
enum class strategy { latency = 0, resource = 1 };

/// ceil(n / d) for positive d.
constexpr unsigned ceil_div(unsigned n, unsigned d) { return (n + d - 1) / d; }

/// The smaller of two unsigned values.
constexpr unsigned min_of(unsigned a, unsigned b) { return a < b ? a : b; }

/// True when n is a power of two (n >= 1).
constexpr bool is_pow2(unsigned n) { return n != 0 && (n & (n - 1)) == 0; }

/// log2 of a power of two.
constexpr unsigned log2_exact(unsigned n) { return n <= 1 ? 0 : 1 + log2_exact(n / 2); }

/// The largest power of two strictly below n (n >= 2): where tree_reduce splits an n-element array.
constexpr unsigned tree_split(unsigned n) { return n <= 2 ? 1 : 2 * tree_split((n + 1) / 2); }

/// Balanced reduction of N values: the first tree_split(N) elements and the rest are reduced
/// recursively and combined with `op`, whose result type is T (so every partial result is cast to T).
/// The shape decides the rounding order, so it is part of the numerics, not only of the hardware.
template <unsigned N> struct tree_reduce {
    template <class T, class Op> static T run(const T *x, Op op) {
        #pragma HLS INLINE
        return op(tree_reduce<tree_split(N)>::run(x, op), tree_reduce<N - tree_split(N)>::run(x + tree_split(N), op));
    }
};

template <> struct tree_reduce<1> {
    template <class T, class Op> static T run(const T *x, Op) {
        #pragma HLS INLINE
        return x[0];
    }
};

/// a + b, cast to T.
template <class T> struct add_op {
    T operator()(T a, T b) const { return a + b; }
};

/// The larger of a and b (the first one on ties).
template <class T> struct max_op {
    T operator()(T a, T b) const { return a >= b ? a : b; }
};

/// x for table entry i of an n-entry table spanning [-span/2, span/2): evaluated in double, kept as
/// float — the grid hls4ml's sigmoid/tanh/softplus/softsign/legacy-exp tables use.
inline float centred_grid(int i, int n, double span) { return float(span * (i - n / 2.0) / n); }

/// x for table entry i of an n-entry table spanning (-8, 0]: the ELU/SELU grid, double then float.
inline float negative_grid(int i, int n) { return float(-8.0 * i / n); }

/// The value of T whose top `bits` bits are `index` and whose other bits are zero, as float:
/// the x a softmax exp/inverse table entry is evaluated at.
template <class T, unsigned bits> float top_bits_value(unsigned index) {
    T v = 0;
    v.range(T::width - 1, T::width - bits) = index;
    return float(v);
}

/// The top `bits` bits of x's two's complement pattern, as an unsigned table index.
template <unsigned bits, class T> unsigned top_bits_index(const T &x) {
    #pragma HLS INLINE
    ap_uint<bits> idx = x.range(T::width - 1, T::width - bits);
    return idx.to_uint();
}

} // namespace fpgarun

#endif
