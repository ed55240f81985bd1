// Stand-in defines for the wide-value packing check (not generated): values of 100 and 128 bits, which
// span three 64-bit lanes inside the kernels' pack/unpack.
#ifndef WIDE_DEFINES_H_
#define WIDE_DEFINES_H_
#include "ap_fixed.h"
typedef ap_fixed<100, 40> input_t;
typedef ap_fixed<128, 60> result_t;
#define N_INPUT 11
#define N_OUTPUT 9
#endif
