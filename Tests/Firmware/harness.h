// harness.h — runs generated per-case layer code (tools/prep_firmware_tests.py) against hls4ml goldens.
//
// A case is a list of nodes in topological order; each node's run function converts double inputs to
// the layer's C++ input types, calls the fpgarun template and returns its outputs as doubles (exact for
// types up to 53 bits). Two kinds of test per case:
//   layer  <case>/<layer>: the layer fed with the goldens of its inputs (the trace of each producer, or
//          x for the model input), compared with the layer's own trace — one test per traced layer;
//   model  <case>: every sample of x through all the layers, compared with y.
// Every comparison is exact (==) on the double values.

#ifndef FPGARUN_TEST_HARNESS_H_
#define FPGARUN_TEST_HARNESS_H_

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fpgarun_test {

/// One generated layer.
struct node {
    const char *name;
    const char *inputs[2];
    unsigned n_inputs;
    unsigned out_size;
    void (*run)(const double *const *in, double *out);
};

/// One generated case.
struct case_def {
    const char *name;
    void (*load)(const std::string &dir);
    const node *nodes;
    unsigned n_nodes;
    const char *input_name;
    unsigned input_size;
    const char *output_name;
    unsigned output_size;
    unsigned n_samples;
};

/// Pass/fail counters and the failure lines.
struct tally {
    unsigned passed = 0;
    unsigned failed = 0;
};

/// Reads a raw little-endian float64 file; false when it does not exist.
inline bool read_f64(const std::string &path, std::vector<double> &out) {
    std::ifstream f(path, std::ios::binary);
    if (!f)
        return false;
    f.seekg(0, std::ios::end);
    const std::streamoff bytes = f.tellg();
    f.seekg(0);
    out.resize(size_t(bytes) / sizeof(double));
    f.read(reinterpret_cast<char *>(out.data()), std::streamsize(out.size() * sizeof(double)));
    return bool(f);
}

/// Loads weights the way hls4ml's C simulation does: comma-separated decimals, each read as a double
/// (strtod, correctly rounded) and converted with the weight type's own quantization.
template <class T> void load_weights(T *w, size_t n, const std::string &path) {
    std::ifstream f(path);
    if (!f) {
        std::fprintf(stderr, "harness: cannot read %s\n", path.c_str());
        std::exit(2);
    }
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string text = ss.str();
    const char *p = text.c_str();
    size_t i = 0;
    while (*p) {
        char *end = nullptr;
        const double v = std::strtod(p, &end);
        if (end == p)
            break;
        if (i < n)
            w[i] = T(v);
        i++;
        p = end;
        while (*p == ',' || *p == ' ' || *p == '\n')
            p++;
    }
    if (i != n) {
        std::fprintf(stderr, "harness: %s holds %zu values, expected %zu\n", path.c_str(), i, n);
        std::exit(2);
    }
}

/// Compares got with want (same length); prints one PASS/FAIL line.
inline void report(tally &t, const std::string &test, const std::vector<double> &got, const std::vector<double> &want,
                   unsigned row) {
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < want.size(); i++) {
        if (got[i] != want[i] && !(got[i] != got[i] && want[i] != want[i])) {
            if (bad == 0)
                first = i;
            bad++;
        }
    }
    if (bad == 0 && got.size() == want.size()) {
        t.passed++;
        std::printf("PASS %s (%zu values)\n", test.c_str(), want.size());
    } else {
        t.failed++;
        std::printf("FAIL %s: %zu of %zu values differ; first at sample %zu element %zu: got %.17g want %.17g\n",
                    test.c_str(), bad, want.size(), first / row, first % row, got[first], want[first]);
    }
}

/// Runs the layer tests and the model test of one case.
inline void run_case(const case_def &c, const std::string &root, tally &t) {
    const std::string dir = root + "/" + c.name;
    c.load(dir);
    std::vector<double> x, y;
    if (!read_f64(dir + "/x.f64", x) || !read_f64(dir + "/y.f64", y)) {
        t.failed++;
        std::printf("FAIL %s: missing x.f64 / y.f64 under %s\n", c.name, dir.c_str());
        return;
    }
    std::map<std::string, unsigned> size;
    size[c.input_name] = c.input_size;
    for (unsigned k = 0; k < c.n_nodes; k++)
        size[c.nodes[k].name] = c.nodes[k].out_size;

    // Layer tests: golden inputs in, golden trace out.
    std::map<std::string, std::vector<double>> golden;
    golden[c.input_name] = x;
    for (unsigned k = 0; k < c.n_nodes; k++) {
        std::vector<double> tr;
        if (read_f64(dir + "/trace/" + c.nodes[k].name + ".f64", tr))
            golden[c.nodes[k].name] = tr;
    }
    for (unsigned k = 0; k < c.n_nodes; k++) {
        const node &nd = c.nodes[k];
        auto want = golden.find(nd.name);
        if (want == golden.end())
            continue;
        size_t samples = want->second.size() / nd.out_size;
        bool feedable = true;
        for (unsigned i = 0; i < nd.n_inputs; i++) {
            auto g = golden.find(nd.inputs[i]);
            if (g == golden.end()) {
                feedable = false;
                break;
            }
            samples = std::min(samples, g->second.size() / size[nd.inputs[i]]);
        }
        if (!feedable)
            continue;
        std::vector<double> got(samples * nd.out_size);
        for (size_t s = 0; s < samples; s++) {
            const double *in[2] = {nullptr, nullptr};
            for (unsigned i = 0; i < nd.n_inputs; i++)
                in[i] = golden[nd.inputs[i]].data() + s * size[nd.inputs[i]];
            nd.run(in, got.data() + s * nd.out_size);
        }
        std::vector<double> ref(want->second.begin(), want->second.begin() + long(samples * nd.out_size));
        report(t, std::string(c.name) + "/" + nd.name, got, ref, nd.out_size);
    }

    // Model test: all samples of x through every layer, compared with y.
    const size_t n = c.n_samples;
    std::map<std::string, std::vector<double>> value;
    std::vector<double> result(n * c.output_size);
    for (size_t s = 0; s < n; s++) {
        value[c.input_name].assign(x.begin() + long(s * c.input_size), x.begin() + long((s + 1) * c.input_size));
        for (unsigned k = 0; k < c.n_nodes; k++) {
            const node &nd = c.nodes[k];
            std::vector<double> &out = value[nd.name];
            out.resize(nd.out_size);
            const double *in[2] = {nullptr, nullptr};
            for (unsigned i = 0; i < nd.n_inputs; i++)
                in[i] = value[nd.inputs[i]].data();
            nd.run(in, out.data());
        }
        const std::vector<double> &o = value[c.output_name];
        std::copy(o.begin(), o.end(), result.begin() + long(s * c.output_size));
    }
    y.resize(n * c.output_size);
    report(t, std::string(c.name) + " (model, all samples vs y)", result, y, c.output_size);
}

} // namespace fpgarun_test

#endif
