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
# libstdc++ (which the Swift runtime needs) is linked statically too: loading and binding the
# shared one took ~1.8 ms of every start (a 16-sample predict 20.2 -> 18.3 ms, medians of 41
# interleaved runs). SwiftPM's link line asks for -lstdc++ by name, and the linker takes the first
# folder that has it, so a folder holding only g++'s libstdc++.a goes first. --exclude-libs ALL
# (from swiftc) keeps its symbols private, so the libstdc++.so.6 XRT brings when a command loads it
# stays separate.
static_cxx="$PWD/.build/static-libstdcxx"
archive="$("${CXX:-g++}" -print-file-name=libstdc++.a)"
if [ ! -f "$archive" ]; then
    echo "build_release: no libstdc++.a from ${CXX:-g++} -print-file-name (install libstdc++-12-dev)" >&2
    exit 2
fi
mkdir -p "$static_cxx"
ln -sfn "$archive" "$static_cxx/libstdc++.a"
for product in fpgarun FPGARunXRT; do
    "${SWIFT:-swift}" build -c release --product "$product" --static-swift-stdlib \
        -Xswiftc -use-ld=lld -Xlinker -zpack-relative-relocs -Xlinker --as-needed -Xswiftc -L"$static_cxx" "$@"
done
