// test_tables.cpp — every lookup table fpgarun fills, compared entry by entry with the tables hls4ml
// 1.3.0's own C++ fills (Tests/Fixtures/hls4ml/tables, converted to .f64 by tools/prep_firmware_tests.py).
// The "_wide" variants use a 48-bit table type, so they check the float values before quantization.
// Usage: test_tables <tables dir>; prints PASS/FAIL lines and "N passed, M failed".
#include <string>
#include <vector>

#include "fpgarun.h"
#include "harness.h"

namespace {

typedef ap_fixed<18, 8> table_t;                  // hls4ml's default table_t
typedef ap_fixed<48, 8> wide_t;                   // enough bits to hold any float value in range exactly
typedef ap_fixed<18, 8, AP_RND, AP_SAT> softmax_t; // hls4ml's default softmax table types
const unsigned N = 1024;

template <class T> void check(fpgarun_test::tally &t, const std::string &dir, const char *name, void (*fill)(T *)) {
    std::vector<double> want;
    if (!fpgarun_test::read_f64(dir + "/" + name + ".f64", want)) {
        t.failed++;
        std::printf("FAIL tables/%s: %s/%s.f64 is missing\n", name, dir.c_str(), name);
        return;
    }
    static T table[N];
    fill(table);
    std::vector<double> got(N);
    for (unsigned i = 0; i < N; i++)
        got[i] = table[i].to_double();
    fpgarun_test::report(t, std::string("tables/") + name, got, want, N);
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <tables dir>\n", argv[0]);
        return 2;
    }
    using namespace fpgarun::detail;
    const std::string dir = argv[1];
    fpgarun_test::tally t;
    check<table_t>(t, dir, "sigmoid", fill_centred<sigmoid_fn, table_t, N>);
    check<table_t>(t, dir, "tanh", fill_centred<tanh_fn, table_t, N>);
    check<table_t>(t, dir, "softplus", fill_centred<softplus_fn, table_t, N>);
    check<table_t>(t, dir, "softsign", fill_centred<softsign_fn, table_t, N>);
    check<table_t>(t, dir, "elu", fill_negative<elu_fn, table_t, N>);
    check<table_t>(t, dir, "selu", fill_negative<selu_fn, table_t, N>);
    check<wide_t>(t, dir, "sigmoid_wide", fill_centred<sigmoid_fn, wide_t, N>);
    check<wide_t>(t, dir, "tanh_wide", fill_centred<tanh_fn, wide_t, N>);
    check<wide_t>(t, dir, "softplus_wide", fill_centred<softplus_fn, wide_t, N>);
    check<wide_t>(t, dir, "softsign_wide", fill_centred<softsign_fn, wide_t, N>);
    check<wide_t>(t, dir, "elu_wide", fill_negative<elu_fn, wide_t, N>);
    check<wide_t>(t, dir, "selu_wide", fill_negative<selu_fn, wide_t, N>);
    check<softmax_t>(t, dir, "softmax_stable_exp", fill_exp<ap_ufixed<15, 5>, softmax_t, N, true>);
    check<softmax_t>(t, dir, "softmax_latency_exp", fill_exp<ap_fixed<16, 6>, softmax_t, N, false>);
    check<softmax_t>(t, dir, "softmax_inv", fill_inverse<softmax_t, softmax_t, N>);
    check<table_t>(t, dir, "softmax_legacy_exp", fill_legacy_exp<table_t, N>);
    check<table_t>(t, dir, "softmax_legacy_inv", fill_legacy_inverse<table_t, N>);
    std::printf("%u passed, %u failed\n", t.passed, t.failed);
    return t.failed == 0 ? 0 : 1;
}
