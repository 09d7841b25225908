#!/usr/bin/env bash
# Sanitized builds and the tests they are for (docs/testing.md, "Sanitizers"):
#   bash scripts/sanitize.sh address,undefined   # ASan + UBSan, everything instrumented (build-asan/):
#                                                # every unit test and the hostile scenarios
#   bash scripts/sanitize.sh thread              # TSan (build-tsan/): the actor and supervisor unit tests,
#                                                # then the supervision scenarios against a TSan vigil
#   bash scripts/sanitize.sh integration         # ASan + UBSan vigil (build-asan/) under the main build's
#                                                # cli, server and qemu tests (long: docs/testing.md)
#   bash scripts/sanitize.sh ci                  # CI's job, from what CI already built: the protocol
#                                                # and codec unit tests and the hostile scenarios
# address,undefined and thread build only what their tests need into
# build-asan/ or build-tsan/ ($VIGIL_SANITIZE_BUILD_DIR), then run them; any
# sanitizer report ends the process, so it fails the test it happens in.
# Extra arguments go to ctest.
#
# thread and integration run the main build's (build/, $VIGIL_BUILD_DIR)
# test executables, built first, against the sanitized vigil ($VIGIL_BINARY,
# tests/support/client_run.cpp): only the client is instrumented, not the
# test servers or the test code. integration's default selection is
# -L 'cli|server|qemu' -LE 'hostile|soak|guest|viewer' (the hostile
# scenarios run in address,undefined; the soak is 9 minutes of idle; the
# guest and window tests need Xvfb and minutes each); arguments replace it.
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
  # What ASan adds to the client's peak RSS (shadow, that quarantine, bigger
  # code), measured: docs/performance.md. The hostile scenarios allow it on
  # top of the budget and the plain client's fixed overhead.
  export VIGIL_SANITIZER_RSS_OVERHEAD_MIB=${VIGIL_SANITIZER_RSS_OVERHEAD_MIB:-320}
  # The stop-reading scenario's display handles ~3,600 PINGs a read; under
  # ASan on a loaded machine one read took more than the 1 s heartbeat
  # deadline and display was restarted as stuck before its write buffer
  # overflowed (docs/testing.md). That scenario's deadline, for this client.
  export VIGIL_SANITIZER_HEARTBEAT_DEADLINE_MS=${VIGIL_SANITIZER_HEARTBEAT_DEADLINE_MS:-3000}
}

tsan_environment() {
  # Debian's libcaf is not instrumented: its own synchronisation is invisible
  # to TSan (tests/sanitizers/tsan.supp). ignore_noninstrumented_modules:
  # what libcaf does through TSan's interceptors (freeing and copying the
  # messages we hand it) is not tracked either; without it, reports about
  # those, suppressed one by one, took the display channel past its 1 s
  # heartbeat deadline (docs/testing.md).
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$source_dir/tests/sanitizers/tsan.supp}
  # The flood against slow consumers wants display to read 5 MB in 12 s; the
  # TSan client decodes QUIC ~5x slower and read 3.0-3.9 MB on a loaded
  # machine (docs/testing.md). Half the lowest seen, three times what a
  # display that stops reading can get (8 unconsumed 64 KiB chunks).
  export VIGIL_SANITIZER_FLOOD_FLOOR_MB=${VIGIL_SANITIZER_FLOOD_FLOOR_MB:-1.5}
}

# build_sanitized SANITIZERS DIR TARGET...: an -O1 -g1 build of TARGETs, every
# translation unit instrumented (-O1 -g1: quicker to build than -O2 -g, still
# with line numbers in every report).
build_sanitized() {
  local sanitizers=$1 dir=$2
  shift 2
  cmake -S "$source_dir" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1" \
    -DVIGIL_SANITIZE="$sanitizers" >/dev/null
  if ! ninja -C "$dir" -j "${VIGIL_BUILD_JOBS:-$(nproc)}" "$@" >"$dir/build.log" 2>&1; then
    echo "sanitize: building $* failed (log $dir/build.log):" >&2
    grep -E -A12 '^FAILED' "$dir/build.log" >&2 || tail -n 40 "$dir/build.log" >&2
    exit 1
  fi
}

# build_main TARGET...: the main build's test executables the sanitized client runs under.
build_main() {
  main_build=${VIGIL_BUILD_DIR:-$source_dir/build}
  [ -f "$main_build/build.ninja" ] || { echo "sanitize: $main_build not configured (scripts/build.sh)" >&2; exit 1; }
  ninja -C "$main_build" -j "${VIGIL_BUILD_JOBS:-$(nproc)}" "$@" >/dev/null
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
  # The hostile scenarios as built, against the sanitized client.
  cd "$main_build"
  VIGIL_BINARY=$out/vigil ctest --output-on-failure -j "${VIGIL_CTEST_JOBS:-4}" --timeout 900 -L hostile "$@" || status=1
  exit $status
fi

case "$mode" in
  address,undefined|undefined,address)
    build_dir=${VIGIL_SANITIZE_BUILD_DIR:-$source_dir/build-asan}
    asan_environment
    build_sanitized address,undefined "$build_dir" unit_tests hostile_tests
    cd "$build_dir"
    ctest --output-on-failure -j "${VIGIL_CTEST_JOBS:-4}" --timeout 900 -L 'unit|hostile' "$@"
    ;;
  thread)
    build_dir=${VIGIL_SANITIZE_BUILD_DIR:-$source_dir/build-tsan}
    tsan_environment
    build_sanitized thread "$build_dir" vigil vigil_supervision_unit_tests vigil_supervisor_logic_tests
    build_main vigil_supervision_scenarios vigil-test-server
    status=0
    ctest --test-dir "$build_dir" --output-on-failure --timeout 900 -L 'unit' -R '^supervis' "$@" || status=1
    # Scenarios one at a time: TSan makes the client several times slower.
    VIGIL_BINARY=$build_dir/ui/vigil ctest --test-dir "$main_build" --output-on-failure --timeout 900 \
      -L supervision -LE unit "$@" || status=1
    exit $status
    ;;
  integration)
    build_dir=${VIGIL_SANITIZE_BUILD_DIR:-$source_dir/build-asan}
    asan_environment
    build_sanitized address,undefined "$build_dir" vigil
    build_main all
    export VIGIL_BINARY=$build_dir/ui/vigil
    run_ctest() { ctest --test-dir "$main_build" --output-on-failure -j "${VIGIL_CTEST_JOBS:-4}" --timeout 900 "$@"; }
    [ $# -eq 0 ] || { run_ctest "$@"; exit; }
    # The deployment tests that open a window (password prompts, --wait)
    # run with leak checking off: Mesa's llvmpipe driver, loaded by the GL
    # context and unloaded before exit, leaves 128 bytes that LeakSanitizer
    # attributes to "<unknown module>", which no suppression can name (and
    # its slow unwinder makes the window miss the tests' deadlines).
    window_tests='^vigil_deployment_tests[.](window_|escape_in_the_password_field)'
    # The DIGEST-MD5 tests run with the slow unwinder (too slow for the TLS
    # ones, which miss their deadlines with it): libsasl2's DIGEST-MD5 plugin
    # never frees the cipher it fetches for its security layer, and only a
    # full stack reaches the plugin that lsan.supp names (the fast one stops
    # inside libcrypto, which has no frame pointers).
    sasl_tests='^vigil_deployment_tests[.](plain_tcp_uses_digest_md5|wrong_password_wrong_user|sasl_on_a_terminal)'
    status=0
    run_ctest -L 'cli|server|qemu' -LE 'hostile|soak|guest|viewer' -E "$window_tests|$sasl_tests" || status=1
    ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0 run_ctest -R "$sasl_tests" || status=1
    ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 run_ctest -R "$window_tests" || status=1
    exit $status
    ;;
  *) echo "sanitize: unknown mode '$mode' (address,undefined, thread, integration or ci)" >&2; exit 64 ;;
esac
