#!/usr/bin/env python3
"""Re-derives hls4ml 1.3.0 C-sim outputs from the rules in docs/hls4ml-numerics.md, bit for bit.

An executable check of the written account, not an emulator: plain Python integers, small cases only. It
covers Dense (Latency and Resource), ReLU, sigmoid, tanh, linear and the default ("stable") softmax, reading
the layer list and every C++ type from each case's hls4ml_graph.json and the table contents from
Tests/Fixtures/hls4ml/tables/ (run tools/dump_hls4ml_tables.py first).

    py=$(tools/hls4ml_env.sh) && $py tools/check_hls4ml_numerics.py [case ...]

Prints, per case, how many output values match y.npy exactly, and per traced layer how many match trace/.
"""

import ctypes
import json
import math
import sys
from pathlib import Path

import h5py
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / 'Tests' / 'Fixtures' / 'hls4ml'
TABLES = FIX / 'tables'
DEFAULT_CASES = [
    'zoo_keras_3layer',
    'zoo_keras_3layer_f10_rf4_resource',
    'zoo_keras_1layer',
    'zoo_keras_3layer_tanh_sigmoid',
    'act_sigmoid_layer',
    'act_tanh_layer',
    'act_relu_dense',
    'act_sigmoid_dense',
    'act_tanh_dense',
    'act_softmax_dense',
    'precision_rounding_saturating',
    'precision_per_layer_dicts',
]


LIBM = ctypes.CDLL('libm.so.6')
LIBM.expf.restype = ctypes.c_float
LIBM.expf.argtypes = [ctypes.c_float]


LIBM.tanhf.restype = ctypes.c_float
LIBM.tanhf.argtypes = [ctypes.c_float]


def _fn_table(act, size):
    """init_sigmoid_table / init_tanh_table for another size: float32 x, glibc float functions."""
    out = []
    for i in range(size):
        if act == 'sigmoid':
            x = _f32(2 * 8.0 * (i - size / 2.0) / size)
            out.append(_f32(1.0 / _f32(1 + LIBM.expf(-x))))
        else:
            x = _f32(2 * 4.0 * (i - size / 2.0) / size)
            out.append(LIBM.tanhf(x))
    return out


def _f32(v):
    return float(np.float32(v))


class Fmt:
    """An ap_fixed / ap_ufixed format: raw integers carry `f` fractional bits."""

    def __init__(self, s):
        signed = s.startswith('ap_fixed')
        if not (signed or s.startswith('ap_ufixed')):
            raise ValueError(f'unsupported type {s}')
        parts = [p.strip() for p in s[s.index('<') + 1 : s.rindex('>')].split(',')]
        self.w, self.i = int(parts[0]), int(parts[1])
        self.signed = signed
        self.q = parts[2] if len(parts) > 2 else 'AP_TRN'
        self.o = parts[3] if len(parts) > 3 else 'AP_WRAP'
        self.f = self.w - self.i

    def lo_hi(self):
        return (-(1 << (self.w - 1)), (1 << (self.w - 1)) - 1) if self.signed else (0, (1 << self.w) - 1)

    def from_raw(self, raw, f_src):
        """Quantizes an exact value raw * 2^-f_src (Python int) into this format; returns the raw int."""
        sh = f_src - self.f
        if sh <= 0:
            v = raw << (-sh)
        else:
            v = _round_shift(raw, sh, self.q)
        lo, hi = self.lo_hi()
        if v < lo or v > hi:
            if self.o == 'AP_SAT':
                v = lo if v < lo else hi
            elif self.o == 'AP_SAT_ZERO':
                v = 0
            elif self.o == 'AP_SAT_SYM':
                v = (-hi if self.signed else 0) if v < lo else hi
            else:  # AP_WRAP
                v &= (1 << self.w) - 1
                if self.signed and v >= 1 << (self.w - 1):
                    v -= 1 << self.w
        return v

    def from_double(self, d):
        """Conversion of a (finite) double: exact binary value, then the same quantization."""
        if math.isinf(d):
            lo, hi = self.lo_hi()
            return hi if d > 0 else lo  # only reached for AP_SAT table types here
        if d == 0:
            return 0
        m, e = math.frexp(d)
        mant = int(m * (1 << 53))
        return self.from_raw(mant, 53 - e) if 53 - e >= 0 else self.from_raw(mant << (e - 53), 0)

    def value(self, raw):
        return raw / float(1 << self.f) if self.f >= 0 else raw * float(1 << -self.f)


def _round_shift(v, sh, q):
    """v / 2^sh rounded to an integer with ap_fixed quantization mode q (exact integer arithmetic)."""
    fl = v >> sh  # floor
    rem = v - (fl << sh)
    if rem == 0 or q == 'AP_TRN':
        return fl
    half = 1 << (sh - 1)
    if q == 'AP_TRN_ZERO':
        return fl + 1 if v < 0 else fl
    if q == 'AP_RND':  # half toward +inf
        return fl + 1 if rem >= half else fl
    if q == 'AP_RND_ZERO':  # half toward zero
        return fl + 1 if (rem > half or (rem == half and v < 0)) else fl
    if q == 'AP_RND_MIN_INF':
        return fl + 1 if rem > half else fl
    if q == 'AP_RND_INF':  # half away from zero
        return fl + 1 if (rem > half or (rem == half and v >= 0)) else fl
    if q == 'AP_RND_CONV':  # half to even
        return fl + 1 if (rem > half or (rem == half and fl & 1)) else fl
    raise ValueError(q)


def weight_raw(values, fmt):
    """Weights as hls4ml's C-sim sees them: printed with `fmt.f` decimals, parsed as double, converted."""
    return [fmt.from_double(float(f'{float(v):.{max(0, fmt.f)}f}')) for v in np.asarray(values).ravel()]


def trunc_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def run_case(case):
    cdir = FIX / case
    graph = json.loads((cdir / 'hls4ml_graph.json').read_text())
    cfg = yaml.safe_load((cdir / 'config.yml').read_text())
    h5 = h5py.File(cdir / cfg['KerasH5'], 'r')
    x = np.load(cdir / 'x.npy')
    y = np.load(cdir / 'y.npy')
    tabs = {n: np.load(TABLES / f'{n}.npy') for n in ['sigmoid', 'tanh', 'softmax_stable_exp', 'softmax_inv']}
    n = x.shape[0]

    # Prepare layers.
    layers = []
    for L in graph:
        t = {k: v[1] for k, v in L['types'].items()}
        entry = {'L': L, 't': t}
        if L['class'] == 'Dense':
            g = h5[L['name']]
            kname = [k for k in _walk(g) if 'kernel' in k][0]
            bname = [k for k in _walk(g) if 'bias' in k]
            w = g[kname][()]
            b = g[bname[0]][()] if bname else np.zeros(w.shape[1])
            wf, bf = Fmt(t['weight_t']), Fmt(t['bias_t'])
            entry['w'] = np.array(weight_raw(w, wf), dtype=object).reshape(w.shape)
            entry['b'] = weight_raw(b, bf)
        layers.append(entry)

    traces = {}
    outs = []
    for s in range(n):
        vals = {}
        cur = None
        for e in layers:
            L, t = e['L'], e['t']
            res = Fmt(t['result_t'])
            if L['class'] == 'Input':
                cur = ([res.from_double(float(v)) for v in x[s].ravel()], res)
            elif L['class'] == 'Dense':
                data, df = cur
                acc = Fmt(t['accum_t'])
                wf, bf = Fmt(t['weight_t']), Fmt(t['bias_t'])
                out = []
                for j in range(e['w'].shape[1]):
                    a = acc.from_raw(e['b'][j], bf.f)
                    for i in range(e['w'].shape[0]):
                        p = acc.from_raw(data[i] * e['w'][i, j], df.f + wf.f)
                        a = acc.from_raw(a + p, acc.f)
                    out.append(res.from_raw(a, acc.f))
                cur = (out, res)
            elif L['class'] == 'Activation':
                data, df = cur
                act = L['attributes']['activation'].lower()
                if act == 'relu':
                    out = [res.from_raw(v if v > 0 else 0, df.f) for v in data]
                elif act == 'linear':
                    out = [res.from_raw(v, df.f) for v in data]
                elif act in ('sigmoid', 'tanh'):
                    size = int(L['attributes'].get('table_size', 1024))
                    rng = 16 if act == 'sigmoid' else 8
                    tab = tabs[act] if size == 1024 else _fn_table(act, size)
                    tf = Fmt(t['table_t'])
                    out = []
                    for v in data:
                        # (x * size / rng) converted to int: truncation toward zero of the exact value
                        idx = trunc_div(v * size, rng << df.f) + size // 2
                        idx = min(max(idx, 0), size - 1)
                        out.append(res.from_raw(tf.from_double(float(tab[idx])), tf.f))
                else:
                    raise NotImplementedError(act)
                cur = (out, res)
            elif L['class'] == 'Softmax':
                data, df = cur
                if L['attributes'].get('implementation', 'stable') != 'stable':
                    raise NotImplementedError('softmax ' + L['attributes']['implementation'])
                # inp_norm_t: ap_ufixed<W-1, I-1> of a signed input
                norm = Fmt(f'ap_ufixed<{df.w - 1},{df.i - 1}>')
                expt, invt, invin, acc = Fmt(t['exp_table_t']), Fmt(t['inv_table_t']), Fmt(t['inv_inp_t']), Fmt(t['accum_t'])
                xmax = max(data)
                size = int(L['attributes'].get('table_size', 1024))
                exp_size = min(size, 1 << norm.w)  # the config template caps the exp table for signed inputs
                nb, nbi = exp_size.bit_length() - 1, size.bit_length() - 1
                exps = []
                for v in data:
                    d = norm.from_raw(xmax - v, df.f)
                    idx = (d & ((1 << norm.w) - 1)) >> (norm.w - nb)
                    # exp table entry: value of idx in the top bits of inp_norm_t, negated, expf, -> exp_table_t
                    xv = _f32(norm.value(idx << (norm.w - nb)))
                    ev = expt.from_double(LIBM.expf(-xv))
                    exps.append(acc.from_raw(ev, expt.f))
                ssum = _tree_sum(exps, acc)
                sv = invin.from_raw(ssum, acc.f)
                iidx = (sv & ((1 << invin.w) - 1)) >> (invin.w - nbi)
                top = iidx << (invin.w - nbi)
                if invin.signed and top >= 1 << (invin.w - 1):
                    top -= 1 << invin.w
                xv = _f32(invin.value(top))
                inv = invt.from_double(_f32(1.0 / xv) if xv != 0 else math.inf)
                out = [res.from_raw(ev * inv, acc.f + invt.f) for ev in exps]
                cur = (out, res)
            else:
                raise NotImplementedError(L['class'])
            vals[L['name']] = [cur[1].value(v) for v in cur[0]]
        outs.append(vals[graph[-1]['name']])
        for k, v in vals.items():
            traces.setdefault(k, []).append(v)

    got = np.array(outs)
    want = y.reshape(n, -1)
    ok = int(np.sum(got == want))
    print(f'{case:40s} outputs: {ok}/{want.size} exact')
    tdir = cdir / 'trace'
    if tdir.exists():
        for f in sorted(tdir.glob('*.npy')):
            tr = np.load(f).reshape(np.load(f).shape[0], -1)
            if f.stem in traces:
                mine = np.array(traces[f.stem][: tr.shape[0]])
                print(f'    trace {f.stem:32s} {int(np.sum(mine == tr))}/{tr.size}')
    return ok == want.size


def _tree_sum(vals, acc):
    """nnet::reduce with Op_add: split at the largest power of two below N, recursively; each add in accum_t."""
    n = len(vals)
    if n == 1:
        return vals[0]
    if n == 2:
        return acc.from_raw(vals[0] + vals[1], acc.f)
    left = 1 << ((n - 1).bit_length() - 1)
    return acc.from_raw(_tree_sum(vals[:left], acc) + _tree_sum(vals[left:], acc), acc.f)


def _walk(g):
    names = []
    g.visit(lambda nm: names.append(nm) if isinstance(g[nm], h5py.Dataset) else None)
    return names


def main():
    cases = sys.argv[1:] or DEFAULT_CASES
    bad = [c for c in cases if not run_case(c)]
    print(f'{len(cases) - len(bad)} passed, {len(bad)} failed')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
