// Stand-in network for the kernel wrapper tests: y[i] = result_t(x[i % N_INPUT] * 2 + 1).
#ifndef ODDWIDE_H_
#define ODDWIDE_H_
#include "defines.h"
void oddwide(const input_t x[N_INPUT], result_t y[N_OUTPUT]);
#endif
