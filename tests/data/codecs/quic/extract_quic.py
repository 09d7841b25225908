#!/usr/bin/env python3
"""Pulls the QUIC images out of a display channel capture made by
tests/tools/spice_capture (display.in.bin) and writes one .quic file per image:
the SpiceQUICData payload (the bytes after its u32 data_size), i.e. exactly
what decode_quic() takes. Optionally cuts the matching area out of a reference
screen (binary PPM, P6) into <name>.ppm, the expected pixels.

    extract_quic.py display.in.bin OUT_DIR [--prefix qemu] [--reference screen.ppm]
                    [--only WxH ...] [--index N] [--name NAME] [--max N]

Files are named <prefix>-<W>x<H>-<message index> unless --name is given (with
--index, to pick one message). Prints one line per QUIC image written: name,
box, source area and payload size.
See README.md for how the committed files were made."""

import argparse
import pathlib
import struct
import sys

LINK_HEADER = 16
MSG_DRAW_COPY = 304
IMAGE_TYPE_QUIC = 1
CLIP_TYPE_RECTS = 1


def frames(stream):
    """Mini-header frames (u16 type, u32 size, body) after the link reply and result."""
    reply_size = struct.unpack_from("<I", stream, 12)[0]
    pos = LINK_HEADER + reply_size + 4
    while pos + 6 <= len(stream):
        msg_type, size = struct.unpack_from("<HI", stream, pos)
        if pos + 6 + size > len(stream):
            return
        yield msg_type, stream[pos + 6:pos + 6 + size]
        pos += 6 + size


def quic_of_draw_copy(body):
    """(box (top, left, bottom, right), src_area, width, height, payload) or None."""
    pos = 4  # surface_id
    box = struct.unpack_from("<4i", body, pos)
    pos += 16
    clip_type = body[pos]
    pos += 1
    if clip_type == CLIP_TYPE_RECTS:
        count = struct.unpack_from("<I", body, pos)[0]
        pos += 4 + 16 * count
    image_offset = struct.unpack_from("<I", body, pos)[0]
    src_area = struct.unpack_from("<4i", body, pos + 4)
    # SpiceImage descriptor: u64 id, u8 type, u8 flags, u32 width, u32 height.
    _, image_type, _, width, height = struct.unpack_from("<QBBII", body, image_offset)
    if image_type != IMAGE_TYPE_QUIC:
        return None
    data_pos = image_offset + 18
    data_size = struct.unpack_from("<I", body, data_pos)[0]
    payload = body[data_pos + 4:data_pos + 4 + data_size]
    if len(payload) != data_size:
        raise ValueError("QUIC payload runs past the message")
    return box, src_area, width, height, payload


def read_ppm(path):
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not an 8-bit binary PPM")
    return int(fields[1]), int(fields[2]), data[pos + 1:]


def write_ppm_region(screen, left, top, width, height, path):
    screen_width, screen_height, pixels = screen
    if left + width > screen_width or top + height > screen_height:
        raise ValueError(f"area {width}x{height}+{left}+{top} is outside the reference screen")
    rows = [pixels[((top + y) * screen_width + left) * 3:((top + y) * screen_width + left + width) * 3]
            for y in range(height)]
    path.write_bytes(b"P6\n%d %d\n255\n" % (width, height) + b"".join(rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture", type=pathlib.Path)
    parser.add_argument("out_dir", type=pathlib.Path)
    parser.add_argument("--prefix", default="image")
    parser.add_argument("--reference", type=pathlib.Path, help="screen the images were drawn on (P6 PPM)")
    parser.add_argument("--only", action="append", default=[], help="keep only images of this WxH")
    parser.add_argument("--index", type=int, help="keep only the image of message number N")
    parser.add_argument("--name", help="file name (without extension) for the single image kept")
    parser.add_argument("--max", type=int, default=1000, help="keep at most N images")
    args = parser.parse_args()

    screen = read_ppm(args.reference) if args.reference else None
    args.out_dir.mkdir(parents=True, exist_ok=True)
    kept = 0
    for index, (msg_type, body) in enumerate(frames(args.capture.read_bytes())):
        if msg_type != MSG_DRAW_COPY or kept >= args.max or args.index not in (None, index):
            continue
        found = quic_of_draw_copy(body)
        if found is None:
            continue
        box, src_area, width, height, payload = found
        if args.only and f"{width}x{height}" not in args.only:
            continue
        name = args.name or f"{args.prefix}-{width}x{height}-{index}"
        (args.out_dir / f"{name}.quic").write_bytes(payload)
        top, left, bottom, right = box
        print(f"{name}: box top={top} left={left} bottom={bottom} right={right} "
              f"src_area={src_area} payload={len(payload)} bytes")
        if screen:
            if src_area != (0, 0, height, width) or (bottom - top, right - left) != (height, width):
                print(f"  {name}: box is not a 1:1 copy of the whole image; no .ppm written", file=sys.stderr)
            else:
                write_ppm_region(screen, left, top, width, height, args.out_dir / f"{name}.ppm")
        kept += 1


if __name__ == "__main__":
    main()
