#!/usr/bin/env python3
"""Writes the seed corpora of fuzz_lz, fuzz_glz, fuzz_lz4, fuzz_jpeg and
fuzz_bitmap (tests/fuzz/corpus/fuzz_<name>/) from the captured images in
tests/data/codecs, in each target's input format (see the comment at the top
of tests/fuzz/codecs/fuzz_<name>.cpp). Besides the real images it adds small
variants (other LZ image types, other bitmap formats, JPEG_ALPHA bodies) so
every decoder path starts covered.

    tests/data/codecs/lz/make_fuzz_seeds.py
"""
import gzip
import os
import struct
import zlib

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CORPUS = os.path.join(DATA, "..", "..", "fuzz", "corpus")


def data(name):
    raw = open(os.path.join(DATA, name), "rb").read()
    return gzip.decompress(raw) if name.endswith(".gz") else raw


def write(target, name, content):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    open(os.path.join(directory, name), "wb").write(content)


def lz_header(lz_type, width, height, stride, top_down=1):
    return struct.pack(">7I", 0x20205A4C, 0x00010001, lz_type, width, height, stride, top_down)


def literal_runs(units, unit_bytes):
    """An LZ stream of literal runs (at most 32 units each)."""
    out = b""
    for at in range(0, len(units), 32 * unit_bytes):
        chunk = units[at:at + 32 * unit_bytes]
        out += bytes([len(chunk) // unit_bytes - 1]) + chunk
    return out


def lz_run(count, min_match):
    """An LZ match repeating the previous unit `count` times (distance 1)."""
    coded = count - (min_match - 1)
    out = bytes([min(coded, 7) << 5])
    if coded >= 7:
        rest = coded - 7
        while rest >= 255:
            out += b"\xff"
            rest -= 255
        out += bytes([rest])
    return out + b"\x00"


def lz4_literal_block(raw):
    """One LZ4 block holding `raw` as literals only."""
    token_length = min(len(raw), 15)
    out = bytes([token_length << 4])
    if len(raw) >= 15:
        rest = len(raw) - 15
        while rest >= 255:
            out += b"\xff"
            rest -= 255
        out += bytes([rest])
    return out + raw


def lz():
    write("fuzz_lz", "qemu-seabios-rgb32", b"\x00" + data("lz/qemu-seabios-720x400-rgb32.lz"))
    cursor = data("lz/qemu-cursor-9x2-rgb32.lz")
    write("fuzz_lz", "qemu-cursor-rgb32", b"\x00" + cursor)
    write("fuzz_lz", "server-text-rgb32", b"\x00" + data("lz/server-text-320x120-rgb32.lz"))
    pixels = bytes(range(48))
    write("fuzz_lz", "rgb24", b"\x00" + lz_header(7, 4, 4, 12) + literal_runs(pixels, 3))
    write("fuzz_lz", "rgb16", b"\x00" + lz_header(6, 4, 3, 8, 0) + literal_runs(pixels[:24], 2))
    write("fuzz_lz", "rgba", b"\x00" + lz_header(9, 4, 4, 16) + literal_runs(pixels, 3) + literal_runs(pixels[:16], 1))
    write("fuzz_lz", "a8", b"\x00" + lz_header(11, 4, 4, 4) + literal_runs(pixels[:16], 1))
    write("fuzz_lz", "plt8", b"\x21" + lz_header(5, 5, 3, 6) + literal_runs(bytes(i % 16 for i in range(18)), 1))
    write("fuzz_lz", "plt4-le", b"\x21" + lz_header(3, 7, 2, 4) + literal_runs(bytes(range(8)), 1))
    write("fuzz_lz", "plt1-be", b"\x05" + lz_header(2, 12, 2, 2, 0) + literal_runs(b"\xa5\x5a\x0f\xf0", 1))


def glz_records(payloads, zlib_wrapped=False):
    out = b""
    for payload in payloads:
        out += struct.pack("<H", len(payload) | (0x8000 if zlib_wrapped else 0)) + payload
    return out


def glz():
    cursor = [data("glz/qemu-cursor-id%d.glz" % i) for i in range(4)]
    write("fuzz_glz", "qemu-cursor-sequence", glz_records(cursor))
    text = [data("glz/server-text-id%d.zlib-glz" % i) for i in range(5)]
    write("fuzz_glz", "server-text-zlib-sequence", glz_records(text, True))
    write("fuzz_glz", "server-text-two-images", glz_records([data("glz/server-text-id%d.glz" % i) for i in (0, 1)]))
    # Image 1 copies 3 pixels from pixel 1 of image 0, then one literal.
    first = cursor[1][:8] + bytes([0x18]) + struct.pack(">IIIQI", 4, 1, 16, 0, 0) + literal_runs(bytes(range(12)), 3)
    second = (cursor[1][:8] + bytes([0x18]) + struct.pack(">IIIQI", 4, 1, 16, 1, 1) +
              bytes([3 << 5 | 1, 0, 1]) + literal_runs(b"\x09\x09\x09", 3))
    write("fuzz_glz", "far-match", glz_records([first, second]))
    packed = zlib.compress(second)
    write("fuzz_glz", "far-match-zlib",
          glz_records([first]) + glz_records([struct.pack("<II", len(second), len(packed)) + packed], True))


def lz4():
    write("fuzz_lz4", "server-text", struct.pack("<HH", 608, 104) + data("lz4/server-text-608x104.lz4"))
    write("fuzz_lz4", "server-black", struct.pack("<HH", 640, 480) + data("lz4/server-black-640x480.lz4"))
    for name, fmt, width, bytes_per_pixel, top_down in (("rgba-two-blocks", 9, 4, 4, 1), ("16bit", 6, 4, 2, 0),
                                                        ("24bit", 7, 4, 3, 1), ("8bit-a", 10, 4, 1, 0)):
        row = bytes(range(width * bytes_per_pixel))
        blocks = b""
        for _ in range(2):  # one row a block, like the server's chunks
            block = lz4_literal_block(row)
            blocks += struct.pack(">I", len(block)) + block
        write("fuzz_lz4", name, struct.pack("<HH", width, 2) + bytes([top_down, fmt]) + blocks)


def jpeg():
    photo = data("jpeg/server-photo-80x192.jpg")
    write("fuzz_jpeg", "server-photo", b"\x00" + photo)
    write("fuzz_jpeg", "server-video-frame", b"\x00" + data("jpeg/server-video-frame-320x240.mjpeg"))
    # One literal alpha value, then a run over the other 15359 pixels.
    alpha = lz_header(10, 80, 192, 320) + bytes([0, 0x80]) + lz_run(80 * 192 - 1, 3)
    body = struct.pack("<BII", 1, len(photo), len(photo) + len(alpha)) + photo + alpha
    write("fuzz_jpeg", "server-photo-with-alpha", b"\x01" + body)


def bitmap():
    def seed(fmt, flags, width, height, stride, entries, rows):
        return struct.pack("<BBHHHB", fmt, flags, width, height, stride, entries) + rows

    write("fuzz_bitmap", "qemu-cursor-32bit", seed(8, 4, 9, 2, 36, 0, data("bitmap/qemu-cursor-9x2-32bit-topdown.bin")))
    write("fuzz_bitmap", "1bit-le", seed(1, 4, 10, 2, 2, 2, b"\xa5\x01\x5a\x02"))
    write("fuzz_bitmap", "1bit-be-mask", seed(2, 0, 10, 2, 2, 0, b"\xa5\x80\x5a\x40"))
    write("fuzz_bitmap", "4bit-le", seed(3, 4, 3, 2, 2, 16, b"\x21\x03\x45\x06"))
    write("fuzz_bitmap", "4bit-be", seed(4, 0, 3, 2, 2, 16, b"\x21\x03\x45\x06"))
    write("fuzz_bitmap", "8bit", seed(5, 4, 3, 2, 4, 8, b"\x00\x01\x02\x09\x03\x04\x05\x09"))
    write("fuzz_bitmap", "16bit", seed(6, 0, 2, 2, 4, 0, b"\xff\x7f\x00\x7c\x1f\x00\xe0\x03"))
    write("fuzz_bitmap", "24bit", seed(7, 4, 2, 2, 8, 0, bytes(range(16))))
    write("fuzz_bitmap", "rgba", seed(9, 0, 2, 2, 8, 0, bytes(range(16))))
    write("fuzz_bitmap", "8bit-a", seed(10, 4, 3, 2, 3, 0, bytes(range(6))))


if __name__ == "__main__":
    lz()
    glz()
    lz4()
    jpeg()
    bitmap()
