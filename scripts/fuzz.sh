#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/ and runs
# each for N seconds (default 60) on a scratch copy of its seed corpus.
# Exits non-zero if any target finds a crash; the reproducer is kept.
set -euo pipefail
seconds=${1:-60}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${VIGIL_FUZZ_BUILD_DIR:-$source_dir/build-fuzz}
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DVIGIL_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# Quiet when it builds; the compiler's and linker's words when it does not.
if ! ninja -C "$build_dir" -j "$(nproc)" >"$build_dir/build.log" 2>&1; then
  echo "fuzz: building the fuzz targets failed (log $build_dir/build.log):" >&2
  grep -E -A12 '^FAILED' "$build_dir/build.log" >&2 || tail -n 40 "$build_dir/build.log" >&2
  exit 1
fi

status=0
for target in "$build_dir"/tests/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  work=$(mktemp -d)
  seeds="$source_dir/tests/fuzz/corpus/$name"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
  artifacts="$build_dir/artifacts/$name/"
  mkdir -p "$artifacts"
  if "$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts" "$work" \
      >"$build_dir/$name.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build_dir/$name.log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz: $name ran ${seconds}s, $runs inputs, no crash"
  else
    echo "fuzz: $name FAILED; log $build_dir/$name.log, reproducer under $artifacts" >&2
    tail -n 30 "$build_dir/$name.log" >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status
