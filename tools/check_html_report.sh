#!/usr/bin/env bash
# Renders fpgarun's HTML report in a real headless browser (Debian's chromium) and checks from the
# screenshot's pixels that the plots rendered: the network graph (node outline #4a6fa5), the precision
# profile (weights #1f77b4, activations #ff7f0e, format band #c8ced6) and the bench bars (#2ca02c).
# Run by hand (needs root to install chromium the first time; not part of `make test`):
#   tools/check_html_report.sh [CONFIG.yml] [OUT_DIR]
# Exit 0 when every plot is found, 1 otherwise. The screenshot is left in OUT_DIR/report.png.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-tools/example/jet_tagger.yml}
out=${2:-$(mktemp -d /tmp/fpgarun-html.XXXXXX)}
mkdir -p "$out"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "check_html_report: installing Debian's chromium (apt-get)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    browser=$(command -v chromium)
fi
python3 -c 'import numpy' 2>/dev/null || { echo "check_html_report: needs numpy (tools/setup.sh installs it)" >&2; exit 1; }

fpgarun=${FPGARUN:-.build/debug/fpgarun}
[ -x "$fpgarun" ] || nice swift build --product fpgarun >/dev/null
# A real bench result: the bundled example on the emulated device (bench builds it on first use).
"$fpgarun" bench --samples 5000 --batch 256 --json "$out/bench.json" >/dev/null
input_args=()
[ -f tools/example/jet_tagger_x.npy ] && [ "$config" = tools/example/jet_tagger.yml ] && input_args=(--input tools/example/jet_tagger_x.npy)
"$fpgarun" report --config "$config" --html "$out/report.html" --bench "$out/bench.json" "${input_args[@]}"
grep -q 'http[s]*://[^"]*\.\(js\|css\)' "$out/report.html" && { echo "FAIL: the page references external resources"; exit 1; }

# --no-sandbox: chromium refuses to run as root with its sandbox.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,3200 \
    --screenshot="$out/report.png" "file://$(realpath "$out/report.html")" >/dev/null 2>&1 || true
[ -s "$out/report.png" ] || { echo "FAIL: chromium wrote no screenshot"; exit 1; }

python3 - "$out/report.png" <<'PY'
import sys, zlib, struct
import numpy as np

def read_png(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, w = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10]); assert depth == 8 and ctype in (2, 6)
            ch = 3 if ctype == 2 else 4
        elif kind == b'IDAT': idat += body
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * ch)
    out = np.zeros((h, w * ch), np.int32); prev = np.zeros(w * ch, np.int32)
    for y in range(h):  # PNG filters, row by row
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if f == 0: cur = line
        elif f == 2: cur = (line + prev) & 255
        else:
            cur = np.zeros_like(line)
            for x in range(w * ch):
                a = cur[x - ch] if x >= ch else 0; b = prev[x]; c = prev[x - ch] if x >= ch else 0
                if f == 1: p = a
                elif f == 3: p = (a + b) // 2
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (line[x] + p) & 255
        out[y] = cur; prev = cur
    return out.reshape(h, w, ch)[:, :, :3]

img = read_png(sys.argv[1])
def count(rgb, tol=18):
    return int((np.abs(img - np.array(rgb)).max(axis=2) <= tol).sum())
checks = {
    'network graph (node outlines #4a6fa5)': count((0x4a, 0x6f, 0xa5)),
    'profile: weights (#1f77b4)': count((0x1f, 0x77, 0xb4)),
    'profile: activations (#ff7f0e)': count((0xff, 0x7f, 0x0e), tol=24),
    'profile: format range (#c8ced6)': count((0xc8, 0xce, 0xd6), tol=6),
    'bench latency bars (#2ca02c)': count((0x2c, 0xa0, 0x2c)),
}
print(f'screenshot {img.shape[1]}x{img.shape[0]} px')
ok = True
for name, n in checks.items():
    good = n >= 200
    ok &= good
    print(f"{'ok  ' if good else 'FAIL'} {name}: {n} pixels")
sys.exit(0 if ok else 1)
PY
status=$?
echo "screenshot: $out/report.png"
exit $status
