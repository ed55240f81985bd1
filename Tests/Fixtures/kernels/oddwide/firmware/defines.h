// Stand-in network defines for the kernel wrapper tests (not generated). Values straddle 512-bit
// words on both sides: 47 x 13 = 611 input bits (value 39 spans bits 507..519) and 50 x 11 = 550
// output bits (value 46 spans 506..516). The sizes are constants here, not macros.
#ifndef ODDWIDE_DEFINES_H_
#define ODDWIDE_DEFINES_H_
#include "ap_fixed.h"
typedef ap_fixed<13, 5> input_t;
typedef ap_fixed<11, 3, AP_RND, AP_SAT> result_t;
static const unsigned N_INPUT = 47;
static const unsigned N_OUTPUT = 50;
#endif
