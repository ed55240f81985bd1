#!/usr/bin/env python3
"""Dumps the lookup tables hls4ml 1.3.0's C++ builds at run time (activation and softmax tables), as goldens.

The tables are filled by C++ code in hls4ml's nnet_utils headers (float math, then a conversion to the table
type), so this script writes a small harness of our own, compiles it with g++ against the headers of the
installed hls4ml package, runs it, and stores every table as float64 values (exact: all types are <= 40 bits).

    py=$(tools/hls4ml_env.sh) && $py tools/dump_hls4ml_tables.py

Writes Tests/Fixtures/hls4ml/tables/<name>.npy and tables/index.json (what each table is: size, element type,
the type used to address it). Default configuration: table_size 1024, table_t ap_fixed<18,8>, softmax tables
ap_fixed<18,8,AP_RND,AP_SAT>, softmax inp_norm_t ap_ufixed<15,5> (from an ap_fixed<16,6> input).
Also dumps the same function tables with a wide table_t (ap_fixed<48,8>, "*_wide") so that the float32
values the C++ computed before quantization can be compared to a reimplementation.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'Tests' / 'Fixtures' / 'hls4ml' / 'tables'
WORK = ROOT / '.cache' / 'hls4ml-tables'

HARNESS = r'''
#include <cstdio>
#include "ap_fixed.h"
#include "nnet_utils/nnet_activation.h"

// One config per table type; the fill functions only read table_t / exp_table_t / inv_table_t and sizes.
template <class T, unsigned N> struct act_cfg : nnet::activ_config {
    static const unsigned table_size = N;
    typedef T table_t;
};
template <class ET, class IT, unsigned N> struct smx_cfg : nnet::activ_config {
    static const unsigned exp_table_size = N;
    static const unsigned inv_table_size = N;
    static constexpr float exp_scale = 1.0;
    typedef ET exp_table_t;
    typedef IT inv_table_t;
    typedef ET table_t;
};

template <class T> void emit(const char *name, const T *t, unsigned n) {
    std::printf("%s", name);
    for (unsigned i = 0; i < n; i++) std::printf(" %.17g", (double)t[i]);
    std::printf("\n");
}

#define FN_TABLE(NAME, INIT, T)                              \
    {                                                         \
        static T tab[1024];                                   \
        nnet::INIT<act_cfg<T, 1024>, 1024>(tab);              \
        emit(NAME, tab, 1024);                                \
    }

int main() {
    typedef ap_fixed<18, 8> def_t;
    typedef ap_fixed<48, 8> wide_t;
    FN_TABLE("sigmoid", init_sigmoid_table, def_t)
    FN_TABLE("tanh", init_tanh_table, def_t)
    FN_TABLE("softplus", init_softplus_table, def_t)
    FN_TABLE("softsign", init_softsign_table, def_t)
    FN_TABLE("elu", init_elu_table, def_t)
    FN_TABLE("selu", init_selu_table, def_t)
    FN_TABLE("sigmoid_wide", init_sigmoid_table, wide_t)
    FN_TABLE("tanh_wide", init_tanh_table, wide_t)
    FN_TABLE("softplus_wide", init_softplus_table, wide_t)
    FN_TABLE("softsign_wide", init_softsign_table, wide_t)
    FN_TABLE("elu_wide", init_elu_table, wide_t)
    FN_TABLE("selu_wide", init_selu_table, wide_t)

    typedef ap_fixed<18, 8, AP_RND, AP_SAT> smx_t;
    typedef smx_cfg<smx_t, smx_t, 1024> smx;
    {   // stable: exp table addressed by inp_norm_t = ap_ufixed<15,5>, holding exp(-x)
        static smx_t e[1024], inv[1024];
        nnet::init_exp_table<ap_ufixed<15, 5>, smx>(e, true);
        nnet::init_invert_table<smx_t, smx>(inv);
        emit("softmax_stable_exp", e, 1024);
        emit("softmax_inv", inv, 1024);
    }
    {   // latency: exp table addressed by the input type itself (ap_fixed<16,6>), holding exp(x)
        static smx_t e[1024];
        nnet::init_exp_table<ap_fixed<16, 6>, smx>(e, false);
        emit("softmax_latency_exp", e, 1024);
    }
    {   // legacy: both tables typed table_t = ap_fixed<18,8>
        static def_t e[1024], inv[1024];
        nnet::init_exp_table_legacy<act_cfg<def_t, 1024>, 1024>(e);
        nnet::init_invert_table_legacy<act_cfg<def_t, 1024>, 1024>(inv);
        emit("softmax_legacy_exp", e, 1024);
        emit("softmax_legacy_inv", inv, 1024);
    }
    return 0;
}
'''

INDEX = {
    'sigmoid': 'init_sigmoid_table: x_i = 16*(i-512)/1024 in float32, 1/(1+exp(-x)) -> ap_fixed<18,8> (AP_TRN, AP_WRAP)',
    'tanh': 'init_tanh_table: x_i = 8*(i-512)/1024, tanh(x) -> ap_fixed<18,8>',
    'softplus': 'init_softplus_table: x_i = 16*(i-512)/1024, log(exp(x)+1) -> ap_fixed<18,8>',
    'softsign': 'init_softsign_table: x_i = 16*(i-512)/1024, x/(|x|+1) -> ap_fixed<18,8>',
    'elu': 'init_elu_table: x_i = -8*i/1024, exp(x)-1 -> ap_fixed<18,8> (alpha applied at use)',
    'selu': 'init_selu_table: x_i = -8*i/1024, 1.0507..*1.6732..*(exp(x)-1) -> ap_fixed<18,8>',
    'softmax_stable_exp': 'init_exp_table<ap_ufixed<15,5>>(negative=true): x_i = value of i placed in the top 10 bits of '
    'ap_ufixed<15,5> (= i/32), exp(-x) -> ap_fixed<18,8,AP_RND,AP_SAT>',
    'softmax_inv': 'init_invert_table<ap_fixed<18,8,AP_RND,AP_SAT>>: x_i = value of i in the top 10 bits of the signed '
    '18-bit type (two\'s complement: i>=512 negative; = i/4 or (i-1024)/4), 1/x -> ap_fixed<18,8,AP_RND,AP_SAT> '
    '(i=0: 1/0=+inf saturates)',
    'softmax_latency_exp': 'init_exp_table<ap_fixed<16,6>>(negative=false): x_i = value of i in the top 10 bits of '
    'ap_fixed<16,6> (two\'s complement, step 1/16), exp(x) -> ap_fixed<18,8,AP_RND,AP_SAT>',
    'softmax_legacy_exp': 'init_exp_table_legacy: x_i = 16*(i-512)/1024, exp(x) -> ap_fixed<18,8>',
    'softmax_legacy_inv': 'init_invert_table_legacy: x_i = 64*i/1024, 1/x (0 at i=0) -> ap_fixed<18,8>',
}


def main():
    import hls4ml

    tmpl = Path(hls4ml.__file__).parent / 'templates' / 'vivado'
    WORK.mkdir(parents=True, exist_ok=True)
    src = WORK / 'tables.cpp'
    exe = WORK / 'tables'
    src.write_text(HARNESS)
    cmd = ['g++', '-O2', '-std=c++17', f'-I{tmpl}', f'-I{tmpl / "ap_types"}', str(src), '-o', str(exe)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit('dump_hls4ml_tables: g++ failed:\n' + r.stderr[-3000:])
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    OUT.mkdir(parents=True, exist_ok=True)
    index = {}
    for line in out.strip().splitlines():
        name, *vals = line.split()
        arr = np.array([float(v) for v in vals], dtype=np.float64)
        np.save(OUT / f'{name}.npy', arr)
        base = name[:-5] if name.endswith('_wide') else name
        desc = INDEX[base] + (' [wide: table_t = ap_fixed<48,8>, shows the float32 value before quantization]' if name.endswith('_wide') else '')
        index[name] = {'size': int(arr.size), 'description': desc}
    (OUT / 'index.json').write_text(
        json.dumps({'generator': 'tools/dump_hls4ml_tables.py', 'hls4ml_version': hls4ml.__version__, 'tables': index}, indent=1)
        + '\n'
    )
    print(f'dump_hls4ml_tables: wrote {len(index)} tables to {OUT.relative_to(ROOT)}')


if __name__ == '__main__':
    main()
