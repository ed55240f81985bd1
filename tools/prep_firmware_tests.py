#!/usr/bin/env python3
"""Prepares the Firmware/ C-sim tests from the hls4ml 1.3.0 goldens (run by tools/test_firmware.sh).

For every converted case in Tests/Fixtures/hls4ml/ this writes, under .cache/firmware-tests/:

  data/<case>/x.f64, y.f64, trace/<layer>.f64   golden inputs/outputs as raw little-endian float64
  data/<case>/weights/<name>.txt                weights as hls4ml writes them for C-sim: one line of
                                                '{:.Nf}' decimals (N = fractional bits of the weight type),
                                                read back by the test with strtod and cast to the type
  gen/<case>.inc                                C++: per-layer typedefs, fpgarun config structs, weight arrays,
                                                one run function per layer and the layer list
  gen/group<k>.inc                              a few cases per translation unit (compiled in parallel)
  tables/<name>.f64                             Tests/Fixtures/hls4ml/tables/*.npy for test_tables.cpp

The generated config structs are what fpgarun's code generator is meant to emit (Firmware/README.md).
Weight values follow hls4ml: Keras H5 float32 data (Resource strategy: transposed), BatchNormalization folded
in float32 numpy (scale = gamma / sqrt(var + eps), bias = beta - scale * mean). When the hls4ml project of a
case is still under .cache/hls4ml-goldens/, every weight text written here is compared with hls4ml's own
weights/*.txt and a difference stops the script.

    py=$(tools/hls4ml_env.sh) && $py tools/prep_firmware_tests.py [--groups K] [case ...]
"""

import argparse
import json
import math
import re
import shutil
import sys
from pathlib import Path

import h5py
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / 'Tests' / 'Fixtures' / 'hls4ml'
OUT = ROOT / '.cache' / 'firmware-tests'
HLS4ML_PROJECTS = ROOT / '.cache' / 'hls4ml-goldens'


class PrepError(Exception):
    pass


# ---------------------------------------------------------------- types and weight text


def type_fraction_digits(t):
    """Decimals hls4ml prints for a weight of C++ type t: max(0, W - I) for fixed types, 0 for integers."""
    m = re.match(r'ap_(u?)fixed<\s*(\d+)\s*,\s*(-?\d+)', t)
    if m:
        return max(0, int(m.group(2)) - int(m.group(3)))
    if re.match(r'ap_u?int<', t):
        return 0
    raise PrepError(f'unsupported weight type {t}')


def weight_text(values, ctype):
    digits = type_fraction_digits(ctype)
    fmt = f'{{:.{digits}f}}'
    return ', '.join(fmt.format(float(v)) for v in np.asarray(values).ravel(order='C'))


def h5_find(h5, layer, var):
    """The first dataset under the layer's group whose path contains `var` (hls4ml's KerasFileReader rule)."""
    base = f'model_weights/{layer}' if 'model_weights' in h5 else layer
    if base not in h5:
        return None
    found = h5[base].visit(lambda name: name if var in name else None)
    return None if found is None else h5[f'{base}/{found}'][()]


def shape_size(shape):
    return int(np.prod(shape)) if shape else 1


def spatial(shape):
    """(height, width, channels) of a channels-last shape without batch: [n], [w, c] or [h, w, c]."""
    if len(shape) == 1:
        return 1, 1, shape[0]
    if len(shape) == 2:
        return 1, shape[0], shape[1]
    if len(shape) == 3:
        return shape[0], shape[1], shape[2]
    raise PrepError(f'unsupported shape {shape}')


def config_value(config_cpp, field):
    m = re.search(rf'\b{field}\s*=\s*([^;]+);', config_cpp)
    if not m:
        raise PrepError(f'config_cpp has no {field}')
    return m.group(1).strip()


def config_typedef(config_cpp, name):
    m = re.search(rf'typedef\s+(.+?)\s+{name}\s*;', config_cpp)
    if not m:
        raise PrepError(f'config_cpp has no typedef {name}')
    return m.group(1).strip()


def cpp_double(v):
    r = repr(float(v))
    return r if ('.' in r or 'e' in r or 'inf' in r or 'nan' in r) else r + '.0'


# ---------------------------------------------------------------- one case


class Case:
    def __init__(self, name, meta):
        self.name = name
        self.meta = meta
        self.dir = FIX / name
        self.graph = json.loads((self.dir / 'hls4ml_graph.json').read_text())
        cfg = yaml.safe_load((self.dir / 'config.yml').read_text())
        h5_path = (self.dir / cfg['KerasH5']).resolve()
        if not h5_path.exists():
            raise PrepError(f'{name}: weights file {h5_path} is missing (zoo cases need ../shared/zoo)')
        self.h5 = h5py.File(h5_path, 'r')
        self.ns = 'c_' + re.sub(r'\W', '_', name)
        self.weights = {}  # file name -> (text, ctype, count)
        self.lines = []  # generated C++ (typedefs, configs, arrays, run functions)
        self.nodes = []  # (layer name, [input names], out size, run fn)
        self.result_t = {}  # layer name -> C++ type name of its output
        self.shape = {}  # layer name -> output shape
        self.alias = {}  # removed in-place layers -> their input

    def typedef(self, idx, role, ctype):
        name = f't{idx}_{role}'
        self.lines.append(f'typedef {ctype} {name};')
        return name

    def resolve(self, name):
        while name in self.alias:
            name = self.alias[name]
        return name

    def add_weights(self, idx, role, tname, ctype, values):
        fname = f'{role}{idx}'
        arr = np.asarray(values)
        self.weights[fname] = (weight_text(arr, ctype), ctype, arr.size)
        self.lines.append(f'static {tname} {fname}[{arr.size}];')
        return fname

    def build(self):
        for L in self.graph:
            cls = L['class']
            name = L['name']
            types = {k: v[1] for k, v in L['types'].items()}
            idx = L['attributes'].get('index')
            self.shape[name] = L['output_shape']
            if cls == 'Input':
                self.result_t[name] = self.typedef(idx, 'result', types['result_t'])
                self.input_name = name
                continue
            if cls == 'Reshape':
                self.alias[name] = L['inputs'][0]
                continue
            inputs = [self.resolve(i) for i in L['inputs']]
            res_t = self.typedef(idx, 'result', types['result_t'])
            self.result_t[name] = res_t
            handler = getattr(self, 'layer_' + cls, None)
            if handler is None:
                raise PrepError(f'{self.name}: layer {name}: class {cls} has no test mapping')
            call = handler(L, idx, types, inputs, res_t)
            self.emit_run(name, idx, inputs, res_t, call)
        self.output_name = self.resolve(self.graph[-1]['name'])

    def emit_run(self, name, idx, inputs, res_t, call):
        out_n = shape_size(self.shape[name])
        body = []
        for k, i in enumerate(inputs):
            n = shape_size(self.shape[i])
            t = self.result_t[i]
            body.append(f'    static {t} in{k}[{n}];')
            body.append(f'    for (unsigned i = 0; i < {n}; i++) in{k}[i] = {t}(in[{k}][i]);')
        body.append(f'    static {res_t} res[{out_n}];')
        body.append('    ' + call + ';')
        body.append(f'    for (unsigned i = 0; i < {out_n}; i++) out[i] = res[i].to_double();')
        self.lines.append(f'static void run{idx}(const double* const* in, double* out) {{')
        self.lines.extend(body)
        self.lines.append('}')
        self.nodes.append((name, inputs, out_n, f'run{idx}'))

    def in_t(self, inputs, k=0):
        return self.result_t[inputs[k]]

    # ---- layer mappings: config struct + call, exactly what fpgarun's codegen is to emit

    def layer_Dense(self, L, idx, types, inputs, res_t):
        a = L['attributes']
        n_in, n_out = a['n_in'], a['n_out']
        strategy = a.get('strategy', 'latency').lower()
        rf = int(a.get('reuse_factor', 1))
        kernel = h5_find(self.h5, L['name'], 'kernel')
        bias = h5_find(self.h5, L['name'], 'bias') if a.get('use_bias', True) else None
        if kernel is None:
            raise PrepError(f'{self.name}: layer {L["name"]}: no kernel in the H5 file')
        kernel = kernel.reshape(n_in, n_out)
        if bias is None:
            bias = np.zeros(n_out)
        w_t = self.typedef(idx, 'weight', types['weight_t'])
        b_t = self.typedef(idx, 'bias', types['bias_t'])
        a_t = self.typedef(idx, 'accum', types['accum_t'])
        weights = kernel.T if strategy == 'resource' else kernel
        w = self.add_weights(idx, 'w', w_t, types['weight_t'], weights)
        b = self.add_weights(idx, 'b', b_t, types['bias_t'], bias)
        self.lines.append(
            f'struct config{idx} {{\n'
            f'    static const unsigned n_in = {n_in};\n'
            f'    static const unsigned n_out = {n_out};\n'
            f'    static const fpgarun::strategy strategy = fpgarun::strategy::{strategy};\n'
            f'    static const unsigned reuse_factor = {rf};\n'
            f'    static const unsigned n_zeros = {int(np.sum(kernel == 0))};\n'
            f'    static const bool store_weights_in_bram = {"true" if strategy == "resource" and rf > 1 else "false"};\n'
            f'    typedef {w_t} weight_t;\n'
            f'    typedef {b_t} bias_t;\n'
            f'    typedef {a_t} accum_t;\n'
            f'}};'
        )
        return f'fpgarun::dense<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res, {w}, {b})'

    def conv(self, L, idx, types, inputs, res_t, rank):
        a = L['attributes']
        strategy = a.get('strategy', 'latency').lower()
        rf = int(a.get('reuse_factor', 1))
        kernel = h5_find(self.h5, L['name'], 'kernel')
        bias = h5_find(self.h5, L['name'], 'bias') if a.get('use_bias', True) else None
        if kernel is None:
            raise PrepError(f'{self.name}: layer {L["name"]}: no kernel in the H5 file')
        if bias is None:
            bias = np.zeros(a['n_filt'])
        if rank == 1:
            dims = dict(in_height=1, in_width=a['in_width'], filt_height=1, filt_width=a['filt_width'],
                        stride_height=1, stride_width=a['stride_width'], pad_top=0, pad_bottom=0,
                        pad_left=a['pad_left'], pad_right=a['pad_right'], out_height=1, out_width=a['out_width'])
        else:
            dims = {k: a[k] for k in ['in_height', 'in_width', 'filt_height', 'filt_width', 'stride_height',
                                      'stride_width', 'pad_top', 'pad_bottom', 'pad_left', 'pad_right',
                                      'out_height', 'out_width']}
        kernel = kernel.reshape(dims['filt_height'], dims['filt_width'], a['n_chan'], a['n_filt'])
        weights = np.transpose(kernel, (3, 0, 1, 2)) if strategy == 'resource' else kernel
        w_t = self.typedef(idx, 'weight', types['weight_t'])
        b_t = self.typedef(idx, 'bias', types['bias_t'])
        a_t = self.typedef(idx, 'accum', types['accum_t'])
        w = self.add_weights(idx, 'w', w_t, types['weight_t'], weights)
        b = self.add_weights(idx, 'b', b_t, types['bias_t'], bias)
        fields = ''.join(f'    static const unsigned {k} = {v};\n' for k, v in dims.items())
        self.lines.append(
            f'struct config{idx} {{\n{fields}'
            f'    static const unsigned n_chan = {a["n_chan"]};\n'
            f'    static const unsigned n_filt = {a["n_filt"]};\n'
            f'    static const fpgarun::strategy strategy = fpgarun::strategy::{strategy};\n'
            f'    static const unsigned reuse_factor = {rf};\n'
            f'    static const unsigned n_partitions = {a.get("n_partitions", dims["out_height"] * dims["out_width"])};\n'
            f'    static const unsigned n_zeros = {int(np.sum(kernel == 0))};\n'
            f'    static const bool store_weights_in_bram = {"true" if strategy == "resource" and rf > 1 else "false"};\n'
            f'    typedef {w_t} weight_t;\n'
            f'    typedef {b_t} bias_t;\n'
            f'    typedef {a_t} accum_t;\n'
            f'}};'
        )
        return f'fpgarun::conv<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res, {w}, {b})'

    def layer_Conv1D(self, L, idx, types, inputs, res_t):
        return self.conv(L, idx, types, inputs, res_t, 1)

    def layer_Conv2D(self, L, idx, types, inputs, res_t):
        return self.conv(L, idx, types, inputs, res_t, 2)

    # hls4ml turns 1x1 kernels into Pointwise classes; io_parallel computes them like any convolution.
    layer_PointwiseConv1D = layer_Conv1D
    layer_PointwiseConv2D = layer_Conv2D

    def layer_BatchNormalization(self, L, idx, types, inputs, res_t):
        a = L['attributes']
        name = L['name']
        f32 = np.float32
        gamma = h5_find(self.h5, name, 'gamma') if a.get('use_gamma', True) else 1
        beta = h5_find(self.h5, name, 'beta') if a.get('use_beta', True) else 0
        mean = h5_find(self.h5, name, 'moving_mean')
        var = h5_find(self.h5, name, 'moving_variance')
        eps = a.get('epsilon', 0.001)
        # hls4ml's float32 numpy folding (model/layers.py BatchNormalization.initialize).
        scale = gamma / np.sqrt(var + eps)
        bias = beta - scale * mean
        assert np.asarray(scale).dtype == f32 and np.asarray(bias).dtype == f32, 'BatchNorm folding left float32'
        n_in = shape_size(self.shape[name])
        n_sb = np.asarray(scale).size
        s_t = self.typedef(idx, 'scale', types['scale_t'])
        b_t = self.typedef(idx, 'bias', types['bias_t'])
        s = self.add_weights(idx, 's', s_t, types['scale_t'], scale)
        b = self.add_weights(idx, 'b', b_t, types['bias_t'], bias)
        self.lines.append(
            f'struct config{idx} {{\n'
            f'    static const unsigned n_in = {n_in};\n'
            f'    static const unsigned n_scale_bias = {n_sb};\n'
            f'    static const unsigned reuse_factor = {a.get("reuse_factor", 1)};\n'
            f'    typedef {s_t} scale_t;\n'
            f'    typedef {b_t} bias_t;\n'
            f'}};'
        )
        return f'fpgarun::batchnorm<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res, {s}, {b})'

    def activation_config(self, idx, L, extra=''):
        a = L['attributes']
        self.lines.append(
            f'struct config{idx} {{\n'
            f'    static const unsigned n_in = {a["n_in"]};\n'
            f'    static const unsigned reuse_factor = {a.get("reuse_factor", 1)};\n{extra}'
            f'}};'
        )

    def layer_Activation(self, L, idx, types, inputs, res_t):
        act = L['attributes']['activation'].lower()
        if act in ('relu', 'linear'):
            self.activation_config(idx, L)
            fn = act
        elif act in ('sigmoid', 'tanh', 'softplus', 'softsign', 'selu'):
            t_t = self.typedef(idx, 'table', types['table_t'])
            self.activation_config(
                idx, L, f'    static const unsigned table_size = {L["attributes"]["table_size"]};\n    typedef {t_t} table_t;\n'
            )
            fn = act
        else:
            raise PrepError(f'{self.name}: layer {L["name"]}: activation {act} has no test mapping')
        return f'fpgarun::{fn}<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res)'

    def layer_ParametrizedActivation(self, L, idx, types, inputs, res_t):
        a = L['attributes']
        kind = a['class_name']
        p_t = self.typedef(idx, 'param', types['param_t'])
        value = cpp_double(a.get('activ_param', 1.0))
        if kind == 'LeakyReLU':
            fn, extra = 'leaky_relu', f'    typedef {p_t} param_t;\n    static constexpr double alpha = {value};\n'
        elif kind == 'ThresholdedReLU':
            fn, extra = 'thresholded_relu', f'    typedef {p_t} param_t;\n    static constexpr double theta = {value};\n'
        elif kind == 'ELU':
            t_t = self.typedef(idx, 'table', types['table_t'])
            fn = 'elu'
            extra = (
                f'    static const unsigned table_size = {a["table_size"]};\n    typedef {t_t} table_t;\n'
                f'    typedef {p_t} param_t;\n    static constexpr double alpha = {value};\n'
            )
        else:
            raise PrepError(f'{self.name}: layer {L["name"]}: parametrized activation {kind} has no test mapping')
        self.activation_config(idx, L, extra)
        return f'fpgarun::{fn}<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res)'

    def layer_PReLU(self, L, idx, types, inputs, res_t):
        alpha = h5_find(self.h5, L['name'], 'alpha')
        if alpha is None:
            raise PrepError(f'{self.name}: layer {L["name"]}: no alpha in the H5 file')
        p_t = self.typedef(idx, 'param', types['param_t'])
        al = self.add_weights(idx, 'a', p_t, types['param_t'], alpha)
        self.activation_config(idx, L, f'    typedef {p_t} param_t;\n')
        return f'fpgarun::prelu<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res, {al})'

    def layer_HardActivation(self, L, idx, types, inputs, res_t):
        a = L['attributes']
        if a['activation'] != 'hard_sigmoid':
            raise PrepError(f'{self.name}: layer {L["name"]}: {a["activation"]} has no test mapping')
        sl_t = self.typedef(idx, 'slope', types['slope_t'])
        sh_t = self.typedef(idx, 'shift', types['shift_t'])
        self.activation_config(
            idx, L,
            f'    typedef {sl_t} slope_t;\n    typedef {sh_t} shift_t;\n'
            f'    static constexpr double slope = {cpp_double(a["slope"])};\n'
            f'    static constexpr double shift = {cpp_double(a["shift"])};\n',
        )
        return f'fpgarun::hard_sigmoid<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res)'

    def layer_Softmax(self, L, idx, types, inputs, res_t):
        a = L['attributes']
        cc = a['config_cpp']
        impl = a.get('implementation', 'stable')
        names = {}
        for role in ['exp_table_t', 'inv_table_t', 'accum_t', 'inv_inp_t', 'table_t']:
            names[role] = self.typedef(idx, role[:-2], types[role])
        norm = config_typedef(cc, 'inp_norm_t')
        names['inp_norm_t'] = self.typedef(idx, 'inp_norm', norm)
        if int(a.get('n_inner', 1)) != 1:
            raise PrepError(f'{self.name}: layer {L["name"]}: softmax over a non-last axis')
        self.lines.append(
            f'struct config{idx} {{\n'
            f'    static const unsigned n_in = {a["n_in"]};\n'
            f'    static const unsigned n_slice = {config_value(cc, "n_slice")};\n'
            f'    static const fpgarun::softmax_implementation implementation = fpgarun::softmax_implementation::{impl};\n'
            f'    static const unsigned exp_table_size = {config_value(cc, "exp_table_size")};\n'
            f'    static const unsigned inv_table_size = {config_value(cc, "inv_table_size")};\n'
            f'    static const unsigned reuse_factor = {a.get("reuse_factor", 1)};\n'
            + ''.join(f'    typedef {t} {role};\n' for role, t in names.items())
            + '};'
        )
        return f'fpgarun::softmax<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res)'

    def pooling(self, L, idx, types, inputs, res_t, dims, op):
        a_t = self.typedef(idx, 'accum', types['accum_t'])
        fields = ''.join(f'    static const unsigned {k} = {v};\n' for k, v in dims.items())
        self.lines.append(
            f'struct config{idx} {{\n{fields}'
            f'    static const fpgarun::pool_op op = fpgarun::pool_op::{"max" if op == "Max" else "average"};\n'
            f'    static const unsigned reuse_factor = {L["attributes"].get("reuse_factor", 1)};\n'
            f'    typedef {a_t} accum_t;\n'
            f'}};'
        )
        return f'fpgarun::pooling<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res)'

    def layer_Pooling1D(self, L, idx, types, inputs, res_t):
        a = L['attributes']
        dims = dict(in_height=1, in_width=a['n_in'], n_chan=a['n_filt'], pool_height=1, pool_width=a['pool_width'],
                    stride_height=1, stride_width=a['stride_width'], pad_top=0, pad_bottom=0,
                    pad_left=a['pad_left'], pad_right=a['pad_right'], out_height=1, out_width=a['n_out'])
        return self.pooling(L, idx, types, inputs, res_t, dims, a['pool_op'])

    def layer_Pooling2D(self, L, idx, types, inputs, res_t):
        a = L['attributes']
        dims = {k: a[k] for k in ['in_height', 'in_width']}
        dims['n_chan'] = a['n_filt']
        dims.update({k: a[k] for k in ['pool_height', 'pool_width', 'stride_height', 'stride_width', 'pad_top',
                                       'pad_bottom', 'pad_left', 'pad_right', 'out_height', 'out_width']})
        return self.pooling(L, idx, types, inputs, res_t, dims, a['pool_op'])

    def global_pooling(self, L, idx, types, inputs, res_t):
        h, w, c = spatial(self.shape[inputs[0]])
        dims = dict(in_height=h, in_width=w, n_chan=c, pool_height=h, pool_width=w, stride_height=h, stride_width=w,
                    pad_top=0, pad_bottom=0, pad_left=0, pad_right=0, out_height=1, out_width=1)
        return self.pooling(L, idx, types, inputs, res_t, dims, L['attributes']['pool_op'])

    layer_GlobalPooling1D = global_pooling
    layer_GlobalPooling2D = global_pooling

    def layer_Merge(self, L, idx, types, inputs, res_t):
        op = L['attributes']['op'].lower()
        if op not in ('add', 'subtract', 'multiply', 'average', 'maximum', 'minimum'):
            raise PrepError(f'{self.name}: layer {L["name"]}: merge {op} has no test mapping')
        n1, n2 = (shape_size(self.shape[i]) for i in inputs)
        self.lines.append(
            f'struct config{idx} {{\n'
            f'    static const fpgarun::merge_op op = fpgarun::merge_op::{op};\n'
            f'    static const unsigned n_elem = {shape_size(self.shape[L["name"]])};\n'
            f'    static const unsigned n_elem1 = {n1};\n'
            f'    static const unsigned n_elem2 = {n2};\n'
            f'    static const unsigned reuse_factor = {L["attributes"].get("reuse_factor", 1)};\n'
            f'}};'
        )
        return f'fpgarun::merge<{self.in_t(inputs, 0)}, {self.in_t(inputs, 1)}, {res_t}, config{idx}>(in0, in1, res)'

    def layer_Concatenate(self, L, idx, types, inputs, res_t):
        s1, s2 = (self.shape[i] for i in inputs)
        rank = len(s1)
        axis = int(L['attributes'].get('axis', -1))
        # Keras axis counts the batch dimension; hls4ml's rule: the last axis for -1 / rank, else axis - 1.
        ax = rank - 1 if axis in (-1, rank) else (axis - 1 if axis > 0 else rank + axis)
        outer = shape_size(s1[:ax])
        if outer != shape_size(s2[:ax]):
            raise PrepError(f'{self.name}: layer {L["name"]}: concatenate inputs differ before the axis')
        self.lines.append(
            f'struct config{idx} {{\n'
            f'    static const unsigned n_outer = {outer};\n'
            f'    static const unsigned n_chunk1 = {shape_size(s1[ax:])};\n'
            f'    static const unsigned n_chunk2 = {shape_size(s2[ax:])};\n'
            f'    static const unsigned reuse_factor = {L["attributes"].get("reuse_factor", 1)};\n'
            f'}};'
        )
        return f'fpgarun::concatenate<{self.in_t(inputs, 0)}, {self.in_t(inputs, 1)}, {res_t}, config{idx}>(in0, in1, res)'

    def zero_pad(self, L, idx, inputs, res_t, dims):
        fields = ''.join(f'    static const unsigned {k} = {v};\n' for k, v in dims.items())
        self.lines.append(f'struct config{idx} {{\n{fields}    static const unsigned reuse_factor = 1;\n}};')
        return f'fpgarun::zero_pad<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res)'

    def layer_ZeroPadding1D(self, L, idx, types, inputs, res_t):
        a = L['attributes']
        dims = dict(in_height=1, in_width=a['in_width'], n_chan=a['n_chan'], pad_top=0, pad_bottom=0,
                    pad_left=a['pad_left'], pad_right=a['pad_right'], out_height=1, out_width=a['out_width'])
        return self.zero_pad(L, idx, inputs, res_t, dims)

    def layer_ZeroPadding2D(self, L, idx, types, inputs, res_t):
        a = L['attributes']
        dims = {k: a[k] for k in ['in_height', 'in_width', 'n_chan', 'pad_top', 'pad_bottom', 'pad_left', 'pad_right',
                                  'out_height', 'out_width']}
        return self.zero_pad(L, idx, inputs, res_t, dims)

    def layer_Resize(self, L, idx, types, inputs, res_t):
        a = L['attributes']
        if a.get('algorithm', 'nearest') != 'nearest':
            raise PrepError(f'{self.name}: layer {L["name"]}: resize {a["algorithm"]} has no test mapping')
        dims = dict(in_height=a['in_height'], in_width=a['in_width'], n_chan=a['n_chan'],
                    height_factor=a['out_height'] // a['in_height'], width_factor=a['out_width'] // a['in_width'],
                    out_height=a['out_height'], out_width=a['out_width'])
        fields = ''.join(f'    static const unsigned {k} = {v};\n' for k, v in dims.items())
        self.lines.append(f'struct config{idx} {{\n{fields}    static const unsigned reuse_factor = 1;\n}};')
        return f'fpgarun::upsample<{self.in_t(inputs)}, {res_t}, config{idx}>(in0, res)'

    # ---- output

    def write(self):
        data = OUT / 'data' / self.name
        if data.exists():
            shutil.rmtree(data)
        (data / 'trace').mkdir(parents=True)
        (data / 'weights').mkdir()
        x = np.load(self.dir / 'x.npy')
        y = np.load(self.dir / 'y.npy')
        x.astype('<f8').tofile(data / 'x.f64')
        y.astype('<f8').tofile(data / 'y.f64')
        tdir = self.dir / 'trace'
        traced = set()
        if tdir.exists():
            for f in tdir.glob('*.npy'):
                np.load(f).astype('<f8').tofile(data / 'trace' / f'{f.stem}.f64')
                traced.add(f.stem)
        for fname, (text, _, _) in self.weights.items():
            (data / 'weights' / f'{fname}.txt').write_text(text)
        self.check_against_hls4ml_project()

        load = [f'    fpgarun_test::load_weights({f}, {n}, dir + "/weights/{f}.txt");' for f, (_, _, n) in self.weights.items()]
        node_rows = []
        for name, inputs, out_n, fn in self.nodes:
            ins = ', '.join(f'"{i}"' for i in inputs) + ', nullptr' * (2 - len(inputs))
            node_rows.append(f'    {{"{name}", {{{ins}}}, {len(inputs)}, {out_n}, {fn}}},')
        n_samples = x.shape[0]
        text = '\n'.join(
            [f'// {self.name}: generated by tools/prep_firmware_tests.py — do not edit', f'namespace {self.ns} {{']
            + self.lines
            + ['static void load(const std::string& dir) {'] + load + ['}']
            + ['static const fpgarun_test::node nodes[] = {'] + node_rows + ['};']
            + [
                f'static const fpgarun_test::case_def def = {{"{self.name}", load, nodes, {len(self.nodes)}, '
                f'"{self.input_name}", {shape_size(self.shape[self.input_name])}, "{self.output_name}", '
                f'{shape_size(self.shape[self.output_name])}, {n_samples}}};',
                f'}} // namespace {self.ns}',
                '',
            ]
        )
        (OUT / 'gen' / f'{self.name}.inc').write_text(text)

    def check_against_hls4ml_project(self):
        wdir = HLS4ML_PROJECTS / self.name / 'firmware' / 'weights'
        if not wdir.exists():
            return
        for fname, (text, _, _) in self.weights.items():
            ref = wdir / f'{fname}.txt'
            if ref.exists() and ref.read_text().strip() != text.strip():
                raise PrepError(f'{self.name}: weights {fname}.txt differ from hls4ml\'s {ref}')


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--groups', type=int, default=6, help='translation units to spread the cases over')
    ap.add_argument('cases', nargs='*')
    args = ap.parse_args()

    meta = json.loads((FIX / 'cases.json').read_text())
    known = {c['case']: c for c in meta['cases']}
    names = args.cases or [c for c, m in known.items() if m.get('converted') and (FIX / c / 'hls4ml_graph.json').exists()]
    for n in names:
        if n not in known:
            sys.exit(f'prep_firmware_tests: unknown case {n}')

    if (OUT / 'gen').exists():
        shutil.rmtree(OUT / 'gen')
    (OUT / 'gen').mkdir(parents=True)
    built = []
    skipped = []
    for n in names:
        try:
            c = Case(n, known[n])
            c.build()
            c.write()
            built.append((n, c.ns, sum(len(l) for l in c.lines)))
        except PrepError as e:
            skipped.append(str(e))

    # Spread cases over groups by generated size (largest first into the lightest group).
    groups = [[] for _ in range(max(1, min(args.groups, len(built))))]
    weight = [0] * len(groups)
    for n, ns, size in sorted(built, key=lambda b: -b[2]):
        k = weight.index(min(weight))
        groups[k].append((n, ns))
        weight[k] += size + 2000
    for k, g in enumerate(groups):
        lines = [f'#include "{n}.inc"' for n, _ in sorted(g)]
        lines.append('static const fpgarun_test::case_def* const all_cases[] = {')
        lines += [f'    &{ns}::def,' for _, ns in sorted(g)]
        lines.append('};')
        (OUT / 'gen' / f'group{k}.inc').write_text('\n'.join(lines) + '\n')

    tables = OUT / 'tables'
    tables.mkdir(parents=True, exist_ok=True)
    for f in (FIX / 'tables').glob('*.npy'):
        np.load(f).astype('<f8').tofile(tables / f'{f.stem}.f64')

    (OUT / 'gen' / 'skipped.txt').write_text('\n'.join(skipped) + ('\n' if skipped else ''))
    print(f'prep_firmware_tests: {len(built)} cases in {len(groups)} groups, {len(skipped)} skipped')
    for s in skipped:
        print(f'  skipped: {s}')


if __name__ == '__main__':
    main()
