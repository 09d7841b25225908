#!/usr/bin/env bash
# Sanitized builds and the tests they are for (docs/testing.md, "Sanitizers"):
#   bash scripts/sanitize.sh address,undefined   # ASan + UBSan, everything instrumented (build-asan/):
#                                                # every unit test and the hostile scenarios
#   bash scripts/sanitize.sh thread              # TSan (build-tsan/): the actor and supervision tests
#   bash scripts/sanitize.sh ci                  # CI's job, from what CI already built: the protocol
#                                                # and codec unit tests and the hostile scenarios
# address,undefined and thread build only what their tests need into
# build-asan/ or build-tsan/ ($VIGIL_SANITIZE_BUILD_DIR), then run them; any
# sanitizer report ends the process, so it fails the test it happens in.
# Extra arguments go to ctest.
#
# ci compiles nothing: it links the main build's (build/, $VIGIL_BUILD_DIR)
# vigil and protocol/codec unit-test objects against the fuzz build's
# (build-fuzz/, $VIGIL_FUZZ_BUILD_DIR) libvigil_protocol.a, which clang
# instruments with ASan + UBSan for the fuzz targets, into build-asan-ci/
# ($VIGIL_SANITIZE_BUILD_DIR). Every parser, codec, the canvas, the display
# pipeline, framing, vdagent reassembly and the memory budget are then
# checked by both; the rest (actors, supervisors, UI) runs uninstrumented but
# under ASan's allocator and interceptors (double or bad frees, overflowing
# memcpy/memset, leaks). Three links instead of a second build of the client:
# a cold sanitized build of it does not fit CI's 30 minutes.
# The fuzz targets (scripts/fuzz.sh) are ASan + UBSan builds too: every run
# replays each target's committed corpus under both first.
set -euo pipefail
mode=${1:?usage: scripts/sanitize.sh address,undefined|thread|ci [ctest arguments]}
shift
source_dir=$(cd "$(dirname "$0")/.." && pwd)

asan_environment() {
  # Leak checking stays on; the libraries' process-lifetime singletons are not
  # leaks (tests/sanitizers/lsan.supp says which and why). A smaller quarantine
  # keeps the hostile scenarios' RSS measurements near the real client's.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0:quarantine_size_mb=64}
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$source_dir/tests/sanitizers/lsan.supp:print_suppressions=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$source_dir/tests/sanitizers/ubsan.supp}
}

if [ "$mode" = ci ]; then
  main_build=${VIGIL_BUILD_DIR:-$source_dir/build}
  fuzz_build=${VIGIL_FUZZ_BUILD_DIR:-$source_dir/build-fuzz}
  out=${VIGIL_SANITIZE_BUILD_DIR:-$source_dir/build-asan-ci}
  protocol_lib=$fuzz_build/protocol/libvigil_protocol.a
  for needed in "$main_build/build.ninja" "$protocol_lib"; do
    [ -f "$needed" ] || { echo "sanitize ci: $needed missing (scripts/build.sh, then scripts/fuzz.sh)" >&2; exit 1; }
  done
  mkdir -p "$out"
  # relink TARGET: the main build's link line for TARGET with clang and the
  # sanitizers, the instrumented protocol library and $out/TARGET as output.
  relink() {
    local line
    line=$(ninja -C "$main_build" -t commands "$1" | tail -n 1 | sed -e 's/^: && //' -e 's/ && :$//')
    line=$(sed -E -e 's#^[^ ]+ #clang++ -fsanitize=address,undefined #' \
                  -e "s# -o [^ ]+ # -o $out/$1 #" \
                  -e "s# protocol/libvigil_protocol\\.a # $protocol_lib #g" <<<"$line")
    grep -q -- "$protocol_lib" <<<"$line" || { echo "sanitize ci: $1 does not link protocol/libvigil_protocol.a" >&2; exit 1; }
    (cd "$main_build" && bash -c "$line") || { echo "sanitize ci: linking $1 failed" >&2; exit 1; }
  }
  started=$SECONDS
  ninja -C "$main_build" vigil vigil_protocol_tests vigil_codec_tests vigil-hostile-server vigil_hostile_scenarios >/dev/null
  for target in vigil vigil_protocol_tests vigil_codec_tests; do
    relink "$target"
  done
  echo "sanitize ci: linked vigil and the protocol and codec unit tests with ASan + UBSan in $((SECONDS - started)) s"
  asan_environment
  status=0
  for tests in vigil_protocol_tests vigil_codec_tests; do
    started=$SECONDS
    if timeout 600 "$out/$tests" >"$out/$tests.log" 2>&1; then
      echo "sanitize ci: $tests passed under ASan + UBSan ($((SECONDS - started)) s)"
    else
      echo "sanitize ci: $tests FAILED under ASan + UBSan (log $out/$tests.log):" >&2
      tail -n 60 "$out/$tests.log" >&2
      status=1
    fi
  done
  # The hostile scenarios as built, against the sanitized client; all but
  # mouse-mode flapping, which runs against the plain one: under ASan, main
  # reads MOUSE_MODE slower than the server floods it, and PINGs queued behind
  # megabytes of it go unanswered for more than 10 s (docs/testing.md).
  cd "$main_build"
  VIGIL_BINARY=$out/vigil ctest --output-on-failure -j "${VIGIL_CTEST_JOBS:-4}" --timeout 900 -L hostile \
    -E mouse_mode_flapping "$@" || status=1
  ctest --output-on-failure --timeout 900 -L hostile -R mouse_mode_flapping "$@" || status=1
  exit $status
fi

case "$mode" in
  address,undefined|undefined,address)
    sanitizers=address,undefined
    build_dir=${VIGIL_SANITIZE_BUILD_DIR:-$source_dir/build-asan}
    targets=(unit_tests hostile_tests)
    labels='unit|hostile'
    asan_environment
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
