#!/usr/bin/env python3
"""Makes golden fixtures from hls4ml 1.3.0's C simulation (g++), for fpgarun's bit-accurate emulator.

Run with the venv made by tools/hls4ml_env.sh:

    py=$(tools/hls4ml_env.sh) && $py tools/make_hls4ml_goldens.py            # all cases, 2 at a time
    $py tools/make_hls4ml_goldens.py --list                                  # case names
    $py tools/make_hls4ml_goldens.py zoo_keras_3layer act_tanh_layer         # only these (cases.json is merged)
    $py tools/make_hls4ml_goldens.py --jobs 1 --no-trace

For each case it writes Tests/Fixtures/hls4ml/<case>/:
    config.yml          hls4ml-style YAML as a user writes it (KerasJson/KerasH5 relative to the yml)
    model.json, weights.h5   (synthetic cases and JSON variants only; zoo cases point into ../shared/zoo)
    x.npy               float64 inputs, exactly what was passed to hls4ml predict (myproject_double); every
                        value is float32-representable, so the float32 entry point would see the same numbers
    y.npy               float64 C-sim outputs, shaped (n, *output_shape) in C (channels-last, row-major) order
    float_ref.npy       float64 outputs of a plain numpy forward pass (synthetic cases only; a sanity check)
    hls4ml_graph.json   the layers hls4ml kept after its optimizer passes, with every C++ type it chose
    trace/<layer>.npy   per-layer C-sim outputs (first samples only) from hls4ml's trace(), small cases
and Tests/Fixtures/hls4ml/cases.json, the index (converted or not, errors, limitations).

Each case runs in its own subprocess so a crash in hls4ml or the C-sim library cannot take the rest down.
Deterministic: seeds come from the case name; HDF5 files are written without timestamps.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / 'Tests' / 'Fixtures' / 'hls4ml'
WORK = ROOT / '.cache' / 'hls4ml-goldens'
ZOO = ROOT.parent / 'shared' / 'zoo' / 'keras'
# From Tests/Fixtures/hls4ml/<case>/ up to the directory holding main/ and shared/.
ZOO_REL = '../../../../../shared/zoo/keras'

DEFAULT_PRECISION = 'ap_fixed<16,6>'


# ----------------------------------------------------------------------------------------------------------
# Keras 2 JSON + H5 writer (the layout `model.to_json()` + `model.save_weights('x.h5')` produce in tf.keras 2.x)
# ----------------------------------------------------------------------------------------------------------

def _init(cls: str) -> dict:
    return {'class_name': cls, 'config': {'seed': None} if cls.startswith('Glorot') else {}}


class KerasGraph:
    """A functional Keras 2 model under construction: JSON layer configs, weights, and a numpy forward pass."""

    def __init__(self, input_shape, name='model', input_name='input_1'):
        self.name = name
        self.layers = []  # JSON layer entries
        self.weights = {}  # layer name -> [(weight name, array)]
        self.forward = {}  # layer name -> (fn, [input names])
        self.order = []
        self.input_name = input_name
        self.input_shape = tuple(input_shape)
        self.layers.append(
            {
                'class_name': 'InputLayer',
                'config': {
                    'batch_input_shape': [None, *input_shape],
                    'dtype': 'float32',
                    'sparse': False,
                    'ragged': False,
                    'name': input_name,
                },
                'name': input_name,
                'inbound_nodes': [],
            }
        )
        self.output = input_name

    def add(self, cls, name, config, inputs=None, weights=None, fn=None):
        """Adds a layer fed by `inputs` (default: the last layer); returns its name."""
        if inputs is None:
            inputs = [self.output]
        cfg = {'name': name, 'trainable': True, 'dtype': 'float32'}
        cfg.update(config)
        self.layers.append(
            {
                'class_name': cls,
                'config': cfg,
                'name': name,
                'inbound_nodes': [[[i, 0, 0, {}] for i in inputs]],
            }
        )
        self.weights[name] = weights or []
        self.forward[name] = (fn, list(inputs))
        self.order.append(name)
        self.output = name
        return name

    def to_json(self) -> dict:
        return {
            'class_name': 'Functional',
            'config': {
                'name': self.name,
                'trainable': True,
                'layers': self.layers,
                'input_layers': [[self.input_name, 0, 0]],
                'output_layers': [[self.output, 0, 0]],
            },
            'keras_version': '2.13.1',
            'backend': 'tensorflow',
        }

    def write(self, json_path: Path, h5_path: Path):
        import h5py

        json_path.write_text(json.dumps(self.to_json(), indent=1) + '\n')
        names = [self.input_name] + self.order
        with h5py.File(h5_path, 'w', track_order=False) as f:
            f.attrs['backend'] = b'tensorflow'
            f.attrs['keras_version'] = b'2.13.1'
            f.attrs['layer_names'] = np.array([n.encode() for n in names])
            for n in names:
                g = f.create_group(n)
                ws = self.weights.get(n, [])
                g.attrs['weight_names'] = (
                    np.array([f'{n}/{wn}:0'.encode() for wn, _ in ws]) if ws else np.array([], dtype=np.float64)
                )
                if ws:
                    sub = g.create_group(n)
                    for wn, arr in ws:
                        sub.create_dataset(f'{wn}:0', data=np.asarray(arr, dtype=np.float32), track_times=False)

    def run(self, x: np.ndarray) -> np.ndarray:
        vals = {self.input_name: x.astype(np.float64)}
        for n in self.order:
            fn, ins = self.forward[n]
            vals[n] = fn(*[vals[i] for i in ins])
        return vals[self.output]


# ---- numpy float references (batch-first, channels-last) ----

def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


ACT_FN = {
    'linear': lambda x: x,
    'relu': lambda x: np.maximum(x, 0.0),
    'sigmoid': _sigmoid,
    'tanh': np.tanh,
    'softsign': lambda x: x / (1.0 + np.abs(x)),
    'softplus': lambda x: np.logaddexp(0.0, x),
    'elu': lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    'selu': lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(np.minimum(x, 0))),
    # Keras 2 (tf.keras <= 2.13) hard_sigmoid: clip(0.2 x + 0.5, 0, 1)
    'hard_sigmoid': lambda x: np.clip(0.2 * x + 0.5, 0.0, 1.0),
    'softmax': lambda x: np.exp(x - x.max(-1, keepdims=True)) / np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True),
}


def _same_pad(n, k, s):
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return out, total // 2, total - total // 2


def _pad_nd(x, pads, value=0.0):
    return np.pad(x, [(0, 0)] + list(pads) + [(0, 0)], constant_values=value)


def _conv_ref(x, w, b, strides, padding):
    """N-d conv (1d/2d), channels-last, Keras cross-correlation."""
    nd = w.ndim - 2
    ks = w.shape[:nd]
    if padding == 'same':
        pads = [_same_pad(x.shape[1 + i], ks[i], strides[i])[1:] for i in range(nd)]
        x = _pad_nd(x, pads)
    outs = [(x.shape[1 + i] - ks[i]) // strides[i] + 1 for i in range(nd)]
    y = np.zeros((x.shape[0], *outs, w.shape[-1]))
    for idx in np.ndindex(*outs):
        sl = tuple(slice(idx[i] * strides[i], idx[i] * strides[i] + ks[i]) for i in range(nd))
        patch = x[(slice(None),) + sl + (slice(None),)]
        y[(slice(None),) + idx + (slice(None),)] = np.tensordot(patch, w, axes=(list(range(1, nd + 2)), list(range(nd + 1))))
    return y + b


def _pool_ref(x, pool, strides, padding, kind):
    """Keras pooling: 'same' pads with -inf for max and excludes padding from the average."""
    nd = len(pool)
    valid = np.ones(x.shape[1:-1])
    if padding == 'same':
        pads = [_same_pad(x.shape[1 + i], pool[i], strides[i])[1:] for i in range(nd)]
        x = _pad_nd(x, pads, value=-np.inf if kind == 'max' else 0.0)
        valid = np.pad(valid, pads)
    outs = [(x.shape[1 + i] - pool[i]) // strides[i] + 1 for i in range(nd)]
    y = np.zeros((x.shape[0], *outs, x.shape[-1]))
    for idx in np.ndindex(*outs):
        sl = tuple(slice(idx[i] * strides[i], idx[i] * strides[i] + pool[i]) for i in range(nd))
        patch = x[(slice(None),) + sl + (slice(None),)]
        axes = tuple(range(1, nd + 1))
        if kind == 'max':
            y[(slice(None),) + idx + (slice(None),)] = patch.max(axis=axes)
        else:
            y[(slice(None),) + idx + (slice(None),)] = patch.sum(axis=axes) / valid[sl].sum()
    return y


# ---- layer helpers: each returns the new layer's name ----

def _rng_w(rng, shape, scale):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def dense(g, rng, name, units, activation='linear', inputs=None, scale=None, use_bias=True):
    n_in = g_shape(g, inputs)[-1]
    scale = scale if scale is not None else 1.0 / np.sqrt(n_in)
    w = _rng_w(rng, (n_in, units), scale)
    b = _rng_w(rng, (units,), 0.25)
    cfg = {
        'units': units,
        'activation': activation,
        'use_bias': use_bias,
        'kernel_initializer': _init('GlorotUniform'),
        'bias_initializer': _init('Zeros'),
        'kernel_regularizer': None,
        'bias_regularizer': None,
        'activity_regularizer': None,
        'kernel_constraint': None,
        'bias_constraint': None,
    }
    act = ACT_FN[activation]
    ws = [('kernel', w), ('bias', b)] if use_bias else [('kernel', w)]
    bb = b.astype(np.float64) if use_bias else 0.0
    return g.add('Dense', name, cfg, inputs, ws, lambda x: act(x @ w.astype(np.float64) + bb))


def conv(g, rng, name, filters, kernel, strides, padding, activation='linear', inputs=None):
    shp = g_shape(g, inputs)
    nd = len(shp) - 1
    kernel = [kernel] * nd if isinstance(kernel, int) else list(kernel)
    strides = [strides] * nd if isinstance(strides, int) else list(strides)
    w = _rng_w(rng, (*kernel, shp[-1], filters), 1.0 / np.sqrt(np.prod(kernel) * shp[-1]))
    b = _rng_w(rng, (filters,), 0.25)
    cfg = {
        'filters': filters,
        'kernel_size': kernel,
        'strides': strides,
        'padding': padding,
        'data_format': 'channels_last',
        'dilation_rate': [1] * nd,
        'groups': 1,
        'activation': activation,
        'use_bias': True,
        'kernel_initializer': _init('GlorotUniform'),
        'bias_initializer': _init('Zeros'),
        'kernel_regularizer': None,
        'bias_regularizer': None,
        'activity_regularizer': None,
        'kernel_constraint': None,
        'bias_constraint': None,
    }
    act = ACT_FN[activation]
    w64, b64 = w.astype(np.float64), b.astype(np.float64)
    return g.add(
        f'Conv{nd}D', name, cfg, inputs, [('kernel', w), ('bias', b)], lambda x: act(_conv_ref(x, w64, b64, strides, padding))
    )


def activation(g, name, act, inputs=None):
    return g.add('Activation', name, {'activation': act}, inputs, None, ACT_FN[act])


def g_shape(g, inputs=None):
    """Shape (without batch) of a layer output, found by running the numpy forward on zeros."""
    src = inputs[0] if inputs else g.output
    x = np.zeros((1, *g.input_shape))
    vals = {g.input_name: x}
    for n in g.order:
        fn, ins = g.forward[n]
        vals[n] = fn(*[vals[i] for i in ins])
        if n == src:
            break
    return vals[src].shape[1:]


# ----------------------------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------------------------

class Case:
    def __init__(
        self,
        name,
        covers,
        *,
        zoo=None,
        build=None,
        json_edit=None,
        hls=None,
        n=256,
        std=(1.0, 2.0, 4.0),
        trace=False,
        edges=True,
        input_precision=DEFAULT_PRECISION,
        notes='',
    ):
        self.name = name
        self.covers = covers
        self.zoo = zoo  # zoo model base name (json + _weights.h5)
        self.build = build  # fn(rng) -> KerasGraph
        self.json_edit = json_edit  # fn(json dict) -> json dict, for zoo variants (weights stay in the zoo)
        self.hls = hls or {'Model': {'Precision': DEFAULT_PRECISION, 'ReuseFactor': 1, 'Strategy': 'Latency'}}
        self.n = n
        self.std = std
        self.trace = trace
        self.edges = edges
        self.input_precision = input_precision
        self.notes = notes


def model_cfg(precision=DEFAULT_PRECISION, rf=1, strategy='Latency', **extra):
    m = {'Precision': precision, 'ReuseFactor': rf, 'Strategy': strategy}
    m.update(extra)
    return {'Model': m}


def _zoo_h5(base):
    # KERAS_3layer's weights file is named KERAS_3layer_weights.h5 like the others.
    return f'{base}_weights.h5'


def _tanh_sigmoid_variant(j):
    acts = {'fc1_relu': 'tanh', 'fc2_relu': 'sigmoid', 'fc3_relu': 'tanh'}
    for layer in j['config']['layers']:
        if layer['config'].get('name') in acts:
            layer['config']['activation'] = acts[layer['config']['name']]
    return j


ZOO_CASES = [
    Case('zoo_keras_3layer', 'Dense+ReLU x3, Dense+Softmax; default ap_fixed<16,6>, RF1, Latency', zoo='KERAS_3layer', trace=True),
    Case(
        'zoo_keras_3layer_f10_rf4_resource',
        'KERAS_3layer with ap_fixed<10,4>, ReuseFactor 4, Strategy Resource',
        zoo='KERAS_3layer',
        hls=model_cfg('ap_fixed<10,4>', 4, 'Resource'),
        input_precision='ap_fixed<10,4>',
        trace=True,
    ),
    Case('zoo_keras_1layer', 'Dense+ReLU, Dense(1)+sigmoid', zoo='KERAS_1layer', trace=True),
    Case('zoo_keras_3layer_batch_norm', 'Dense, BatchNormalization, Activation relu/softmax', zoo='KERAS_3layer_batch_norm', trace=True),
    Case('zoo_keras_conv1d_small', 'Conv1D same padding x3, Flatten, Dense, softmax', zoo='KERAS_conv1d_small', n=64, trace=True),
    Case('zoo_keras_conv2d_model', 'Conv2D 3x3 same + relu, Dropout, Flatten, Dense softmax (Sequential)', zoo='KERAS_conv2d_model', n=64, trace=True),
    Case(
        'zoo_jettagger_conv2d_small',
        'BatchNorm on input, Conv2D stride 3 and 2 same padding, Dropout, Flatten, Dense, softmax',
        zoo='jetTagger_Conv2D_Small',
        n=32,
        std=(1.0, 2.0),
    ),
    Case(
        'zoo_keras_3layer_tanh_sigmoid',
        'KERAS_3layer JSON edited: hidden activations tanh, sigmoid, tanh (same weights)',
        zoo='KERAS_3layer',
        json_edit=_tanh_sigmoid_variant,
        trace=True,
    ),
]

SYNTH_CASES: list[Case] = []  # filled in below

ALL_CASES: list[Case] = []


def _register():
    ALL_CASES.clear()
    ALL_CASES.extend(ZOO_CASES)
    ALL_CASES.extend(SYNTH_CASES)


# ----------------------------------------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------------------------------------

def _parse_fixed(p):
    """(width, integer bits) of an 'ap_fixed<W,I,...>' string."""
    inner = p[p.index('<') + 1 : p.index('>')].split(',')
    return int(inner[0]), int(inner[1])


def make_inputs(case: Case, shape, rng) -> np.ndarray:
    n = case.n
    feat = int(np.prod(shape))
    stds = np.array(case.std)[rng.integers(0, len(case.std), size=n)]
    x = rng.standard_normal((n, feat)) * stds[:, None]
    if case.edges:
        w, i = _parse_fixed(case.input_precision)
        lsb = 2.0 ** -(w - i)
        top = 2.0 ** (i - 1)
        alt = np.where(np.arange(feat) % 2 == 0, 1.0, -1.0)
        edge_rows = [
            np.zeros(feat),
            np.full(feat, top - lsb),  # largest input_t
            np.full(feat, -top),  # smallest input_t
            alt * (top + 3.3),  # beyond the range: input conversion wraps (AP_WRAP default)
            alt * (lsb / 2),  # below one LSB: truncation toward -inf
            alt * lsb * 0.999,
            np.linspace(-top * 1.25, top * 1.25, feat),
            np.round(rng.standard_normal(feat) * 4) * lsb * 7,  # exact grid values
        ]
        k = min(len(edge_rows), n // 4)
        x[:k] = np.array(edge_rows[:k])
    x = x.astype(np.float32).astype(np.float64)
    return x.reshape((n, *shape))


# ----------------------------------------------------------------------------------------------------------
# Running one case (in a subprocess)
# ----------------------------------------------------------------------------------------------------------

def _yaml_dump(cfg) -> str:
    import yaml

    return yaml.safe_dump(cfg, sort_keys=False, default_flow_style=False)


def _type_str(t):
    try:
        return t.precision.definition_cpp()
    except Exception:
        return str(t.precision)


def graph_summary(hm) -> list:
    out = []
    for layer in hm.get_layers():
        attrs = {}
        for k, v in layer.attributes.items():
            if k in ('function_cpp', 'trace') or k.endswith('_t'):
                continue
            if isinstance(v, (bool, int, float, str)) and not isinstance(v, np.ndarray):
                attrs[k] = v
        entry = {
            'name': layer.name,
            'class': layer.class_name,
            'inputs': list(layer.inputs),
            'outputs': list(layer.outputs),
            'output_shape': [int(s) for s in layer.get_output_variable().shape],
            # role (result_t, accum_t, weight_t, table_t, ...) -> (C++ typedef name, its definition)
            'types': {k: [v.name, _type_str(v)] for k, v in layer.types.items()},
            'attributes': attrs,
        }
        out.append(entry)
    return out


def run_case(case: Case) -> dict:
    import hls4ml
    import yaml

    cdir = FIXTURES / case.name
    if cdir.exists():
        shutil.rmtree(cdir)
    cdir.mkdir(parents=True)
    seed = zlib.crc32(case.name.encode())
    rng = np.random.default_rng(seed)
    result = {'case': case.name, 'covers': case.covers, 'seed': seed, 'notes': case.notes}

    graph = None
    if case.build is not None:
        graph = case.build(np.random.default_rng(seed + 1))
        graph.write(cdir / 'model.json', cdir / 'weights.h5')
        kjson, kh5 = 'model.json', 'weights.h5'
        result['source'] = 'synthetic'
    elif case.json_edit is not None:
        j = json.loads((ZOO / f'{case.zoo}.json').read_text())
        (cdir / 'model.json').write_text(json.dumps(case.json_edit(j), indent=1) + '\n')
        kjson, kh5 = 'model.json', f'{ZOO_REL}/{_zoo_h5(case.zoo)}'
        result['source'] = f'zoo:{case.zoo} (JSON edited)'
    else:
        kjson, kh5 = f'{ZOO_REL}/{case.zoo}.json', f'{ZOO_REL}/{_zoo_h5(case.zoo)}'
        result['source'] = f'zoo:{case.zoo}'

    cfg = {
        'KerasJson': kjson,
        'KerasH5': kh5,
        'OutputDir': f'hls4ml_prj_{case.name}',
        'ProjectName': 'myproject',
        'Backend': 'Vitis',
        'Part': 'xcvu13p-flga2577-2-e',
        'ClockPeriod': 5,
        'IOType': 'io_parallel',
        'HLSConfig': case.hls,
    }
    (cdir / 'config.yml').write_text(_yaml_dump(cfg))

    # Convert the way a user's YAML would be read, paths relative to the yml. (hls4ml 1.3's convert_from_config
    # only dispatches on KerasModel/OnnxModel/PytorchModel and returns None for KerasJson, so call the
    # Keras v2 converter directly.)
    parsed = yaml.safe_load((cdir / 'config.yml').read_text())
    for key in ('KerasJson', 'KerasH5'):
        parsed[key] = str((cdir / parsed[key]).resolve())
    out_dir = WORK / case.name
    if out_dir.exists():
        shutil.rmtree(out_dir)
    parsed['OutputDir'] = str(out_dir)

    t0 = time.time()
    hm = hls4ml.converters.keras_v2_to_hls(parsed)
    in_shape = [int(s) for s in hm.get_input_variables()[0].shape]
    out_shape = [int(s) for s in hm.get_output_variables()[0].shape]
    result['input_shape'] = in_shape
    result['output_shape'] = out_shape
    result['input_type'] = _type_str(hm.get_input_variables()[0].type)
    result['output_type'] = _type_str(hm.get_output_variables()[0].type)
    hm.compile()
    # After compile(): the backend's write flow can still change types.
    (cdir / 'hls4ml_graph.json').write_text(json.dumps(graph_summary(hm), indent=1) + '\n')
    result['compile_seconds'] = round(time.time() - t0, 1)

    x = make_inputs(case, in_shape, rng)
    y = np.asarray(hm.predict(np.ascontiguousarray(x)), dtype=np.float64).reshape((case.n, *out_shape))
    np.save(cdir / 'x.npy', x)
    np.save(cdir / 'y.npy', y)
    result['n_samples'] = case.n
    result['input_dtype_passed'] = 'float64'
    result['converted'] = True

    if graph is not None:
        ref = graph.run(x).reshape(y.shape)
        np.save(cdir / 'float_ref.npy', ref)
        result['max_abs_diff_vs_float_ref'] = float(np.max(np.abs(ref - y)))
        result['mean_abs_diff_vs_float_ref'] = float(np.mean(np.abs(ref - y)))

    if case.trace:
        nt = min(16, case.n)
        for layer in hm.get_layers():
            layer.set_attr('trace', True)
        _, tr = hm.trace(np.ascontiguousarray(x[:nt]))
        tdir = cdir / 'trace'
        tdir.mkdir()
        for lname, arr in tr.items():
            np.save(tdir / f'{lname}.npy', np.asarray(arr, dtype=np.float64))
        result['trace_samples'] = nt
        result['trace_layers'] = sorted(tr.keys())
    return result


def worker(name: str, result_path: Path):
    _register()
    case = next(c for c in ALL_CASES if c.name == name)
    try:
        res = run_case(case)
    except Exception as e:  # record and move on: hls4ml limitations are data for us
        res = {
            'case': case.name,
            'covers': case.covers,
            'converted': False,
            'error': f'{type(e).__name__}: {e}'.strip()[:2000],
            'traceback_tail': traceback.format_exc().strip().splitlines()[-6:],
        }
    result_path.write_text(json.dumps(res, indent=1, default=str))


def launch(name: str, py: str) -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    rp = WORK / f'{name}.result.json'
    if rp.exists():
        rp.unlink()
    log = WORK / f'{name}.log'
    t0 = time.time()
    with open(log, 'w') as lf:
        proc = subprocess.run([py, __file__, '--worker', name, str(rp)], stdout=lf, stderr=subprocess.STDOUT, cwd=ROOT)
    if rp.exists():
        res = json.loads(rp.read_text())
    else:
        tail = log.read_text().strip().splitlines()[-8:]
        res = {'case': name, 'converted': False, 'error': f'worker died with exit code {proc.returncode}', 'log_tail': tail}
    res['seconds'] = round(time.time() - t0, 1)
    status = 'ok' if res.get('converted') else 'FAILED: ' + res.get('error', '')[:160]
    print(f'{name:45s} {res["seconds"]:6.1f}s  {status}', flush=True)
    return res


def main():
    _register()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('cases', nargs='*', help='case names (default: all)')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--no-trace', action='store_true')
    ap.add_argument('--worker', nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        if os.environ.get('FPGARUN_GOLDENS_NO_TRACE'):
            for c in ALL_CASES:
                c.trace = False
        worker(args.worker[0], Path(args.worker[1]))
        return
    if args.list:
        for c in ALL_CASES:
            print(f'{c.name:45s} {c.covers}')
        return
    names = args.cases or [c.name for c in ALL_CASES]
    unknown = [n for n in names if n not in {c.name for c in ALL_CASES}]
    if unknown:
        sys.exit(f'make_hls4ml_goldens: unknown case(s): {", ".join(unknown)} (see --list)')
    if args.no_trace:
        os.environ['FPGARUN_GOLDENS_NO_TRACE'] = '1'

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        results = list(ex.map(lambda n: launch(n, sys.executable), names))

    index_path = FIXTURES / 'cases.json'
    old = {}
    if index_path.exists():
        old = {r['case']: r for r in json.loads(index_path.read_text())['cases']}
    for r in results:
        r.pop('seconds', None)
        r.pop('compile_seconds', None)
        old[r['case']] = r
    order = {c.name: i for i, c in enumerate(ALL_CASES)}
    merged = sorted((r for r in old.values() if r['case'] in order), key=lambda r: order[r['case']])
    import hls4ml

    index = {
        'generator': 'tools/make_hls4ml_goldens.py',
        'hls4ml_version': hls4ml.__version__,
        'numpy_version': np.__version__,
        'gxx': subprocess.run(['g++', '-dumpfullversion'], capture_output=True, text=True).stdout.strip(),
        'layout': 'x.npy/y.npy are (n, *shape) float64 in C order; shapes are channels-last without batch',
        'cases': merged,
    }
    FIXTURES.mkdir(parents=True, exist_ok=True)
    index_path.write_text(json.dumps(index, indent=1) + '\n')
    failed = [r['case'] for r in results if not r.get('converted')]
    print(f'{len(results) - len(failed)} converted, {len(failed)} failed' + (f': {", ".join(failed)}' if failed else ''))


if __name__ == '__main__':
    main()
