#!/usr/bin/env python3
"""Build time: `fpgarun convert` + `fpgarun build --target csim` against hls4ml 1.3.0's `compile()`
(which also writes its project, then builds its C-sim library with g++), on the same models, in the
same run. Medians of 3 runs each; prints seconds and the ratio (goal: fpgarun <= 25% of hls4ml).

    tools/bench_build.sh        (release build of fpgarun, hls4ml venv; models from Tests/Fixtures/hls4ml)
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fpgarun = os.path.join(root, ".build/release/fpgarun")
CASES = ["zoo_keras_3layer", "zoo_keras_conv2d_model", "zoo_jettagger_conv2d_small", "conv2d_bn_relu_pool_dense",
         "merge_concatenate2d_axis1"]


def hls4ml_compile(case_dir, work):
    import hls4ml
    with open(os.path.join(case_dir, "config.yml")) as f:
        cfg = yaml.safe_load(f)
    for key in ("KerasJson", "KerasH5"):
        cfg[key] = os.path.normpath(os.path.join(case_dir, cfg[key]))
    cfg["OutputDir"] = os.path.join(work, "hls4ml_prj")
    shutil.rmtree(cfg["OutputDir"], ignore_errors=True)
    model = hls4ml.converters.keras_v2_to_hls(cfg)
    t0 = time.perf_counter()
    model.compile()
    return time.perf_counter() - t0


def fpgarun_build(case_dir, work):
    prj = os.path.join(work, "fpgarun_prj")
    t0 = time.perf_counter()
    subprocess.run([fpgarun, "convert", "--config", os.path.join(case_dir, "config.yml"), "--output-dir", prj],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([fpgarun, "build", "--target", "csim", prj], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    work = tempfile.mkdtemp(prefix="bench_build_")
    ratios = []
    print(f"{'model':32} {'hls4ml compile()':>17} {'fpgarun convert+build':>22} {'ratio':>7}")
    for case in CASES:
        case_dir = os.path.join(root, "Tests/Fixtures/hls4ml", case)
        with open(os.path.join(case_dir, "config.yml")) as f:
            if not os.path.exists(os.path.normpath(os.path.join(case_dir, yaml.safe_load(f)["KerasH5"]))):
                print(f"{case:32} skipped (../shared/zoo absent)")
                continue
        theirs = statistics.median(hls4ml_compile(case_dir, work) for _ in range(3))
        ours = statistics.median(fpgarun_build(case_dir, work) for _ in range(3))
        ratios.append(ours / theirs)
        print(f"{case:32} {theirs:15.1f} s {ours:20.1f} s {100 * ours / theirs:6.0f}%")
    shutil.rmtree(work, ignore_errors=True)
    if ratios:
        print(f"median fpgarun/hls4ml: {100 * statistics.median(ratios):.0f}% (goal <= 25%)")


if __name__ == "__main__":
    sys.exit(main())
