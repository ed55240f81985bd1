// Stand-in network defines for the kernel wrapper tests (not generated): 7 x ap_fixed<13,5> in,
// 3 x ap_ufixed<7,2,AP_RND_CONV,AP_SAT> out (negative results saturate to 0).
#ifndef TINY7_DEFINES_H_
#define TINY7_DEFINES_H_
#include "ap_fixed.h"
typedef ap_fixed<13, 5> input_t;
typedef ap_ufixed<7, 2, AP_RND_CONV, AP_SAT> result_t;
#define N_INPUT 7
#define N_OUTPUT 3
#endif
