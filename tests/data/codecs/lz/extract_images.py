#!/usr/bin/env python3
"""Extracts the source images of DRAW_COPY messages from a display channel
capture (display.in.bin written by tests/tools/spice_capture) so the codec
tests can decode exactly what a real server sent.

    extract_images.py display.in.bin OUTDIR [--prefix NAME]

For every DRAW_COPY it writes OUTDIR/NAME-<n>-<type>.bin holding the image's
compressed payload as the decoder API takes it (see ../README-image-codecs.md), and
prints one line per image: index, image type, descriptor id, size, the
destination box (top, left) on the surface and the payload file. Every
STREAM_DATA frame goes to OUTDIR/NAME-frame-<n>.mjpeg (a line "frame ...").
"""
import struct
import sys

DRAW_COPY = 304
STREAM_DATA = 123
TYPES = {0: "bitmap", 1: "quic", 100: "lz_plt", 101: "lz_rgb", 102: "glz_rgb", 103: "from_cache",
         104: "surface", 105: "jpeg", 106: "from_cache_lossless", 107: "zlib_glz_rgb",
         108: "jpeg_alpha", 109: "lz4"}


def frames(stream):
    """Yields (type, body) of every mini-header message after the link."""
    magic, major, minor, size = struct.unpack_from("<4sIII", stream, 0)
    assert magic == b"REDQ", "not a link reply"
    pos = 16 + size + 4  # link reply, then the u32 link result
    while pos + 6 <= len(stream):
        mtype, msize = struct.unpack_from("<HI", stream, pos)
        if pos + 6 + msize > len(stream):
            return
        yield mtype, stream[pos + 6:pos + 6 + msize]
        pos += 6 + msize


def image_payload(body, offset):
    """Returns (type, descriptor, payload bytes, extra dict) of the SpiceImage at offset."""
    image_id, itype, iflags, width, height = struct.unpack_from("<QBBII", body, offset)
    pos = offset + 18
    extra = {"id": image_id, "flags": iflags, "width": width, "height": height}
    if itype in (1, 101, 102, 105, 109):  # BinaryData: u32 data_size, data
        (size,) = struct.unpack_from("<I", body, pos)
        return itype, extra, body[pos + 4:pos + 4 + size]
    if itype in (107, 108):  # ZlibGlzRGBData / JPEGAlphaData: the decoder takes the whole struct
        if itype == 107:
            _, size = struct.unpack_from("<II", body, pos)
            return itype, extra, body[pos:pos + 8 + size]
        _, _, size = struct.unpack_from("<BII", body, pos)
        return itype, extra, body[pos:pos + 9 + size]
    if itype == 100:  # LZPLTData: u8 flags, u32 data_size, palette id or pointer, data
        flags, size = struct.unpack_from("<BI", body, pos)
        pos += 5
        if flags & 2:
            (extra["palette_id"],) = struct.unpack_from("<Q", body, pos)
            pos += 8
        else:
            (palette_offset,) = struct.unpack_from("<I", body, pos)
            pos += 4
            extra["palette"] = read_palette(body, palette_offset)
        return itype, extra, body[pos:pos + size]
    if itype == 0:  # BitmapData: format, flags, x, y, stride, palette, rows
        fmt, flags, x, y, stride = struct.unpack_from("<BBIII", body, pos)
        pos += 14
        extra.update(format=fmt, bitmap_flags=flags, stride=stride)
        if flags & 2:
            (extra["palette_id"],) = struct.unpack_from("<Q", body, pos)
            pos += 8
        else:
            (palette_offset,) = struct.unpack_from("<I", body, pos)
            pos += 4
            if palette_offset:
                extra["palette"] = read_palette(body, palette_offset)
        return itype, extra, body[pos:pos + stride * y]
    return itype, extra, b""


def read_palette(body, offset):
    _, count = struct.unpack_from("<QH", body, offset)
    return list(struct.unpack_from("<%dI" % count, body, offset + 10))


def draw_copy_image(body):
    """Returns (box top, box left, image offset) of a DRAW_COPY body."""
    _, top, left, _, _, clip_type = struct.unpack_from("<IiiiiB", body, 0)
    pos = 21
    if clip_type == 1:
        (count,) = struct.unpack_from("<I", body, pos)
        pos += 4 + 16 * count
    (image_offset,) = struct.unpack_from("<I", body, pos)
    return top, left, image_offset


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    stream = open(sys.argv[1], "rb").read()
    out_dir = sys.argv[2]
    prefix = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--prefix" else "image"
    index = 0
    frame_index = 0
    for mtype, body in frames(stream):
        if mtype == STREAM_DATA:
            stream_id, mm_time, size = struct.unpack_from("<III", body, 0)
            name = "%s/%s-frame-%03d.mjpeg" % (out_dir, prefix, frame_index)
            open(name, "wb").write(body[12:12 + size])
            print("frame", frame_index, "stream=%d" % stream_id, "mm_time=%d" % mm_time, size, name)
            frame_index += 1
            continue
        if mtype != DRAW_COPY:
            continue
        top, left, offset = draw_copy_image(body)
        if offset == 0:
            continue
        itype, extra, payload = image_payload(body, offset)
        name = "%s/%s-%03d-%s.bin" % (out_dir, prefix, index, TYPES.get(itype, str(itype)))
        if payload:
            open(name, "wb").write(payload)
        print(index, TYPES.get(itype, itype), "id=%d" % extra["id"],
              "%dx%d" % (extra["width"], extra["height"]), "at=%d,%d" % (top, left),
              len(payload), name if payload else "-",
              {k: v for k, v in extra.items() if k not in ("id", "width", "height", "palette")},
              ("palette=%s" % extra["palette"]) if "palette" in extra else "")
        index += 1


if __name__ == "__main__":
    main()
