#!/usr/bin/env python3
"""Runtime overhead and memory of fpgarun's host runtime on the emulated device.

1. Overhead per batch beyond the kernel's own compute, for batch sizes 1, 64 and 4096: `fpgarun
   bench --depth 1` on the bundled jet tagger (one compute unit, one buffer set, so batches run one
   after the other); overhead = wall time per batch - the kernel's own execution time per batch (the
   emulated device times the C-sim kernel call itself). Median of --repeat runs. Goal: <= 5 us.
2. Peak RSS streaming 10M samples: `fpgarun validate` (memory-mapped float32 input, emulator check of
   every output) and `fpgarun bench`, on a small model (16 -> 16 Dense+ReLU, so the C-sim kernel is
   fast enough to stream 10M samples in minutes). Peak RSS of the child from getrusage. Goal: <= 200 MB.

Usage: tools/bench_runtime.sh [--repeat 3] [--samples 10000000] [--skip-rss]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build/release/fpgarun")


def run(args, **kw):
    return subprocess.run([BIN] + args, check=True, capture_output=True, text=True, **kw)


def project(config, out):
    run(["convert", "--config", config, "--output-dir", out])
    run(["build", "--target", "csim", out])
    csim = os.path.join(out, "csim")
    return os.path.join(csim, next(f for f in os.listdir(csim) if f.endswith(".xclbin")))


MEASURE = """
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(p.stderr)
print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(p.stdout, end="")
"""


def peak_rss_mb(args):
    """Runs fpgarun args in a fresh wrapper process and returns (seconds, the child's peak RSS in MB, stdout)."""
    start = time.monotonic()
    p = subprocess.run([sys.executable, "-c", MEASURE, BIN] + args, capture_output=True, text=True)
    seconds = time.monotonic() - start
    first, _, out = p.stdout.partition("\n")
    code, kb = (int(v) for v in first.split())
    if code != 0:
        sys.exit(f"fpgarun {' '.join(args)} failed ({code}): {p.stderr.strip()}")
    return seconds, kb / 1024, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--samples", type=int, default=10_000_000)
    ap.add_argument("--skip-rss", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="fpgarun-bench-runtime-")
    jet = project(os.path.join(ROOT, "tools/example/jet_tagger.yml"), os.path.join(tmp, "jet"))

    print("overhead per batch on the emulated device (jet tagger, mm kernel, 1 CU, depth 1)")
    print("  null kernels: runs complete without executing the kernel -> the runtime's own cost per batch")
    print("  C-sim kernels: wall - kernel time; includes the cache state the CPU-run kernel leaves behind")
    print(f"{'batch':>6} {'batches':>8} {'null: wall/batch':>17} {'C-sim: kernel/batch':>20} {'wall/batch':>12} {'wall-kernel':>12}  (median of {a.repeat})")
    for batch, batches in ((1, 3000), (64, 300), (4096, 12)):
        rows = []
        for _ in range(a.repeat):
            out = os.path.join(tmp, f"b{batch}.json")
            run(["bench", "--xclbin", jet, "--batch", str(batch), "--depth", "1", "--samples", str(batch * 3000),
                 "--null-kernels", "--json", out])
            null = json.load(open(out))
            run(["bench", "--xclbin", jet, "--batch", str(batch), "--depth", "1", "--samples", str(batch * batches), "--json", out])
            r = json.load(open(out))
            wall = r["seconds"] / r["batches"] * 1e6
            rows.append((null["seconds"] / null["batches"] * 1e6, r["splitMicroseconds"]["kernel"], wall, r["overheadMicroseconds"]))
        n, k, w, o = (statistics.median(x) for x in zip(*rows))
        print(f"{batch:>6} {batches:>8} {n:>14.2f} us {k:>17.1f} us {w:>9.1f} us {o:>9.2f} us   goal <= 5 us (null): {'met' if n <= 5 else 'NOT met'}")

    if a.skip_rss:
        return
    small = project(os.path.join(ROOT, "Tests/Fixtures/hls4ml/act_relu_dense/config.yml"), os.path.join(tmp, "small"))
    n = a.samples
    x = os.path.join(tmp, "x.npy")
    m = np.lib.format.open_memmap(x, mode="w+", dtype=np.float32, shape=(n, 16))
    rng = np.random.default_rng(7)
    for i in range(0, n, 1 << 20):
        m[i:i + (1 << 20)] = rng.uniform(-8, 8, (min(1 << 20, n - i), 16)).astype(np.float32)
    del m
    print(f"\npeak RSS streaming {n:,} samples (16 -> 16 Dense+ReLU; input {os.path.getsize(x) / 1e6:.0f} MB float32 .npy)")
    cfg = os.path.join(ROOT, "Tests/Fixtures/hls4ml/act_relu_dense/config.yml")
    s, rss, out = peak_rss_mb(["validate", "--xclbin", small, "--config", cfg, "--input", x, "--batch", "4096"])
    print(f"  validate: {s:.1f} s, peak RSS {rss:.0f} MB   goal <= 200 MB: {'met' if rss <= 200 else 'NOT met'}   [{out.strip().splitlines()[0]}]")
    s, rss, out = peak_rss_mb(["bench", "--xclbin", small, "--samples", str(n), "--batch", "4096"])
    print(f"  bench:    {s:.1f} s, peak RSS {rss:.0f} MB   goal <= 200 MB: {'met' if rss <= 200 else 'NOT met'}")
    os.remove(x)


if __name__ == "__main__":
    main()
