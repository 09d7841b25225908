#!/usr/bin/env bash
# Sanitized builds and the tests they are for (docs/testing.md):
#   bash scripts/sanitize.sh address,undefined   # ASan + UBSan: every unit test and the hostile scenarios
#   bash scripts/sanitize.sh thread              # TSan: the actor and supervision tests
#   bash scripts/sanitize.sh ci                  # ASan + UBSan: the protocol and codec unit tests only
#                                                # (meant for CI; see docs/testing.md)
# Builds only what those tests need into build-asan/ or build-tsan/
# ($VIGIL_SANITIZE_BUILD_DIR), then runs them; any sanitizer report ends the
# process, so it fails the test it happens in. Extra arguments go to ctest.
# The fuzz targets (scripts/fuzz.sh) are ASan + UBSan builds too: every run
# replays each target's committed corpus under both first.
set -euo pipefail
mode=${1:?usage: scripts/sanitize.sh address,undefined|thread|ci [ctest arguments]}
shift
source_dir=$(cd "$(dirname "$0")/.." && pwd)
case "$mode" in
  address,undefined|undefined,address|ci)
    sanitizers=address,undefined
    build_dir=${VIGIL_SANITIZE_BUILD_DIR:-$source_dir/build-asan}
    if [ "$mode" = ci ]; then
      # Everything a server's bytes reach without an actor in between.
      targets=(vigil_protocol_tests vigil_codec_tests)
      labels=protocol
    else
      targets=(unit_tests hostile_tests)
      labels='unit|hostile'
    fi
    # Leak checking stays on; CAF's and the libraries' process-lifetime singletons are not leaks.
    # A smaller quarantine keeps the hostile scenarios' RSS measurements near the real client's.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0:quarantine_size_mb=64}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$source_dir/tests/sanitizers/lsan.supp:print_suppressions=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    ;;
  thread)
    sanitizers=thread
    build_dir=${VIGIL_SANITIZE_BUILD_DIR:-$source_dir/build-tsan}
    targets=(supervision_tests)
    labels='supervision'
    # Debian's libcaf is not instrumented: its own synchronisation is invisible to TSan.
    export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$source_dir/tests/sanitizers/tsan.supp}
    ;;
  *) echo "sanitize: unknown mode '$mode' (address,undefined, thread or ci)" >&2; exit 64 ;;
esac
# -O1 -g1: quicker to build than -O2 -g, still with line numbers in every report.
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1" \
  -DVIGIL_SANITIZE="$sanitizers" >/dev/null
if ! ninja -C "$build_dir" -j "${VIGIL_BUILD_JOBS:-$(nproc)}" "${targets[@]}" >"$build_dir/build.log" 2>&1; then
  echo "sanitize: building ${targets[*]} failed (log $build_dir/build.log):" >&2
  grep -E -A12 '^FAILED' "$build_dir/build.log" >&2 || tail -n 40 "$build_dir/build.log" >&2
  exit 1
fi
cd "$build_dir"
ctest --output-on-failure -j "${VIGIL_CTEST_JOBS:-4}" --timeout 900 -L "$labels" "$@"
