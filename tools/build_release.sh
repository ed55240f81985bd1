#!/usr/bin/env bash
# The release build of the `fpgarun` binary, the one place its flags live (the Makefile and the
# benchmark scripts call this). The Swift runtime and Foundation are linked statically: the binary
# then runs on a host with no Swift toolchain installed (an FPGA host), and starts ~15 ms sooner,
# without binding the Swift libraries' symbols at every start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Linked with lld and packed relative relocations (DT_RELR, glibc >= 2.36): the ~83k relocations
# of the position-independent binary take 16 KB instead of 2 MB, and the loader applies them
# sooner (a 16-sample predict 24.2 -> 23.7 ms, medians of 31 interleaved runs). gold, the
# default linker here, has no RELR.
exec "${SWIFT:-swift}" build -c release --product fpgarun --static-swift-stdlib \
    -Xswiftc -use-ld=lld -Xlinker -zpack-relative-relocs "$@"
