#!/usr/bin/env bash
# The long fuzz campaign: every target (or those named) for MINUTES each
# (default 20), ASan + UBSan, at the lowest CPU priority (the machines are
# shared), on a persistent work corpus under build-fuzz/campaign/. After each
# target, new corpus entries that add coverage are merged into
# tests/fuzz/corpus/<target>/ (commit them), and one line is appended to
# build-fuzz/campaign/runs.tsv. Prints, per target, this run's executions,
# coverage and corpus, and the executions of every run so far (the figures
# docs/testing.md records). A crash stops that target: its input is under
# build-fuzz/artifacts/<target>/; fix it and add it to the target's corpus.
#   bash scripts/fuzz-campaign.sh [MINUTES] [TARGET...]
set -euo pipefail
minutes=${1:-20}
shift || true
source "$(dirname "$0")/fuzz-lib.sh"
fuzz_build
fuzz_check_targets
campaign="$fuzz_build_dir/campaign"
mkdir -p "$campaign"
runs="$campaign/runs.tsv"
[ -f "$runs" ] || printf 'date\ttarget\tseconds\texecs\tcov\tft\tcorpus\tnew_in_repo\tcrash\n' >"$runs"

status=0
printf '%-24s %10s %12s %8s %8s %8s %6s %s\n' target seconds execs cov ft corpus new crash
while read -r name max_len kind; do
  if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
    continue
  fi
  work="$campaign/$name"
  repo_corpus="$fuzz_source_dir/tests/fuzz/corpus/$name"
  mkdir -p "$work" "$repo_corpus"
  cp -rn "$repo_corpus"/. "$work"/ 2>/dev/null || true
  log="$campaign/$name.log"
  crash=no
  if ! nice -n 19 bash -c "source '$(dirname "$0")/fuzz-lib.sh'; fuzz_run '$name' '$max_len' $((minutes * 60)) '$work' '$log'"; then
    crash=yes
    status=1
  fi
  read -r execs cov ft corp < <(fuzz_figures "$log")
  before=$(ls "$repo_corpus" | wc -l)
  nice -n 19 "$fuzz_build_dir/tests/fuzz/$name" -merge=1 -max_len="$max_len" -rss_limit_mb=4096 \
    "$repo_corpus" "$work" >"$campaign/$name.merge.log" 2>&1 || true
  added=$(( $(ls "$repo_corpus" | wc -l) - before ))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" $((minutes * 60)) "$execs" "$cov" "$ft" \
    "$corp" "$added" "$crash" >>"$runs"
  printf '%-24s %10s %12s %8s %8s %8s %6s %s\n' "$name" $((minutes * 60)) "$execs" "$cov" "$ft" "$corp" "$added" "$crash"
done < <(fuzz_targets)

echo
echo "executions of every campaign run so far ($runs):"
awk -F'\t' 'NR > 1 && $4 ~ /^[0-9]+$/ { execs[$2] += $4; seconds[$2] += $3; if ($9 == "yes") crashes[$2]++ }
  END { for (t in execs) printf "  %-24s %12d execs in %7d s, %d crash run(s)\n", t, execs[t], seconds[t], crashes[t] }' "$runs" | sort
exit $status
