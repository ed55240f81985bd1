#!/usr/bin/env python3
"""Re-derives hls4ml 1.3.0 C-sim outputs from the rules in docs/hls4ml-numerics.md, bit for bit.

An executable check of the written account (numpy int64 arithmetic on raw fixed-point integers), not the
product's emulator. It reads each case's hls4ml_graph.json (the layers hls4ml kept and every C++ type it
chose), the Keras weights the case's config.yml points at, and recomputes y.npy and every trace/ array.
Table functions are computed with glibc's float functions through ctypes, as hls4ml's C++ does.

    py=$(tools/hls4ml_env.sh) && $py tools/check_hls4ml_numerics.py            # every converted case
    $py tools/check_hls4ml_numerics.py zoo_keras_3layer merge_add -v             # some, with trace detail

Prints one line per case (exact outputs / total) and ends with 'N passed, M failed'; exit status 1 on a
mismatch. Cases using a layer this script does not model are reported as skipped.
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

LIBM = ctypes.CDLL('libm.so.6')
for _fn in ('expf', 'tanhf'):
    getattr(LIBM, _fn).restype = ctypes.c_float
    getattr(LIBM, _fn).argtypes = [ctypes.c_float]
LIBM.log.restype = ctypes.c_double
LIBM.log.argtypes = [ctypes.c_double]


def f32(v):
    return float(np.float32(v))


class Skip(Exception):
    pass


# ------------------------------------------------------------------------------------------------ formats


class Fmt:
    """ap_fixed<W,I,Q,O> / ap_ufixed / ap_int / ap_uint: raw int64 values carrying `f` fractional bits."""

    def __init__(self, s):
        s = s.strip()
        kind = s[: s.index('<')]
        parts = [p.strip() for p in s[s.index('<') + 1 : s.rindex('>')].split(',')]
        if kind in ('ap_int', 'ap_uint'):
            self.w = self.i = int(parts[0])
            self.signed = kind == 'ap_int'
            self.q, self.o = 'AP_TRN', 'AP_WRAP'
        elif kind in ('ap_fixed', 'ap_ufixed'):
            self.w, self.i = int(parts[0]), int(parts[1])
            self.signed = kind == 'ap_fixed'
            self.q = parts[2] if len(parts) > 2 else 'AP_TRN'
            self.o = parts[3] if len(parts) > 3 else 'AP_WRAP'
        else:
            raise Skip(f'type {s}')
        self.f = self.w - self.i
        self.lo, self.hi = (-(1 << (self.w - 1)), (1 << (self.w - 1)) - 1) if self.signed else (0, (1 << self.w) - 1)

    def overflow(self, v):
        v = np.asarray(v, dtype=np.int64)
        if self.o == 'AP_WRAP':
            m = np.int64(1) << np.int64(self.w)
            v = np.mod(v - self.lo, m) + self.lo
            return v.astype(np.int64)
        if self.o == 'AP_SAT':
            return np.clip(v, self.lo, self.hi)
        if self.o == 'AP_SAT_ZERO':
            return np.where((v < self.lo) | (v > self.hi), 0, v)
        if self.o == 'AP_SAT_SYM':
            lo = -self.hi if self.signed else 0
            return np.clip(v, lo, self.hi)
        raise Skip(self.o)

    def cast(self, raw, f_src):
        """Quantize exact values raw * 2^-f_src into this format."""
        raw = np.asarray(raw, dtype=np.int64)
        sh = f_src - self.f
        if sh <= 0:
            return self.overflow(raw << np.int64(-sh))
        fl = raw >> np.int64(sh)
        rem = raw - (fl << np.int64(sh))
        half = np.int64(1) << np.int64(sh - 1)
        q = self.q
        if q == 'AP_TRN':
            up = np.zeros_like(rem, dtype=bool)
        elif q == 'AP_TRN_ZERO':
            up = (rem != 0) & (raw < 0)
        elif q == 'AP_RND':
            up = rem >= half
        elif q == 'AP_RND_ZERO':
            up = (rem > half) | ((rem == half) & (raw < 0))
        elif q == 'AP_RND_MIN_INF':
            up = rem > half
        elif q == 'AP_RND_INF':
            up = (rem > half) | ((rem == half) & (raw >= 0))
        elif q == 'AP_RND_CONV':
            up = (rem > half) | ((rem == half) & ((fl & 1) == 1))
        else:
            raise Skip(q)
        return self.overflow(fl + up.astype(np.int64))

    def from_double(self, d):
        """Conversion of doubles: the exact binary value, then cast (x * 2^k is exact in binary floating point)."""
        d = np.asarray(d, dtype=np.float64)
        if np.any(np.isinf(d)):
            d = np.where(np.isinf(d), np.sign(d) * 2.0 ** (self.i + 8), d)  # overflows either way
        extra = 40  # guard bits: exact whenever the double has no bits below 2^-(f+40)
        scaled = d * 2.0 ** (self.f + extra)
        if np.any(scaled != np.floor(scaled)) or np.any(np.abs(scaled) >= 2.0**62):
            return self._from_double_slow(d)
        return self.cast(scaled.astype(np.int64), self.f + extra)

    def _from_double_slow(self, d):
        out = []
        for v in d.ravel():
            m, e = math.frexp(float(v))
            mant = int(m * (1 << 53))
            fsrc = 53 - e
            # reduce to at most f+62 bits with exact sticky handling via Python ints
            sh = fsrc - self.f
            if sh <= 0:
                r = mant << (-sh)
            else:
                fl = mant >> sh
                rem = mant - (fl << sh)
                half = 1 << (sh - 1)
                r = fl + int(_up_scalar(self.q, rem, half, fl, mant))
            out.append(r)
        big = np.array(out, dtype=object)
        clipped = np.clip(big, -(1 << 62), (1 << 62)).astype(np.int64)
        return self.overflow(clipped).reshape(d.shape)

    def value(self, raw):
        return np.asarray(raw, dtype=np.float64) * 2.0 ** (-self.f)


def _up_scalar(q, rem, half, fl, v):
    if rem == 0 or q == 'AP_TRN':
        return False
    return {
        'AP_TRN_ZERO': v < 0,
        'AP_RND': rem >= half,
        'AP_RND_ZERO': rem > half or (rem == half and v < 0),
        'AP_RND_MIN_INF': rem > half,
        'AP_RND_INF': rem > half or (rem == half and v >= 0),
        'AP_RND_CONV': rem > half or (rem == half and fl & 1),
    }[q]


def align(a, fa, b, fb):
    """Two raw arrays brought to a common number of fractional bits (exact)."""
    f = max(fa, fb)
    return a << np.int64(f - fa), b << np.int64(f - fb), f


def trunc_div(a, b):
    """Integer division truncating toward zero (C semantics), element-wise."""
    a = np.asarray(a, dtype=np.int64)
    q = np.abs(a) // abs(b)
    return np.where((a >= 0) == (b > 0), q, -q)


def weight_raw(values, fmt):
    """Weights as C-sim loads them: '{:.Nf}' text with N = max(0, F), read as double, cast to the type."""
    n = max(0, fmt.f)
    flat = np.asarray(values, dtype=np.float32).ravel()
    d = np.array([float(f'{float(v):.{n}f}') for v in flat])
    return fmt.from_double(d).reshape(np.shape(values))


# ------------------------------------------------------------------------------------------------ tables

_TABLES = {}


def fn_table(act, size, table_fmt):
    key = (act, size, table_fmt.w, table_fmt.i, table_fmt.q, table_fmt.o)
    if key in _TABLES:
        return _TABLES[key]
    vals = []
    for i in range(size):
        if act in ('sigmoid', 'softplus', 'softsign'):
            x = f32(2 * 8.0 * (i - size / 2.0) / size)
        elif act == 'tanh':
            x = f32(2 * 4.0 * (i - size / 2.0) / size)
        else:  # elu, selu tables cover [-8, 0]
            x = f32(-8.0 * i / size)
        if act == 'sigmoid':
            v = f32(1.0 / f32(1 + LIBM.expf(-x)))
        elif act == 'tanh':
            v = LIBM.tanhf(x)
        elif act == 'softplus':
            v = f32(LIBM.log(float(LIBM.expf(x)) + 1.0))
        elif act == 'softsign':
            v = f32(x / (abs(x) + 1.0))
        elif act == 'elu':
            v = f32(float(LIBM.expf(x)) - 1.0)
        elif act == 'selu':
            v = f32(1.0507009873554804934193349852946 * (1.6732632423543772848170429916717 * (float(LIBM.expf(x)) - 1.0)))
        else:
            raise Skip(act)
        vals.append(v)
    t = table_fmt.from_double(np.array(vals))
    _TABLES[key] = t
    return t


def top_bits_value(idx, fmt, nbits):
    """The value whose top `nbits` raw bits are idx and the rest zero (two's complement if signed), as float32."""
    raw = np.int64(idx) << np.int64(fmt.w - nbits)
    if fmt.signed and raw >= (1 << (fmt.w - 1)):
        raw -= 1 << fmt.w
    return f32(raw * 2.0 ** (-fmt.f))


def top_bits(raw, fmt, nbits):
    return (np.asarray(raw, dtype=np.int64) & ((np.int64(1) << np.int64(fmt.w)) - 1)) >> np.int64(fmt.w - nbits)


# ------------------------------------------------------------------------------------------------ layers


def dense_core(x, fx, w, fw, b, fb, acc, res):
    """x (n, K) raw; w (K, M) raw; bias (M,) raw. Products and sums cast to acc, one final cast."""
    a = np.broadcast_to(acc.cast(b, fb), (x.shape[0], w.shape[1])).copy()
    for k in range(w.shape[0]):
        p = acc.cast(x[:, k : k + 1] * w[k][None, :], fx + fw)
        a = acc.cast(a + p, acc.f)
    return res.cast(a, acc.f)


def h5_weights(h5, layer_name, names):
    g = h5[f'model_weights/{layer_name}'] if 'model_weights' in h5 else h5[layer_name]
    paths = []
    g.visit(lambda p: paths.append(p) if isinstance(g[p], h5py.Dataset) else None)
    out = []
    for n in names:
        hit = [p for p in paths if n in p]
        out.append(g[hit[0]][()] if hit else None)
    return out


def run_case(case, verbose=False):
    cdir = FIX / case
    graph = json.loads((cdir / 'hls4ml_graph.json').read_text())
    cfg = yaml.safe_load((cdir / 'config.yml').read_text())
    h5 = h5py.File(cdir / cfg['KerasH5'], 'r')
    x = np.load(cdir / 'x.npy')
    n = x.shape[0]
    vals = {}  # output name -> (raw (n, -1), Fmt)

    for L in graph:
        t = {k: Fmt(v[1]) for k, v in L['types'].items() if k not in ('index_t',)} if L['class'] != 'Input' else {
            'result_t': Fmt(L['types']['result_t'][1])
        }
        A = L['attributes']
        res = t.get('result_t')
        cls = L['class']
        ins = [vals[i] for i in L['inputs'] if i in vals]
        if cls == 'Input':
            out = res.from_double(x.reshape(n, -1))
        elif cls == 'Reshape':
            out, res = ins[0]
        elif cls == 'Dense':
            (xr, fx) = ins[0]
            k, b = h5_weights(h5, L['name'], ['kernel', 'bias'])
            if b is None:
                b, bf = np.zeros(k.shape[1], dtype=np.int64), Fmt('ap_uint<1>')
            else:
                bf = t['bias_t']
                b = weight_raw(b, bf)
            out = dense_core(xr, fx.f, weight_raw(k, t['weight_t']), t['weight_t'].f, b, bf.f, t['accum_t'], res)
        elif cls in ('Conv1D', 'Conv2D', 'PointwiseConv1D', 'PointwiseConv2D'):
            out = conv(ins[0], L, t, h5)
        elif cls == 'BatchNormalization':
            (xr, fx) = ins[0]
            gamma, beta, mean, var = h5_weights(h5, L['name'], ['gamma', 'beta', 'moving_mean', 'moving_variance'])
            eps = np.float32(A['epsilon'])
            if gamma is None:
                gamma = np.float32(1)
            if beta is None:
                beta = np.float32(0)
            scale = (gamma / np.sqrt(var + eps)).astype(np.float32)
            bias = (beta - scale * mean).astype(np.float32)
            sf, bf = t['scale_t'], t['bias_t']
            s_raw, b_raw = weight_raw(scale, sf), weight_raw(bias, bf)
            nf = int(A.get('n_filt', -1))
            idx = np.arange(xr.shape[1]) % nf if nf != -1 else np.arange(xr.shape[1])
            prod = xr * s_raw[idx][None, :]
            p, bb, f = align(prod, fx.f + sf.f, b_raw[idx][None, :], bf.f)
            out = res.cast(p + bb, f)
        elif cls in ('Activation', 'ParametrizedActivation', 'PReLU', 'HardActivation', 'Softmax', 'ELU', 'LeakyReLU', 'ThresholdedReLU'):
            out = activation(ins[0], L, t, h5)
        elif cls in ('Pooling1D', 'Pooling2D'):
            out = pooling(ins[0], L, t)
        elif cls in ('GlobalPooling1D', 'GlobalPooling2D'):
            (xr, fx) = ins[0]
            nf = int(A['n_filt'])
            v = xr.reshape(n, -1, nf)
            acc = t['accum_t']
            if A['pool_op'] == 'Max':
                m = v.max(axis=1)
                out = res.cast(acc.cast(m, fx.f), acc.f)
            else:
                a = np.zeros((n, nf), dtype=np.int64)
                for j in range(v.shape[1]):
                    p, q_, f = align(a, acc.f, v[:, j, :], fx.f)
                    a = acc.cast(p + q_, f)
                out = res.cast(trunc_div(a, v.shape[1]), acc.f)
        elif cls == 'Merge':
            (ar, fa), (br, fb) = ins
            op = A['op']
            if op in ('add', 'subtract', 'average'):
                p, q_, f = align(ar, fa.f, br, fb.f)
                s = p + q_ if op != 'subtract' else p - q_
                out = res.cast(s, f + (1 if op == 'average' else 0))  # (a+b) * 0.5 exactly
            elif op == 'multiply':
                out = res.cast(ar * br, fa.f + fb.f)
            elif op in ('maximum', 'minimum'):
                p, q_, f = align(ar, fa.f, br, fb.f)
                pick_a = p > q_ if op == 'maximum' else p < q_
                out = np.where(pick_a, res.cast(ar, fa.f), res.cast(br, fb.f))
            else:
                raise Skip(op)
        elif cls == 'Concatenate':
            (ar, fa), (br, fb) = ins
            a_c, b_c = res.cast(ar, fa.f), res.cast(br, fb.f)
            sa = [n] + _in_shape(graph, L['inputs'][0])
            sb = [n] + _in_shape(graph, L['inputs'][1])
            axis = int(A['axis'])
            rank = len(sa) - 1
            ax = rank if axis in (-1, rank) else (rank - 1 if axis == -2 and rank == 3 else 1)
            out = np.concatenate([a_c.reshape(sa), b_c.reshape(sb)], axis=ax).reshape(n, -1)
        elif cls in ('ZeroPadding1D', 'ZeroPadding2D'):
            (xr, fx) = ins[0]
            c = int(A['n_chan'])
            if cls == 'ZeroPadding1D':
                v = xr.reshape(n, int(A['in_width']), c)
                v = np.pad(v, [(0, 0), (int(A['pad_left']), int(A['pad_right'])), (0, 0)])
            else:
                v = xr.reshape(n, int(A['in_height']), int(A['in_width']), c)
                v = np.pad(v, [(0, 0), (int(A['pad_top']), int(A['pad_bottom'])), (int(A['pad_left']), int(A['pad_right'])), (0, 0)])
            out = res.cast(v.reshape(n, -1), fx.f)
        elif cls == 'Resize':
            (xr, fx) = ins[0]
            ih, iw, c = int(A['in_height']), int(A['in_width']), int(A['n_chan'])
            oh, ow = int(A['out_height']), int(A['out_width'])
            v = xr.reshape(n, ih, iw, c)
            yr = ((ih << 16) // oh) + 1
            xr_ = ((iw << 16) // ow) + 1
            rows = [(i * yr) >> 16 for i in range(oh)]
            cols = [(j * xr_) >> 16 for j in range(ow)]
            out = res.cast(v[:, rows][:, :, cols].reshape(n, -1), fx.f)
        else:
            raise Skip(cls)
        for o in L['outputs']:
            vals[o] = (np.asarray(out, dtype=np.int64).reshape(n, -1), res)

    last = graph[-1]['outputs'][0]
    got = vals[last][1].value(vals[last][0])
    y = np.load(cdir / 'y.npy').reshape(n, -1)
    ok = int(np.sum(got == y))
    lines = [f'{case:45s} outputs {ok}/{y.size} exact']
    all_ok = ok == y.size
    tdir = cdir / 'trace'
    if tdir.exists():
        for f in sorted(tdir.glob('*.npy')):
            tr = np.load(f)
            tr = tr.reshape(tr.shape[0], -1)
            if f.stem in vals:
                mine = vals[f.stem][1].value(vals[f.stem][0][: tr.shape[0]])
                m = int(np.sum(mine == tr))
                all_ok &= m == tr.size
                if verbose or m != tr.size:
                    lines.append(f'    trace {f.stem:32s} {m}/{tr.size}')
    print('\n'.join(lines), flush=True)
    return all_ok


def _in_shape(graph, name):
    for L in graph:
        if name in L['outputs']:
            return list(L['output_shape'])
    raise KeyError(name)


def conv(inp, L, t, h5):
    (xr, fx) = inp
    A = L['attributes']
    n = xr.shape[0]
    k, b = h5_weights(h5, L['name'], ['kernel', 'bias'])
    if L['class'] in ('Conv1D', 'PointwiseConv1D'):
        ih, iw = 1, int(A['in_width'])
        kh, kw = 1, int(A['filt_width'])
        sh, sw = 1, int(A['stride_width'])
        pt, pb, pl, pr = 0, 0, int(A['pad_left']), int(A['pad_right'])
        oh, ow = 1, int(A['out_width'])
        k = k.reshape(1, *k.shape)
    else:
        ih, iw = int(A['in_height']), int(A['in_width'])
        kh, kw = int(A['filt_height']), int(A['filt_width'])
        sh, sw = int(A['stride_height']), int(A['stride_width'])
        pt, pb, pl, pr = (int(A[p]) for p in ('pad_top', 'pad_bottom', 'pad_left', 'pad_right'))
        oh, ow = int(A['out_height']), int(A['out_width'])
    c, nf = int(A['n_chan']), int(A['n_filt'])
    v = np.pad(xr.reshape(n, ih, iw, c), [(0, 0), (pt, pb), (pl, pr), (0, 0)])
    cols = np.stack(
        [v[:, i * sh : i * sh + kh, j * sw : j * sw + kw, :].reshape(n, -1) for i in range(oh) for j in range(ow)], axis=1
    )  # (n, pixels, kh*kw*c) in (kh, kw, c) order
    wf = t['weight_t']
    w = weight_raw(k.reshape(-1, nf), wf)
    if b is None:
        braw, bf = np.zeros(nf, dtype=np.int64), Fmt('ap_uint<1>')
    else:
        bf = t['bias_t']
        braw = weight_raw(b, bf)
    out = dense_core(cols.reshape(n * oh * ow, -1), fx.f, w, wf.f, braw, bf.f, t['accum_t'], t['result_t'])
    return out.reshape(n, -1)


def pooling(inp, L, t):
    (xr, fx) = inp
    A = L['attributes']
    n = xr.shape[0]
    acc, res = t['accum_t'], t['result_t']
    nf = int(A['n_filt'])
    if L['class'] == 'Pooling1D':
        ih, iw, ph, pw, sh, sw = 1, int(A['n_in']), 1, int(A['pool_width']), 1, int(A['stride_width'])
        pt, pb, pl, pr = 0, 0, int(A['pad_left']), int(A['pad_right'])
    else:
        ih, iw = int(A['in_height']), int(A['in_width'])
        ph, pw, sh, sw = int(A['pool_height']), int(A['pool_width']), int(A['stride_height']), int(A['stride_width'])
        pt, pb, pl, pr = (int(A[p]) for p in ('pad_top', 'pad_bottom', 'pad_left', 'pad_right'))
    v = xr.reshape(n, ih, iw, nf)
    H, W = ih + pt + pb, iw + pl + pr
    rows = list(range(0, (H - ph) // sh * sh + 1, sh))
    cols = list(range(0, (W - pw) // sw * sw + 1, sw))
    outs = []
    for i in rows:
        for j in cols:
            cells = [
                (i + a - pt, j + b - pl)
                for a in range(ph)
                for b in range(pw)
                if pt <= i + a < ih + pt and pl <= j + b < iw + pl
            ]
            if A['pool_op'] == 'Max':
                m = np.stack([v[:, r, s, :] for r, s in cells], axis=0).max(axis=0)
                if len(cells) < ph * pw:  # padding value: the most negative data_t
                    m = np.maximum(m, fx.lo)
                outs.append(res.cast(acc.cast(m, fx.f), acc.f))
            else:
                a_ = np.zeros((n, nf), dtype=np.int64)
                for r, s in cells:
                    p, q_, f = align(a_, acc.f, v[:, r, s, :], fx.f)
                    a_ = acc.cast(p + q_, f)
                count = ph * pw if A.get('count_pad') else len(cells)
                outs.append(res.cast(trunc_div(a_, count), acc.f))
    return np.stack(outs, axis=1).reshape(n, -1)


def activation(inp, L, t, h5):
    (xr, fx) = inp
    A = L['attributes']
    res = t['result_t']
    act = str(A.get('activation', '')).lower()
    cls = L['class']
    size = int(A.get('table_size', 1024))
    if cls == 'Softmax' or act == 'softmax':
        return softmax(xr, fx, L, t)
    if cls == 'HardActivation':
        slope = t['slope_t'].from_double(np.array([float(A.get('slope', 0.2))]))[0]
        shift = t['shift_t'].from_double(np.array([float(A.get('shift', 0.5))]))[0]
        p, s, f = align(xr * slope, fx.f + t['slope_t'].f, np.int64(shift), t['shift_t'].f)
        d = np.clip(p + s, 0, np.int64(1) << np.int64(f))
        return res.cast(d, f)
    if cls == 'PReLU':
        (alpha,) = h5_weights(h5, L['name'], ['alpha'])
        pf = t['param_t']
        ar = weight_raw(alpha, pf).reshape(1, -1)
        return np.where(xr > 0, res.cast(xr, fx.f), res.cast(ar * xr, fx.f + pf.f))
    if act in ('leakyrelu', 'leaky_relu', 'thresholdedrelu', 'elu') and cls != 'Activation':
        pf = t['param_t']
        alpha = pf.from_double(np.array([float(A.get('activ_param', 1.0))]))[0]
        if act in ('leakyrelu', 'leaky_relu'):
            return np.where(xr > 0, res.cast(xr, fx.f), res.cast(alpha * xr, fx.f + pf.f))
        if act == 'thresholdedrelu':
            xa, th, _ = align(xr, fx.f, np.int64(alpha), pf.f)
            return np.where(xa > th, res.cast(xr, fx.f), 0)
        tf = t['table_t']
        tab = fn_table('elu', size, tf)
        idx = np.minimum(trunc_div(xr * size, -(8 << fx.f)), size - 1)
        return np.where(xr >= 0, res.cast(xr, fx.f), res.cast(alpha * tab[np.clip(idx, 0, size - 1)], pf.f + tf.f))
    if act == 'relu':
        return np.where(xr > 0, res.cast(xr, fx.f), 0)
    if act == 'linear':
        return res.cast(xr, fx.f)
    if act in ('sigmoid', 'tanh', 'softplus', 'softsign'):
        rng = 8 if act == 'tanh' else 16
        tf = t['table_t']
        tab = fn_table(act, size, tf)
        idx = np.clip(trunc_div(xr * size, rng << fx.f) + size // 2, 0, size - 1)
        return res.cast(tab[idx], tf.f)
    if act == 'selu':
        tf = t['table_t']
        tab = fn_table('selu', size, tf)
        lam = Fmt('ap_ufixed<16,1>')
        lam_raw = lam.from_double(np.array([1.0507009873554805]))[0]
        idx = np.clip(trunc_div(xr * size, -(8 << fx.f)), 0, size - 1)
        return np.where(xr >= 0, res.cast(xr * lam_raw, fx.f + lam.f), res.cast(tab[idx], tf.f))
    raise Skip(f'activation {act}')


def _tree(vals, op):
    n = len(vals)
    if n == 1:
        return vals[0]
    if n == 2:
        return op(vals[0], vals[1])
    left = 1 << ((n - 1).bit_length() - 1)
    return op(_tree(vals[:left], op), _tree(vals[left:], op))


def softmax(xr, fx, L, t):
    A = L['attributes']
    res = t['result_t']
    impl = A.get('implementation', 'stable')
    if int(A.get('n_inner', 1)) != 1 or int(A.get('n_outer', 1)) != 1:
        raise Skip('multi-axis softmax')
    size = int(A.get('table_size', 1024))
    if impl == 'argmax':
        idx = np.argmax(xr, axis=1)  # first maximum, as the strict '>' scan
        out = np.zeros_like(xr)
        out[np.arange(xr.shape[0]), idx] = res.cast(np.int64(1), 0)
        return out
    if impl == 'legacy':
        tf = t['table_t']
        etab = tf.from_double(np.array([f32(LIBM.expf(f32(2 * 8.0 * (i - size / 2.0) / size))) for i in range(size)]))
        itab = tf.from_double(np.array([(1.0 / (64.0 * i / size)) if i > 0 else 0.0 for i in range(size)]))
        m = xr.shape[1]
        s = np.zeros_like(xr)
        one = tf.cast(np.int64(1), 0)
        for i in range(m):
            acc_ = np.zeros(xr.shape[0], dtype=np.int64)
            for j in range(m):
                if i == j:
                    e = np.full(xr.shape[0], one)
                else:
                    idx = np.clip(trunc_div((xr[:, j] - xr[:, i]) * size, 16 << fx.f) + size // 2, 0, size - 1)
                    e = etab[idx]
                acc_ = tf.cast(acc_ + e, tf.f)
            s[:, i] = acc_
        idx = np.clip(trunc_div(s * size, 64 << tf.f), 0, size - 1)
        return res.cast(itab[idx], tf.f)
    expt, invt, invin, acc = t['exp_table_t'], t['inv_table_t'], t['inv_inp_t'], t['accum_t']
    if impl == 'stable':
        norm = Fmt(f'ap_ufixed<{fx.w - 1},{fx.i - 1}>' if fx.signed else f'ap_ufixed<{fx.w},{fx.i}>')
        exp_size = min(size, 1 << norm.w) if fx.signed else size
        nb = exp_size.bit_length() - 1
        etab = expt.from_double(np.array([LIBM.expf(-top_bits_value(i, norm, nb)) for i in range(exp_size)]))
        m = _tree([xr[:, i] for i in range(xr.shape[1])], lambda a, b: np.where(a >= b, a, b))
        d = norm.cast(m[:, None] - xr, fx.f)
        e = acc.cast(etab[top_bits(d, norm, nb)], expt.f)
    elif impl == 'latency':
        nb = size.bit_length() - 1
        etab = expt.from_double(np.array([LIBM.expf(top_bits_value(i, fx, nb)) for i in range(size)]))
        e = acc.cast(etab[top_bits(xr, fx, nb)], expt.f)
    else:
        raise Skip(impl)
    s = _tree([e[:, i] for i in range(e.shape[1])], lambda a, b: acc.cast(a + b, acc.f))
    s = invin.cast(s, acc.f)
    nbi = size.bit_length() - 1
    itab_vals = []
    for i in range(size):
        v = top_bits_value(i, invin, nbi)
        itab_vals.append(f32(1.0 / v) if v != 0 else math.inf)
    itab = invt.from_double(np.array(itab_vals))
    inv = itab[top_bits(s, invin, nbi)]
    return res.cast(e * inv[:, None], acc.f + invt.f)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('-')]
    verbose = '-v' in sys.argv
    index = json.loads((FIX / 'cases.json').read_text())['cases']
    cases = args or [c['case'] for c in index if c.get('converted')]
    passed = failed = skipped = 0
    for c in cases:
        try:
            if run_case(c, verbose):
                passed += 1
            else:
                failed += 1
        except Skip as e:
            skipped += 1
            print(f'{c:45s} skipped: {e}')
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
