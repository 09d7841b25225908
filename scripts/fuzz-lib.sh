# Shared by scripts/fuzz.sh and scripts/fuzz-campaign.sh (sourced, not run).
# The targets and their -max_len come from tests/fuzz/targets.conf.

fuzz_source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fuzz_build_dir=${VIGIL_FUZZ_BUILD_DIR:-$fuzz_source_dir/build-fuzz}
fuzz_conf=$fuzz_source_dir/tests/fuzz/targets.conf

# "name max_len kind" lines of targets.conf.
fuzz_targets() { grep -v '^\s*#' "$fuzz_conf" | awk 'NF >= 3 { print $1, $2, $3 }'; }

# Configures and builds every target (clang, ASan + UBSan, libFuzzer).
# Quiet when it builds; the compiler's and linker's words when it does not.
fuzz_build() {
  cmake -S "$fuzz_source_dir" -B "$fuzz_build_dir" -G Ninja -DVIGIL_FUZZ=ON \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  if ! ninja -C "$fuzz_build_dir" -j "${VIGIL_BUILD_JOBS:-$(nproc)}" >"$fuzz_build_dir/build.log" 2>&1; then
    echo "fuzz: building the fuzz targets failed (log $fuzz_build_dir/build.log):" >&2
    grep -E -A12 '^FAILED' "$fuzz_build_dir/build.log" >&2 || tail -n 40 "$fuzz_build_dir/build.log" >&2
    return 1
  fi
}

# Fails when a target source is not listed, or a listed target has no source
# or was not built: a fuzzer that silently stops running is a fuzzer lost.
fuzz_check_targets() {
  local problems=0 listed name
  listed=$(fuzz_targets | awk '{ print $1 }')
  for source in "$fuzz_source_dir"/tests/fuzz/fuzz_*.cpp "$fuzz_source_dir"/tests/fuzz/codecs/fuzz_*.cpp; do
    name=$(basename "$source" .cpp)
    if ! grep -qx "$name" <<<"$listed"; then
      echo "fuzz: $name has a source but no line in tests/fuzz/targets.conf" >&2
      problems=1
    fi
  done
  for name in $listed; do
    if [ ! -f "$fuzz_source_dir/tests/fuzz/$name.cpp" ] && [ ! -f "$fuzz_source_dir/tests/fuzz/codecs/$name.cpp" ]; then
      echo "fuzz: $name is listed in tests/fuzz/targets.conf but has no source" >&2
      problems=1
    elif [ ! -x "$fuzz_build_dir/tests/fuzz/$name" ]; then
      echo "fuzz: $name was not built ($fuzz_build_dir/tests/fuzz/$name missing)" >&2
      problems=1
    fi
  done
  return $problems
}

# fuzz_run NAME MAX_LEN SECONDS CORPUS_DIR LOG [extra libFuzzer options...]
# Runs one target; returns libFuzzer's status. The artifacts (a crash's
# input) go to $fuzz_build_dir/artifacts/NAME/.
fuzz_run() {
  local name=$1 max_len=$2 seconds=$3 corpus=$4 log=$5
  shift 5
  local artifacts="$fuzz_build_dir/artifacts/$name/"
  mkdir -p "$artifacts" "$corpus"
  "$fuzz_build_dir/tests/fuzz/$name" -max_total_time="$seconds" -max_len="$max_len" -print_final_stats=1 \
    -rss_limit_mb="${VIGIL_FUZZ_RSS_MB:-2560}" -artifact_prefix="$artifacts" "$@" "$corpus" >"$log" 2>&1
}

# "execs cov ft corpus" from a libFuzzer log (? when absent).
fuzz_figures() {
  local log=$1 execs cov ft corp
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
  cov=$(grep -o ' cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*')
  ft=$(grep -o ' ft: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*')
  corp=$(grep -o ' corp: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*')
  echo "${execs:-?} ${cov:-?} ${ft:-?} ${corp:-?}"
}
