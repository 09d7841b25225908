// The display channel's messages (spice.proto's DisplayChannel): surfaces,
// drawing commands with their images, cache invalidation, monitors and video
// streams from the server; STREAM_REPORT and the PREFERRED_* messages from us.
// DISPLAY_INIT lives in channel_messages.hpp.
//
// Pointer fields (images, palettes) are u32 offsets from the start of the
// body; 0 means absent. Parsed images do not copy their payload: `byte_view`s
// point into the body they were parsed from, so a parsed message is only
// valid while that body lives.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/common_messages.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// More clip rectangles than this in one drawing or stream is treated as
// corrupt data (refused when parsed, before they are stored).
constexpr std::size_t max_clip_rects = 4096;
// The largest palette a SPICE bitmap can index (8 bits a pixel).
constexpr std::size_t max_palette_entries = 256;

struct rect {
  std::int32_t top = 0;
  std::int32_t left = 0;
  std::int32_t bottom = 0;
  std::int32_t right = 0;

  std::int64_t width() const { return std::int64_t{right} - left; }
  std::int64_t height() const { return std::int64_t{bottom} - top; }
  bool empty() const { return width() <= 0 || height() <= 0; }
  bool operator==(const rect& other) const {
    return top == other.top && left == other.left && bottom == other.bottom && right == other.right;
  }
  bool operator!=(const rect& other) const { return !(*this == other); }
};

struct point {
  std::int32_t x = 0;
  std::int32_t y = 0;
};

// SPICE_CLIP_TYPE_NONE: only the drawing's box limits it; RECTS: the union of `rects` does too.
struct clip {
  std::uint8_t type = 0;  // SPICE_CLIP_TYPE_*
  std::vector<rect> rects;
};

// What every drawing command starts with.
struct display_base {
  std::uint32_t surface_id = 0;
  rect box;
  struct clip clip;
};

// Bytes inside a parsed message's body (see the note at the top).
struct byte_view {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
};

struct palette {
  std::uint64_t unique = 0;
  std::vector<std::uint32_t> entries;  // 0x00RRGGBB
};

// Where a paletted image (BITMAP in 1/4/8-bit formats, LZ_PLT) finds its colours.
struct palette_source {
  bool from_cache = false;                // SPICE_BITMAP_FLAGS_PAL_FROM_CACHE: use `cache_id`
  std::uint64_t cache_id = 0;
  std::optional<palette> inline_palette;  // otherwise; absent when the pointer is 0
};

struct image_descriptor {
  std::uint64_t id = 0;
  std::uint8_t type = 0;   // SPICE_IMAGE_TYPE_*
  std::uint8_t flags = 0;  // SPICE_IMAGE_FLAGS_*
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// SPICE_IMAGE_TYPE_BITMAP: uncompressed rows, `stride` bytes each.
struct bitmap_data {
  std::uint8_t format = 0;  // SPICE_BITMAP_FMT_*
  std::uint8_t flags = 0;   // SPICE_BITMAP_FLAGS_*
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t stride = 0;
  palette_source palette;
  byte_view rows;  // stride * height bytes
};

// SPICE_IMAGE_TYPE_LZ_PLT: an LZ stream of palette indices.
struct lz_palette_data {
  std::uint8_t flags = 0;  // SPICE_BITMAP_FLAGS_*
  palette_source palette;
  byte_view payload;
};

struct image {
  image_descriptor descriptor;
  std::optional<bitmap_data> bitmap;          // BITMAP
  std::optional<lz_palette_data> lz_palette;  // LZ_PLT
  // QUIC, LZ_RGB, GLZ_RGB, JPEG, LZ4: the bytes after data_size.
  // ZLIB_GLZ_RGB and JPEG_ALPHA: the whole SpiceZlibGlzRGBData / SpiceJPEGAlphaData
  // (their decoders read the header themselves); it was checked to be complete.
  byte_view payload;
  std::uint32_t surface_id = 0;  // SURFACE: the surface to read from
};

struct brush {
  std::uint8_t type = 0;    // SPICE_BRUSH_TYPE_*
  std::uint32_t color = 0;  // SOLID
  std::optional<image> pattern;  // PATTERN: tiled from `pattern_position`
  point pattern_position;
};

// A 1-bit mask limiting a drawing: bit set = drawn (inverted with
// SPICE_MASK_FLAGS_INVERS); mask pixel `position` lines up with the box's
// top-left corner.
struct qmask {
  std::uint8_t flags = 0;
  point position;
  std::optional<image> bitmap;  // absent: no mask
};

// SPICE_MSG_DISPLAY_SURFACE_CREATE
struct surface_create {
  std::uint32_t surface_id = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t format = 0;  // SPICE_SURFACE_FMT_*
  std::uint32_t flags = 0;   // SPICE_SURFACE_FLAGS_*
};

// SPICE_MSG_DISPLAY_SURFACE_DESTROY
struct surface_destroy { std::uint32_t surface_id = 0; };

// SPICE_MSG_DISPLAY_DRAW_FILL
struct draw_fill {
  display_base base;
  struct brush brush;
  std::uint16_t rop = 0;  // SPICE_ROPD_*
  qmask mask;
};

// SPICE_MSG_DISPLAY_DRAW_COPY and DRAW_BLEND (same layout)
struct draw_copy {
  display_base base;
  std::optional<image> source;
  rect source_area;
  std::uint16_t rop = 0;
  std::uint8_t scale_mode = 0;  // SPICE_IMAGE_SCALE_MODE_*
  qmask mask;
};

// SPICE_MSG_DISPLAY_DRAW_OPAQUE: the source, then the brush combined with it by `rop`.
struct draw_opaque {
  display_base base;
  std::optional<image> source;
  rect source_area;
  struct brush brush;
  std::uint16_t rop = 0;
  std::uint8_t scale_mode = 0;
  qmask mask;
};

// SPICE_MSG_DISPLAY_DRAW_ROP3: source, brush and destination combined by a
// ternary raster operation (protocol/rop3.hpp), which older Windows QXL
// drivers send for BitBlt codes other than the common ones.
struct draw_rop3 {
  display_base base;
  std::optional<image> source;
  rect source_area;
  struct brush brush;
  std::uint8_t rop3 = 0;
  std::uint8_t scale_mode = 0;
  qmask mask;
};

// One glyph of a DRAW_TEXT string: `height` rows of coverage values,
// bits_per_pixel each (1: set or not, MSB first; 4: high nibble first; 8),
// each row padded to a whole byte. The rows are bottom-up: the reference
// canvas puts the first row at the glyph's bottom whatever the TOP_DOWN flag
// says. The glyph's top-left pixel is render_position + glyph_origin.
struct raster_glyph {
  point render_position;
  point glyph_origin;
  std::uint16_t width = 0;
  std::uint16_t height = 0;
  byte_view data;  // height * ceil(width * bits_per_pixel / 8) bytes
};

// A DRAW_TEXT string. `bits_per_pixel` is 1, 4 or 8 from the first RASTER_A1,
// RASTER_A4 or RASTER_A8 flag; 0 when none is set (vector glyphs, which the
// wire format carries no data for and no client draws).
struct glyph_string {
  std::uint8_t flags = 0;  // SPICE_STRING_FLAGS_*
  std::uint8_t bits_per_pixel = 0;
  std::vector<raster_glyph> glyphs;
};

// SPICE_MSG_DISPLAY_DRAW_TEXT: the back area filled with the back brush,
// then the glyphs' coverage laid over it in the fore brush (older Windows QXL
// drivers' ExtTextOut). The modes are SPICE_ROPD_*.
struct draw_text {
  display_base base;
  glyph_string string;
  rect back_area;
  struct brush fore_brush;
  struct brush back_brush;
  std::uint16_t fore_mode = 0;
  std::uint16_t back_mode = 0;
};

// The affine matrix of a composite's source or mask (pixman_transform's top
// two rows; 16.16 fixed point, as the X server hands it to the driver).
struct composite_transform {
  std::uint32_t t00 = 0, t01 = 0, t02 = 0;
  std::uint32_t t10 = 0, t11 = 0, t12 = 0;
};

// SPICE_MSG_DISPLAY_DRAW_COMPOSITE (client cap COMPOSITE): an X Render
// composite as the X QXL driver sends it: dest = source OP dest through an
// optional mask, each with its pixman filter, repeat and transform.
// `flags` packs them (SPICE_COMPOSITE_*): operator bits 0-7, source filter
// 8-10, mask filter 11-13, source repeat 14-15, mask repeat 16-17.
struct draw_composite {
  display_base base;
  std::uint32_t flags = 0;
  std::optional<image> source;
  std::optional<image> mask;  // HAS_MASK
  std::optional<composite_transform> source_transform;  // HAS_SRC_TRANSFORM
  std::optional<composite_transform> mask_transform;    // HAS_MASK_TRANSFORM
  std::int16_t source_x = 0, source_y = 0;  // src_origin
  std::int16_t mask_x = 0, mask_y = 0;      // mask_origin
};

// SPICE_MSG_DISPLAY_DRAW_BLACKNESS, DRAW_WHITENESS, DRAW_INVERS
struct draw_masked_area {
  display_base base;
  qmask mask;
};

// SPICE_MSG_DISPLAY_DRAW_TRANSPARENT: source pixels equal to true_color are skipped.
struct draw_transparent {
  display_base base;
  std::optional<image> source;
  rect source_area;
  std::uint32_t source_color = 0;
  std::uint32_t true_color = 0;
};

// SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND
struct draw_alpha_blend {
  display_base base;
  std::uint8_t alpha_flags = 0;  // SPICE_ALPHA_FLAGS_*
  std::uint8_t alpha = 0;        // applied to the whole source
  std::optional<image> source;
  rect source_area;
};

// SPICE_MSG_DISPLAY_COPY_BITS: copy within the surface from source_position to the box.
struct copy_bits {
  display_base base;
  point source_position;
};

// SPICE_MSG_DISPLAY_INVAL_LIST
struct resource_id {
  std::uint8_t type = 0;  // SPICE_RES_TYPE_*
  std::uint64_t id = 0;
};
struct inval_list { std::vector<resource_id> resources; };

// SPICE_MSG_DISPLAY_INVAL_PALETTE
struct inval_palette { std::uint64_t id = 0; };

// SPICE_MSG_DISPLAY_MONITORS_CONFIG
struct monitor_head {
  std::uint32_t monitor_id = 0;
  std::uint32_t surface_id = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t x = 0;
  std::uint32_t y = 0;
  std::uint32_t flags = 0;
};
struct monitors_config {
  std::uint16_t max_allowed = 0;
  std::vector<monitor_head> heads;
};

// SPICE_MSG_DISPLAY_STREAM_CREATE: frames of stream_width x stream_height, showing a
// source_width x source_height area, drawn into `dest` on the surface.
struct stream_create {
  std::uint32_t surface_id = 0;
  std::uint32_t stream_id = 0;
  std::uint8_t flags = 0;  // SPICE_STREAM_FLAGS_TOP_DOWN
  std::uint8_t codec = 0;  // SPICE_VIDEO_CODEC_TYPE_*
  std::uint64_t stamp = 0;
  std::uint32_t stream_width = 0;
  std::uint32_t stream_height = 0;
  std::uint32_t source_width = 0;
  std::uint32_t source_height = 0;
  rect dest;
  struct clip clip;
};

// SPICE_MSG_DISPLAY_STREAM_DATA
struct stream_data {
  std::uint32_t stream_id = 0;
  std::uint32_t multi_media_time = 0;
  byte_view frame;
};

// SPICE_MSG_DISPLAY_STREAM_DATA_SIZED: a frame with its own size and destination.
struct stream_data_sized {
  std::uint32_t stream_id = 0;
  std::uint32_t multi_media_time = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  rect dest;
  byte_view frame;
};

// SPICE_MSG_DISPLAY_STREAM_CLIP
struct stream_clip {
  std::uint32_t stream_id = 0;
  struct clip clip;
};

// SPICE_MSG_DISPLAY_STREAM_DESTROY
struct stream_destroy { std::uint32_t stream_id = 0; };

// SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT
struct stream_activate_report {
  std::uint32_t stream_id = 0;
  std::uint32_t unique_id = 0;
  std::uint32_t max_window_size = 0;
  std::uint32_t timeout_ms = 0;
};

result<surface_create> parse_surface_create(const bytes& body);
result<surface_destroy> parse_surface_destroy(const bytes& body);
result<draw_fill> parse_draw_fill(const bytes& body);
result<draw_copy> parse_draw_copy(const bytes& body);
result<draw_copy> parse_draw_blend(const bytes& body);
result<draw_opaque> parse_draw_opaque(const bytes& body);
result<draw_rop3> parse_draw_rop3(const bytes& body);
result<draw_text> parse_draw_text(const bytes& body);
// For the drawing parsers in their own files (stroke_messages.cpp): a
// DisplayBase, or a Brush (its pattern image read from the body), at
// `offset` of `body`; `offset` moves past what was read. Errors name
// `message` and the field.
result<display_base> parse_display_base_at(const bytes& body, std::size_t& offset, const char* message);
result<brush> parse_brush_at(const bytes& body, std::size_t& offset, const char* message, const std::string& field);

result<draw_composite> parse_draw_composite(const bytes& body);
result<draw_masked_area> parse_draw_blackness(const bytes& body);
result<draw_masked_area> parse_draw_whiteness(const bytes& body);
result<draw_masked_area> parse_draw_invers(const bytes& body);
result<draw_transparent> parse_draw_transparent(const bytes& body);
result<draw_alpha_blend> parse_draw_alpha_blend(const bytes& body);
result<copy_bits> parse_copy_bits(const bytes& body);
result<inval_list> parse_inval_list(const bytes& body);
result<wait_for_channels> parse_inval_all_pixmaps(const bytes& body);
result<inval_palette> parse_inval_palette(const bytes& body);
result<monitors_config> parse_monitors_config(const bytes& body);
result<stream_create> parse_stream_create(const bytes& body);
result<stream_data> parse_stream_data(const bytes& body);
result<stream_data_sized> parse_stream_data_sized(const bytes& body);
result<stream_clip> parse_stream_clip(const bytes& body);
result<stream_destroy> parse_stream_destroy(const bytes& body);
result<stream_activate_report> parse_stream_activate_report(const bytes& body);

// SPICE_MSGC_DISPLAY_STREAM_REPORT
struct stream_report {
  std::uint32_t stream_id = 0;
  std::uint32_t unique_id = 0;
  std::uint32_t start_frame_mm_time = 0;
  std::uint32_t end_frame_mm_time = 0;
  std::uint32_t num_frames = 0;
  std::uint32_t num_drops = 0;
  std::int32_t last_frame_delay = 0;
  std::uint32_t audio_delay = 0xffffffffu;  // no audio playback
};
bytes build_stream_report(const stream_report& report);

// SPICE_MSGC_DISPLAY_PREFERRED_COMPRESSION {u8 SPICE_IMAGE_COMPRESSION_*}
bytes build_preferred_compression(std::uint8_t compression);

// SPICE_MSGC_DISPLAY_PREFERRED_VIDEO_CODEC_TYPE {u8 n, u8 codecs[n]}, most preferred first.
bytes build_preferred_video_codec_type(const std::vector<std::uint8_t>& codecs);

}  // namespace vigil::protocol
