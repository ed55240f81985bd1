#ifndef CEMULATOR_KERNELS_H
#define CEMULATOR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// How a wrap16 product's accum_t bits are taken (see MacEngine.Wrap16Mode).
enum {
    CEK_WRAP16_LOW = 0,    ///< (p << shift) mod 2^16
    CEK_WRAP16_SPLIT = 1,  ///< (p >> shift) mod 2^16, 0 < shift < 16
    CEK_WRAP16_HIGH = 2,   ///< high half of p >> shift
    CEK_WRAP16_ZERO = 3,   ///< every product wraps to zero
};

/// Packs the nonzero inputs of one vector for cek_wrap16_accumulate: packed[k] = i << 16 | (uint16_t)x_i
/// for each i < n (n < 65536) whose Int16 value is nonzero, in order; returns their count. The inputs
/// are x[i] (Int64 raws in Int16 range), or with `gather` x[gather[i]] (a negative index reads zero:
/// padding). `packed` must hold n + 8 entries (the AVX2 variant stores 8 at a time).
ptrdiff_t cek_wrap16_compact(const int64_t *x, const int32_t *gather, ptrdiff_t n, uint32_t *packed);

/// acc[o] = bias[o] + Σ_k term(x_k, w[i_k][o]) on wrapping Int16 lanes, for o < padded (a multiple
/// of 16), over the packed inputs of cek_wrap16_compact; `weights` is [rows][padded].
void cek_wrap16_accumulate(int mode, int shift, const uint32_t *packed, ptrdiff_t count,
                           const int16_t *weights, const int16_t *bias, int16_t *acc, ptrdiff_t padded);

/// out[o] = acc[o] sign-extended, o < n; with `relu` (may be NULL) also relu[o] = max(acc[o], 0).
void cek_widen16(const int16_t *acc, int64_t *out, int64_t *relu, ptrdiff_t n);

/// A whole wrap16 layer over `rows` vectors whose result type is accum_t itself (hls4ml's default):
/// for each row r, compact x + r·n_in, accumulate, and widen into out + r·n_out (and relu + r·n_out
/// when `relu` is not NULL). `packed` holds n_in + 8 entries and `acc` `padded` lanes of scratch.
void cek_wrap16_rows(int mode, int shift, const int64_t *x, ptrdiff_t rows, ptrdiff_t n_in, ptrdiff_t n_out,
                     const int16_t *weights, const int16_t *bias, ptrdiff_t padded, int64_t *out, int64_t *relu,
                     uint32_t *packed, int16_t *acc);

/// Which variant the kernels run: "avx2" (chosen at load time when the CPU has AVX2) or "baseline"
/// (SSE2 and scalar).
const char *cek_wrap16_variant(void);

/// Tests: with on != 0 the baseline variant runs even where AVX2 exists; returns the previous setting.
int cek_use_baseline(int on);

#endif
