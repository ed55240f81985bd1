#!/usr/bin/env python3
"""Wall time of one command run by two (or more) fpgarun binaries, interleaved.

    tools/ab_binaries.py [--runs 41] OLD/fpgarun NEW/fpgarun -- predict --config C --input X --output Y

Runs the command with each binary in turn, --runs times, and prints each binary's median wall
time (and the change against the first). Interleaving matters on a shared VM whose speed drifts
within seconds: a run of A and then a run of B see the same machine. An --output file is removed
after every run, so that each run writes a new file (replacing one costs a file system's discard).
To get the binary of an older commit: `git worktree add /tmp/old <commit>` and
`bash /tmp/old/tools/build_release.sh` (then `git worktree remove /tmp/old`).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time


def main():
    if "--" not in sys.argv:
        sys.exit("ab_binaries: give the command after --")
    split = sys.argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=41)
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args(sys.argv[1:split])
    binaries, command = args.binaries, sys.argv[split + 1:]
    if len(binaries) < 2:
        sys.exit("ab_binaries: give at least two binaries")
    output = command[command.index("--output") + 1] if "--output" in command else None
    times = {b: [] for b in binaries}
    for _ in range(args.runs):
        for b in binaries:
            t0 = time.perf_counter()
            subprocess.run([b] + command, stdout=subprocess.DEVNULL, check=True)
            times[b].append(time.perf_counter() - t0)
            if output and os.path.exists(output):
                os.remove(output)
    first = statistics.median(times[binaries[0]])
    for b in binaries:
        m = statistics.median(times[b])
        change = "" if b == binaries[0] else f"  ({100 * (m - first) / first:+.1f}%)"
        print(f"{1000 * m:8.2f} ms  {b}{change}")


if __name__ == "__main__":
    main()
