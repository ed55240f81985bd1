// Stand-in top function for the wide-value packing check (never called).
#ifndef WIDE_H_
#define WIDE_H_
#include "defines.h"
void wide(const input_t x[N_INPUT], result_t y[N_OUTPUT]);
#endif
