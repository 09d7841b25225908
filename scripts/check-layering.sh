#!/usr/bin/env bash
# Fails when a source file includes a header from a layer above its own.
# The layers, bottom up (docs/architecture.md, "Layers"):
#   protocol/  common/       pure SPICE protocol; logging, backoff, settings
#   actors/                  channels, session orchestrator, renderer, audio sink
#   supervisors/             channel and session supervisors, health snapshot
#   ui/                      window, runner, command line, main()
# A folder may include its own layer and the layers below; protocol/ and
# common/ include nothing of the project's outside themselves. tests/ and
# bench/ sit above everything and are not checked.
#
# usage: check-layering.sh [SOURCE_DIR]    (default: this script's project)
#        check-layering.sh --self-test     plants an upward include in a scratch
#                                          tree and fails unless it is reported
set -euo pipefail

declare -A rank=([protocol]=0 [common]=0 [actors]=1 [supervisors]=2 [ui]=3)

check() {
  local root=$1 violations=0 folder file line target
  for folder in "${!rank[@]}"; do
    [[ -d $root/$folder ]] || continue
    while IFS= read -r hit; do
      file=${hit%%:*}
      line=${hit#*:}; line=${line%%:*}
      # bash's own regex, not a sed per line: hundreds of forks took over ctest's
      # 30 s on a loaded two-core machine
      [[ ${hit#*:} =~ ^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^/\"]+)/ ]] || continue
      target=${BASH_REMATCH[1]}
      [[ -n ${rank[$target]+set} ]] || continue  # not a project folder (e.g. a local "x.hpp")
      [[ $target == "$folder" ]] && continue
      if (( rank[$target] >= rank[$folder] )); then
        echo "${file#$root/}:$line: $folder/ must not include $target/ (layer ${rank[$target]} is not below ${rank[$folder]})"
        violations=$((violations + 1))
      fi
    done < <(grep -rnE --include='*.hpp' --include='*.cpp' --include='*.h' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^/"]+/' "$root/$folder" || true)
  done
  if (( violations > 0 )); then
    echo "$violations upward include(s): see docs/architecture.md, Layers" >&2
    return 1
  fi
  echo "layering: no upward include in ${!rank[*]}"
}

if [[ ${1:-} == --self-test ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$scratch"/{protocol,common,actors,supervisors,ui}
  printf '#include "protocol/a.hpp"\n#include "common/log.hpp"\n' > "$scratch/actors/fine.cpp"
  printf '#include "actors/x.hpp"\n#include "supervisors/y.hpp"\n' > "$scratch/ui/fine.cpp"
  check "$scratch" > /dev/null || { echo "self-test: a clean tree was rejected" >&2; exit 1; }
  printf '#include "supervisors/channel_supervisor.hpp"\n' > "$scratch/actors/upward.cpp"
  printf '#include "actors/log.hpp"\n' > "$scratch/common/upward.hpp"
  output=$(check "$scratch" 2>&1) && { echo "self-test: upward includes were accepted" >&2; exit 1; }
  for expected in "actors/upward.cpp:1: actors/ must not include supervisors/" "common/upward.hpp:1: common/ must not include actors/"; do
    grep -qF "$expected" <<<"$output" || { echo "self-test: not reported: $expected" >&2; echo "$output" >&2; exit 1; }
  done
  echo "layering self-test: upward includes are reported"
  exit 0
fi

check "${1:-$(cd "$(dirname "$0")/.." && pwd)}"
