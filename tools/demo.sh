#!/usr/bin/env bash
# `make demo`: fpgarun's main job on the bundled example (tools/example/jet_tagger.*): the model as
# fpgarun sees it, the bit-accurate emulator, the Vitis project with its kernel wrappers, the C-sim
# kernel library with its xclbin, then the host runtime on the emulated device (no card here):
# `bench` (latency/throughput) and `validate` (every output checked bit for bit against the emulator,
# through both kernel interfaces), ending with a short summary.
set -euo pipefail
bin="${1:-.build/release/fpgarun}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
ex=tools/example
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "== $("$bin" --version): fpgarun"
echo "== quantize 0.3, -1.75, 31.99, 1e9 to ap_fixed<16,6> (truncate, wrap) and to fixed<8,3,RND,SAT>"
printf '0.3\n-1.75\n31.99\n1e9\n' | "$bin" quantize --type 'ap_fixed<16,6>' | paste -sd' '
printf '0.3\n-1.75\n31.99\n1e9\n' | "$bin" quantize --type 'fixed<8,3,RND,SAT>' | paste -sd' '
echo
echo "== show: the bundled jet tagger ($ex/jet_tagger.yml)"
"$bin" show --config "$ex/jet_tagger.yml"
echo
echo "== predict: 1,000 samples through the bit-accurate emulator"
start=$(date +%s%N)
"$bin" predict --config "$ex/jet_tagger.yml" --input "$ex/jet_tagger_x.npy" --output "$out/y.npy"
end=$(date +%s%N)
python3 - "$out/y.npy" "$(( (end - start) / 1000000 ))" <<'PY'
import sys
import numpy as np
y = np.load(sys.argv[1])
print(f"output {y.shape} {y.dtype} in {sys.argv[2]} ms (whole command); first sample: {y[0].tolist()}")
PY
echo
echo "== convert: the Vitis HLS project (firmware, mm and axis kernels, v++ files) for a U250"
"$bin" convert --config "$ex/jet_tagger.yml" --output-dir "$out/prj"
(cd "$out/prj" && ls -d firmware/*.cpp kernels/* link_*.cfg Makefile | paste -sd' ')
echo
echo "== build --target csim: firmware and both kernel wrappers compiled with g++ against ap_types, plus an xclbin for the emulated device"
"$bin" build --target csim "$out/prj"
xclbin="$(ls "$out"/prj/csim/*.xclbin)"
"$bin" xclbin "$xclbin"
echo
echo "== predict --target csim through both kernel interfaces, compared with the emulator"
for interface in mm axis; do
  "$bin" predict --target csim --project "$out/prj" --interface "$interface" --input "$ex/jet_tagger_x.npy" --output "$out/$interface.npy"
done
python3 - "$out/y.npy" "$out/mm.npy" "$out/axis.npy" <<'PY'
import sys
import numpy as np
y = np.load(sys.argv[1])
for name, path in (("mm", sys.argv[2]), ("axis", sys.argv[3])):
    c = np.load(path)
    bad = int((c != y).any(axis=1).sum())
    print(f"{name:4} kernel: {c.shape[0] - bad} of {c.shape[0]} samples equal the emulator bit for bit")
    if bad:
        sys.exit(1)
PY
echo
echo "== bench on the emulated device (the host CPU runs the C-sim kernels: these are not a card's figures)"
"$bin" bench --xclbin "$xclbin" --batch 256 --samples 20000 --json "$out/bench.json"
echo
echo "== validate 20,000 samples on the emulated device, both kernel interfaces"
python3 -c "import numpy as np; np.save('$out/x20k.npy', np.random.default_rng(1).uniform(-4, 4, (20000, 16)))"
for interface in mm axis; do
  "$bin" validate --xclbin "$xclbin" --config "$ex/jet_tagger.yml" --input "$out/x20k.npy" --interface "$interface" --batch 1000 \
    | tee "$out/validate_$interface.txt"
done
echo
echo "== validate catches a fault: one flipped output bit injected at sample 12345"
set +e
"$bin" validate --xclbin "$xclbin" --config "$ex/jet_tagger.yml" --input "$out/x20k.npy" --batch 1000 --inject flip:12345:3 | head -4
code=${PIPESTATUS[0]}
set -e
echo "(exit code $code: 1 means a mismatch was found)"
[ "$code" = 1 ] || { echo "demo: the injected fault was not caught" >&2; exit 1; }
echo
python3 - "$out/bench.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
l = b["latencyMicroseconds"]
print("== summary")
print(f"  model      jet tagger 16 -> 64 -> 32 -> 32 -> 5, ap_fixed<16,6>, project {b['project']}")
print(f"  bench      {b['samplesPerSecond']:,.0f} samples/s, batch latency p50 {l['p50'] / 1000:.2f} ms, p99 {l['p99'] / 1000:.2f} ms ({'emulated device' if b['emulated'] else b['device']['name']})")
print("  validate   mm and axis kernels: every output equal to the emulator; an injected bit flip is caught at its sample")
PY
