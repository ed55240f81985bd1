#!/usr/bin/env python3
"""Writes Tests/Fixtures/hdf5/fixture.h5, the small HDF5 file the HDF5 module's tests read.

It holds one of each thing the Keras importer meets in real files (see the zoo under
/work/shared/zoo/keras): Keras 2 style nesting with ':' in dataset names, fixed-length and
variable-length string attributes (scalars and arrays, ASCII and UTF-8), the empty float64
`weight_names` array Keras writes for layers without weights, numeric attributes, and float32 /
float64 / float16 / big-endian float32 / integer datasets. Children are created out of name order so tests can pin the order
`children()` documents (HDF5 name order). Keep it tiny (< 20 KB).

Usage: python3 tools/make_hdf5_fixtures.py   (needs h5py and numpy; run from anywhere)
The expected values are hard-coded in Tests/HDF5Tests; change both together.
"""
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "Fixtures", "hdf5", "fixture.h5")


def fixed_strings(values, size):
    return np.array([v.encode("ascii") for v in values], dtype="S%d" % size)


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    vlen_str = h5py.string_dtype(encoding="utf-8")
    with h5py.File(OUT, "w", libver="earliest", track_order=False) as f:
        # Root attributes: like a Keras 2 whole-model file.
        f.attrs["keras_version"] = "2.13.1"  # h5py: variable-length UTF-8 scalar
        f.attrs.create("backend", np.bytes_(b"tensorflow"))  # fixed-length ASCII scalar
        f.attrs["model_config"] = '{"class_name": "Sequential", "name": "caf\u00e9"}'
        f.attrs["layer_names"] = fixed_strings(["input_1", "dense", "empty_layer"], 11)
        f.attrs.create("vlen_names", ["alpha", "b\u00e9ta", ""], dtype=vlen_str)
        f.attrs["count"] = np.int32(-7)
        f.attrs["ints"] = np.array([1, 2, 3], dtype=np.uint16)
        f.attrs["scale"] = np.float64(0.125)
        f.attrs["floats"] = np.array([1.5, -2.25], dtype=np.float32)
        f.attrs["nothing"] = h5py.Empty("f8")  # null dataspace
        # A space-padded fixed string (Fortran style): only reachable through the low-level API.
        tid = h5py.h5t.C_S1.copy()
        tid.set_size(8)
        tid.set_strpad(h5py.h5t.STR_SPACEPAD)
        aid = h5py.h5a.create(f.id, b"spacepad", tid, h5py.h5s.create(h5py.h5s.SCALAR))
        aid.write(np.array(b"pad     ", dtype="S8"), mtype=tid)

        # Keras 2 nesting: <layer>/<layer>/<weight>:0, names listed in weight_names.
        mw = f.create_group("model_weights")
        dense = mw.create_group("dense")
        dense.attrs["weight_names"] = fixed_strings(["dense/kernel:0", "dense/bias:0"], 14)
        inner = dense.create_group("dense")
        inner.create_dataset("kernel:0", data=np.array([[0.5, -1.25, 3.0], [2.0, 0.1, -0.3]], dtype=np.float32))
        inner.create_dataset("bias:0", data=np.array([0.25, -0.5, 1e-3], dtype=np.float32))
        empty = mw.create_group("empty_layer")
        empty.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)  # what Keras writes

        # Numeric datasets of several types; created out of name order on purpose.
        data = f.create_group("data")
        data.create_dataset("zeta_f64", data=np.array([[1.0, 2.5], [-3.75, 1e300]], dtype=np.float64))
        data.create_dataset("i32", data=np.array([-2147483648, -1, 0, 2147483647], dtype=np.int32))
        data.create_dataset("u8", data=np.array([[0, 1, 255]], dtype=np.uint8))
        data.create_dataset("i8", data=np.array([[12, -9, 1]], dtype=np.int8))  # like HGQ's bits:0
        data.create_dataset("scalar", data=np.float64(6.5))
        data.create_dataset("alpha_empty", shape=(0, 4), dtype=np.float32)
        # Floats not stored as the machine's float: HDF5 converts these (the little-endian float32
        # datasets above are read without conversion).
        data.create_dataset("f32_be", data=np.array([1.5, -0.0, 1e-45, -np.inf], dtype=">f4"))
        data.create_dataset("f16", data=np.array([0.5, -65504.0, 6e-08], dtype=np.float16))
        data.create_dataset("text", data=np.array([b"not", b"numeric"], dtype="S7"))
        data["i32"].attrs["unit"] = "counts"
        # Keras 3 (.keras) style: vars/0, vars/1, ... vars/10 (name order puts "10" before "2").
        vars_ = f.create_group("vars")
        vars_.attrs["name"] = "dense"
        for i in [0, 1, 2, 10]:
            vars_.create_dataset(str(i), data=np.full((1,), float(i), dtype=np.float32))
    print("wrote %s (%d bytes)" % (os.path.normpath(OUT), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
