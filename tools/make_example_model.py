#!/usr/bin/env python3
"""The bundled example model `make demo` runs: a jet-tagger-shaped MLP (16 -> 64 -> 32 -> 32 -> 5,
ReLU, softmax), Keras 2 JSON + HDF5 weights, with an hls4ml-style config and sample inputs.

The weights are our own (Glorot-uniform from a fixed seed, biases small), so the repo carries no
third-party model; the zoo's KERAS_3layer has the same shape and is used by tests when present.
Run once with the hls4ml venv's python (it has h5py): .cache/hls4ml-venv/bin/python tools/make_example_model.py
"""
import os
import sys
from pathlib import Path

import numpy as np

root = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(root / "tools"))
from make_hls4ml_goldens import KerasGraph  # noqa: E402

rng = np.random.default_rng(20261122)
g = KerasGraph([16], name="jet_tagger")
sizes = [16, 64, 32, 32, 5]
names = ["fc1", "fc2", "fc3", "output"]
for i, name in enumerate(names):
    n_in, n_out = sizes[i], sizes[i + 1]
    limit = np.sqrt(6.0 / (n_in + n_out))
    w = rng.uniform(-limit, limit, size=(n_in, n_out)).astype(np.float32)
    b = rng.normal(0, 0.05, size=n_out).astype(np.float32)
    act = "softmax" if name == "output" else "relu"
    g.add("Dense", name, {"units": n_out, "activation": act, "use_bias": True}, weights=[("kernel", w), ("bias", b)])

out = root / "tools" / "example"
out.mkdir(exist_ok=True)
g.write(out / "jet_tagger.json", out / "jet_tagger_weights.h5")
(out / "jet_tagger.yml").write_text(
    "# The bundled example for `make demo` (tools/make_example_model.py).\n"
    "KerasJson: jet_tagger.json\nKerasH5: jet_tagger_weights.h5\nOutputDir: jet_tagger_prj\n"
    "ProjectName: jet_tagger\nBackend: Vitis\nPart: xcu250-figd2104-2L-e\nClockPeriod: 5\nIOType: io_parallel\n"
    "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n    ReuseFactor: 1\n    Strategy: Latency\n"
)
x = rng.normal(0, 1.5, size=(1000, 16)).astype(np.float32).astype(np.float64)
np.save(out / "jet_tagger_x.npy", x)
print("wrote", ", ".join(sorted(os.listdir(out))))
