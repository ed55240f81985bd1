#!/usr/bin/env python3
"""Extra hls4ml 1.3.0 C-sim goldens for the emulator's layer kernels: the corners the main set does not reach.

They reuse tools/make_hls4ml_goldens.py (its Keras writer, case runner and input generator) and write to
Tests/Fixtures/hls4ml-emu/<case>/ with their own cases.json, so the two generators never touch each
other's files. Covered here: the accumulation order of the Resource strategy with a saturating accum_t
(Dense RF <= n_in and RF > n_in, Conv2D, Conv1D with RF > n_in, an invalid requested ReuseFactor), accum_t
rounding (AP_RND fast path, AP_RND_CONV exact path), ternary ap_int<2> weights, 64- and 128-bit products,
max pooling of unsigned data with padding, average pooling with a narrow or saturating accum_t,
BatchNormalization with rounding/saturating types, and merges of differently typed inputs.

    py=$(tools/hls4ml_env.sh) && $py tools/make_emu_goldens.py          # all cases (~15 s each)
    $py tools/make_emu_goldens.py --list
    $py tools/make_emu_goldens.py emu_dense_latency_sat                 # only these (cases.json is merged)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_hls4ml_goldens as gold  # noqa: E402

gold.FIXTURES = gold.ROOT / 'Tests' / 'Fixtures' / 'hls4ml-emu'
gold.WORK = gold.ROOT / '.cache' / 'hls4ml-emu-goldens'

KerasGraph, dense, conv, Case = gold.KerasGraph, gold.dense, gold.conv, gold.Case
SAT12 = 'ap_fixed<12,3,AP_TRN,AP_SAT>'


def model(precision='ap_fixed<16,6>', rf=1, strategy='Latency', layers=None):
    cfg = gold.model_cfg(precision, rf, strategy)
    if layers:
        cfg['LayerName'] = layers
    return cfg


def single_dense(n_in, units, scale=None):
    def build(rng):
        g = KerasGraph([n_in])
        dense(g, rng, 'fc', units, scale=scale)
        return g

    return build


def single_conv(shape, filters, kernel, strides, padding):
    def build(rng):
        g = KerasGraph(shape)
        conv(g, rng, 'conv', filters, kernel, strides, padding)
        return g

    return build


def pool(shape, cls, size, strides, padding):
    return gold._pool_model(shape, cls, size, strides, padding)


def bn_model(rng):
    g = KerasGraph([12])
    dense(g, rng, 'fc', 10, scale=0.8)
    c = 10
    mean = rng.normal(0, 0.5, c).astype(np.float32)
    var = rng.uniform(0.05, 3.0, c).astype(np.float32)
    gamma = rng.uniform(0.3, 2.5, c).astype(np.float32)
    beta = rng.normal(0, 0.8, c).astype(np.float32)
    eps = 0.001
    cfg = {'axis': -1, 'momentum': 0.99, 'epsilon': eps, 'center': True, 'scale': True}
    g.add(
        'BatchNormalization',
        'bn',
        cfg,
        None,
        [('gamma', gamma), ('beta', beta), ('moving_mean', mean), ('moving_variance', var)],
        lambda x: (x - mean.astype(np.float64)) / np.sqrt(var.astype(np.float64) + eps) * gamma + beta,
    )
    return g


def merge_chain(rng):
    g = KerasGraph([10])
    a = dense(g, rng, 'branch_a', 6, inputs=['input_1'], scale=0.9)
    b = dense(g, rng, 'branch_b', 6, 'relu', inputs=['input_1'], scale=0.9)
    ref = gold.MERGE_REF
    s = g.add('Add', 'add', {}, [a, b], None, ref['Add'])
    m = g.add('Average', 'average', {}, [s, a], None, ref['Average'])
    m = g.add('Maximum', 'maximum', {}, [m, b], None, ref['Maximum'])
    m = g.add('Minimum', 'minimum', {}, [m, s], None, ref['Minimum'])
    m = g.add('Subtract', 'subtract', {}, [m, b], None, ref['Subtract'])
    g.add('Multiply', 'multiply', {}, [m, a], None, ref['Multiply'])
    return g


CASES = [
    # Accumulation order with a saturating accum_t.
    Case('emu_dense_latency_sat', 'Dense 16→12, Latency, accum ap_fixed<12,3,AP_TRN,AP_SAT>',
         build=single_dense(16, 12, 1.0), hls=model(layers={'fc': {'Precision': {'accum': SAT12}}}),
         std=(2.0, 4.0, 8.0), trace=True),
    Case('emu_dense_resource_sat_rf4', 'Dense 16→12, Resource RF 4 (rf_leq_nin), saturating accum',
         build=single_dense(16, 12, 1.0), hls=model(rf=4, strategy='Resource', layers={'fc': {'Precision': {'accum': SAT12}}}),
         std=(2.0, 4.0, 8.0), trace=True),
    Case('emu_dense_resource_sat_rf24', 'Dense 6→8, Resource RF 24 (rf_gt_nin_rem0), saturating accum',
         build=single_dense(6, 8, 1.5), hls=model(rf=24, strategy='Resource', layers={'fc': {'Precision': {'accum': SAT12}}}),
         std=(2.0, 4.0, 8.0), trace=True),
    Case('emu_dense_resource_sat_rf7_invalid', 'Dense 16→12, Resource, requested RF 7 (hls4ml picks 8), saturating accum',
         build=single_dense(16, 12, 1.0), hls=model(rf=7, strategy='Resource', layers={'fc': {'Precision': {'accum': SAT12}}}),
         std=(2.0, 4.0, 8.0), trace=True),
    Case('emu_conv2d_resource_sat_rf3', 'Conv2D(4,(3,3),same) on (6,6,2), Resource RF 3, saturating accum',
         build=single_conv([6, 6, 2], 4, (3, 3), (1, 1), 'same'),
         hls=model(rf=3, strategy='Resource', layers={'conv': {'Precision': {'accum': SAT12}}}),
         n=64, std=(2.0, 4.0, 8.0), trace=True),
    Case('emu_conv1d_resource_sat_rf3', 'Conv1D(3,3,valid) on (8,2), Resource RF 3, saturating accum',
         build=single_conv([8, 2], 3, 3, 1, 'valid'),
         hls=model(rf=3, strategy='Resource', layers={'conv': {'Precision': {'accum': SAT12}}}),
         n=64, std=(2.0, 4.0, 8.0), trace=True),
    # accum_t quantization modes.
    Case('emu_dense_accum_rnd', 'Dense 16→8 with accum ap_fixed<16,6,AP_RND> (wrap)',
         build=single_dense(16, 8), hls=model(layers={'fc': {'Precision': {'accum': 'ap_fixed<16,6,AP_RND>'}}}), trace=True),
    Case('emu_dense_accum_rnd_conv', 'Dense 16→8 with accum ap_fixed<14,6,AP_RND_CONV> (wrap)',
         build=single_dense(16, 8), hls=model(layers={'fc': {'Precision': {'accum': 'ap_fixed<14,6,AP_RND_CONV>'}}}), trace=True),
    # Weight and product widths.
    Case('emu_dense_ternary', 'Dense 16→8 with weight ap_int<2> (hls4ml weight_ternary product; -2 acts as +1)',
         build=single_dense(16, 8, 1.2), hls=model(layers={'fc': {'Precision': {'weight': 'ap_int<2>'}}}), trace=True),
    Case('emu_dense_int64', 'Dense 16→8, input ap_fixed<24,8>, weight ap_fixed<24,4>, accum ap_fixed<40,16>',
         build=single_dense(16, 8),
         hls=model(layers={'input_1': {'Precision': {'result': 'ap_fixed<24,8>'}},
                           'fc': {'Precision': {'weight': 'ap_fixed<24,4>', 'accum': 'ap_fixed<40,16>', 'result': 'ap_fixed<32,12>'}}}),
         input_precision='ap_fixed<24,8>', trace=True),
    Case('emu_dense_int128', 'Dense 16→8, input ap_fixed<32,8>, weight ap_fixed<34,4>, accum ap_fixed<48,16,AP_RND,AP_SAT>',
         build=single_dense(16, 8),
         hls=model(layers={'input_1': {'Precision': {'result': 'ap_fixed<32,8>'}},
                           'fc': {'Precision': {'weight': 'ap_fixed<34,4>', 'accum': 'ap_fixed<48,16,AP_RND,AP_SAT>',
                                                'result': 'ap_fixed<40,12>'}}}),
         input_precision='ap_fixed<32,8>', trace=True),
    # Pooling corners.
    Case('emu_maxpool2d_ufixed_same', 'MaxPooling2D (3,3)/(2,2) same on ap_ufixed<16,6> input (padding value quirk)',
         build=pool([6, 7, 2], 'MaxPooling2D', (3, 3), (2, 2), 'same'),
         hls=model(layers={'input_1': {'Precision': {'result': 'ap_ufixed<16,6>'}}}),
         input_precision='ap_ufixed<16,6>', n=64, trace=True),
    Case('emu_avgpool2d_narrow_accum', 'AveragePooling2D (3,3)/(2,2) same, accum ap_fixed<12,6> coarser than the data',
         build=pool([6, 7, 2], 'AveragePooling2D', (3, 3), (2, 2), 'same'),
         hls=model(layers={'avgpool': {'Precision': {'accum': 'ap_fixed<12,6>'}}}), n=64, trace=True),
    Case('emu_avgpool1d_sat_accum', 'AveragePooling1D 4/2 same, accum ap_fixed<10,3,AP_RND,AP_SAT>, result AP_RND',
         build=pool([9, 2], 'AveragePooling1D', (4,), (2,), 'same'),
         hls=model(layers={'avgpool': {'Precision': {'accum': 'ap_fixed<10,3,AP_RND,AP_SAT>', 'result': 'ap_fixed<8,3,AP_RND>'}}}),
         n=64, trace=True),
    # BatchNorm and merges with non-default types.
    Case('emu_batchnorm_types', 'Dense → BatchNormalization with scale ap_fixed<10,3>, bias ap_fixed<8,2>, result AP_RND/AP_SAT',
         build=bn_model,
         hls=model(layers={'bn': {'Precision': {'scale': 'ap_fixed<10,3>', 'bias': 'ap_fixed<8,2>',
                                                'result': 'ap_fixed<12,4,AP_RND,AP_SAT>'}}}), trace=True),
    Case('emu_merge_chain_types', 'Add/Average/Maximum/Minimum/Subtract/Multiply chain over branches of different types',
         build=merge_chain,
         hls=model(layers={
             'branch_a': {'Precision': {'result': 'ap_fixed<12,4>'}},
             'branch_b_relu': {'Precision': {'result': 'ap_ufixed<10,3>'}},
             'add': {'Precision': {'result': 'ap_fixed<10,5,AP_RND,AP_SAT>'}},
             'average': {'Precision': {'result': 'ap_fixed<9,4,AP_RND_CONV>'}},
             'maximum': {'Precision': {'result': 'ap_fixed<8,3>'}},
             'minimum': {'Precision': {'result': 'ap_fixed<14,5>'}},
             'subtract': {'Precision': {'result': 'ap_fixed<10,4,AP_TRN,AP_SAT>'}},
             'multiply': {'Precision': {'result': 'ap_fixed<12,3,AP_RND,AP_SAT_SYM>'}},
         }),
         trace=True),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('cases', nargs='*')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--worker', nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        # One case per process: a C-sim assert aborts the whole interpreter.
        name, result_path = args.worker
        case = next(c for c in CASES if c.name == name)
        try:
            res = gold.run_case(case)
        except Exception as e:  # an hls4ml limitation is data too
            res = {'case': name, 'covers': case.covers, 'converted': False, 'error': f'{type(e).__name__}: {e}'.strip()[:2000]}
            traceback.print_exc()
        Path(result_path).write_text(json.dumps(res, indent=1, default=str))
        return
    if args.list:
        for c in CASES:
            print(f'{c.name:40s} {c.covers}')
        return
    by_name = {c.name: c for c in CASES}
    names = args.cases or list(by_name)
    unknown = [n for n in names if n not in by_name]
    if unknown:
        sys.exit(f'make_emu_goldens: unknown case(s): {", ".join(unknown)}')
    gold.FIXTURES.mkdir(parents=True, exist_ok=True)
    gold.WORK.mkdir(parents=True, exist_ok=True)
    index_path = gold.FIXTURES / 'cases.json'
    old = {r['case']: r for r in json.loads(index_path.read_text())['cases']} if index_path.exists() else {}
    for name in names:
        t0 = time.time()
        rp = gold.WORK / f'{name}.result.json'
        rp.unlink(missing_ok=True)
        log = gold.WORK / f'{name}.log'
        with open(log, 'w') as lf:
            proc = subprocess.run([sys.executable, __file__, '--worker', name, str(rp)], stdout=lf, stderr=subprocess.STDOUT,
                                  cwd=gold.ROOT)
        if rp.exists():
            res = json.loads(rp.read_text())
        else:
            tail = log.read_text().strip().splitlines()[-3:]
            res = {'case': name, 'covers': by_name[name].covers, 'converted': False,
                   'error': f'worker died with exit code {proc.returncode}: ' + ' | '.join(tail)}
        res.pop('compile_seconds', None)
        old[name] = res
        print(f'{name:40s} {time.time() - t0:6.1f}s  {"ok" if res.get("converted") else "FAILED: " + res["error"][:160]}', flush=True)
    order = {c.name: i for i, c in enumerate(CASES)}
    import hls4ml

    index = {
        'generator': 'tools/make_emu_goldens.py (cases run by tools/make_hls4ml_goldens.py)',
        'hls4ml_version': hls4ml.__version__,
        'numpy_version': np.__version__,
        'layout': 'x.npy/y.npy are (n, *shape) float64 in C order; shapes are channels-last without batch',
        'cases': sorted((r for r in old.values() if r['case'] in order), key=lambda r: order[r['case']]),
    }
    index_path.write_text(json.dumps(index, indent=1, default=str) + '\n')


if __name__ == '__main__':
    main()
