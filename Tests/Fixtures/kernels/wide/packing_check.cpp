// Checks the kernels' pack_sample/unpack_sample on values of 100 and 128 bits against the packing rule
// bit by bit (value k bit i at sample bit k*W+i, unused bits zero) and for a lossless round trip.
// Built by CodegenTests/CSimTests from a generated project; prints "bad=0" and exits 0 on success.
#include <cstdio>
#include <cstdlib>

#include "../kernels/wide_io.h"

void wide(const input_t[N_INPUT], result_t[N_OUTPUT]) {}

using namespace fpgarun_kernel;

template <class T, unsigned N, unsigned NW> int check(unsigned seed) {
    std::srand(seed);
    const int W = T::width;
    int bad = 0;
    for (int t = 0; t < 100; t++) {
        T v[N], back[N];
        word_t w[NW];
        for (unsigned k = 0; k < N; k++) {
            ap_uint<W> r;
            for (int i = 0; i < W; i++) r[i] = std::rand() & 1;
            v[k].range(W - 1, 0) = r;
        }
        pack_sample<T, N, NW>(v, w);
        for (unsigned k = 0; k < N; k++)
            for (int i = 0; i < W; i++) {
                const unsigned at = k * W + i;
                if (bool(w[at / 512][at % 512]) != bool(v[k][i])) bad++;
            }
        for (unsigned at = N * W; at < NW * 512; at++)
            if (bool(w[at / 512][at % 512])) bad++;
        unpack_sample<T, N, NW>(w, back);
        for (unsigned k = 0; k < N; k++)
            if (back[k] != v[k]) bad++;
    }
    return bad;
}

int main() {
    const int bad = check<input_t, N_INPUT, IN_WORDS>(1) + check<result_t, N_OUTPUT, OUT_WORDS>(2);
    std::printf("bad=%d\n", bad);
    return bad != 0;
}
