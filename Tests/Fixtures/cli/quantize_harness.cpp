// End-to-end reference for `fpgarun quantize`: reads doubles (one per line) and prints, for the
// format chosen by argv[1], the value ap_types gives on assignment (as %.17g of to_double()).
#include <cstdio>
#include <cstdlib>
#include <ap_fixed.h>
#include <ap_int.h>

template <class T> static void run() {
    double d;
    while (std::scanf("%lf", &d) == 1) {
        T x = d;
        std::printf("%.17g\n", x.to_double());
    }
}

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    switch (std::atoi(argv[1])) {
    case 0: run<ap_fixed<16, 6> >(); break;
    case 1: run<ap_fixed<8, 3, AP_RND, AP_SAT> >(); break;
    case 2: run<ap_ufixed<10, 0, AP_RND_CONV, AP_SAT_ZERO> >(); break;
    case 3: run<ap_fixed<12, -2, AP_RND_INF, AP_WRAP_SM, 1> >(); break;
    case 4: run<ap_int<8> >(); break;
    case 5: run<ap_uint<4> >(); break;
    case 6: run<ap_fixed<40, 20, AP_RND_MIN_INF, AP_SAT_SYM> >(); break;
    case 7: run<ap_fixed<6, 9, AP_TRN_ZERO, AP_WRAP, 2> >(); break;
    default: return 2;
    }
    return 0;
}
