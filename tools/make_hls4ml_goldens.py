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
    float_ref.npy       float32 outputs of a plain numpy float forward pass (Keras semantics) on the input
                        quantized to input_t (synthetic cases only; a sanity check, not a golden)
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

SYNTH_CASES: list[Case] = []


def _synth(name, covers, build, **kw):
    kw.setdefault('trace', True)
    SYNTH_CASES.append(Case(name, covers, build=build, **kw))


ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'softsign', 'softplus', 'elu', 'selu', 'hard_sigmoid']


def _act_layer_model(act):
    def build(rng):
        g = KerasGraph([8 if act == 'softmax' else 32])
        activation(g, f'act_{act}', act)
        return g

    return build


def _act_dense_model(act):
    def build(rng):
        g = KerasGraph([16])
        dense(g, rng, f'dense_{act}', 16 if act != 'softmax' else 8, act, scale=0.6)
        return g

    return build


for _a in ACTIVATIONS:
    _synth(f'act_{_a}_layer', f'Activation("{_a}") layer on the input', _act_layer_model(_a))
    _synth(f'act_{_a}_dense', f'Dense(activation="{_a}")', _act_dense_model(_a))


def _relu_ref(max_value=None, negative_slope=0.0, threshold=0.0):
    def f(x):
        y = np.where(x >= threshold, x, negative_slope * (x - threshold))
        return np.minimum(y, max_value) if max_value is not None else y

    return f


def _single(input_shape, cls, cfg, fn, weights=None):
    def build(rng):
        g = KerasGraph(input_shape)
        w = weights(rng) if callable(weights) else weights
        g.add(cls, cls.lower(), cfg, None, w, fn if not callable(weights) else fn(w))
        return g

    return build


_synth('relu_layer_plain', 'ReLU() layer', _single([32], 'ReLU', {'max_value': None, 'negative_slope': 0.0, 'threshold': 0.0}, _relu_ref()))
_synth(
    'relu_layer_max6',
    'ReLU(max_value=6) layer',
    _single([32], 'ReLU', {'max_value': 6.0, 'negative_slope': 0.0, 'threshold': 0.0}, _relu_ref(6.0)),
)
_synth(
    'relu_layer_slope_threshold',
    'ReLU(negative_slope=0.1, threshold=0.5) layer',
    _single([32], 'ReLU', {'max_value': None, 'negative_slope': 0.1, 'threshold': 0.5}, _relu_ref(None, 0.1, 0.5)),
)
_synth('leaky_relu_layer', 'LeakyReLU(alpha=0.1) layer', _single([32], 'LeakyReLU', {'alpha': 0.1}, _relu_ref(None, 0.1)))
_synth(
    'elu_layer',
    'ELU(alpha=0.7) layer',
    _single([32], 'ELU', {'alpha': 0.7}, lambda x: np.where(x > 0, x, 0.7 * np.expm1(np.minimum(x, 0)))),
)
_synth(
    'thresholded_relu_layer',
    'ThresholdedReLU(theta=0.7) layer',
    _single([32], 'ThresholdedReLU', {'theta': 0.7}, lambda x: np.where(x > 0.7, x, 0.0)),
)


def _prelu_weights(rng):
    return [('alpha', (rng.uniform(-0.5, 0.8, size=(32,))).astype(np.float32))]


_synth(
    'prelu_layer',
    'PReLU layer, per-element alpha (shared_axes None)',
    _single(
        [32],
        'PReLU',
        {
            'alpha_initializer': _init('Zeros'),
            'alpha_regularizer': None,
            'alpha_constraint': None,
            'shared_axes': None,
        },
        lambda w: (lambda x: np.where(x >= 0, x, w[0][1].astype(np.float64) * x)),
        weights=_prelu_weights,
    ),
)
_synth('softmax_layer', 'Softmax(axis=-1) layer', _single([8], 'Softmax', {'axis': -1}, ACT_FN['softmax']))
for _impl in ['latency', 'legacy', 'argmax']:
    _synth(
        f'softmax_{_impl}',
        f'Dense(8) + Activation(softmax) with LayerName Implementation: {_impl}',
        (lambda rng: (lambda g: (dense(g, rng, 'dense', 8, scale=0.8), activation(g, 'softmax', 'softmax'), g)[-1])(KerasGraph([16]))),
        hls={**model_cfg(), 'LayerName': {'softmax': {'Implementation': _impl}}},
    )


# ---- pooling ----

def _pool_model(input_shape, cls, pool, strides, padding):
    nd = len(pool)
    kind = 'max' if cls.startswith('Max') else 'avg'

    def build(rng):
        g = KerasGraph(input_shape)
        cfg = {'pool_size': list(pool), 'padding': padding, 'strides': list(strides), 'data_format': 'channels_last'}
        g.add(cls, f'{kind}pool', cfg, None, None, lambda x: _pool_ref(x, pool, strides, padding, kind))
        return g

    return build


for _cls, _shape, _pool, _strides, _pad in [
    ('MaxPooling1D', [11, 3], (3,), (2,), 'valid'),
    ('MaxPooling1D', [10, 3], (3,), (2,), 'same'),
    ('AveragePooling1D', [11, 3], (2,), (3,), 'valid'),
    ('AveragePooling1D', [9, 2], (4,), (2,), 'same'),
    ('MaxPooling2D', [7, 9, 2], (2, 3), (2, 2), 'valid'),
    ('MaxPooling2D', [6, 7, 2], (3, 2), (2, 3), 'same'),
    ('AveragePooling2D', [7, 9, 2], (3, 3), (2, 2), 'valid'),
    ('AveragePooling2D', [6, 7, 2], (3, 3), (2, 2), 'same'),
    ('AveragePooling2D', [8, 8, 3], (2, 2), (2, 2), 'valid'),
]:
    _nm = f'{_cls.lower()}_{_pad}_' + 'x'.join(map(str, _shape)) + '_p' + 'x'.join(map(str, _pool)) + '_s' + 'x'.join(map(str, _strides))
    _synth(_nm, f'{_cls} pool {_pool} strides {_strides} padding {_pad} on input {_shape}', _pool_model(_shape, _cls, _pool, _strides, _pad), n=64)


def _global_pool_model(input_shape, cls):
    red = np.max if 'Max' in cls else np.mean

    def build(rng):
        g = KerasGraph(input_shape)
        axes = tuple(range(1, len(input_shape)))
        g.add(cls, 'gpool', {'data_format': 'channels_last', 'keepdims': False}, None, None, lambda x: red(x, axis=axes))
        return g

    return build


for _cls, _shape in [
    ('GlobalMaxPooling1D', [10, 4]),
    ('GlobalAveragePooling1D', [10, 4]),
    ('GlobalMaxPooling2D', [5, 6, 3]),
    ('GlobalAveragePooling2D', [5, 6, 3]),
    ('GlobalAveragePooling2D', [4, 4, 3]),
]:
    _synth(f'{_cls.lower()}_' + 'x'.join(map(str, _shape)), f'{_cls} on input {_shape}', _global_pool_model(_shape, _cls), n=64)


# ---- padding / upsampling / reshaping ----

def _zp1(rng):
    g = KerasGraph([7, 3])
    g.add('ZeroPadding1D', 'zp', {'padding': [1, 3]}, None, None, lambda x: _pad_nd(x, [(1, 3)]))
    return g


def _zp2(rng):
    g = KerasGraph([5, 6, 2])
    g.add(
        'ZeroPadding2D',
        'zp',
        {'padding': [[2, 1], [0, 3]], 'data_format': 'channels_last'},
        None,
        None,
        lambda x: _pad_nd(x, [(2, 1), (0, 3)]),
    )
    return g


def _up1(rng):
    g = KerasGraph([5, 3])
    g.add('UpSampling1D', 'up', {'size': 3}, None, None, lambda x: np.repeat(x, 3, axis=1))
    return g


def _up2(rng):
    g = KerasGraph([4, 5, 2])
    g.add(
        'UpSampling2D',
        'up',
        {'size': [2, 3], 'data_format': 'channels_last', 'interpolation': 'nearest'},
        None,
        None,
        lambda x: np.repeat(np.repeat(x, 2, axis=1), 3, axis=2),
    )
    return g


_synth('zeropadding1d_asym', 'ZeroPadding1D((1,3)) on (7,3)', _zp1, n=64)
_synth('zeropadding2d_asym', 'ZeroPadding2D(((2,1),(0,3))) on (5,6,2)', _zp2, n=64)
_synth('upsampling1d', 'UpSampling1D(3) on (5,3)', _up1, n=64)
_synth('upsampling2d', 'UpSampling2D((2,3)) nearest on (4,5,2)', _up2, n=64)


def _reshape_flatten_dropout(rng):
    g = KerasGraph([24])
    dense(g, rng, 'dense_in', 24)
    g.add('Reshape', 'reshape', {'target_shape': [4, 6]}, None, None, lambda x: x.reshape(x.shape[0], 4, 6))
    conv(g, rng, 'conv', 3, 3, 1, 'valid', 'relu')
    g.add('Flatten', 'flatten', {'data_format': 'channels_last'}, None, None, lambda x: x.reshape(x.shape[0], -1))
    g.add('Dropout', 'dropout', {'rate': 0.25, 'noise_shape': None, 'seed': None}, None, None, lambda x: x)
    dense(g, rng, 'dense_out', 5)
    return g


_synth('reshape_flatten_dropout', 'Dense, Reshape((4,6)), Conv1D valid relu, Flatten, Dropout, Dense', _reshape_flatten_dropout)


# ---- convolutions ----

def _conv_model(input_shape, filters, kernel, strides, padding, act='linear'):
    def build(rng):
        g = KerasGraph(input_shape)
        conv(g, rng, 'conv', filters, kernel, strides, padding, act)
        return g

    return build


for _shape, _f, _k, _s, _pad, _act in [
    ([11, 3], 4, 4, 2, 'same', 'linear'),
    ([13, 2], 3, 3, 3, 'valid', 'relu'),
    ([10, 2], 2, 5, 1, 'same', 'linear'),
    ([9, 8, 2], 3, (3, 4), (2, 3), 'same', 'linear'),
    ([8, 9, 3], 4, (3, 3), (2, 2), 'valid', 'relu'),
    ([6, 6, 1], 2, (2, 2), (1, 1), 'same', 'linear'),
    ([5, 7, 3], 2, (1, 1), (1, 1), 'valid', 'linear'),
]:
    _nd = len(_shape) - 1
    _ks = 'x'.join(map(str, _k if isinstance(_k, tuple) else (_k,)))
    _ss = 'x'.join(map(str, _s if isinstance(_s, tuple) else (_s,)))
    _nm = f'conv{_nd}d_{_pad}_' + 'x'.join(map(str, _shape)) + f'_k{_ks}_s{_ss}'
    _synth(_nm, f'Conv{_nd}D({_f}, {_k}, strides {_s}, {_pad}, {_act}) on {_shape}', _conv_model(_shape, _f, _k, _s, _pad, _act), n=64)

_synth(
    'conv2d_resource_rf3',
    'Conv2D(6,(3,3),same) on (6,6,2) with Strategy Resource, ReuseFactor 3',
    _conv_model([6, 6, 2], 6, (3, 3), (1, 1), 'same', 'relu'),
    hls=model_cfg(rf=3, strategy='Resource'),
    n=64,
)


def _conv_pool_bn(rng):
    g = KerasGraph([10, 10, 2])
    conv(g, rng, 'conv', 4, 3, 1, 'same')
    mean = rng.normal(0, 0.3, 4).astype(np.float32)
    var = rng.uniform(0.3, 2.0, 4).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, 4).astype(np.float32)
    beta = rng.normal(0, 0.3, 4).astype(np.float32)
    eps = 0.001
    g.add(
        'BatchNormalization',
        'bn',
        {
            'axis': -1,
            'momentum': 0.99,
            'epsilon': eps,
            'center': True,
            'scale': True,
            'beta_initializer': _init('Zeros'),
            'gamma_initializer': _init('Ones'),
            'moving_mean_initializer': _init('Zeros'),
            'moving_variance_initializer': _init('Ones'),
            'beta_regularizer': None,
            'gamma_regularizer': None,
            'beta_constraint': None,
            'gamma_constraint': None,
        },
        None,
        [('gamma', gamma), ('beta', beta), ('moving_mean', mean), ('moving_variance', var)],
        lambda x: (x - mean.astype(np.float64)) / np.sqrt(var.astype(np.float64) + eps) * gamma + beta,
    )
    activation(g, 'relu', 'relu')
    g.add(
        'MaxPooling2D',
        'pool',
        {'pool_size': [2, 2], 'padding': 'valid', 'strides': [2, 2], 'data_format': 'channels_last'},
        None,
        None,
        lambda x: _pool_ref(x, (2, 2), (2, 2), 'valid', 'max'),
    )
    g.add('Flatten', 'flatten', {'data_format': 'channels_last'}, None, None, lambda x: x.reshape(x.shape[0], -1))
    dense(g, rng, 'dense', 6, 'softmax')
    return g


_synth('conv2d_bn_relu_pool_dense', 'Conv2D same, BatchNormalization, relu, MaxPooling2D, Flatten, Dense softmax', _conv_pool_bn, n=64)


# ---- merges (functional models with a branch) ----

MERGE_REF = {
    'Add': lambda a, b: a + b,
    'Subtract': lambda a, b: a - b,
    'Multiply': lambda a, b: a * b,
    'Average': lambda a, b: (a + b) / 2,
    'Maximum': np.maximum,
    'Minimum': np.minimum,
}


def _merge_model(cls):
    def build(rng):
        g = KerasGraph([16])
        a = dense(g, rng, 'branch_a', 8, inputs=['input_1'], scale=0.7)
        b = dense(g, rng, 'branch_b', 8, 'relu', inputs=['input_1'], scale=0.7)
        g.add(cls, cls.lower(), {}, [a, b], None, MERGE_REF[cls])
        return g

    return build


for _m in MERGE_REF:
    _synth(f'merge_{_m.lower()}', f'{_m} of two Dense branches (one linear, one relu)', _merge_model(_m))


def _concat1d(rng):
    g = KerasGraph([16])
    a = dense(g, rng, 'branch_a', 5, inputs=['input_1'])
    b = dense(g, rng, 'branch_b', 7, 'relu', inputs=['input_1'])
    g.add('Concatenate', 'concat', {'axis': -1}, [a, b], None, lambda p, q: np.concatenate([p, q], axis=-1))
    return g


def _concat2d(axis):
    def build(rng):
        g = KerasGraph([6, 3])
        a = conv(g, rng, 'branch_a', 2, 3, 1, 'same', inputs=['input_1'])
        b = conv(g, rng, 'branch_b', 2 if axis == 1 else 3, 3, 1, 'same', 'relu', inputs=['input_1'])
        g.add('Concatenate', 'concat', {'axis': axis}, [a, b], None, lambda p, q: np.concatenate([p, q], axis=axis))
        return g

    return build


_synth('merge_concatenate1d', 'Concatenate of two Dense branches (5 + 7)', _concat1d)
_synth('merge_concatenate2d_axis_last', 'Concatenate(axis=-1) of two Conv1D branches on (6,3)', _concat2d(-1), n=64)
_synth('merge_concatenate2d_axis1', 'Concatenate(axis=1) of two Conv1D branches on (6,3)', _concat2d(1), n=64)


# ---- precision configurations ----

def _mlp(rng):
    g = KerasGraph([16])
    dense(g, rng, 'fc1', 32, 'relu')
    dense(g, rng, 'fc2', 16, 'tanh')
    dense(g, rng, 'fc3', 5)
    return g


_synth(
    'precision_per_layer_dicts',
    'MLP with per-layer Precision dicts (weight/bias/result/accum/table) and a non-default model precision',
    _mlp,
    hls={
        'Model': {'Precision': 'ap_fixed<18,8>', 'ReuseFactor': 1, 'Strategy': 'Latency'},
        'LayerName': {
            'input_1': {'Precision': {'result': 'ap_fixed<12,5>'}},
            'fc1': {
                'Precision': {
                    'weight': 'ap_fixed<8,2>',
                    'bias': 'ap_fixed<10,3>',
                    'result': 'ap_fixed<14,6>',
                    'accum': 'ap_fixed<24,10>',
                }
            },
            'fc1_relu': {'Precision': {'result': 'ap_ufixed<10,4>'}},
            'fc2': {'Precision': {'weight': 'ap_fixed<6,1>', 'bias': 'ap_fixed<8,3>', 'accum': 'ap_fixed<20,8>', 'result': 'ap_fixed<16,6>'}},
            'fc2_tanh': {'Precision': {'result': 'ap_fixed<10,2>', 'table': 'ap_fixed<14,3>'}, 'TableSize': 512},
            'fc3': {'Precision': {'weight': 'ap_fixed<12,4>', 'result': 'ap_fixed<20,10>'}},
        },
    },
    input_precision='ap_fixed<12,5>',
)
_synth(
    'precision_rounding_saturating',
    'MLP with result types using AP_RND_CONV/AP_SAT, AP_RND/AP_SAT_SYM, AP_RND_ZERO/AP_SAT',
    _mlp,
    hls={
        **model_cfg(),
        'LayerName': {
            'input_1': {'Precision': {'result': 'ap_fixed<12,4,AP_RND_CONV,AP_SAT>'}},
            'fc1': {'Precision': {'result': 'ap_fixed<12,4,AP_RND_CONV,AP_SAT>'}},
            'fc1_relu': {'Precision': {'result': 'ap_ufixed<10,3,AP_RND,AP_SAT>'}},
            'fc2': {'Precision': {'result': 'ap_fixed<12,3,AP_RND,AP_SAT_SYM>', 'accum': 'ap_fixed<18,6,AP_RND,AP_SAT>'}},
            'fc3': {'Precision': {'result': 'ap_fixed<10,3,AP_RND_ZERO,AP_SAT>'}},
        },
    },
    input_precision='ap_fixed<12,4>',
)

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


def quantize_like_input(x: np.ndarray, type_str: str) -> np.ndarray:
    """Approximates the float -> input_t conversion (TRN or RND*, WRAP or SAT*) for the float reference only."""
    inner = type_str[type_str.index('<') + 1 : type_str.index('>')].split(',')
    w, i = int(inner[0]), int(inner[1])
    signed = not type_str.startswith('ap_ufixed')
    q = inner[2].strip() if len(inner) > 2 else 'AP_TRN'
    o = inner[3].strip() if len(inner) > 3 else 'AP_WRAP'
    f = w - i
    v = x * 2.0**f
    v = np.floor(v) if q == 'AP_TRN' else (np.trunc(v) if q == 'AP_TRN_ZERO' else np.round(v))
    lo, hi = (-(2 ** (w - 1)), 2 ** (w - 1) - 1) if signed else (0, 2**w - 1)
    if o.startswith('AP_SAT'):
        v = np.clip(v, lo, hi)
    else:
        v = (v - lo) % (2**w) + lo
    return v / 2.0**f


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
        # Float reference on the input as hls4ml sees it (quantized to input_t), so the comparison shows the
        # network's own quantization and overflow, not the input conversion.
        ref = graph.run(quantize_like_input(x, result['input_type'])).reshape(y.shape)
        np.save(cdir / 'float_ref.npy', ref.astype(np.float32))  # a sanity check only: float32 keeps it small
        d = np.abs(ref - y).reshape(case.n, -1).max(axis=1)
        result['float_ref_abs_diff_per_sample'] = {
            'median': float(np.median(d)),
            'p90': float(np.percentile(d, 90)),
            'max': float(d.max()),
        }

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


# What the goldens show about hls4ml 1.3 itself (found by running the cases; see docs/hls4ml-numerics.md).
LIMITATIONS = {
    'act_linear_layer': 'hls4ml removes a linear Activation whose in/out types match; with it as the only layer the '
    'generated project has no layers and redefines the input: g++ fails. Nothing to emulate.',
    'softmax_layer': 'Keras Softmax *layer* (class Softmax) gets activation name "Softmax": the config struct is '
    'Softmax_config2 but the call uses softmax_config2, so g++ fails. Activation("softmax") works.',
    'relu_layer_max6': 'hls4ml maps the ReLU layer to plain relu: max_value is ignored (outputs above 6 pass through).',
    'relu_layer_slope_threshold': 'hls4ml maps the ReLU layer to plain relu: negative_slope and threshold are ignored.',
    'act_softplus_layer': 'softplus table covers [-8, 8): inputs >= 8 give softplus(8 - 1/64), not x.',
    'act_softplus_dense': 'softplus table covers [-8, 8): inputs >= 8 give softplus(8 - 1/64), not x.',
    'softmax_latency': 'latency softmax exponentiates the raw input (no max subtraction): exp table saturates at '
    '~128 and the sum in accum_t (model default ap_fixed<16,6>) wraps; large errors are hls4ml behaviour.',
    'softmax_argmax': 'argmax implementation: one-hot output (1 at the first maximum), not probabilities.',
    'merge_multiply': 'products of the two branches often exceed ap_fixed<16,6> and wrap: large errors are expected.',
    'precision_per_layer_dicts': 'the Precision dict key "table" of fc2_tanh is ignored by hls4ml 1.3 (table_t stays '
    'ap_fixed<18,8>); TableSize 512 is applied. The implicit fc3_linear activation casts fc3 back to the model '
    'default ap_fixed<18,8>.',
    'precision_rounding_saturating': 'the implicit activation layers (fc2_tanh, fc3_linear) take the model default '
    'ap_fixed<16,6> as result type unless named in LayerName.',
}


def main():
    _register()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('cases', nargs='*', help='case names (default: all)')
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--no-trace', action='store_true')
    ap.add_argument('--reindex', action='store_true', help='only rewrite cases.json (limitations) from the last run')
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

    if args.reindex:
        results = []
    else:
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
    for r in merged:
        r.pop('traceback_tail', None)  # machine paths; the log under .cache has it
        if r['case'] in LIMITATIONS:
            r['hls4ml_limitation'] = LIMITATIONS[r['case']]
        else:
            r.pop('hls4ml_limitation', None)
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
