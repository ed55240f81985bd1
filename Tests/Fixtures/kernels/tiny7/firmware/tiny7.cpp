// Stand-in network for the kernel wrapper tests: y[i] = result_t(x[i % N_INPUT] * 2 + 1).
#include "tiny7.h"
void tiny7(const input_t x[N_INPUT], result_t y[N_OUTPUT]) {
#pragma HLS PIPELINE II=1
    for (unsigned i = 0; i < N_OUTPUT; i++) {
#pragma HLS UNROLL
        y[i] = result_t(x[i % N_INPUT] * 2 + 1);
    }
}
