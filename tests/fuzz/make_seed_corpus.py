#!/usr/bin/env python3
"""Builds the fuzz seed corpora in tests/fuzz/corpus/ from the QEMU captures in
tests/data/qemu/ (see tests/data/README.md). Re-run after re-capturing:

    python3 tests/fuzz/make_seed_corpus.py

Seeds are kept small (the 256,000-byte ping padding is cut to 1,000 bytes) so
libFuzzer's default max_len stays modest. Message seeds are one selector byte
(which parser, as in the fuzz target's switch) followed by a captured body."""

import pathlib
import re
import struct
import zlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
CAPTURES = ROOT / "tests" / "data" / "qemu"
AGENT_CAPTURES = ROOT / "tests" / "data" / "agent"
CORPUS = ROOT / "tests" / "fuzz" / "corpus"

LINK_HEADER = 16
MAX_SEED_STREAM = 12 * 1024
MAX_PADDING = 1000

# Selector bytes, matching each fuzz target's switch.
COMMON = {3: 0, 4: 1, 6: 2, 7: 3, 5: 4}  # SET_ACK, PING, DISCONNECTING, NOTIFY, WAIT_FOR_CHANNELS
MAIN = {103: 0, 104: 1, 105: 2, 106: 3, 108: 4, 110: 5, 115: 6, 113: 7, 114: 8}
INPUTS = {101: 0, 102: 1}  # INPUTS_INIT, INPUTS_KEY_MODIFIERS


def split_link(stream):
    """Returns (link bytes: header + reply + result, post-link frame bytes)."""
    reply_size = struct.unpack_from("<I", stream, 12)[0]
    link_end = LINK_HEADER + reply_size + 4
    return stream[:link_end], stream[link_end:]


def mini_frames(data):
    frames, pos = [], 0
    while pos + 6 <= len(data):
        msg_type, size = struct.unpack_from("<HI", data, pos)
        if pos + 6 + size > len(data):
            break
        frames.append((msg_type, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return frames


def trimmed(msg_type, body):
    return body[:12 + MAX_PADDING] if msg_type == 4 else body  # PING padding


def encode(frames, mini):
    out = bytearray()
    for serial, (msg_type, body) in enumerate(frames, start=1):
        if mini:
            out += struct.pack("<HI", msg_type, len(body))
        else:
            out += struct.pack("<QHII", serial, msg_type, len(body), 0)
        out += body
        if len(out) > MAX_SEED_STREAM:
            break
    return bytes(out)


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def main():
    seen = set()
    for channel in ("main", "display", "inputs", "cursor"):
        stream = (CAPTURES / f"{channel}.in.bin").read_bytes()
        link, rest = split_link(stream)
        write("fuzz_link_reply", f"{channel}-link", link + rest[:64])
        write("fuzz_link_reply", f"{channel}-reply-body", link[LINK_HEADER:-4])

        frames = [(t, trimmed(t, b)) for t, b in mini_frames(rest)]
        config = bytes([1, 0xff, 0xff, 0, 0x5a, 0xc3, 0x96, 0x0f])  # mini, ~1 MB limit, piece seed
        write("fuzz_frame_reassembler", f"{channel}-mini", config + encode(frames, True))
        full_config = bytes([0]) + config[1:]
        write("fuzz_frame_reassembler", f"{channel}-full", full_config + encode(frames, False))

        for msg_type, body in frames:
            key = (channel if msg_type >= 100 else "common", msg_type, len(body))
            if key in seen:
                continue
            seen.add(key)
            if msg_type in COMMON:
                write("fuzz_common_messages", f"{channel}-{msg_type}-{len(body)}",
                      bytes([COMMON[msg_type]]) + body)
            elif channel == "main" and msg_type in MAIN:
                write("fuzz_main_messages", f"main-{msg_type}", bytes([MAIN[msg_type]]) + body)
            elif channel == "inputs" and msg_type in INPUTS:
                write("fuzz_channel_messages", f"inputs-{msg_type}", bytes([INPUTS[msg_type]]) + body)

    for refused in ("main-wrong-password", "main-need-secured"):
        write("fuzz_link_reply", refused, (CAPTURES / f"{refused}.in.bin").read_bytes())

    # DISPLAY_INIT as the capture sent it: display.out.bin after link message,
    # auth mechanism and ticket.
    out = (CAPTURES / "display.out.bin").read_bytes()
    link_message = LINK_HEADER + struct.unpack_from("<I", out, 12)[0]
    for msg_type, body in mini_frames(out[link_message + 4 + 128:]):
        if msg_type == 101:
            write("fuzz_channel_messages", "display-init", bytes([2]) + body)
            break

    # Messages QEMU did not send during the capture: small hand-made bodies.
    write("fuzz_common_messages", "synthetic-wait-for-channels",
          bytes([4]) + bytes([1, 2, 0]) + struct.pack("<Q", 42))
    write("fuzz_common_messages", "synthetic-disconnecting", bytes([2]) + struct.pack("<QI", 1, 0))
    write("fuzz_main_messages", "synthetic-multi-media-time", bytes([3]) + struct.pack("<I", 1000))
    write("fuzz_main_messages", "synthetic-agent-disconnected", bytes([4]) + struct.pack("<I", 1))
    write("fuzz_main_messages", "synthetic-agent-token", bytes([5]) + struct.pack("<I", 10))
    write("fuzz_main_messages", "synthetic-agent-connected-tokens", bytes([6]) + struct.pack("<I", 10))
    write("fuzz_channel_messages", "synthetic-key-modifiers", bytes([1, 6, 0]))
    vdagent_seeds()
    display_pipeline_seeds()
    text_seeds()
    composite_seeds()
    stroke_seeds()


def agent_message(msg_type, data):
    return struct.pack("<IIQI", 1, msg_type, 0, len(data)) + data


def vdagent_seeds():
    """fuzz_vdagent: one config byte (bits 0-1: selection and grab-serial
    layout; bits 2-7: piece size seed) then an agent stream. The captured
    one is the test server's agent (tests/data/agent), its AGENT_DATA bodies
    joined again; the rest are small hand-made messages."""
    link, rest = split_link((AGENT_CAPTURES / "main.in.bin").read_bytes())
    stream = b"".join(body for msg_type, body in mini_frames(rest) if msg_type == 109)  # MAIN_AGENT_DATA
    write("fuzz_vdagent", "captured-capabilities-grab-text", bytes([3 | 7 << 2]) + stream)
    write("fuzz_vdagent", "announce", bytes([3]) + agent_message(6, struct.pack("<II", 1, 0x00020066)))
    write("fuzz_vdagent", "grab_serial", bytes([3]) + agent_message(7, struct.pack("<BxxxII", 0, 1, 1)))
    write("fuzz_vdagent", "monitors", bytes([0]) + agent_message(2, struct.pack("<II", 1, 0) +
                                                                 struct.pack("<IIIii", 600, 800, 32, 0, 0)))
    write("fuzz_vdagent", "request_release", bytes([1]) + agent_message(8, struct.pack("<BxxxI", 0, 1)) +
          agent_message(9, struct.pack("<Bxxx", 0)))


CODECS = ROOT / "tests" / "data" / "codecs"
PIPELINE_SELECTOR = 0x80  # fuzz_display_messages: selector >= 0x40 drives the pipeline

# SPICE display message and image types used below (spice/enums.h).
SURFACE_CREATE, SURFACE_DESTROY, DRAW_FILL, DRAW_COPY, COPY_BITS = 314, 315, 302, 304, 104
DRAW_TEXT, DRAW_COMPOSITE, DRAW_STROKE = 311, 318, 310
STREAM_CREATE, STREAM_DATA, STREAM_CLIP, INVAL_LIST = 122, 123, 124, 105
IMG_BITMAP, IMG_QUIC, IMG_LZ_RGB, IMG_GLZ_RGB, IMG_FROM_CACHE = 0, 1, 101, 102, 103
IMG_JPEG, IMG_ZLIB_GLZ, IMG_LZ4 = 105, 107, 109
CACHE_ME = 1


def pipeline_records(records):
    """A pipeline input: the selector, then {u16 type, u24 size, body} each."""
    out = bytearray([PIPELINE_SELECTOR])
    for msg_type, body in records:
        out += struct.pack("<H", msg_type) + len(body).to_bytes(3, "little") + body
    return bytes(out)


def surface_create(surface_id, width, height, primary=True, surface_format=32):
    return SURFACE_CREATE, struct.pack("<IIIII", surface_id, width, height, surface_format, 1 if primary else 0)


def box(width, height):
    return struct.pack("<iiii", 0, 0, height, width)


def draw_copy(width, height, image):
    body = struct.pack("<I", 0) + box(width, height) + bytes([0]) + struct.pack("<I", 57)
    body += box(width, height) + struct.pack("<HB", 8, 0) + bytes([0]) + struct.pack("<iiI", 0, 0, 0)
    return DRAW_COPY, body + image


def descriptor(image_id, image_type, width, height, flags=0):
    return struct.pack("<QBBII", image_id, image_type, flags, width, height)


def sized(data):
    return struct.pack("<I", len(data)) + data


def size_in(name):
    width, height = re.search(r"(\d+)x(\d+)", name).groups()
    return int(width), int(height)


def display_pipeline_seeds():
    """fuzz_display_messages pipeline seeds that reach every stage: each
    codec's real images (tests/data/codecs) drawn on a primary, the pixmap
    cache (CACHE_ME then FROM_CACHE), an MJPEG video stream, COPY_BITS, a
    clipped fill and surface destruction."""
    target = "fuzz_display_messages"
    for name in ("qemu-seabios-rgb32-720x400", "server-gradient-rgb32-64x64", "server-text-line-rgb32-640x24"):
        width, height = size_in(name)
        quic = (CODECS / "quic" / f"{name}.quic").read_bytes()
        write(target, f"pipeline-quic-{width}x{height}", pipeline_records([
            surface_create(0, width, height),
            draw_copy(width, height, descriptor(1, IMG_QUIC, width, height, CACHE_ME) + sized(quic)),
            draw_copy(width, height, descriptor(1, IMG_FROM_CACHE, width, height)),
        ]))
    for name in ("qemu-cursor-9x2-rgb32", "server-text-320x120-rgb32"):
        width, height = size_in(name)
        lz = (CODECS / "lz" / f"{name}.lz").read_bytes()
        write(target, f"pipeline-lz-{width}x{height}", pipeline_records([
            surface_create(0, width, height), draw_copy(width, height, descriptor(2, IMG_LZ_RGB, width, height) + sized(lz))]))
    for extension, image_type in ((".glz", IMG_GLZ_RGB), (".zlib-glz", IMG_ZLIB_GLZ)):
        records = [surface_create(0, 640, 480)]
        for image_id in range(5):
            data = (CODECS / "glz" / f"server-text-id{image_id}{extension}").read_bytes()
            if image_type == IMG_GLZ_RGB:
                width, height = struct.unpack_from(">II", data, 9)
                payload = sized(data)
            else:
                glz = zlib.decompress(data[8:])
                width, height = struct.unpack_from(">II", glz, 9)
                payload = data
            records.append(draw_copy(width, height, descriptor(10 + image_id, image_type, width, height) + payload))
        write(target, "pipeline" + extension.replace(".", "-"), pipeline_records(records))
    for name in ("server-black-640x480", "server-text-608x104"):
        width, height = size_in(name)
        lz4 = (CODECS / "lz4" / f"{name}.lz4").read_bytes()
        write(target, f"pipeline-lz4-{width}x{height}", pipeline_records([
            surface_create(0, width, height), draw_copy(width, height, descriptor(3, IMG_LZ4, width, height) + sized(lz4))]))
    jpeg = (CODECS / "jpeg" / "server-photo-80x192.jpg").read_bytes()
    write(target, "pipeline-jpeg", pipeline_records([
        surface_create(0, 80, 192), draw_copy(80, 192, descriptor(4, IMG_JPEG, 80, 192) + sized(jpeg))]))
    mjpeg = (CODECS / "jpeg" / "server-video-frame-320x240.mjpeg").read_bytes()
    create = struct.pack("<IIBBQIIII", 0, 7, 1, 1, 0, 320, 240, 320, 240) + box(320, 240) + bytes([0])
    clip = struct.pack("<IBI", 7, 1, 1) + box(160, 120)
    write(target, "pipeline-mjpeg-stream", pipeline_records([
        surface_create(0, 320, 240), (STREAM_CREATE, create), (STREAM_DATA, struct.pack("<II", 7, 0) + sized(mjpeg)),
        (STREAM_CLIP, clip), (STREAM_DATA, struct.pack("<II", 7, 40) + sized(mjpeg))]))
    fill = struct.pack("<I", 0) + box(64, 64) + bytes([1]) + struct.pack("<I", 2) + box(40, 40) + \
        struct.pack("<iiii", 20, 20, 60, 60) + bytes([1]) + struct.pack("<IH", 0xff00ff, 8) + bytes([0]) + \
        struct.pack("<iiI", 0, 0, 0)
    copy_bits = struct.pack("<I", 0) + box(32, 32) + bytes([0]) + struct.pack("<ii", 8, 8)
    write(target, "pipeline-fill-copy-bits-destroy", pipeline_records([
        surface_create(0, 64, 64), surface_create(1, 16, 16, False), (DRAW_FILL, fill), (COPY_BITS, copy_bits),
        (SURFACE_DESTROY, struct.pack("<I", 1)), (INVAL_LIST, struct.pack("<HBQ", 1, 2, 1))]))


def glyph(x, y, width, height, data, origin=(0, 0)):
    return struct.pack("<iiiiHH", x, y, origin[0], origin[1], width, height) + bytes(data)


def draw_text(width, height, flags, glyphs, back_area=(0, 0, 0, 0)):
    """DRAW_TEXT over the whole box: string pointer, back area, solid fore
    and back brushes, fore/back mode PUT, then the String it points at."""
    fixed = struct.pack("<I", 0) + box(width, height) + bytes([0])
    fixed_size = len(fixed) + 4 + 16 + 5 + 5 + 4
    body = fixed + struct.pack("<I", fixed_size) + struct.pack("<iiii", *back_area)
    body += bytes([1]) + struct.pack("<I", 0xf0e0d0) + bytes([1]) + struct.pack("<I", 0x102030)
    body += struct.pack("<HH", 8, 8)
    count = len(glyphs)
    return DRAW_TEXT, body + struct.pack("<HB", count, flags) + b"".join(glyphs)


def text_seeds():
    """DRAW_TEXT (glyph strings of each depth) through the pipeline and the
    parser (selector 23)."""
    target = "fuzz_display_messages"
    a1 = draw_text(32, 16, 1, [glyph(2, 12, 8, 8, [0x18, 0x3c, 0x66, 0xc3, 0xff, 0xc3, 0xc3, 0x00], (0, -8)),
                               glyph(10, 12, 8, 8, [0xfe, 0xc3, 0xc3, 0xfe, 0xc3, 0xc3, 0xfe, 0x00], (0, -8))],
                   (0, 0, 16, 32))
    a4 = draw_text(32, 16, 2, [glyph(4, 4, 3, 2, [0x12, 0x30, 0xf0, 0x00]), glyph(5, 4, 3, 2, [0xff, 0xf0, 0x8f, 0x80])])
    a8 = draw_text(32, 16, 4, [glyph(20, 2, 4, 2, [0, 64, 128, 255, 255, 128, 64, 0])])
    write(target, "pipeline-text", pipeline_records([surface_create(0, 32, 16), a1, a4, a8]))
    write(target, "parse-text-a1", bytes([23]) + a1[1])


def composite_seeds():
    """DRAW_COMPOSITE bodies for the parser (selector 24) and the pipeline:
    OVER through a mask, with a source transform."""
    flags = 3 | (1 << 19) | (1 << 20)  # OVER, HAS_MASK, HAS_SRC_TRANSFORM
    fixed = struct.pack("<I", 0) + box(8, 8) + bytes([0]) + struct.pack("<I", flags)
    after = len(fixed) + 8 + 24 + 8
    body = fixed + struct.pack("<II", after, after + 18) + struct.pack("<6I", 0x10000, 0, 0, 0, 0x10000, 0)
    body += struct.pack("<hhhh", 0, 0, 1, 1)
    body += descriptor(1, IMG_FROM_CACHE, 8, 8) + descriptor(2, 104, 8, 8) + struct.pack("<I", 3)
    write("fuzz_display_messages", "parse-composite-mask-transform", bytes([24]) + body)
    # Through the pipeline: SRC of an ARGB surface onto an A8 one, then OVER
    # onto the primary through that A8 mask, bilinear, repeating, transformed,
    # component alpha.
    image_size = 18 + 4  # a SURFACE image: descriptor, surface id

    def composite(surface_id, flags, source, mask=None, source_transform=None):
        fixed = struct.pack("<I", surface_id) + box(8, 8) + bytes([0]) + struct.pack("<I", flags)
        pointers = 4 + (4 if mask is not None else 0)
        tail = (24 if source_transform else 0) + 8
        start = len(fixed) + pointers + tail
        body = fixed + struct.pack("<I", start)
        if mask is not None:
            body += struct.pack("<I", start + image_size)
        if source_transform:
            body += struct.pack("<6I", *source_transform)
        body += struct.pack("<hhhh", 1, -1, 0, 2)
        body += descriptor(10 + source, 104, 8, 8) + struct.pack("<I", source)
        if mask is not None:
            body += descriptor(10 + mask, 104, 8, 8) + struct.pack("<I", mask)
        return DRAW_COMPOSITE, body

    over_masked = 3 | (4 << 8) | (1 << 14) | (1 << 18) | (1 << 19) | (1 << 20)
    write("fuzz_display_messages", "pipeline-composite", pipeline_records([
        surface_create(0, 32, 16), surface_create(1, 8, 8, False, 8), surface_create(2, 8, 8, False, 96),
        composite(1, 1, 2), composite(0, over_masked, 2, 1, (0x8000, 0x1000, 0, 0, 0x18000, 0x10000)),
        composite(0, 0x3b, 0)]))


def draw_stroke(width, height, segments, fore_mode=8, style=None, brush=b"\x01" + struct.pack("<I", 0xffd020),
                start_with_gap=False):
    """DRAW_STROKE over the whole box: path pointer, line attr (STYLED with
    `style`, 28.4 dash lengths; START_WITH_GAP too with `start_with_gap`),
    `brush`, fore mode (PUT), back mode PUT; then
    the style and the path ({u8 flags, u32 count, 28.4 points} a segment)."""
    fixed = struct.pack("<I", 0) + box(width, height) + bytes([0])
    attr = bytes([0]) if style is None else bytes([8, len(style)]) + b"\0\0\0\0"
    fixed_size = len(fixed) + 4 + len(attr) + len(brush) + 4
    style_bytes = b"" if style is None else struct.pack(f"<{len(style)}i", *style)
    if style is not None:
        attr = bytes([8 | (4 if start_with_gap else 0), len(style)]) + struct.pack("<I", fixed_size)
    path = struct.pack("<I", len(segments))
    for flags, points in segments:
        path += struct.pack("<BI", flags, len(points)) + b"".join(struct.pack("<ii", x, y) for x, y in points)
    body = fixed + struct.pack("<I", fixed_size + len(style_bytes)) + attr + brush + struct.pack("<HH", fore_mode, 8)
    return DRAW_STROKE, body + style_bytes + path


def stroke_seeds():
    """DRAW_STROKE (polylines, a closed one, a curve, XOR, lines leaving the
    surface, a dashed one) through the pipeline and the parser (selector 25)."""
    target = "fuzz_display_messages"
    begin, end, close, bezier = 1, 2, 8, 16
    lines = draw_stroke(32, 16, [(begin, [(0, 0), (500, 240)]), (0, [(200, 8)]), (end | close, [(8, 200)]),
                                 (begin | end, [(-800, 40), (1000, 100)])])
    curve = draw_stroke(32, 16, [(begin, [(16, 16)]), (bezier, [(16, 240), (480, 240), (480, 16)])], fore_mode=64)
    dashed = draw_stroke(32, 16, [(begin | end, [(0, 128), (512, 128)])], style=[48, 32])
    # A closed dotted square XOR'd, started with a gap; an odd list with an
    # empty dash on a staircase leaving the surface; a slanted dashed line.
    square = draw_stroke(32, 16, [(begin | end | close, [(16, 16), (160, 16), (160, 160), (16, 160)])],
                         fore_mode=64, style=[16, 16], start_with_gap=True)
    stairs = draw_stroke(32, 16, [(begin, [(-320, 64)]), (0, [(96, 64), (96, -48), (600, -48), (600, 200)]),
                                  (end, [(64, 200)])], style=[40, 0, 16, 4112, -16])
    slanted = draw_stroke(32, 16, [(begin | end, [(0, 0), (400, 200)])], style=[32, 16])
    write(target, "pipeline-stroke", pipeline_records([surface_create(0, 32, 16), lines, curve, dashed]))
    write(target, "pipeline-stroke-dashed", pipeline_records([surface_create(0, 32, 16), square, stairs, slanted]))
    # Dashed polylines at other angles: a zigzag with miter and bevel joins
    # XOR'd, a closed triangle started with a gap, a line from far outside.
    zigzag = draw_stroke(32, 16, [(begin | end, [(0, 0), (320, 96), (16, 200), (480, 230), (0, 8)])], fore_mode=64,
                         style=[40, 16, 0, 24, 8])
    triangle = draw_stroke(32, 16, [(begin | end | close, [(40, 20), (400, 120), (120, 250)])], style=[56, 24],
                           start_with_gap=True)
    far = draw_stroke(32, 16, [(begin | end, [(-1600000, -400000), (320, 120)])], style=[16, 32])
    write(target, "pipeline-stroke-dashed-slanted",
          pipeline_records([surface_create(0, 32, 16), zigzag, triangle, far]))
    write(target, "parse-stroke-polyline", bytes([25]) + lines[1])


def convert_legacy_pipeline_seed(path):
    """Pipeline seeds of the old format (selector >= 0xf0, u16 sizes) to the current one."""
    data = path.read_bytes()
    if not data or data[0] < 0xf0:
        return
    records, pos = [], 1
    while pos + 4 <= len(data):
        msg_type, size = struct.unpack_from("<HH", data, pos)
        records.append((msg_type, data[pos + 4:pos + 4 + size]))
        pos += 4 + size
    path.write_bytes(pipeline_records(records))


if __name__ == "__main__":
    main()
