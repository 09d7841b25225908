#!/usr/bin/env bash
# Idle CPU of the viewer: vigil's window (under Xvfb) on a static scene of
# the bundled test server, measured from /proc over SECONDS (default 60)
# after a 10 s settle. Prints one table row; headless is measured too.
# Usage: bench/viewer_idle_cpu.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
build_dir=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
seconds=${2:-60}
ticks_per_second=$(getconf CLK_TCK)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$build_dir/tests/test_server/vigil-test-server" --port "$port" --scene solid >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

measure() {  # $1: label; rest: how to start vigil (it must be the newest "vigil" process)
  local label=$1; shift
  "$@" --duration $((seconds + 15)) "spice://127.0.0.1:$port" >/dev/null 2>&1 &
  local launcher=$!
  sleep 10
  local pid; pid=$(pgrep -n -x vigil)
  local before after; before=$(cpu_ticks "$pid"); sleep "$seconds"; after=$(cpu_ticks "$pid")
  python3 -c "print('| %-16s | %4d s | %6.2f %% |' % ('$label', $seconds, ($after - $before) / $ticks_per_second / $seconds * 100))"
  wait "$launcher" || true
}

echo "| vigil, idle      | over   | CPU (one core) |"
echo "| ---------------- | ------ | -------------- |"
measure "window (Xvfb)" xvfb-run -a "$build_dir/ui/vigil"
measure "headless" "$build_dir/ui/vigil" --headless
