#!/usr/bin/env bash
# Records a display channel from a real server and extracts its DRAW_COPY
# images (see ../README-image-codecs.md).
#
#   capture_images.sh BUILD_DIR OUT_DIR PORT test-server ARGS...
#       runs BUILD_DIR/tests/test_server/vigil-test-server --size 640x480
#       --reference-dir OUT_DIR/ref ARGS... (e.g. --scene text --compression glz)
#   capture_images.sh BUILD_DIR OUT_DIR PORT qemu COMPRESSION
#       runs QEMU (SeaBIOS text on QXL) with -spice image-compression=COMPRESSION
#       and writes OUT_DIR/screen.ppm with the monitor's screendump
#
# Writes OUT_DIR/display.in.bin, OUT_DIR/img/image-NNN-TYPE.bin (payloads as the
# decoders take them) and OUT_DIR/images.txt (one line per image: type, id,
# size, destination top,left). Needs python3.
set -euo pipefail
build=$1 out=$2 port=$3 server=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out/ref" "$out/img"

if [ "$server" = qemu ]; then
  monitor="$out/monitor.sock"
  qemu-system-x86_64 -accel tcg -machine pc -m 128 -nodefaults -vga qxl -display none \
    -monitor "unix:$monitor,server,nowait" -serial none \
    -spice "port=$port,addr=127.0.0.1,disable-ticketing=on,image-compression=$1" &
else
  "$build/tests/test_server/vigil-test-server" --port "$port" --size 640x480 \
    --reference-dir "$out/ref" "$@" >"$out/server.log" 2>&1 &
fi
server_pid=$!
trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null || true' EXIT
sleep 3  # QEMU needs a moment to draw SeaBIOS' screen

"$build/tests/tools/spice_capture" --port "$port" --seconds 5 --out "$out" --max-bytes 30000000 \
  2>"$out/capture.log"

if [ "$server" = qemu ]; then
  python3 - "$monitor" "$out/screen.ppm" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
time.sleep(0.3)
s.recv(4096)
s.sendall(("screendump %s\n" % sys.argv[2]).encode())
time.sleep(1)
EOF
fi

python3 "$here/extract_images.py" "$out/display.in.bin" "$out/img" >"$out/images.txt"
cat "$out/images.txt"
