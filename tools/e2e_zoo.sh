#!/usr/bin/env bash
# Issue 5's end-to-end check, from the zoo jet tagger (../shared/zoo/keras/KERAS_3layer): convert ->
# build --target csim (2 compute units) -> validate N samples (default 100,000) on the emulated device
# through both kernel interfaces, with the release build. Exit 0 only when every output matches.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-100000}"
cfg=Tests/Fixtures/hls4ml/zoo_keras_3layer/config.yml
[ -f ../shared/zoo/keras/KERAS_3layer.json ] || { echo "e2e_zoo: ../shared/zoo is absent" >&2; exit 2; }
bash tools/setup.sh >/dev/null
bash tools/build_release.sh 2>&1 | grep -E "error" && exit 1 || true
bin=.build/release/fpgarun
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$bin" convert --config "$cfg" --output-dir "$out/prj" >/dev/null
"$bin" build --target csim --compute-units 2 "$out/prj"
python3 -c "import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(2026).uniform(-4, 4, ($n, 16)))" "$out/x.npy"
for interface in mm axis; do
  "$bin" validate --xclbin "$out"/prj/csim/*.xclbin --config "$cfg" --input "$out/x.npy" --interface "$interface" --batch 4096
done
