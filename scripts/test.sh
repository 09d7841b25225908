#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (as root): installs every
# package, builds, runs all tests (unit, real-QEMU integration, the 540 s K1
# idle soak) and a short fuzz smoke run of every parser.
# VIGIL_SOAK_SECONDS shortens the soak; VIGIL_FUZZ_SECONDS sets the fuzz smoke length.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${VIGIL_BUILD_DIR:-$source_dir/build}

bash "$source_dir/scripts/install-deps.sh"
bash "$source_dir/scripts/build.sh"
bash "$source_dir/scripts/fuzz.sh" "${VIGIL_FUZZ_SECONDS:-5}"
cd "$build_dir"
# Two busy tests at a time (each takes 2 of the 5 slots; every integration test
# starts its own QEMU on free ports), and beside them the mostly idle 9-minute
# soak, which takes 1 slot and starts first (tests/cmake/vigil_test.cmake).
ctest --output-on-failure -j 5 --timeout 900
