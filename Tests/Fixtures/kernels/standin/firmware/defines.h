// Stand-in network defines for the kernel wrapper tests (not generated): 16 inputs, 5 outputs.
#ifndef STANDIN_DEFINES_H_
#define STANDIN_DEFINES_H_
#include "ap_fixed.h"
typedef ap_fixed<16, 6> input_t;
typedef ap_fixed<16, 6> result_t;
#define N_INPUT 16
#define N_OUTPUT 5
#endif
