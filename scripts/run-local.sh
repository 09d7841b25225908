#!/usr/bin/env bash
# Installs, builds, starts a local SPICE server (QEMU showing SeaBIOS, on a
# free loopback port) and runs Vigil against it until Ctrl+C. Headless until
# the SFML viewer lands: watch the channel logs and the final health snapshot.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${VIGIL_BUILD_DIR:-$source_dir/build}

bash "$source_dir/scripts/install-deps.sh"
bash "$source_dir/scripts/build.sh"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
qemu-system-x86_64 -accel tcg -machine pc -m 128 -nodefaults -vga qxl -display none \
  -monitor none -serial none -spice "port=$port,addr=127.0.0.1,disable-ticketing=on" &
qemu_pid=$!
trap 'kill $qemu_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "local SPICE server (QEMU) on spice://127.0.0.1:$port; Ctrl+C ends the session" >&2
"$build_dir/ui/vigil" --headless "spice://127.0.0.1:$port" "$@"
