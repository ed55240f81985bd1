#!/usr/bin/env bash
# Runtime overhead per batch and peak RSS on the emulated device (issue 5); see tools/bench_runtime.py.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tools/setup.sh >/dev/null
bash tools/build_release.sh 2>&1 | grep -E "error" && exit 1 || true
exec python3 tools/bench_runtime.py "$@"
