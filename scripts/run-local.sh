#!/usr/bin/env bash
# Installs, builds, starts the bundled local SPICE server (vigil-test-server
# with its animated demo scene and an emulated guest agent for clipboard and
# resize, on a free loopback port) and opens Vigil's
# window on it (headless when there is no DISPLAY), with the supervisor's
# channel health log on the terminal. Close the window or Ctrl+C to end.
# VIGIL_LOCAL_SERVER=qemu runs QEMU (SeaBIOS) as the server instead.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${VIGIL_BUILD_DIR:-$source_dir/build}

bash "$source_dir/scripts/install-deps.sh"
bash "$source_dir/scripts/build.sh"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ "${VIGIL_LOCAL_SERVER:-test-server}" = qemu ]; then
  qemu-system-x86_64 -accel tcg -machine pc -m 128 -nodefaults -vga qxl -display none \
    -monitor none -serial none -spice "port=$port,addr=127.0.0.1,disable-ticketing=on" &
else
  "$build_dir/tests/test_server/vigil-test-server" --port "$port" --scene demo --agent on >/dev/null &
fi
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "local SPICE server on spice://127.0.0.1:$port; Ctrl+C ends the session" >&2
mode=()
[ -n "${DISPLAY:-}" ] || { mode=(--headless); echo "no DISPLAY: running headless" >&2; }
"$build_dir/ui/vigil" "${mode[@]}" --log-supervisor "spice://127.0.0.1:$port" "$@"
