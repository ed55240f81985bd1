// run_cases.cpp — one test program per group of generated cases (compiled with -DFPGARUN_CASES=<group.inc>).
// Usage: run_cases <data dir> ; prints PASS/FAIL lines and "N passed, M failed"; exit 1 on any failure.
#include <string>

#include "fpgarun.h"
#include "harness.h"

#ifndef FPGARUN_CASES
#error "compile with -DFPGARUN_CASES='\"groupK.inc\"' and the generated folder on the include path"
#endif
#include FPGARUN_CASES

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <data dir>\n", argv[0]);
        return 2;
    }
    fpgarun_test::tally t;
    for (const fpgarun_test::case_def *c : all_cases)
        fpgarun_test::run_case(*c, argv[1], t);
    std::printf("%u passed, %u failed\n", t.passed, t.failed);
    return t.failed == 0 ? 0 : 1;
}
