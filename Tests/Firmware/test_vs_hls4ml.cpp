// test_vs_hls4ml.cpp — differential test: fpgarun's templates against hls4ml 1.3.0's own nnet_utils headers
// (compiled from the installed hls4ml package, never copied), on random raw bit patterns and on formats
// the golden cases do not reach: rounding and saturating accumulators (where the Resource accumulation
// order matters), unsigned inputs, narrow types, odd table sizes, odd softmax lengths (tree shapes).
//
// Build: g++ -std=c++17 -I Firmware -I Tests/Firmware -I <hls4ml>/templates/vitis/nnet_utils
//        -I <hls4ml>/templates/vivado -I <hls4ml>/templates/vivado/nnet_utils -isystem .cache/ap_types
// Usage: test_vs_hls4ml; prints PASS/FAIL lines and "N passed, M failed".
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "fpgarun.h"
#include "harness.h"

#include "nnet_utils/nnet_activation.h"
#include "nnet_utils/nnet_batchnorm.h"
#include "nnet_utils/nnet_dense.h"
#include "nnet_utils/nnet_merge.h"
#include "nnet_conv2d.h"  // the Vitis backend's version
#include "nnet_pooling.h" // the Vitis backend's version

namespace {

std::mt19937_64 rng(20240611);
const unsigned samples = 400;

/// A value of T with uniformly random raw bits (every value of the type, extremes included).
template <class T> T random_bits() {
    T v;
    v.range(T::width - 1, 0) = rng() & (T::width >= 64 ? ~0ull : ((1ull << T::width) - 1));
    return v;
}

template <class T> void fill_random(T *a, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        a[i] = random_bits<T>();
}

template <class T> void append(std::vector<double> &v, const T *a, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        v.push_back(a[i].to_double());
}

fpgarun_test::tally t;

// ---------------------------------------------------------------- Dense

template <unsigned NI, unsigned NO, unsigned RF, bool RESOURCE, class W, class B, class A>
struct hls_dense : nnet::dense_config {
    static const unsigned n_in = NI, n_out = NO, io_type = nnet::io_parallel;
    static const unsigned strategy = RESOURCE ? nnet::resource : nnet::latency;
    static const unsigned reuse_factor = RF, n_zeros = 0, n_nonzeros = NI * NO;
    static const unsigned multiplier_limit = DIV_ROUNDUP(NI * NO, RF);
    static const bool store_weights_in_bram = false;
    typedef A accum_t;
    typedef B bias_t;
    typedef W weight_t;
    typedef ap_uint<1> index_t;
    template <class d, class r, class c>
    using kernel = typename std::conditional<
        !RESOURCE, nnet::DenseLatency<d, r, c>,
        typename std::conditional<(RF <= NI), nnet::DenseResource_rf_leq_nin<d, r, c>,
                                  nnet::DenseResource_rf_gt_nin_rem0<d, r, c>>::type>::type;
    template <class x, class y> using product = nnet::product::mult<x, y>;
};

template <unsigned NI, unsigned NO, unsigned RF, bool RESOURCE, class W, class B, class A> struct our_dense {
    static const unsigned n_in = NI, n_out = NO, reuse_factor = RF, n_zeros = 0;
    static const fpgarun::strategy strategy = RESOURCE ? fpgarun::strategy::resource : fpgarun::strategy::latency;
    static const bool store_weights_in_bram = RESOURCE;
    typedef W weight_t;
    typedef B bias_t;
    typedef A accum_t;
};

template <class D, class R, unsigned NI, unsigned NO, unsigned RF, bool RESOURCE, class W, class B, class A>
void dense_case(const char *name) {
    typedef hls_dense<NI, NO, RF, RESOURCE, W, B, A> H;
    typedef our_dense<NI, NO, RF, RESOURCE, W, B, A> O;
    static W w[NI * NO];
    static B b[NO];
    std::vector<double> got, want;
    for (unsigned s = 0; s < samples; s++) {
        if (s % 50 == 0) {
            fill_random(w, NI * NO);
            fill_random(b, NO);
        }
        D x[NI];
        R y1[NO], y2[NO];
        fill_random(x, NI);
        nnet::dense<D, R, H>(x, y1, w, b);
        fpgarun::dense<D, R, O>(x, y2, w, b);
        append(want, y1, NO);
        append(got, y2, NO);
    }
    fpgarun_test::report(t, std::string("vs-hls4ml/") + name, got, want, NO);
}

// ---------------------------------------------------------------- Conv2D (hls4ml's Vitis kernels)

template <class data_T, typename CONFIG_T> struct im2col_fill {
    // hls4ml's codegen writes this per layer; here one generic im2col for the test.
    static void fill_buffer(data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                            data_T buffer[CONFIG_T::n_pixels][CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
                            const unsigned partition) {
        for (unsigned p = 0; p < CONFIG_T::n_pixels; p++) {
            const int pixel = partition * CONFIG_T::n_pixels + p;
            const int oh = pixel / CONFIG_T::out_width, ow = pixel % CONFIG_T::out_width;
            for (int kh = 0; kh < int(CONFIG_T::filt_height); kh++)
                for (int kw = 0; kw < int(CONFIG_T::filt_width); kw++)
                    for (int c = 0; c < int(CONFIG_T::n_chan); c++) {
                        const int ih = oh * CONFIG_T::stride_height + kh - int(CONFIG_T::pad_top);
                        const int iw = ow * CONFIG_T::stride_width + kw - int(CONFIG_T::pad_left);
                        const bool in = ih >= 0 && ih < int(CONFIG_T::in_height) && iw >= 0 && iw < int(CONFIG_T::in_width);
                        buffer[p][(kh * CONFIG_T::filt_width + kw) * CONFIG_T::n_chan + c] =
                            in ? data[(ih * CONFIG_T::in_width + iw) * CONFIG_T::n_chan + c] : data_T(0);
                    }
        }
    }
};

template <unsigned H, unsigned WD, unsigned C, unsigned KH, unsigned KW, unsigned F, unsigned S, unsigned PT, unsigned PB,
          unsigned PL, unsigned PR, unsigned RF, bool RESOURCE, unsigned PARTS, class W, class B, class A>
struct conv_shape {
    static const unsigned in_height = H, in_width = WD, n_chan = C, filt_height = KH, filt_width = KW, n_filt = F;
    static const unsigned stride_height = S, stride_width = S, pad_top = PT, pad_bottom = PB, pad_left = PL, pad_right = PR;
    static const unsigned out_height = (H + PT + PB - KH) / S + 1, out_width = (WD + PL + PR - KW) / S + 1;
    static const unsigned reuse_factor = RF, n_zeros = 0, n_partitions = PARTS;
    typedef W weight_t;
    typedef B bias_t;
    typedef A accum_t;
};

template <class S, bool RESOURCE> struct hls_conv_mult : nnet::dense_config {
    static const unsigned n_in = S::filt_height * S::filt_width * S::n_chan, n_out = S::n_filt;
    static const unsigned reuse_factor = S::reuse_factor, n_zeros = 0;
    static const unsigned strategy = RESOURCE ? nnet::resource : nnet::latency;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor);
    typedef typename S::accum_t accum_t;
    typedef typename S::bias_t bias_t;
    typedef typename S::weight_t weight_t;
    template <class x, class y> using product = nnet::product::mult<x, y>;
};

template <class S, bool RESOURCE> struct hls_conv : nnet::conv2d_config, S {
    // Both bases declare the shape fields: take the test's.
    using S::in_height;
    using S::in_width;
    using S::n_chan;
    using S::filt_height;
    using S::filt_width;
    using S::n_filt;
    using S::stride_height;
    using S::stride_width;
    using S::pad_top;
    using S::pad_bottom;
    using S::pad_left;
    using S::pad_right;
    using S::out_height;
    using S::out_width;
    using S::reuse_factor;
    using S::n_zeros;
    typedef typename S::accum_t accum_t;
    typedef typename S::bias_t bias_t;
    typedef typename S::weight_t weight_t;
    static const unsigned strategy = RESOURCE ? nnet::resource : nnet::latency;
    static const unsigned n_partitions = S::n_partitions;
    static const unsigned n_pixels = out_height * out_width / n_partitions;
    typedef hls_conv_mult<S, RESOURCE> mult_config;
    template <class data_T, class CONFIG_T> using fill_buffer = im2col_fill<data_T, CONFIG_T>;
};

template <class S, bool RESOURCE> struct our_conv : S {
    static const fpgarun::strategy strategy = RESOURCE ? fpgarun::strategy::resource : fpgarun::strategy::latency;
    static const bool store_weights_in_bram = RESOURCE;
};

template <class D, class R, class S, bool RESOURCE> void conv_case(const char *name) {
    typedef hls_conv<S, RESOURCE> H;
    typedef our_conv<S, RESOURCE> O;
    const unsigned n_w = S::filt_height * S::filt_width * S::n_chan * S::n_filt;
    const unsigned n_in = S::in_height * S::in_width * S::n_chan, n_out = S::out_height * S::out_width * S::n_filt;
    static typename S::weight_t w[n_w];
    static typename S::bias_t b[S::n_filt];
    std::vector<double> got, want;
    for (unsigned s = 0; s < samples / 4; s++) {
        if (s % 25 == 0) {
            fill_random(w, n_w);
            fill_random(b, S::n_filt);
        }
        static D x[n_in];
        static R y1[n_out], y2[n_out];
        fill_random(x, n_in);
        nnet::conv_2d_cl<D, R, H>(x, y1, w, b);
        fpgarun::conv<D, R, O>(x, y2, w, b);
        append(want, y1, n_out);
        append(got, y2, n_out);
    }
    fpgarun_test::report(t, std::string("vs-hls4ml/") + name, got, want, n_out);
}

// ---------------------------------------------------------------- element-wise activations

template <unsigned N, unsigned TS, class T> struct hls_act : nnet::activ_config {
    static const unsigned n_in = N, table_size = TS, io_type = nnet::io_parallel, reuse_factor = 1;
    typedef T table_t;
};

template <unsigned N, unsigned TS, class T, class P> struct our_act {
    static const unsigned n_in = N, table_size = TS, reuse_factor = 1;
    typedef T table_t;
    typedef P param_t;
    static constexpr double alpha = 0.7;
    static constexpr double theta = 0.3;
};

#define ACTIVATION_CASE(NAME, HCALL, OCALL)                                             \
    template <class D, class R, class H, class O> void NAME##_case(const char *label) { \
        std::vector<double> got, want;                                                  \
        for (unsigned s = 0; s < samples; s++) {                                        \
            D x[H::n_in];                                                               \
            R y1[H::n_in], y2[H::n_in];                                                 \
            fill_random(x, H::n_in);                                                    \
            HCALL;                                                                      \
            OCALL;                                                                      \
            append(want, y1, H::n_in);                                                  \
            append(got, y2, H::n_in);                                                   \
        }                                                                               \
        fpgarun_test::report(t, std::string("vs-hls4ml/") + label, got, want, H::n_in); \
    }

ACTIVATION_CASE(sigmoid, (nnet::sigmoid<D, R, H>(x, y1)), (fpgarun::sigmoid<D, R, O>(x, y2)))
ACTIVATION_CASE(tanh, (nnet::tanh<D, R, H>(x, y1)), (fpgarun::tanh<D, R, O>(x, y2)))
ACTIVATION_CASE(softplus, (nnet::softplus<D, R, H>(x, y1)), (fpgarun::softplus<D, R, O>(x, y2)))
ACTIVATION_CASE(softsign, (nnet::softsign<D, R, H>(x, y1)), (fpgarun::softsign<D, R, O>(x, y2)))
ACTIVATION_CASE(selu, (nnet::selu<D, R, H>(x, y1)), (fpgarun::selu<D, R, O>(x, y2)))
ACTIVATION_CASE(elu, (nnet::elu<D, typename O::param_t, R, H>(x, typename O::param_t(O::alpha), y1)),
                (fpgarun::elu<D, R, O>(x, y2)))
ACTIVATION_CASE(leaky_relu, (nnet::leaky_relu<D, typename O::param_t, R, H>(x, typename O::param_t(O::alpha), y1)),
                (fpgarun::leaky_relu<D, R, O>(x, y2)))
ACTIVATION_CASE(thresholded_relu,
                (nnet::thresholded_relu<D, typename O::param_t, R, H>(x, typename O::param_t(O::theta), y1)),
                (fpgarun::thresholded_relu<D, R, O>(x, y2)))
ACTIVATION_CASE(relu, (nnet::relu<D, R, H>(x, y1)), (fpgarun::relu<D, R, O>(x, y2)))

struct hls_hard_sigmoid {
    static const unsigned n_in = 9, io_type = nnet::io_parallel, reuse_factor = 1;
    static const ap_ufixed<16, 0> slope;
    static const ap_ufixed<2, 0> shift;
};
const ap_ufixed<16, 0> hls_hard_sigmoid::slope = 0.2;
const ap_ufixed<2, 0> hls_hard_sigmoid::shift = 0.5;
struct our_hard_sigmoid {
    static const unsigned n_in = 9, reuse_factor = 1;
    typedef ap_ufixed<16, 0> slope_t;
    typedef ap_ufixed<2, 0> shift_t;
    static constexpr double slope = 0.2, shift = 0.5;
};
ACTIVATION_CASE(hard_sigmoid, (nnet::hard_sigmoid<D, R, H>(x, y1)), (fpgarun::hard_sigmoid<D, R, O>(x, y2)))

// ---------------------------------------------------------------- softmax

template <unsigned N, nnet::softmax_implementation HI, unsigned ES, unsigned IS, class ET, class IT, class A, class II,
          class NT, class TT>
struct hls_softmax : nnet::activ_config {
    static const unsigned n_in = N, n_slice = N, n_outer = 1, n_inner = 1, exp_table_size = ES, inv_table_size = IS;
    static const unsigned io_type = nnet::io_parallel, reuse_factor = 1, axis = -1, table_size = ES;
    static const nnet::softmax_implementation implementation = HI;
    static constexpr float exp_scale = 1.0;
    typedef ET exp_table_t;
    typedef IT inv_table_t;
    typedef A accum_t;
    typedef II inv_inp_t;
    typedef NT inp_norm_t;
    typedef TT table_t;
};

template <unsigned N, fpgarun::softmax_implementation OI, unsigned ES, unsigned IS, class ET, class IT, class A, class II,
          class NT, class TT>
struct our_softmax {
    static const unsigned n_in = N, n_slice = N, exp_table_size = ES, inv_table_size = IS, reuse_factor = 1;
    static const fpgarun::softmax_implementation implementation = OI;
    typedef ET exp_table_t;
    typedef IT inv_table_t;
    typedef A accum_t;
    typedef II inv_inp_t;
    typedef NT inp_norm_t;
    typedef TT table_t;
};

template <class D, class R, class H, class O> void softmax_case(const char *label) {
    std::vector<double> got, want;
    for (unsigned s = 0; s < samples; s++) {
        D x[H::n_in];
        R y1[H::n_in], y2[H::n_in];
        fill_random(x, H::n_in);
        if (s % 3 == 0) // also nearby values, where the sums stay in range
            for (unsigned i = 0; i < H::n_in; i++)
                x[i] = x[0] - D(double(i % 4) / 3.0);
        nnet::softmax<D, R, H>(x, y1);
        fpgarun::softmax<D, R, O>(x, y2);
        append(want, y1, H::n_in);
        append(got, y2, H::n_in);
    }
    fpgarun_test::report(t, std::string("vs-hls4ml/") + label, got, want, H::n_in);
}

// ---------------------------------------------------------------- pooling (hls4ml's Vitis version)

template <unsigned H, unsigned W, unsigned C, unsigned P, unsigned S, unsigned PT, unsigned PB, unsigned PL, unsigned PR,
          bool MAX, class A>
struct hls_pool : nnet::pooling2d_config {
    static const unsigned in_height = H, in_width = W, n_filt = C, pool_height = P, pool_width = P;
    static const unsigned stride_height = S, stride_width = S, pad_top = PT, pad_bottom = PB, pad_left = PL, pad_right = PR;
    static const unsigned out_height = (H + PT + PB - P) / S + 1, out_width = (W + PL + PR - P) / S + 1;
    static const bool count_pad = false;
    static const nnet::Pool_Op pool_op = MAX ? nnet::Max : nnet::Average;
    static const unsigned reuse_factor = 1;
    typedef A accum_t;
};

template <unsigned H, unsigned W, unsigned C, unsigned P, unsigned S, unsigned PT, unsigned PB, unsigned PL, unsigned PR,
          bool MAX, class A>
struct our_pool {
    static const unsigned in_height = H, in_width = W, n_chan = C, pool_height = P, pool_width = P;
    static const unsigned stride_height = S, stride_width = S, pad_top = PT, pad_bottom = PB, pad_left = PL, pad_right = PR;
    static const unsigned out_height = (H + PT + PB - P) / S + 1, out_width = (W + PL + PR - P) / S + 1;
    static const fpgarun::pool_op op = MAX ? fpgarun::pool_op::max : fpgarun::pool_op::average;
    static const unsigned reuse_factor = 1;
    typedef A accum_t;
};

template <class D, class R, class H, class O> void pool_case(const char *label) {
    const unsigned n_in = H::in_height * H::in_width * H::n_filt, n_out = H::out_height * H::out_width * H::n_filt;
    std::vector<double> got, want;
    for (unsigned s = 0; s < samples; s++) {
        D x[n_in];
        R y1[n_out], y2[n_out];
        fill_random(x, n_in);
        nnet::pooling2d_cl<D, R, H>(x, y1);
        fpgarun::pooling<D, R, O>(x, y2);
        append(want, y1, n_out);
        append(got, y2, n_out);
    }
    fpgarun_test::report(t, std::string("vs-hls4ml/") + label, got, want, n_out);
}

// ---------------------------------------------------------------- merges and batchnorm

struct hls_merge : nnet::merge_config {
    static const unsigned n_elem = 11, n_elem1 = 11, n_elem2 = 11, reuse_factor = 1;
};
template <fpgarun::merge_op OP> struct our_merge {
    static const fpgarun::merge_op op = OP;
    static const unsigned n_elem = 11, n_elem1 = 11, n_elem2 = 11, reuse_factor = 1;
};

template <class A, class B, class R, fpgarun::merge_op OP>
void merge_case(const char *label, void (*hls)(A *, B *, R *)) {
    std::vector<double> got, want;
    for (unsigned s = 0; s < samples; s++) {
        A a[11];
        B b[11];
        R y1[11], y2[11];
        fill_random(a, 11);
        fill_random(b, 11);
        hls(a, b, y1);
        fpgarun::merge<A, B, R, our_merge<OP>>(a, b, y2);
        append(want, y1, 11);
        append(got, y2, 11);
    }
    fpgarun_test::report(t, std::string("vs-hls4ml/") + label, got, want, 11);
}

template <class S, class B> struct hls_bn : nnet::batchnorm_config {
    static const unsigned n_in = 12, n_filt = 3, n_scale_bias = 3, io_type = nnet::io_parallel, reuse_factor = 1;
    static const unsigned multiplier_limit = 12;
    typedef S scale_t;
    typedef B bias_t;
    template <class x, class y> using product = nnet::product::mult<x, y>;
};
template <class S, class B> struct our_bn {
    static const unsigned n_in = 12, n_scale_bias = 3, reuse_factor = 1;
    typedef S scale_t;
    typedef B bias_t;
};

template <class D, class R, class S, class B> void batchnorm_case(const char *label) {
    std::vector<double> got, want;
    S sc[3];
    B bi[3];
    for (unsigned s = 0; s < samples; s++) {
        if (s % 40 == 0) {
            fill_random(sc, 3);
            fill_random(bi, 3);
        }
        D x[12];
        R y1[12], y2[12];
        fill_random(x, 12);
        nnet::normalize<D, R, hls_bn<S, B>>(x, y1, sc, bi);
        fpgarun::batchnorm<D, R, our_bn<S, B>>(x, y2, sc, bi);
        append(want, y1, 12);
        append(got, y2, 12);
    }
    fpgarun_test::report(t, std::string("vs-hls4ml/") + label, got, want, 12);
}

} // namespace

int main() {
    typedef ap_fixed<16, 6> p16;
    typedef ap_fixed<10, 3> d10;
    typedef ap_ufixed<9, 3> u9;
    typedef ap_fixed<8, 2> w8;
    typedef ap_fixed<12, 4, AP_RND, AP_SAT> acc_sat;
    typedef ap_fixed<11, 3, AP_RND_CONV, AP_SAT_SYM> acc_sym;
    typedef ap_fixed<9, 4, AP_RND_ZERO, AP_SAT> r9;
    typedef ap_fixed<18, 8, AP_RND, AP_SAT> smx;

    // Dense: wrapping and saturating accumulators, both strategies, RF <= n_in and RF > n_in.
    dense_case<d10, r9, 12, 5, 1, false, w8, w8, acc_sat>("dense latency, RND/SAT accum");
    dense_case<d10, r9, 12, 5, 3, true, w8, w8, acc_sat>("dense resource RF=3, RND/SAT accum");
    dense_case<u9, r9, 12, 5, 4, true, w8, w8, acc_sym>("dense resource RF=4, unsigned input, RND_CONV/SAT_SYM accum");
    dense_case<d10, r9, 12, 5, 24, true, w8, w8, acc_sat>("dense resource RF=24 > n_in, RND/SAT accum");
    dense_case<d10, p16, 12, 5, 6, true, w8, w8, ap_fixed<14, 5>>("dense resource RF=6, wrapping accum");
    dense_case<p16, p16, 8, 3, 2, false, p16, p16, p16>("dense latency RF=2, defaults");

    // Conv2D: same and strided windows, saturating accum, partitions.
    typedef conv_shape<5, 6, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1, false, 30, w8, w8, acc_sat> cs_lat;
    typedef conv_shape<5, 6, 2, 3, 2, 4, 2, 0, 1, 1, 0, 3, true, 3, w8, w8, acc_sat> cs_res;
    conv_case<d10, r9, cs_lat, false>("conv2d latency 3x3 same, RND/SAT accum");
    conv_case<d10, r9, cs_res, true>("conv2d resource RF=3 3x2 stride 2, 3 partitions, RND/SAT accum");

    // Activations with odd tables and types.
    typedef ap_fixed<12, 4, AP_RND, AP_SAT> tab12;
    sigmoid_case<ap_fixed<20, 8>, r9, hls_act<10, 1000, ap_fixed<18, 8>>, our_act<10, 1000, ap_fixed<18, 8>, p16>>(
        "sigmoid table_size 1000, wide input");
    tanh_case<d10, r9, hls_act<10, 512, tab12>, our_act<10, 512, tab12, p16>>("tanh table_size 512, RND/SAT table");
    softplus_case<p16, p16, hls_act<10, 1024, ap_fixed<18, 8>>, our_act<10, 1024, ap_fixed<18, 8>, p16>>("softplus");
    softsign_case<u9, r9, hls_act<10, 256, tab12>, our_act<10, 256, tab12, p16>>("softsign unsigned input, 256 entries");
    selu_case<d10, ap_fixed<12, 5, AP_RND, AP_SAT>, hls_act<10, 1024, ap_fixed<18, 8>>, our_act<10, 1024, ap_fixed<18, 8>, p16>>(
        "selu");
    elu_case<d10, r9, hls_act<10, 333, tab12>, our_act<10, 333, tab12, ap_fixed<8, 3>>>("elu alpha 0.7 in ap_fixed<8,3>, 333 entries");
    leaky_relu_case<d10, r9, hls_act<10, 1024, tab12>, our_act<10, 1024, tab12, ap_fixed<6, 1>>>("leaky_relu alpha in ap_fixed<6,1>");
    thresholded_relu_case<d10, r9, hls_act<10, 1024, tab12>, our_act<10, 1024, tab12, ap_fixed<6, 1>>>("thresholded_relu");
    relu_case<d10, ap_ufixed<6, 2, AP_RND, AP_SAT>, hls_act<10, 1024, tab12>, our_act<10, 1024, tab12, p16>>(
        "relu into a saturating unsigned type");
    hard_sigmoid_case<d10, ap_ufixed<8, 0, AP_RND, AP_SAT>, hls_hard_sigmoid, our_hard_sigmoid>("hard_sigmoid");

    // Softmax: every implementation, odd lengths (tree shapes), non-default types.
    typedef ap_fixed<14, 4, AP_RND, AP_SAT> sacc;
    softmax_case<d10, r9,
                 hls_softmax<7, nnet::softmax_implementation::stable, 512, 1024, smx, smx, sacc, smx, ap_ufixed<9, 2>, smx>,
                 our_softmax<7, fpgarun::softmax_implementation::stable, 512, 1024, smx, smx, sacc, smx, ap_ufixed<9, 2>, smx>>(
        "softmax stable n=7, exp 512, RND/SAT accum");
    softmax_case<p16, p16,
                 hls_softmax<5, nnet::softmax_implementation::stable, 1024, 1024, smx, smx, p16, smx, ap_ufixed<15, 5>, smx>,
                 our_softmax<5, fpgarun::softmax_implementation::stable, 1024, 1024, smx, smx, p16, smx, ap_ufixed<15, 5>, smx>>(
        "softmax stable n=5, defaults");
    softmax_case<d10, r9,
                 hls_softmax<6, nnet::softmax_implementation::latency, 1024, 256, smx, tab12, sacc, smx, ap_fixed<1, 0>, smx>,
                 our_softmax<6, fpgarun::softmax_implementation::latency, 1024, 256, smx, tab12, sacc, smx, ap_fixed<1, 0>, smx>>(
        "softmax latency n=6, inv 256");
    softmax_case<d10, r9,
                 hls_softmax<9, nnet::softmax_implementation::legacy, 512, 256, smx, smx, p16, smx, ap_fixed<1, 0>, tab12>,
                 our_softmax<9, fpgarun::softmax_implementation::legacy, 512, 256, smx, smx, p16, smx, ap_fixed<1, 0>, tab12>>(
        "softmax legacy n=9, RND/SAT table_t");
    softmax_case<d10, r9,
                 hls_softmax<6, nnet::softmax_implementation::argmax, 1024, 1024, smx, smx, p16, smx, ap_fixed<1, 0>, smx>,
                 our_softmax<6, fpgarun::softmax_implementation::argmax, 1024, 1024, smx, smx, p16, smx, ap_fixed<1, 0>, smx>>(
        "softmax argmax n=6");

    // Pooling: padded windows, unsigned input (max padding value has the top bit set), saturating accum.
    pool_case<u9, u9, hls_pool<5, 6, 2, 3, 2, 1, 1, 1, 1, true, u9>, our_pool<5, 6, 2, 3, 2, 1, 1, 1, 1, true, u9>>(
        "max pool 3x3 same, unsigned input");
    pool_case<d10, r9, hls_pool<5, 6, 2, 3, 2, 1, 1, 1, 1, false, acc_sat>,
              our_pool<5, 6, 2, 3, 2, 1, 1, 1, 1, false, acc_sat>>("average pool 3x3 same, RND/SAT accum");
    pool_case<p16, p16, hls_pool<4, 4, 3, 4, 4, 0, 0, 0, 0, false, p16>, our_pool<4, 4, 3, 4, 4, 0, 0, 0, 0, false, p16>>(
        "global average pool as one window, wrapping accum");
    pool_case<d10, r9, hls_pool<7, 5, 1, 2, 2, 0, 0, 0, 0, true, ap_fixed<6, 2>>,
              our_pool<7, 5, 1, 2, 2, 0, 0, 0, 0, true, ap_fixed<6, 2>>>("max pool 2x2 valid, narrow accum");

    // Merges and batchnorm.
    merge_case<d10, u9, r9, fpgarun::merge_op::add>("merge add", nnet::add<d10, u9, r9, hls_merge>);
    merge_case<d10, u9, r9, fpgarun::merge_op::subtract>("merge subtract", nnet::subtract<d10, u9, r9, hls_merge>);
    merge_case<d10, w8, r9, fpgarun::merge_op::multiply>("merge multiply", nnet::multiply<d10, w8, r9, hls_merge>);
    merge_case<d10, u9, r9, fpgarun::merge_op::average>("merge average", nnet::average<d10, u9, r9, hls_merge>);
    merge_case<d10, w8, r9, fpgarun::merge_op::maximum>("merge maximum", nnet::maximum<d10, w8, r9, hls_merge>);
    merge_case<d10, w8, r9, fpgarun::merge_op::minimum>("merge minimum", nnet::minimum<d10, w8, r9, hls_merge>);
    batchnorm_case<d10, r9, ap_fixed<10, 2>, ap_fixed<8, 4>>("batchnorm RND_ZERO/SAT result");

    std::printf("%u passed, %u failed\n", t.passed, t.failed);
    return t.failed == 0 ? 0 : 1;
}
