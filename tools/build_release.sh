#!/usr/bin/env bash
# The release build of the `fpgarun` binary and its XRT support library, the one place their flags
# live (the Makefile and the benchmark scripts call this). The Swift runtime and Foundation are linked statically: the binary
# then runs on a host with no Swift toolchain installed (an FPGA host), and starts ~15 ms sooner,
# without binding the Swift libraries' symbols at every start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Linked with lld and packed relative relocations (DT_RELR, glibc >= 2.36): the ~83k relocations
# of the position-independent binary take 16 KB instead of 2 MB, and the loader applies them
# sooner (a 16-sample predict 24.2 -> 23.7 ms, medians of 31 interleaved runs). gold, the
# default linker here, has no RELR.
# The same flags for both products (SwiftPM builds one product per call; a second call with other
# flags would rebuild everything). libFPGARunXRT.so, XRT support, goes beside the binary, where
# fpgarun loads it from when a command uses a card (Sources/CXRT).
for product in fpgarun FPGARunXRT; do
    "${SWIFT:-swift}" build -c release --product "$product" --static-swift-stdlib \
        -Xswiftc -use-ld=lld -Xlinker -zpack-relative-relocs -Xlinker --as-needed "$@"
done
