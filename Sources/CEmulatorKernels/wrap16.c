// The wrap16 path of the emulator's Dense/Conv layers on Int16 lanes (the algorithm is described in
// MacEngine.swift): compaction of the nonzero inputs, the multiply-accumulate, the widening of the
// results. In C because Swift has no per-function target attribute: each kernel is compiled twice,
// for AVX2 (16 lanes per instruction, target attribute) and for baseline x86-64 (SSE2, 8 lanes), and
// a flag set from CPUID at load time picks one. (Swift's own SIMD types do not serve under AVX2 either:
// LLVM lowered their widen-multiply-narrow to vpmovsxwd + vpmulld + vpshufb + vpermq, not vpmulhw.)

#include "cemulator_kernels.h"

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#endif

// The vector helpers below are always inlined, so their AVX-sized arguments never cross a call.
#pragma clang diagnostic ignored "-Wpsabi"

typedef int16_t i16x16 __attribute__((vector_size(32), aligned(2)));
typedef uint16_t u16x16 __attribute__((vector_size(32), aligned(2)));
typedef int32_t i32x16 __attribute__((vector_size(64)));

#define INLINE static inline __attribute__((always_inline))

#if defined(__x86_64__) && defined(__clang__)
#define HAVE_AVX2_VARIANT 1
#define AVX2 __attribute__((target("avx2,popcnt")))
#endif

// The high half of each 32-bit product (pmulhw / vpmulhw).
INLINE i16x16 mulhi(i16x16 a, i16x16 b) {
    i32x16 p = __builtin_convertvector(a, i32x16) * __builtin_convertvector(b, i32x16);
    return __builtin_convertvector(p >> 16, i16x16);
}

// One product's accum_t bits; `mode` is a constant in each specialised loop.
INLINE i16x16 term(int mode, int shift, i16x16 x, i16x16 w) {
    switch (mode) {
    case CEK_WRAP16_LOW: return (i16x16)((u16x16)(x * w) << (uint16_t)shift);
    case CEK_WRAP16_SPLIT:
        return (i16x16)(((u16x16)mulhi(x, w) << (uint16_t)(16 - shift)) | ((u16x16)(x * w) >> (uint16_t)shift));
    case CEK_WRAP16_HIGH: return mulhi(x, w) >> (int16_t)shift;
    default: return (i16x16){0};
    }
}

// One input's value: x[i], or x[gather[i]] (negative: zero).
INLINE int16_t input(const int64_t *x, const int32_t *gather, ptrdiff_t i) {
    if (!gather) return (int16_t)x[i];
    int32_t k = gather[i];
    return k < 0 ? 0 : (int16_t)x[k];
}

// One block of n×16 outputs held in registers over all packed inputs (and, SPLIT_NARROW, each group's
// wide rows).
INLINE void block(int mode, const cek_wrap16_layer *L, ptrdiff_t o, const uint32_t *packed, ptrdiff_t count,
                  const int64_t *x, const int32_t *gather, int16_t *acc, int n) {
    const int shift = L->shift;
    const ptrdiff_t padded = L->padded;
    const int16_t *w = L->weights + o;
    const int narrow = mode == CEK_WRAP16_SPLIT_NARROW;
    i16x16 a[4];
    for (int j = 0; j < n; j++) a[j] = *(const i16x16 *)(L->bias + o + 16 * j);
    for (ptrdiff_t k = 0; k < count; k++) {
        uint32_t p = packed[k];
        i16x16 xv = (i16x16){0} + (int16_t)p;
        const int16_t *row = w + (ptrdiff_t)(p >> 16) * padded;
        for (int j = 0; j < n; j++) {
            i16x16 wv = *(const i16x16 *)(row + 16 * j);
            a[j] += narrow ? mulhi(xv, wv) : term(mode, shift, xv, wv);
        }
    }
    if (narrow) {
        for (int j = 0; j < n; j++) {
            ptrdiff_t g = o / 16 + j;
            for (int32_t k = L->wide_start[g]; k < L->wide_start[g + 1]; k++) {
                ptrdiff_t i = L->wide_rows[k];
                i16x16 xv = (i16x16){0} + input(x, gather, i);
                a[j] += term(CEK_WRAP16_SPLIT, shift, xv, *(const i16x16 *)(L->wide + i * padded + o + 16 * j));
            }
        }
    }
    for (int j = 0; j < n; j++) *(i16x16 *)(acc + o + 16 * j) = a[j];
}

INLINE void accumulate(int mode, const cek_wrap16_layer *L, const uint32_t *packed, ptrdiff_t count,
                       const int64_t *x, const int32_t *gather, int16_t *acc) {
    const ptrdiff_t padded = L->padded;
    ptrdiff_t o = 0;
    for (; o + 64 <= padded; o += 64) block(mode, L, o, packed, count, x, gather, acc, 4);
    if (o + 32 <= padded) { block(mode, L, o, packed, count, x, gather, acc, 2); o += 32; }
    if (o + 16 <= padded) block(mode, L, o, packed, count, x, gather, acc, 1);
}

// The entry points' bodies, instantiated once per variant below.
#define ACCUMULATE_BODY \
    switch (L->mode) { \
    case CEK_WRAP16_LOW: accumulate(CEK_WRAP16_LOW, L, packed, count, x, gather, acc); break; \
    case CEK_WRAP16_SPLIT: accumulate(CEK_WRAP16_SPLIT, L, packed, count, x, gather, acc); break; \
    case CEK_WRAP16_HIGH: accumulate(CEK_WRAP16_HIGH, L, packed, count, x, gather, acc); break; \
    case CEK_WRAP16_SPLIT_NARROW: accumulate(CEK_WRAP16_SPLIT_NARROW, L, packed, count, x, gather, acc); break; \
    default: for (ptrdiff_t o = 0; o < L->padded; o++) acc[o] = L->bias[o]; break; \
    }
#define WIDEN_BODY \
    if (relu) { \
        for (ptrdiff_t o = 0; o < n; o++) { \
            int16_t a = acc[o]; \
            out[o] = a; \
            relu[o] = a > 0 ? a : 0; \
        } \
    } else { \
        for (ptrdiff_t o = 0; o < n; o++) out[o] = acc[o]; \
    }

static void accumulate_baseline(const cek_wrap16_layer *L, const uint32_t *packed, ptrdiff_t count,
                                const int64_t *x, const int32_t *gather, int16_t *acc) { ACCUMULATE_BODY }

static void widen_baseline(const int16_t *acc, int64_t *out, int64_t *relu, ptrdiff_t n) { WIDEN_BODY }

#ifdef HAVE_AVX2_VARIANT
AVX2 static void accumulate_avx2(const cek_wrap16_layer *L, const uint32_t *packed, ptrdiff_t count,
                                 const int64_t *x, const int32_t *gather, int16_t *acc) { ACCUMULATE_BODY }

AVX2 static void widen_avx2(const int16_t *acc, int64_t *out, int64_t *relu, ptrdiff_t n) { WIDEN_BODY }
#endif

// Compaction. The branch-free scalar form: every input is stored, the count only advances past the
// nonzero ones (a branch on the value mispredicts on ReLU outputs).
static ptrdiff_t compact_scalar(const int64_t *x, const int32_t *gather, ptrdiff_t n, uint32_t *packed, ptrdiff_t i,
                                ptrdiff_t count) {
    if (gather) {
        for (; i < n; i++) {
            int32_t k = gather[i];
            uint16_t v = k < 0 ? 0 : (uint16_t)x[k];
            packed[count] = (uint32_t)i << 16 | v;
            count += v != 0;
        }
    } else {
        for (; i < n; i++) {
            uint16_t v = (uint16_t)x[i];
            packed[count] = (uint32_t)i << 16 | v;
            count += v != 0;
        }
    }
    return count;
}

#ifdef HAVE_AVX2_VARIANT
// AVX2: 8 inputs at a time, the nonzero ones moved to the front by a permutation from a table indexed
// by the nonzero mask, then stored together.
static uint32_t compress_table[256][8];

AVX2 static ptrdiff_t compact_avx2(const int64_t *x, ptrdiff_t n, uint32_t *packed) {
    ptrdiff_t count = 0, i = 0;
    const __m256i low_dwords = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    const __m256i value_mask = _mm256_set1_epi32(0xFFFF), step = _mm256_set1_epi32(8 << 16);
    __m256i rows = _mm256_setr_epi32(0, 1 << 16, 2 << 16, 3 << 16, 4 << 16, 5 << 16, 6 << 16, 7 << 16);
    for (; i + 8 <= n; i += 8) {
        __m256i a = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)(x + i)), low_dwords);
        __m256i b = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)(x + i + 4)), low_dwords);
        __m256i v = _mm256_and_si256(_mm256_permute2x128_si256(a, b, 0x20), value_mask);
        __m256i zero = _mm256_cmpeq_epi32(v, _mm256_setzero_si256());
        unsigned mask = ~(unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(zero)) & 0xFF;
        __m256i order = _mm256_loadu_si256((const __m256i *)compress_table[mask]);
        __m256i entries = _mm256_permutevar8x32_epi32(_mm256_or_si256(v, rows), order);
        _mm256_storeu_si256((__m256i *)(packed + count), entries);
        count += __builtin_popcount(mask);
        rows = _mm256_add_epi32(rows, step);
    }
    return compact_scalar(x, NULL, n, packed, i, count);
}

static int cpu_has_avx2;
// Tests ask for the baseline variant on their own thread only (tests run in parallel).
static _Thread_local int force_baseline;
#define use_avx2 (cpu_has_avx2 && !force_baseline)

__attribute__((constructor))
static void init_variant(void) {
    for (unsigned mask = 0; mask < 256; mask++) {
        int k = 0;
        for (int lane = 0; lane < 8; lane++) if (mask >> lane & 1) compress_table[mask][k++] = (uint32_t)lane;
        while (k < 8) compress_table[mask][k++] = 0;
    }
    __builtin_cpu_init();
    cpu_has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
}
#endif

ptrdiff_t cek_wrap16_compact(const int64_t *x, const int32_t *gather, ptrdiff_t n, uint32_t *packed) {
#ifdef HAVE_AVX2_VARIANT
    if (use_avx2 && !gather) return compact_avx2(x, n, packed);
#endif
    return compact_scalar(x, gather, n, packed, 0, 0);
}

void cek_wrap16_accumulate(const cek_wrap16_layer *layer, const uint32_t *packed, ptrdiff_t count,
                           const int64_t *x, const int32_t *gather, int16_t *acc) {
#ifdef HAVE_AVX2_VARIANT
    if (use_avx2) { accumulate_avx2(layer, packed, count, x, gather, acc); return; }
#endif
    accumulate_baseline(layer, packed, count, x, gather, acc);
}

void cek_widen16(const int16_t *acc, int64_t *out, int64_t *relu, ptrdiff_t n) {
#ifdef HAVE_AVX2_VARIANT
    if (use_avx2) { widen_avx2(acc, out, relu, n); return; }
#endif
    widen_baseline(acc, out, relu, n);
}

// One layer over many rows in one call, per variant (the per-row calls inline).
#define ROWS_BODY(COMPACT, ACCUMULATE, WIDEN) \
    const ptrdiff_t n_in = L->n_in, n_out = L->n_out; \
    for (ptrdiff_t r = 0; r < rows; r++) { \
        const int64_t *xr = x + r * n_in; \
        ptrdiff_t count = COMPACT; \
        ACCUMULATE(L, packed, count, xr, NULL, acc); \
        WIDEN(acc, out + r * n_out, relu ? relu + r * n_out : NULL, n_out); \
    }

static void rows_baseline(const cek_wrap16_layer *L, const int64_t *x, ptrdiff_t rows, int64_t *out, int64_t *relu,
                          uint32_t *packed, int16_t *acc) {
    ROWS_BODY(compact_scalar(xr, NULL, n_in, packed, 0, 0), accumulate_baseline, widen_baseline)
}

#ifdef HAVE_AVX2_VARIANT
AVX2 static void rows_avx2(const cek_wrap16_layer *L, const int64_t *x, ptrdiff_t rows, int64_t *out, int64_t *relu,
                           uint32_t *packed, int16_t *acc) {
    ROWS_BODY(compact_avx2(xr, n_in, packed), accumulate_avx2, widen_avx2)
}
#endif

void cek_wrap16_rows(const cek_wrap16_layer *layer, const int64_t *x, ptrdiff_t rows, int64_t *out, int64_t *relu,
                     uint32_t *packed, int16_t *acc) {
#ifdef HAVE_AVX2_VARIANT
    if (use_avx2) { rows_avx2(layer, x, rows, out, relu, packed, acc); return; }
#endif
    rows_baseline(layer, x, rows, out, relu, packed, acc);
}

#ifdef HAVE_AVX2_VARIANT
AVX2 static ptrdiff_t quantize_avx2(const double *in, int64_t *out, ptrdiff_t n, double scale, double low, double high,
                                    int width, int is_signed) {
    const __m256d vs = _mm256_set1_pd(scale), vlow = _mm256_set1_pd(low);
    const __m256d vhigh = _mm256_set1_pd(high < 0x1p31 ? high : 0x1p31);
    const __m256d magnitude = _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MAX));
    // Signed, W < 32: wrap in 32-bit lanes (AVX2 has no 64-bit arithmetic shift); W >= 32: every
    // value below 2^31 already fits. Unsigned: mask to W bits after sign extension.
    const __m128i wrap = _mm_cvtsi32_si128(is_signed && width < 32 ? 32 - width : 0);
    const __m256i mask = _mm256_set1_epi64x(is_signed ? -1 : (int64_t)((UINT64_C(1) << width) - 1));
    ptrdiff_t k = 0;
    for (; k + 4 <= n; k += 4) {
        __m256d t = _mm256_mul_pd(_mm256_loadu_pd(in + k), vs);
        __m256d a = _mm256_and_pd(t, magnitude);
        __m256d ok = _mm256_and_pd(_mm256_cmp_pd(a, vhigh, _CMP_LT_OQ), _mm256_cmp_pd(a, vlow, _CMP_GE_OQ));
        if (_mm256_movemask_pd(ok) != 0xF) break;
        __m128i r = _mm256_cvttpd_epi32(_mm256_floor_pd(t));
        r = _mm_sra_epi32(_mm_sll_epi32(r, wrap), wrap);
        _mm256_storeu_si256((__m256i *)(out + k), _mm256_and_si256(_mm256_cvtepi32_epi64(r), mask));
    }
    return k;
}
#endif

ptrdiff_t cek_quantize_trn_wrap(const double *in, int64_t *out, ptrdiff_t n, double scale, double low, double high,
                                int width, int is_signed) {
#ifdef HAVE_AVX2_VARIANT
    if (use_avx2) return quantize_avx2(in, out, n, scale, low, high, width, is_signed);
#endif
    (void)in; (void)out; (void)n; (void)scale; (void)low; (void)high; (void)width; (void)is_signed;
    return -1;
}

int cek_use_baseline(int on) {
#ifdef HAVE_AVX2_VARIANT
    int was = force_baseline;
    force_baseline = on != 0;
    return was;
#else
    (void)on;
    return 1;
#endif
}

const char *cek_wrap16_variant(void) {
#ifdef HAVE_AVX2_VARIANT
    return use_avx2 ? "avx2" : "baseline";
#else
    return "baseline";
#endif
}
