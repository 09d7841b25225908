#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/ and runs
# each for N seconds (default 60) on a scratch copy of its seed corpus (the
# committed corpus: every crash found so far is in it as a regression case,
# and libFuzzer replays all of it before it mutates), with the -max_len of
# tests/fuzz/targets.conf. Prints executions and coverage per target. Fails
# if the build fails (with the compiler's errors), a target finds a crash
# (the reproducer is kept under build-fuzz/artifacts/) or a target is missing.
# The long campaign is scripts/fuzz-campaign.sh.
set -euo pipefail
seconds=${1:-60}
source "$(dirname "$0")/fuzz-lib.sh"
fuzz_build
fuzz_check_targets

status=0
while read -r name max_len kind; do
  work=$(mktemp -d)
  seeds="$fuzz_source_dir/tests/fuzz/corpus/$name"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
  log="$fuzz_build_dir/$name.log"
  if fuzz_run "$name" "$max_len" "$seconds" "$work" "$log"; then
    read -r execs cov ft corp < <(fuzz_figures "$log")
    echo "fuzz: $name ($kind) ran ${seconds}s: $execs inputs, coverage $cov edges / $ft features, corpus $corp, no crash"
  else
    echo "fuzz: $name FAILED; log $log, reproducer under $fuzz_build_dir/artifacts/$name/" >&2
    tail -n 30 "$log" >&2
    status=1
  fi
  rm -rf "$work"
done < <(fuzz_targets)
exit $status
