#!/usr/bin/env bash
# Runs the tests of some ctest labels RUNS times in a row with CPU hogs
# beside them, to show that they wait on conditions rather than on time
# (docs/testing.md, Waiting). Stops at the first failing run; prints one line
# per run and the total.
#
# usage: repeat-under-load.sh RUNS LABEL_REGEX [HOGS]
#   e.g. repeat-under-load.sh 10 '^(viewer|supervision)$' 1
# Environment: VIGIL_BUILD_DIR (default build/), VIGIL_REPEAT_JOBS (ctest -j, default 4:
# two tests at a time, each takes two slots).
set -euo pipefail
runs=${1:?usage: repeat-under-load.sh RUNS LABEL_REGEX [HOGS]}
labels=${2:?usage: repeat-under-load.sh RUNS LABEL_REGEX [HOGS]}
hogs=${3:-1}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${VIGIL_BUILD_DIR:-$source_dir/build}
jobs=${VIGIL_REPEAT_JOBS:-4}

hog_pids=()
stop_hogs() {
  local pid
  for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_hogs EXIT
for ((hog = 0; hog < hogs; hog++)); do
  bash -c 'while :; do :; done' &
  hog_pids+=($!)
done
echo "$hogs CPU hog(s) running: ${hog_pids[*]}"

log_dir=$(mktemp -d /tmp/vigil-repeat.XXXXXX)
started=$SECONDS
for ((run = 1; run <= runs; run++)); do
  run_started=$SECONDS
  if ctest --test-dir "$build_dir" -L "$labels" -j "$jobs" --output-on-failure > "$log_dir/run-$run.log" 2>&1; then
    echo "run $run/$runs: passed ($(grep -Eo '[0-9]+ tests passed|tests passed, [0-9]+ tests failed out of [0-9]+' \
      "$log_dir/run-$run.log" | tail -1), $((SECONDS - run_started)) s)"
  else
    echo "run $run/$runs: FAILED after $((SECONDS - run_started)) s; log: $log_dir/run-$run.log"
    grep -E '\*\*\*Failed|\*\*\*Timeout|Failed  ' "$log_dir/run-$run.log" || true
    exit 1
  fi
done
echo "$runs runs of -L '$labels' passed with $hogs CPU hog(s) in $((SECONDS - started)) s; logs: $log_dir"
