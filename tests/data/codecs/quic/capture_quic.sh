#!/bin/bash
# Records the display channel of a libspice-server test server scene with QUIC
# forced, plus the server's own reference framebuffers, then extracts the QUIC
# images. See README.md.
#
#   capture_quic.sh BUILD_DIR SCENE WORK_DIR [PORT] [extra vigil-test-server args...]
#
# Leaves WORK_DIR/display.in.bin, WORK_DIR/ref/step-NNN.ppm + final.ppm and
# WORK_DIR/images/<scene>-WxH-<message index>.quic.
set -euo pipefail
build=$1 scene=$2 work=$3 port=${4:-5988}
shift $(( $# < 4 ? $# : 4 ))
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$work/ref"
"$build/tests/test_server/vigil-test-server" --port "$port" --scene "$scene" --compression quic \
  --jpeg never --streaming off --reference-dir "$work/ref" "$@" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
sleep 1
"$build/tests/tools/spice_capture" --port "$port" --seconds 5 --out "$work" --max-bytes 16000000 \
  > "$work/capture.log" 2>&1
python3 "$here/extract_quic.py" "$work/display.in.bin" "$work/images" --prefix "$scene"
