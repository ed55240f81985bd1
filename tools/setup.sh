#!/usr/bin/env bash
# Installs what fpgarun needs on a Debian 12 machine, skipping whatever is already there:
#   - Debian packages (compilers, XRT, libpci, libhdf5, ...)
#   - python3 with numpy (for tools/ scripts)
#   - the real ap_types headers, unpacked from the hls4ml wheel on PyPI into .cache/ap_types
# Idempotent; each failed step stops with a message naming it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache"
say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

apt_packages=(g++ make pkg-config libxrt-dev uuid-dev libpci-dev libhdf5-dev python3 python3-pip unzip)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
    sudo="sudo"
  fi
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi

command -v swift >/dev/null || die "no 'swift' on PATH: install the Swift 6 toolchain first"

if ! python3 -c 'import numpy' 2>/dev/null; then
  say "installing numpy for python3"
  python3 -m pip install -q numpy 2>/dev/null || python3 -m pip install -q --break-system-packages numpy \
    || die "pip install numpy failed"
fi

aptypes="$cache/ap_types"
if [ ! -f "$aptypes/ap_fixed.h" ]; then
  say "fetching ap_types headers from the hls4ml==1.3.0 wheel"
  mkdir -p "$cache/wheels"
  ls "$cache/wheels"/hls4ml-1.3.0-*.whl >/dev/null 2>&1 \
    || python3 -m pip download -q --no-deps -d "$cache/wheels" hls4ml==1.3.0 \
    || die "pip download hls4ml==1.3.0 failed (is PyPI reachable?)"
  tmp="$(mktemp -d "$cache/ap_types.XXXXXX")"
  python3 - "$cache/wheels" "$tmp" <<'PY' || { rm -rf "$tmp"; exit 1; }
import glob, os, sys, zipfile
wheel = sorted(glob.glob(os.path.join(sys.argv[1], "hls4ml-1.3.0-*.whl")))[0]
prefix = "hls4ml/templates/vivado/ap_types/"
n = 0
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            dest = os.path.join(sys.argv[2], name[len(prefix):])
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with z.open(name) as src, open(dest, "wb") as out:
                out.write(src.read())
            n += 1
if n == 0 or not os.path.exists(os.path.join(sys.argv[2], "ap_fixed.h")):
    sys.exit("setup: error: no ap_types headers found in " + wheel)
PY
  rm -rf "$aptypes"
  mv "$tmp" "$aptypes"
fi
# XRT loads its driver library from $XILINX_XRT/lib/libxrt_<mode>.so.2 (xrt_core, or xrt_noop under
# XCL_EMULATION_MODE=noop). Debian's libxrt1 puts them in the multiarch folder, where no XILINX_XRT can
# point, so .cache/xrt/lib holds symlinks to them; Xilinx's own /opt/xilinx/xrt needs none of this.
xrtroot="$cache/xrt"
xrtlib="$(ls /usr/lib/*/libxrt_coreutil.so.2 2>/dev/null | head -n1 || true)"
if [ -n "$xrtlib" ]; then
  mkdir -p "$xrtroot/lib"
  for f in "$(dirname "$xrtlib")"/libxrt_*.so.2; do
    ln -sfn "$f" "$xrtroot/lib/$(basename "$f")"
  done
  xrt_note="XILINX_XRT for Debian's XRT: export XILINX_XRT=$xrtroot"
else
  xrt_note="no Debian XRT libraries found (libxrt1); XRTDevice needs XILINX_XRT"
fi
say "ready (ap_types in ${aptypes#$root/}; $xrt_note)"
