#!/usr/bin/env bash
# `make demo`: fpgarun's main job on the bundled example (tools/example/jet_tagger.*), with what
# exists so far: the model as fpgarun sees it, the bit-accurate emulator on 1,000 samples, the
# Vitis project with its kernel wrappers, and the same samples through the compiled kernels (C-sim),
# checked bit for bit against the emulator.
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
echo "== build --target csim: firmware and both kernel wrappers compiled with g++ against ap_types"
"$bin" build --target csim "$out/prj"
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
