#!/usr/bin/env python3
"""Where fpgarun's start-up spends time in the Swift runtime's protocol conformance search.

    tools/startup_lookups.py [--runs 150] [--top 25] -- .build/release/fpgarun predict --config C --input X --output Y

Runs the command --runs times under `perf record -g` (an --output file is removed after each run),
then groups the samples taken inside the conformance search (each first use of a generic type whose
parameters need a conformance scans every conformance record of the binary) by the first frame of
fpgarun's own modules above them, or "ArgumentParser" when the lookup is the argument parser's.
Prints ms per run (samples x sampling period / runs; perf's own overhead inflates every figure a
little) for the whole command, the search, and each caller.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

OURS = re.compile(r"\$s\d+(FPGARunCLI|Import|Graph|HDF5|NPY|Emulator|FixedPoint|Codegen|Runtime|Report|Xclbin|"
                  r"XMLScanner|ProcessRunner)")
SEARCH = ("ConformanceSection", "swift_conformsToProtocol", "ConformanceCandidate")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=150)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--freq", type=int, default=20000)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        sys.exit("startup_lookups: give the command after --")
    if not (os.path.isfile(cmd[0]) and os.access(cmd[0], os.X_OK)):
        sys.exit(f"startup_lookups: {cmd[0]}: not an executable file (give the fpgarun binary first, "
                 "e.g. .build/release/fpgarun predict ...)")
    output = cmd[cmd.index("--output") + 1] if "--output" in cmd else None
    work = tempfile.mkdtemp(prefix="startup_lookups_")
    data = os.path.join(work, "perf.data")
    script = os.path.join(work, "run.sh")
    with open(script, "w") as f:
        f.write("for i in $(seq %d); do %s >/dev/null; %s done\n" % (
            args.runs, " ".join(map(repr, cmd)), f"rm -f {output!r};" if output else ""))
    subprocess.run(["perf", "record", "-q", "-F", str(args.freq), "-g", "-o", data, "--", "bash", script], check=True)
    comm = os.path.basename(cmd[0])[:15]
    text = subprocess.run(["perf", "script", "-i", data, "--comm", comm, "-F", "period,ip,sym"],
                          check=True, capture_output=True, text=True).stdout
    total = search = 0
    callers = collections.Counter()
    for sample in text.split("\n\n"):
        lines = [l.strip() for l in sample.strip().split("\n") if l.strip()]
        if len(lines) < 2:
            continue
        period = int(lines[0].split()[0])
        frames = [l.split(" ", 1)[1] if " " in l else l for l in lines[1:]]
        total += period
        if not any(s in f for f in frames[:3] for s in SEARCH):
            continue
        search += period
        who = "(Foundation, Yams or the runtime itself)"
        for f in frames:
            if f.startswith("$s14ArgumentParser"):
                who = "ArgumentParser"
                break
            if OURS.match(f):
                who = re.sub(r"\+0x[0-9a-f]+$", "", f)
                break
        callers[who] += period
    ms = lambda ns: ns / 1e6 / args.runs  # noqa: E731
    top = callers.most_common(args.top)
    names = [who for who, _ in top]
    try:  # readable names when a Swift toolchain is on PATH
        names = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(names), check=True,
                               capture_output=True, text=True).stdout.split("\n")[:len(names)]
    except (OSError, subprocess.CalledProcessError):
        pass
    print(f"{comm}: {ms(total):.2f} ms of CPU per run, {ms(search):.2f} ms of it in the conformance search")
    for (_, ns), name in zip(top, names):
        print(f"{ms(ns):7.3f} ms  {name}")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
