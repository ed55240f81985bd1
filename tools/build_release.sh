#!/usr/bin/env bash
# The release build of the `fpgarun` binary, the one place its flags live (the Makefile and the
# benchmark scripts call this). The Swift runtime and Foundation are linked statically: the binary
# then runs on a host with no Swift toolchain installed (an FPGA host), and starts ~15 ms sooner,
# without binding the Swift libraries' symbols at every start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec "${SWIFT:-swift}" build -c release --product fpgarun --static-swift-stdlib "$@"
