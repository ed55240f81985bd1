#ifndef CEMULATOR_KERNELS_H
#define CEMULATOR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// How a wrap16 product's accum_t bits are taken (see MacEngine.Wrap16Mode).
enum {
    CEK_WRAP16_LOW = 0,    ///< (p << shift) mod 2^16
    CEK_WRAP16_SPLIT = 1,  ///< (p >> shift) mod 2^16, 0 < shift < 16: high half << (16 - shift) | low half >>> shift
    CEK_WRAP16_HIGH = 2,   ///< high half of p >> shift
    CEK_WRAP16_ZERO = 3,   ///< every product wraps to zero
    /// SPLIT with most weights stored pre-shifted by 16 - shift, so that their term is one high-half
    /// product: mulhi(x, w << (16 - shift)) = floor(x·w / 2^shift); the others in `wide`.
    CEK_WRAP16_SPLIT_NARROW = 4,
};

/// One wrap16 layer's tables (owned by the caller).
typedef struct {
    int mode;                    ///< CEK_WRAP16_*
    int shift;
    ptrdiff_t n_in, n_out;
    ptrdiff_t padded;            ///< n_out rounded up to a multiple of 16
    const int16_t *weights;      ///< [n_in][padded]; SPLIT_NARROW: pre-shifted, 0 where a weight is wide
    const int16_t *bias;         ///< [padded], accum_t raws
    /// SPLIT_NARROW only: the wide weights unshifted ([n_in][padded], 0 elsewhere), and for each
    /// 16-output group g the input rows holding one: wide_rows[wide_start[g] ..< wide_start[g + 1]].
    const int16_t *wide;
    const uint16_t *wide_rows;
    const int32_t *wide_start;
} cek_wrap16_layer;

/// Packs the nonzero inputs of one vector: packed[k] = i << 16 | (uint16_t)x_i for each i < n
/// (n < 65536) whose Int16 value is nonzero, in order; returns their count. The inputs are x[i]
/// (Int64 raws in Int16 range), or with `gather` x[gather[i]] (a negative index reads zero: padding).
/// `packed` must hold n + 8 entries (the AVX2 variant stores 8 at a time).
ptrdiff_t cek_wrap16_compact(const int64_t *x, const int32_t *gather, ptrdiff_t n, uint32_t *packed);

/// acc[o] = bias[o] + Σ_i term(x_i, w[i][o]) on wrapping Int16 lanes, for o < padded: over the packed
/// nonzero inputs, then (SPLIT_NARROW) over each group's wide rows, read from x / gather.
void cek_wrap16_accumulate(const cek_wrap16_layer *layer, const uint32_t *packed, ptrdiff_t count,
                           const int64_t *x, const int32_t *gather, int16_t *acc);

/// out[o] = acc[o] sign-extended, o < n; with `relu` (may be NULL) also relu[o] = max(acc[o], 0).
void cek_widen16(const int16_t *acc, int64_t *out, int64_t *relu, ptrdiff_t n);

/// A whole layer over `rows` vectors whose result type is accum_t itself (hls4ml's default): for each
/// row r, compact x + r·n_in, accumulate, widen into out + r·n_out (and relu + r·n_out when `relu` is
/// not NULL). `packed` holds n_in + 8 entries and `acc` `padded` lanes of scratch.
void cek_wrap16_rows(const cek_wrap16_layer *layer, const int64_t *x, ptrdiff_t rows, int64_t *out, int64_t *relu,
                     uint32_t *packed, int16_t *acc);

/// Quantizes in[k] for k < n as ap_fixed's AP_TRN/AP_WRAP: out[k] = floor(in[k]·scale) wrapped to
/// `width` bits (sign-extended when `is_signed`), four at a time, while every value has
/// low <= |in·scale| < min(high, 2^31). Returns how many it did: it stops before the first group of
/// four holding another value (NaN, too large or too small) and before a tail of fewer than four,
/// which the caller quantizes its own way. The baseline variant has none and returns -1.
ptrdiff_t cek_quantize_trn_wrap(const double *in, int64_t *out, ptrdiff_t n, double scale, double low, double high,
                                int width, int is_signed);

/// Which variant the kernels run: "avx2" (chosen at load time when the CPU has AVX2) or "baseline"
/// (SSE2 and scalar).
const char *cek_wrap16_variant(void);

/// Tests: with on != 0 the baseline variant runs on the calling thread even where AVX2 exists (other
/// threads are unaffected); returns the previous setting.
int cek_use_baseline(int on);

#endif
