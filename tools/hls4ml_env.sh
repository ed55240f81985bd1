#!/usr/bin/env bash
# Creates (idempotently) the Python venv used to make hls4ml 1.3.0 golden fixtures:
#   .cache/hls4ml-venv  with hls4ml==1.3.0 and its light dependencies (h5py, numpy, pyyaml, quantizers).
# No TensorFlow/Keras is needed for KerasJson+KerasH5 conversion nor for compile()/predict() (g++ C-sim).
#
#   tools/hls4ml_env.sh            base venv (hls4ml + h5py + numpy), ~10 s on a warm network
#   tools/hls4ml_env.sh --keras3   also keras 3 (+ jax, scipy): keras' numpy backend imports jax and scipy;
#                                  needed only by tools/make_keras3_fixtures.py
# Prints the venv's python path on the last line. Needs python3 (>= 3.10) with venv, and g++ for C-sim.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.cache/hls4ml-venv"
py="$venv/bin/python"
say() { printf 'hls4ml_env: %s\n' "$*" >&2; }
die() { printf 'hls4ml_env: error: %s\n' "$*" >&2; exit 1; }

want_keras3=0
for a in "$@"; do
  case "$a" in
    --keras3) want_keras3=1 ;;
    *) die "unknown argument '$a' (expected --keras3)" ;;
  esac
done

command -v python3 >/dev/null || die "no python3 on PATH"
command -v g++ >/dev/null || say "warning: no g++ on PATH: hls4ml compile()/predict() will fail"

if [ ! -x "$py" ]; then
  say "creating venv at $venv"
  mkdir -p "$root/.cache"
  python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$py" -m pip install -q --upgrade pip >/dev/null 2>&1 || say "warning: pip upgrade failed (continuing)"
fi

if ! "$py" -c 'import hls4ml, sys; sys.exit(0 if hls4ml.__version__ == "1.3.0" else 1)' 2>/dev/null; then
  say "installing hls4ml==1.3.0"
  # Reuse the wheel tools/setup.sh downloaded for the ap_types headers, when present.
  wheel="$(ls "$root"/.cache/wheels/hls4ml-1.3.0-*.whl 2>/dev/null | head -n1 || true)"
  if [ -n "$wheel" ]; then
    "$py" -m pip install -q "$wheel" || die "pip install $wheel failed"
  else
    "$py" -m pip install -q "hls4ml==1.3.0" || die "pip install hls4ml==1.3.0 failed (is PyPI reachable?)"
  fi
fi

if [ "$want_keras3" = 1 ]; then
  if ! "$py" -c 'import keras, jax, scipy' 2>/dev/null; then
    say "installing keras 3 + jax + scipy (keras' numpy backend imports both)"
    "$py" -m pip install -q "keras==3.15.1" "jax==0.10.2" "jaxlib==0.10.2" "scipy==1.17.1" \
      || die "pip install keras/jax/scipy failed"
  fi
fi

"$py" -c 'import hls4ml, h5py, numpy, yaml' || die "venv at $venv is broken: delete it and re-run"
echo "$py"
