#!/usr/bin/env bash
# Configures and builds Vigil (and its tests) into build/ (or $VIGIL_BUILD_DIR).
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${VIGIL_BUILD_DIR:-$source_dir/build}
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build_dir" -j "$(nproc)"
