// Peer for tools/bench_quantize.sh: the same job as `fpgarun quantize --input --output` done with
// the real ap_types headers: read a float64 .npy, assign each value to the ap type, write the
// quantized values as float64 .npy (header copied). Built with g++ -O3.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <ap_fixed.h>

#ifndef QTYPE
#define QTYPE ap_fixed<16, 6>
#endif

int main(int argc, char** argv) {
    if (argc != 3) { std::fprintf(stderr, "usage: quantize_peer in.npy out.npy\n"); return 2; }
    FILE* in = std::fopen(argv[1], "rb");
    if (!in) return 2;
    std::fseek(in, 0, SEEK_END);
    long size = std::ftell(in);
    std::fseek(in, 0, SEEK_SET);
    std::vector<unsigned char> bytes(size);
    if (std::fread(bytes.data(), 1, size, in) != (size_t)size) return 2;
    std::fclose(in);
    unsigned header = 10 + (bytes[8] | (bytes[9] << 8));  // format 1.0, '<f8'
    size_t n = (size - header) / 8;
    std::vector<double> x(n), y(n);
    std::memcpy(x.data(), bytes.data() + header, n * 8);
    for (size_t i = 0; i < n; i++) {
        QTYPE q = x[i];
        y[i] = q.to_double();
    }
    FILE* out = std::fopen(argv[2], "wb");
    std::fwrite(bytes.data(), 1, header, out);
    std::fwrite(y.data(), 8, n, out);
    std::fclose(out);
    return 0;
}
