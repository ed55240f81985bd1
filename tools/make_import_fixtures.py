#!/usr/bin/env python3
"""Fixtures for Tests/ImportTests that need h5py to write (run with the hls4ml venv's python:
.cache/hls4ml-venv/bin/python tools/make_import_fixtures.py).

- import/act_relu_dense_whole.h5: the act_relu_dense golden case as a whole Keras 2 model file
  (model_config attribute on the root, weights under model_weights/), as keras.Model.save writes it.
"""
import json
import os

import h5py

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
case = os.path.join(root, "Tests/Fixtures/hls4ml/act_relu_dense")
out_dir = os.path.join(root, "Tests/Fixtures/import")
os.makedirs(out_dir, exist_ok=True)

with open(os.path.join(case, "model.json")) as f:
    model_json = f.read()
out = os.path.join(out_dir, "act_relu_dense_whole.h5")
tmp = out + ".tmp"
with h5py.File(os.path.join(case, "weights.h5"), "r") as src, h5py.File(tmp, "w") as dst:
    dst.attrs["model_config"] = json.dumps(json.loads(model_json))
    dst.attrs["keras_version"] = "2.13.1"
    dst.attrs["backend"] = "tensorflow"
    src.copy(src["/"], dst, name="model_weights")
    for k, v in src.attrs.items():
        dst["model_weights"].attrs[k] = v
os.replace(tmp, out)
print("wrote", os.path.relpath(out, root))
