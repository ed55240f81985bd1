#!/usr/bin/env bash
# Firmware/ C-sim tests: fpgarun's HLS layer templates against hls4ml 1.3.0's C simulation, bit for bit.
#
#   tools/test_firmware.sh [case ...]      all converted cases of Tests/Fixtures/hls4ml by default
#
# 1. tools/prep_firmware_tests.py turns every golden case into generated C++ (typedefs, fpgarun config
#    structs, weights as hls4ml's decimal text, run functions) plus raw float64 inputs/outputs, under
#    .cache/firmware-tests/.
# 2. Tests/Firmware/run_cases.cpp (one program per group of cases), Tests/Firmware/test_tables.cpp and
#    Tests/Firmware/test_vs_hls4ml.cpp are compiled with g++ -std=c++14 and again with -std=c++17 (-O1 -Wall
#    -Werror=return-type -Wno-unknown-pragmas), two compilers at a time under nice.
# 3. The programs compare exactly: every traced layer (fed with its golden inputs), every whole model (all
#    samples vs y.npy), every lookup table, and (test_vs_hls4ml) fpgarun against hls4ml's own nnet_utils
#    headers on random bit patterns in formats the goldens do not reach (saturating/rounding accumulators).
# Prints FAIL lines, warnings that point into Firmware/ or Tests/Firmware/, and "N passed, M failed"
# (over both language standards); exits 1 on any failure. Needs .cache/ap_types (tools/setup.sh) and the
# hls4ml venv's python (tools/hls4ml_env.sh, created on first use). Zoo cases need ../shared/zoo.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf 'test_firmware: %s\n' "$*"; }
die() { printf 'test_firmware: error: %s\n' "$*" >&2; exit 2; }

[ -f .cache/ap_types/ap_fixed.h ] || die ".cache/ap_types/ap_fixed.h is missing: run tools/setup.sh"
command -v g++ >/dev/null || die "no g++ on PATH"
py=.cache/hls4ml-venv/bin/python
if ! [ -x "$py" ] || ! "$py" -c 'import h5py, numpy, yaml' 2>/dev/null; then
  py="$(tools/hls4ml_env.sh | tail -n 1)" || die "tools/hls4ml_env.sh failed"
fi

work=.cache/firmware-tests
groups=6
"$py" tools/prep_firmware_tests.py --groups "$groups" "$@" || die "tools/prep_firmware_tests.py failed"
mkdir -p "$work/bin" "$work/log"
rm -f "$work"/bin/* "$work"/log/*

# hls4ml's own headers, for the differential test (found without importing the package).
spec="$("$py" -c 'import importlib.util as u; print(u.find_spec("hls4ml").origin)')" || die "hls4ml is not installed for $py"
tmpl="$(dirname "$spec")/templates"
[ -f "$tmpl/vivado/nnet_utils/nnet_dense.h" ] || die "no nnet_utils headers under $tmpl"

# name|source|argument|extra flags
programs=("tables|Tests/Firmware/test_tables.cpp|$work/tables|"
  "vs-hls4ml|Tests/Firmware/test_vs_hls4ml.cpp||-I$tmpl/vitis/nnet_utils -I$tmpl/vivado -I$tmpl/vivado/nnet_utils")
for g in "$work"/gen/group*.inc; do
  k="$(basename "$g" .inc)"
  programs+=("$k|Tests/Firmware/run_cases.cpp|$work/data|-DFPGARUN_CASES=\"$k.inc\"")
done

compile() { # std name source flags
  local std="$1" name="$2" src="$3" flags="$4"
  # shellcheck disable=SC2086
  if ! nice -n 10 g++ -std=c++"$std" -O1 -Wall -Werror=return-type -Wno-unknown-pragmas \
      -IFirmware -ITests/Firmware -I"$work/gen" -isystem .cache/ap_types $flags \
      "$src" -o "$work/bin/$name-c++$std" >"$work/log/$name-c++$std.txt" 2>&1; then
    echo "compile failed" >>"$work/log/$name-c++$std.txt"
  fi
}

start=$(date +%s)
say "compiling ${#programs[@]} programs x 2 standards (logs: $work/log)"
running=0
for std in 14 17; do
  for p in "${programs[@]}"; do
    IFS='|' read -r name src _ flags <<<"$p"
    compile "$std" "$name" "$src" "$flags" &
    running=$((running + 1))
    if [ "$running" -ge 2 ]; then
      wait -n
      running=$((running - 1))
    fi
  done
done
wait

passed=0
failed=0
for std in 14 17; do
  for p in "${programs[@]}"; do
    IFS='|' read -r name _ arg _ <<<"$p"
    log="$work/log/$name-c++$std.txt"
    exe="$work/bin/$name-c++$std"
    # ap_types itself warns under -Wall (uninitialised reads in its own constructors); show only ours.
    if grep -E '^(Firmware|Tests/Firmware)/[^:]+:[0-9]+:[0-9]+: (warning|error)' "$log"; then
      say "c++$std $name: the lines above are compiler diagnostics in fpgarun's own files"
      failed=$((failed + 1))
    fi
    if [ ! -x "$exe" ]; then
      grep -E 'error' "$log" | head -n 20
      say "FAIL c++$std $name: does not compile (see $log)"
      failed=$((failed + 1))
      continue
    fi
    # shellcheck disable=SC2086
    out="$("$exe" $arg 2>&1)" || true
    printf '%s\n' "$out" | grep -E '^FAIL' | sed "s/^/c++$std /" || true
    counts="$(printf '%s\n' "$out" | tail -n 1)"
    if [[ "$counts" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
      passed=$((passed + BASH_REMATCH[1]))
      failed=$((failed + BASH_REMATCH[2]))
    else
      say "FAIL c++$std $name: no summary line; output ends with: $counts"
      failed=$((failed + 1))
    fi
  done
done
if [ -s "$work/gen/skipped.txt" ]; then
  say "cases skipped by the prep step:"
  sed 's/^/  /' "$work/gen/skipped.txt"
fi
say "$(( $(date +%s) - start )) s for compiling and running"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
