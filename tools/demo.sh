#!/usr/bin/env bash
# `make demo`: fpgarun's main job on the bundled example, with what exists so far.
set -euo pipefail
bin="${1:-.build/release/fpgarun}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "== $("$bin" --version): fpgarun"
echo "== quantize: 0.3, -1.75, 31.99, 1e9 to ap_fixed<16,6> (truncate, wrap) and fixed<8,3,RND,SAT>"
printf '0.3\n-1.75\n31.99\n1e9\n' | "$bin" quantize --type 'ap_fixed<16,6>' | paste -sd' '
printf '0.3\n-1.75\n31.99\n1e9\n' | "$bin" quantize --type 'fixed<8,3,RND,SAT>' | paste -sd' '
