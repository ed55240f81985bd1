#!/usr/bin/env bash
# `make demo`: fpgarun's main job on the bundled example (tools/example/jet_tagger.*), with what
# exists so far: the model as fpgarun sees it, then the bit-accurate emulator on 1,000 samples.
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
print(f"class counts (argmax): {np.bincount(y.argmax(1), minlength=y.shape[1]).tolist()}")
PY
