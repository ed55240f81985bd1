#!/usr/bin/env python3
"""Makes small Keras 3 `.keras` fixtures with hls4ml 1.3.0 C-sim goldens (optional step).

Needs the venv with keras 3: `py=$(tools/hls4ml_env.sh --keras3) && $py tools/make_keras3_fixtures.py`.
Keras runs on its numpy backend (KERAS_BACKEND=numpy; that backend imports jax and scipy, hence the extras).
No TensorFlow anywhere.

For each model writes Tests/Fixtures/keras3/<name>/:
    model.keras   the saved Keras 3 model (zip: config.json, metadata.json, model.weights.h5)
    config.yml    hls4ml-style YAML (KerasModel: model.keras, relative to the yml) used for conversion
    x.npy         float64 inputs passed to hls4ml predict (float32-representable values)
    y_keras.npy   float64 Keras float outputs for the same inputs
    y.npy         float64 hls4ml 1.3 C-sim outputs (only if hls4ml converted the model)
and Tests/Fixtures/keras3/cases.json. Deterministic weights and inputs (fixed seeds); the .keras zip itself
carries a save date, so its bytes change on every run.
"""

import json
import os
import shutil
import traceback
import zlib
from pathlib import Path

os.environ.setdefault('KERAS_BACKEND', 'numpy')

import keras  # noqa: E402
import numpy as np  # noqa: E402
import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'Tests' / 'Fixtures' / 'keras3'
WORK = ROOT / '.cache' / 'keras3-goldens'


def mlp():
    return keras.Sequential(
        [
            keras.Input((16,), name='x'),
            keras.layers.Dense(32, activation='relu', name='fc1'),
            keras.layers.Dense(16, activation='tanh', name='fc2'),
            keras.layers.Dense(5, activation='softmax', name='out'),
        ],
        name='mlp',
    )


def conv():
    inp = keras.Input((10, 10, 2), name='x')
    h = keras.layers.Conv2D(4, 3, padding='same', activation='relu', name='conv')(inp)
    h = keras.layers.MaxPooling2D(2, name='pool')(h)
    h = keras.layers.Flatten(name='flatten')(h)
    out = keras.layers.Dense(6, name='out')(h)
    return keras.Model(inp, out, name='conv')


def branch_add():
    inp = keras.Input((16,), name='x')
    a = keras.layers.Dense(8, name='branch_a')(inp)
    b = keras.layers.Dense(8, activation='relu', name='branch_b')(inp)
    s = keras.layers.Add(name='add')([a, b])
    out = keras.layers.Dense(4, name='out')(s)
    return keras.Model(inp, out, name='branch_add')


MODELS = [
    ('mlp_dense', 'Sequential Dense relu/tanh/softmax', mlp, 256),
    ('conv2d_pool', 'Conv2D same relu, MaxPooling2D, Flatten, Dense', conv, 64),
    ('functional_branch_add', 'Functional: two Dense branches, Add, Dense', branch_add, 256),
]

HLS = {'Model': {'Precision': 'ap_fixed<16,6>', 'ReuseFactor': 1, 'Strategy': 'Latency'}}


def main():
    import hls4ml

    OUT.mkdir(parents=True, exist_ok=True)
    index = []
    for name, covers, build, n in MODELS:
        seed = zlib.crc32(name.encode())
        keras.utils.set_random_seed(seed % (2**31))
        model = build()
        # Non-zero biases so they matter.
        for layer in model.layers:
            ws = layer.get_weights()
            if len(ws) == 2:
                layer.set_weights([ws[0], (np.random.default_rng(seed).standard_normal(ws[1].shape) * 0.2).astype('float32')])
        cdir = OUT / name
        if cdir.exists():
            shutil.rmtree(cdir)
        cdir.mkdir(parents=True)
        model.save(cdir / 'model.keras')
        rng = np.random.default_rng(seed)
        shape = tuple(model.input_shape[1:])
        std = rng.choice([1.0, 2.0, 4.0], size=n)
        x = (rng.standard_normal((n, *shape)) * std.reshape((n,) + (1,) * len(shape))).astype(np.float32).astype(np.float64)
        loaded = keras.models.load_model(cdir / 'model.keras')
        yk = np.asarray(loaded.predict(x.astype(np.float32), verbose=0), dtype=np.float64)
        np.save(cdir / 'x.npy', x)
        np.save(cdir / 'y_keras.npy', yk)
        cfg = {
            'KerasModel': 'model.keras',
            'OutputDir': f'hls4ml_prj_{name}',
            'ProjectName': 'myproject',
            'Backend': 'Vitis',
            'Part': 'xcvu13p-flga2577-2-e',
            'ClockPeriod': 5,
            'IOType': 'io_parallel',
            'HLSConfig': HLS,
        }
        (cdir / 'config.yml').write_text(yaml.safe_dump(cfg, sort_keys=False))
        entry = {
            'case': name,
            'covers': covers,
            'keras_version': keras.__version__,
            'input_shape': list(shape),
            'output_shape': list(yk.shape[1:]),
            'n_samples': n,
            'input_dtype_passed': 'float64',
        }
        try:
            out_dir = WORK / name
            if out_dir.exists():
                shutil.rmtree(out_dir)
            hm = hls4ml.converters.convert_from_keras_model(
                loaded, hls_config=HLS, output_dir=str(out_dir), backend='Vitis', io_type='io_parallel', part=cfg['Part']
            )
            hm.compile()
            y = np.asarray(hm.predict(np.ascontiguousarray(x)), dtype=np.float64).reshape(yk.shape)
            np.save(cdir / 'y.npy', y)
            entry['converted'] = True
            entry['hls4ml_frontend'] = 'keras_v3_to_hls (convert_from_keras_model)'
            entry['max_abs_diff_vs_keras'] = float(np.max(np.abs(y - yk)))
            entry['median_abs_diff_vs_keras'] = float(np.median(np.abs(y - yk)))
            entry['types'] = {
                layer.name: {k: v.precision.definition_cpp() for k, v in layer.types.items()} for layer in hm.get_layers()
            }
        except Exception as e:
            entry['converted'] = False
            entry['error'] = f'{type(e).__name__}: {e}'[:1500]
            entry['traceback_tail'] = traceback.format_exc().strip().splitlines()[-5:]
        index.append(entry)
        print(f'{name:28s} converted={entry["converted"]} {entry.get("error", "")[:200]}', flush=True)
    (OUT / 'cases.json').write_text(
        json.dumps(
            {
                'generator': 'tools/make_keras3_fixtures.py',
                'hls4ml_version': hls4ml.__version__,
                'keras_version': keras.__version__,
                'keras_backend': keras.backend.backend(),
                'cases': index,
            },
            indent=1,
        )
        + '\n'
    )


if __name__ == '__main__':
    main()
