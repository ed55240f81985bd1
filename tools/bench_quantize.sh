#!/usr/bin/env bash
# Quantize throughput: `fpgarun quantize --input --output` against the same job written with the
# real ap_types headers (g++ -O3), on the same 10M float64 values, in the same run. Both read and
# write .npy files; times are wall-clock medians of 5 runs. Prints values/s and the ratio.
#   usage: tools/bench_quantize.sh [N]     (needs `make setup`; builds fpgarun in release)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-10000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bash tools/build_release.sh >/dev/null
bin="$root/.build/release/fpgarun"
python3 -c "import numpy as np; np.save('$work/x.npy', np.random.default_rng(1).normal(0, 8, $n))"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for spec in "ap_fixed<16,6>|ap_fixed<16, 6>" "ap_fixed<8,3,AP_RND,AP_SAT>|ap_fixed<8, 3, AP_RND, AP_SAT>"; do
  type="${spec%%|*}"; ctype="${spec##*|}"
  g++ -O3 -std=c++14 -I .cache/ap_types -DQTYPE="$ctype" -o "$work/peer" tools/bench/quantize_peer.cpp
  ours=(); peer=()
  for _ in 1 2 3 4 5; do
    t0=$(date +%s%N); "$bin" quantize --type "$type" --input "$work/x.npy" --output "$work/y.npy"; t1=$(date +%s%N)
    "$work/peer" "$work/x.npy" "$work/p.npy"; t2=$(date +%s%N)
    ours+=($(( t1 - t0 ))); peer+=($(( t2 - t1 )))
  done
  cmp -s <(tail -c +129 "$work/y.npy") <(tail -c +129 "$work/p.npy") || { echo "outputs differ for $type" >&2; exit 1; }
  o=$(printf '%s\n' "${ours[@]}" | median); p=$(printf '%s\n' "${peer[@]}" | median)
  awk -v n="$n" -v o="$o" -v p="$p" -v t="$type" 'BEGIN {
    printf "%-28s fpgarun %7.1f M values/s   ap_types g++ -O3 %7.1f M values/s   ratio %.2fx (outputs identical)\n",
      t, n / o * 1e3, n / p * 1e3, p / o }'
done
