#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (as root): installs every
# package, builds, runs a short fuzz smoke run of every fuzz target (ASan +
# UBSan, replaying the committed corpora first), the sanitizer job (the
# protocol and codec unit tests and the hostile-server scenarios with ASan +
# UBSan: scripts/sanitize.sh ci, docs/testing.md) and every other test (unit,
# real-QEMU integration, the 540 s K1 idle soak), then the hostile scenarios
# against the plain client.
# VIGIL_SOAK_SECONDS shortens the soak; VIGIL_FUZZ_SECONDS sets the fuzz smoke length.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${VIGIL_BUILD_DIR:-$source_dir/build}

bash "$source_dir/scripts/install-deps.sh"
bash "$source_dir/scripts/build.sh"
bash "$source_dir/scripts/fuzz.sh" "${VIGIL_FUZZ_SECONDS:-5}"
status=0
# Links the two builds above into a sanitized client and unit tests (no
# compiling); the hostile scenarios run here only, against that client.
bash "$source_dir/scripts/sanitize.sh" ci || status=$?
cd "$build_dir"
# Two busy tests at a time (each takes 2 of the 5 slots; every integration test
# starts its own QEMU on free ports), and beside them the mostly idle 9-minute
# soak, which takes 1 slot and starts first (tests/cmake/vigil_test.cmake).
ctest --output-on-failure -j 5 --timeout 900 -LE hostile || status=$?
# The hostile scenarios once more, against the plain client (the one users
# run): a client that keeps up under ASan can still fail one uninstrumented
# (a write path that sent each PONG at once no longer filled the write
# buffer's bound for the stop-reading server; docs/testing.md).
ctest --output-on-failure -j 4 --timeout 900 -L hostile || status=$?
exit $status
