#!/usr/bin/env python3
"""Writes the seeds of fuzz_cursor_messages (tests/fuzz/fuzz_cursor_messages.cpp)
from the cursor messages of tests/data/cursor and tests/data/qemu/cursor.in.bin.
Run from the repository root after re-recording the captures."""
import pathlib
import struct

CURSOR_INIT, CURSOR_SET, END_CURSOR = 101, 103, 109
root = pathlib.Path(__file__).resolve().parents[3]
out = root / "tests/fuzz/corpus/fuzz_cursor_messages"


def cursor_frames(path):
    """(type, body) of the cursor messages in an .in.bin capture (mini headers)."""
    data = path.read_bytes()
    link_size = struct.unpack_from("<I", data, 12)[0]
    at = 16 + link_size + 4  # link header and reply, link result
    frames = []
    while at + 6 <= len(data):
        msg_type, size = struct.unpack_from("<HI", data, at)
        body = data[at + 6:at + 6 + size]
        at += 6 + size
        if CURSOR_INIT <= msg_type < END_CURSOR:
            frames.append((msg_type, body))
    return frames


def write(name, content):
    (out / name).write_bytes(content)


out.mkdir(parents=True, exist_ok=True)
captures = [root / "tests/data/qemu/cursor.in.bin",
            root / "tests/data/cursor/server-cursor-scene-server-mode.in.bin"]
for capture in captures:
    frames = cursor_frames(capture)
    stem = capture.name.split(".")[0]
    session = bytearray([2])
    for index, (msg_type, body) in enumerate(frames):
        write(f"{stem}-message-{index}", bytes([0, msg_type - CURSOR_INIT]) + body)
        session += bytes([msg_type - CURSOR_INIT]) + struct.pack("<H", len(body)) + body
        if msg_type == CURSOR_SET and len(body) > 24:
            # SET: i16 x, y, u8 visible, u16 flags, u64 unique, u8 type, u16 w, h, hot_x, hot_y, data
            cursor_type, width, height, hot_x, hot_y = struct.unpack_from("<BHHHH", body, 15)
            write(f"{stem}-shape-{index}",
                  bytes([1, cursor_type, width, height, hot_x, hot_y]) + body[24:])
    write(f"{stem}-session", bytes(session))
print(f"wrote {len(list(out.iterdir()))} seeds to {out}")
