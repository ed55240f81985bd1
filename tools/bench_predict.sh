#!/usr/bin/env bash
# Runs tools/bench_predict.py in the hls4ml venv after a release build of fpgarun.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py="$(bash tools/hls4ml_env.sh | tail -n1)"
bash tools/build_release.sh 2>&1 | grep -E "error|warning: unre" && exit 1 || true
exec "$py" tools/bench_predict.py "$@"
