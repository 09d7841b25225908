#include "protocol/display_messages.hpp"

#include <spice/enums.h>

#include <string>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {
namespace {

constexpr std::size_t rect_bytes = 16;
constexpr std::size_t resource_id_bytes = 9;
constexpr std::size_t monitor_head_bytes = 28;
constexpr std::size_t glyph_header_bytes = 20;  // render_pos, glyph_origin, width, height

rect read_rect(byte_reader& in, const char* field) {
  rect r;
  r.top = in.i32(field);
  r.left = in.i32(field);
  r.bottom = in.i32(field);
  r.right = in.i32(field);
  return r;
}

point read_point(byte_reader& in, const char* field) {
  point p;
  p.x = in.i32(field);
  p.y = in.i32(field);
  return p;
}

composite_transform read_transform(byte_reader& in, const char* field) {
  composite_transform t;
  t.t00 = in.u32(field);
  t.t01 = in.u32(field);
  t.t02 = in.u32(field);
  t.t10 = in.u32(field);
  t.t11 = in.u32(field);
  t.t12 = in.u32(field);
  return t;
}

clip read_clip(byte_reader& in) {
  clip c;
  c.type = in.u8("clip.type");
  if (in.failed())
    return c;
  if (c.type == SPICE_CLIP_TYPE_RECTS) {
    const std::uint32_t count = in.u32("clip.num_rects");
    if (count > max_clip_rects) {
      in.fail("field clip.num_rects is " + std::to_string(count) + ", more than the limit of " +
              std::to_string(max_clip_rects));
      return c;
    }
    if (!in.fits("clip.num_rects", count, rect_bytes))
      return c;
    c.rects.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i)
      c.rects.push_back(read_rect(in, "clip.rects"));
  } else if (c.type != SPICE_CLIP_TYPE_NONE) {
    in.fail("field clip.type is " + std::to_string(c.type) + ", neither NONE (0) nor RECTS (1)");
  }
  return c;
}

display_base read_base(byte_reader& in) {
  display_base base;
  base.surface_id = in.u32("base.surface_id");
  base.box = read_rect(in, "base.box");
  base.clip = read_clip(in);
  return base;
}

// Reads what pointers in a body point at. Each pointed-to structure gets its
// own reader over the whole body (offsets are from the body's start); the
// first failure anywhere is the message's error.
class body_parser {
public:
  body_parser(const bytes& body, const char* message) : body_(body), message_(message), in_(body, message) {}

  byte_reader& in() { return in_; }
  bool failed() const { return in_.failed() || nested_error_.has_value(); }
  parse_error error() const { return nested_error_ ? *nested_error_ : in_.error(); }
  // As byte_reader::finish, with the errors of nested reads (palettes, images).
  template <class T>
  result<T> finish(T value) const {
    if (failed())
      return error();
    return value;
  }

  // A u32 image offset at the current position, then the image it points at.
  std::optional<image> image_pointer(const std::string& field) {
    const std::uint32_t offset = in_.u32((field + " offset").c_str());
    if (failed() || offset == 0)
      return std::nullopt;
    byte_reader at(body_, message_);
    if (!at.seek((field + " offset").c_str(), offset))
      return keep_error(at);
    image parsed = read_image(at, field);
    if (at.failed() || nested_error_)
      return keep_error(at);
    return parsed;
  }

  brush read_brush(const std::string& field) {
    brush b;
    b.type = in_.u8((field + ".type").c_str());
    if (failed())
      return b;
    switch (b.type) {
      case SPICE_BRUSH_TYPE_NONE: break;
      case SPICE_BRUSH_TYPE_SOLID: b.color = in_.u32((field + ".color").c_str()); break;
      case SPICE_BRUSH_TYPE_PATTERN:
        b.pattern = image_pointer(field + ".pattern");
        b.pattern_position = read_point(in_, (field + ".pattern.pos").c_str());
        if (!failed() && !b.pattern)
          in_.fail("field " + field + ".pattern is a null pointer");
        break;
      default:
        in_.fail("field " + field + ".type is " + std::to_string(b.type) + ", not NONE, SOLID or PATTERN");
    }
    return b;
  }

  // A u32 offset of a String (spice.proto: u16 length, u8 flags, then
  // `length` raster glyphs in the flags' depth); the pointer may not be 0.
  glyph_string string_pointer(const char* field) {
    glyph_string out;
    const std::uint32_t offset = in_.u32("str offset");
    if (failed())
      return out;
    if (offset == 0) {
      in_.fail(std::string("field ") + field + " is a null pointer");
      return out;
    }
    byte_reader at(body_, message_);
    if (!at.seek("str offset", offset)) {
      keep_error(at);
      return out;
    }
    const std::uint16_t length = at.u16("str.length");
    out.flags = at.u8("str.flags");
    out.bits_per_pixel = (out.flags & SPICE_STRING_FLAGS_RASTER_A1)   ? 1
                         : (out.flags & SPICE_STRING_FLAGS_RASTER_A4) ? 4
                         : (out.flags & SPICE_STRING_FLAGS_RASTER_A8) ? 8
                                                                      : 0;
    if (out.bits_per_pixel != 0 && at.fits("str.length", length, glyph_header_bytes)) {
      out.glyphs.reserve(length);
      for (std::uint16_t i = 0; i < length && !at.failed(); ++i) {
        raster_glyph glyph;
        glyph.render_position = read_point(at, "str.glyphs.render_pos");
        glyph.glyph_origin = read_point(at, "str.glyphs.glyph_origin");
        glyph.width = at.u16("str.glyphs.width");
        glyph.height = at.u16("str.glyphs.height");
        const std::size_t row_bytes = (std::size_t{glyph.width} * out.bits_per_pixel + 7) / 8;
        if (!at.fits("str.glyphs.height", glyph.height, row_bytes))
          break;
        const std::size_t size = row_bytes * glyph.height;
        glyph.data = byte_view{at.raw("str.glyphs.data", size), size};
        out.glyphs.push_back(glyph);
      }
    }
    keep_error(at);
    return out;
  }

  qmask read_mask() {
    qmask mask;
    mask.flags = in_.u8("mask.flags");
    mask.position = read_point(in_, "mask.pos");
    mask.bitmap = image_pointer("mask.bitmap");
    return mask;
  }

private:
  std::nullopt_t keep_error(const byte_reader& at) {
    if (!nested_error_ && at.failed())
      nested_error_ = at.error();
    return std::nullopt;
  }

  palette_source read_palette_source(byte_reader& at, std::uint8_t bitmap_flags, const std::string& field) {
    palette_source source;
    if (bitmap_flags & SPICE_BITMAP_FLAGS_PAL_FROM_CACHE) {
      source.from_cache = true;
      source.cache_id = at.u64((field + ".palette_id").c_str());
      return source;
    }
    const std::string offset_field = field + ".palette offset";
    const std::uint32_t offset = at.u32(offset_field.c_str());
    if (at.failed() || offset == 0)
      return source;
    byte_reader pal(body_, message_);
    if (!pal.seek(offset_field.c_str(), offset)) {
      keep_error(pal);
      return source;
    }
    palette p;
    p.unique = pal.u64((field + ".palette.unique").c_str());
    const std::uint16_t count = pal.u16((field + ".palette.num_ents").c_str());
    if (count > max_palette_entries)
      pal.fail("field " + field + ".palette.num_ents is " + std::to_string(count) + ", more than the " +
               std::to_string(max_palette_entries) + " an 8-bit bitmap can index");
    else if (pal.fits((field + ".palette.num_ents").c_str(), count, 4)) {
      p.entries.reserve(count);
      for (std::uint16_t i = 0; i < count; ++i)
        p.entries.push_back(pal.u32((field + ".palette.ents").c_str()));
    }
    if (pal.failed()) {
      keep_error(pal);
      return source;
    }
    source.inline_palette = std::move(p);
    return source;
  }

  // A u32 data_size, then that many bytes.
  byte_view read_sized_data(byte_reader& at, const std::string& field) {
    const std::uint32_t size = at.u32((field + ".data_size").c_str());
    const std::uint8_t* data = at.raw((field + ".data").c_str(), size);
    return data ? byte_view{data, size} : byte_view{};
  }

  image read_image(byte_reader& at, const std::string& field) {
    image img;
    auto& d = img.descriptor;
    d.id = at.u64((field + ".descriptor.id").c_str());
    d.type = at.u8((field + ".descriptor.type").c_str());
    d.flags = at.u8((field + ".descriptor.flags").c_str());
    d.width = at.u32((field + ".descriptor.width").c_str());
    d.height = at.u32((field + ".descriptor.height").c_str());
    if (at.failed())
      return img;
    switch (d.type) {
      case SPICE_IMAGE_TYPE_BITMAP: {
        bitmap_data bitmap;
        bitmap.format = at.u8((field + ".bitmap.format").c_str());
        bitmap.flags = at.u8((field + ".bitmap.flags").c_str());
        bitmap.width = at.u32((field + ".bitmap.x").c_str());
        bitmap.height = at.u32((field + ".bitmap.y").c_str());
        bitmap.stride = at.u32((field + ".bitmap.stride").c_str());
        bitmap.palette = read_palette_source(at, bitmap.flags, field + ".bitmap");
        const std::string rows_field = field + ".bitmap.data";
        if (at.fits(rows_field.c_str(), bitmap.height, bitmap.stride)) {
          const std::size_t size = std::size_t{bitmap.stride} * bitmap.height;
          bitmap.rows = byte_view{at.raw(rows_field.c_str(), size), size};
        }
        img.bitmap = std::move(bitmap);
        break;
      }
      case SPICE_IMAGE_TYPE_QUIC:
      case SPICE_IMAGE_TYPE_LZ_RGB:
      case SPICE_IMAGE_TYPE_GLZ_RGB:
      case SPICE_IMAGE_TYPE_JPEG:
      case SPICE_IMAGE_TYPE_LZ4:
        img.payload = read_sized_data(at, field);
        break;
      case SPICE_IMAGE_TYPE_LZ_PLT: {
        lz_palette_data lz;
        lz.flags = at.u8((field + ".lz_plt.flags").c_str());
        const std::uint32_t size = at.u32((field + ".lz_plt.data_size").c_str());
        lz.palette = read_palette_source(at, lz.flags, field + ".lz_plt");
        if (!at.failed() && !lz.palette.from_cache && !lz.palette.inline_palette && !nested_error_)
          at.fail("field " + field + ".lz_plt.palette is a null pointer");
        const std::uint8_t* data = at.raw((field + ".lz_plt.data").c_str(), size);
        lz.payload = data ? byte_view{data, size} : byte_view{};
        img.lz_palette = std::move(lz);
        break;
      }
      case SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB: {
        const std::size_t start = at.offset();
        at.u32((field + ".zlib_glz.glz_data_size").c_str());
        const std::uint32_t size = at.u32((field + ".zlib_glz.data_size").c_str());
        if (at.raw((field + ".zlib_glz.data").c_str(), size))
          img.payload = byte_view{body_.data() + start, at.offset() - start};
        break;
      }
      case SPICE_IMAGE_TYPE_JPEG_ALPHA: {
        const std::size_t start = at.offset();
        at.u8((field + ".jpeg_alpha.flags").c_str());
        at.u32((field + ".jpeg_alpha.jpeg_size").c_str());
        const std::uint32_t size = at.u32((field + ".jpeg_alpha.data_size").c_str());
        if (at.raw((field + ".jpeg_alpha.data").c_str(), size))
          img.payload = byte_view{body_.data() + start, at.offset() - start};
        break;
      }
      case SPICE_IMAGE_TYPE_SURFACE:
        img.surface_id = at.u32((field + ".surface_id").c_str());
        break;
      case SPICE_IMAGE_TYPE_FROM_CACHE:
      case SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS:
        break;
      default:
        at.fail("field " + field + ".descriptor.type is " + std::to_string(d.type) + ", not a known image type");
    }
    return img;
  }

  const bytes& body_;
  const char* message_;
  byte_reader in_;
  std::optional<parse_error> nested_error_;
};

template <class T>
result<T> finish(const body_parser& parser, T value) {
  return parser.finish(std::move(value));
}

}  // namespace

result<display_base> parse_display_base_at(const bytes& body, std::size_t& offset, const char* message) {
  byte_reader in(body, message);
  in.seek("base offset", offset);
  display_base base = read_base(in);
  offset = in.offset();
  return in.finish(std::move(base));
}

result<brush> parse_brush_at(const bytes& body, std::size_t& offset, const char* message, const std::string& field) {
  body_parser parser(body, message);
  parser.in().seek((field + " offset").c_str(), offset);
  brush b = parser.read_brush(field);
  offset = parser.in().offset();
  return parser.finish(std::move(b));
}

namespace {

result<draw_copy> parse_copy_layout(const bytes& body, const char* message) {
  body_parser parser(body, message);
  auto& in = parser.in();
  draw_copy out;
  out.base = read_base(in);
  out.source = parser.image_pointer("src_bitmap");
  out.source_area = read_rect(in, "src_area");
  out.rop = in.u16("rop_descriptor");
  out.scale_mode = in.u8("scale_mode");
  out.mask = parser.read_mask();
  return parser.finish(std::move(out));
}

result<draw_masked_area> parse_masked_area(const bytes& body, const char* message) {
  body_parser parser(body, message);
  draw_masked_area out;
  out.base = read_base(parser.in());
  out.mask = parser.read_mask();
  return parser.finish(std::move(out));
}

}  // namespace

result<surface_create> parse_surface_create(const bytes& body) {
  byte_reader in(body, "DISPLAY_SURFACE_CREATE");
  surface_create out;
  out.surface_id = in.u32("surface_id");
  out.width = in.u32("width");
  out.height = in.u32("height");
  out.format = in.u32("format");
  out.flags = in.u32("flags");
  return in.finish(std::move(out));
}

result<surface_destroy> parse_surface_destroy(const bytes& body) {
  byte_reader in(body, "DISPLAY_SURFACE_DESTROY");
  surface_destroy out;
  out.surface_id = in.u32("surface_id");
  return in.finish(std::move(out));
}

result<draw_fill> parse_draw_fill(const bytes& body) {
  body_parser parser(body, "DISPLAY_DRAW_FILL");
  auto& in = parser.in();
  draw_fill out;
  out.base = read_base(in);
  out.brush = parser.read_brush("brush");
  out.rop = in.u16("rop_descriptor");
  out.mask = parser.read_mask();
  return parser.finish(std::move(out));
}

result<draw_copy> parse_draw_copy(const bytes& body) { return parse_copy_layout(body, "DISPLAY_DRAW_COPY"); }

result<draw_copy> parse_draw_blend(const bytes& body) { return parse_copy_layout(body, "DISPLAY_DRAW_BLEND"); }

result<draw_opaque> parse_draw_opaque(const bytes& body) {
  body_parser parser(body, "DISPLAY_DRAW_OPAQUE");
  auto& in = parser.in();
  draw_opaque out;
  out.base = read_base(in);
  out.source = parser.image_pointer("src_bitmap");
  out.source_area = read_rect(in, "src_area");
  out.brush = parser.read_brush("brush");
  out.rop = in.u16("rop_descriptor");
  out.scale_mode = in.u8("scale_mode");
  out.mask = parser.read_mask();
  return parser.finish(std::move(out));
}

result<draw_rop3> parse_draw_rop3(const bytes& body) {
  body_parser parser(body, "DISPLAY_DRAW_ROP3");
  auto& in = parser.in();
  draw_rop3 out;
  out.base = read_base(in);
  out.source = parser.image_pointer("src_bitmap");
  out.source_area = read_rect(in, "src_area");
  out.brush = parser.read_brush("brush");
  out.rop3 = in.u8("rop3");
  out.scale_mode = in.u8("scale_mode");
  out.mask = parser.read_mask();
  return finish(parser, std::move(out));
}

result<draw_text> parse_draw_text(const bytes& body) {
  body_parser parser(body, "DISPLAY_DRAW_TEXT");
  auto& in = parser.in();
  draw_text out;
  out.base = read_base(in);
  out.string = parser.string_pointer("str");
  out.back_area = read_rect(in, "back_area");
  out.fore_brush = parser.read_brush("fore_brush");
  out.back_brush = parser.read_brush("back_brush");
  out.fore_mode = in.u16("fore_mode");
  out.back_mode = in.u16("back_mode");
  return finish(parser, std::move(out));
}

result<draw_composite> parse_draw_composite(const bytes& body) {
  body_parser parser(body, "DISPLAY_DRAW_COMPOSITE");
  auto& in = parser.in();
  draw_composite out;
  out.base = read_base(in);
  out.flags = in.u32("flags");
  out.source = parser.image_pointer("src_bitmap");
  if (!parser.failed() && !out.source)
    in.fail("field src_bitmap is a null pointer");
  if (out.flags & SPICE_COMPOSITE_HAS_MASK) {
    out.mask = parser.image_pointer("mask_bitmap");
    if (!parser.failed() && !out.mask)
      in.fail("field mask_bitmap is a null pointer");
  }
  if (out.flags & SPICE_COMPOSITE_HAS_SRC_TRANSFORM)
    out.source_transform = read_transform(in, "src_transform");
  if (out.flags & SPICE_COMPOSITE_HAS_MASK_TRANSFORM)
    out.mask_transform = read_transform(in, "mask_transform");
  out.source_x = in.i16("src_origin.x");
  out.source_y = in.i16("src_origin.y");
  out.mask_x = in.i16("mask_origin.x");
  out.mask_y = in.i16("mask_origin.y");
  return finish(parser, std::move(out));
}

result<draw_masked_area> parse_draw_blackness(const bytes& body) {
  return parse_masked_area(body, "DISPLAY_DRAW_BLACKNESS");
}

result<draw_masked_area> parse_draw_whiteness(const bytes& body) {
  return parse_masked_area(body, "DISPLAY_DRAW_WHITENESS");
}

result<draw_masked_area> parse_draw_invers(const bytes& body) { return parse_masked_area(body, "DISPLAY_DRAW_INVERS"); }

result<draw_transparent> parse_draw_transparent(const bytes& body) {
  body_parser parser(body, "DISPLAY_DRAW_TRANSPARENT");
  auto& in = parser.in();
  draw_transparent out;
  out.base = read_base(in);
  out.source = parser.image_pointer("src_bitmap");
  out.source_area = read_rect(in, "src_area");
  out.source_color = in.u32("src_color");
  out.true_color = in.u32("true_color");
  return parser.finish(std::move(out));
}

result<draw_alpha_blend> parse_draw_alpha_blend(const bytes& body) {
  body_parser parser(body, "DISPLAY_DRAW_ALPHA_BLEND");
  auto& in = parser.in();
  draw_alpha_blend out;
  out.base = read_base(in);
  out.alpha_flags = in.u8("alpha_flags");
  out.alpha = in.u8("alpha");
  out.source = parser.image_pointer("src_bitmap");
  out.source_area = read_rect(in, "src_area");
  return parser.finish(std::move(out));
}

result<copy_bits> parse_copy_bits(const bytes& body) {
  byte_reader in(body, "DISPLAY_COPY_BITS");
  copy_bits out;
  out.base = read_base(in);
  out.source_position = read_point(in, "src_pos");
  return in.finish(std::move(out));
}

result<inval_list> parse_inval_list(const bytes& body) {
  byte_reader in(body, "DISPLAY_INVAL_LIST");
  inval_list out;
  const std::uint16_t count = in.u16("count");
  if (in.fits("count", count, resource_id_bytes)) {
    out.resources.reserve(count);
    for (std::uint16_t i = 0; i < count; ++i) {
      resource_id resource;
      resource.type = in.u8("resources.type");
      resource.id = in.u64("resources.id");
      out.resources.push_back(resource);
    }
  }
  return in.finish(std::move(out));
}

result<wait_for_channels> parse_inval_all_pixmaps(const bytes& body) {
  byte_reader in(body, "DISPLAY_INVAL_ALL_PIXMAPS");
  auto out = read_wait_list(in);
  return in.finish(std::move(out));
}

result<inval_palette> parse_inval_palette(const bytes& body) {
  byte_reader in(body, "DISPLAY_INVAL_PALETTE");
  inval_palette out;
  out.id = in.u64("id");
  return in.finish(std::move(out));
}

result<monitors_config> parse_monitors_config(const bytes& body) {
  byte_reader in(body, "DISPLAY_MONITORS_CONFIG");
  monitors_config out;
  const std::uint16_t count = in.u16("count");
  out.max_allowed = in.u16("max_allowed");
  if (in.fits("count", count, monitor_head_bytes)) {
    out.heads.reserve(count);
    for (std::uint16_t i = 0; i < count; ++i) {
      monitor_head head;
      head.monitor_id = in.u32("heads.monitor_id");
      head.surface_id = in.u32("heads.surface_id");
      head.width = in.u32("heads.width");
      head.height = in.u32("heads.height");
      head.x = in.u32("heads.x");
      head.y = in.u32("heads.y");
      head.flags = in.u32("heads.flags");
      out.heads.push_back(head);
    }
  }
  return in.finish(std::move(out));
}

result<stream_create> parse_stream_create(const bytes& body) {
  byte_reader in(body, "DISPLAY_STREAM_CREATE");
  stream_create out;
  out.surface_id = in.u32("surface_id");
  out.stream_id = in.u32("id");
  out.flags = in.u8("flags");
  out.codec = in.u8("codec_type");
  out.stamp = in.u64("stamp");
  out.stream_width = in.u32("stream_width");
  out.stream_height = in.u32("stream_height");
  out.source_width = in.u32("src_width");
  out.source_height = in.u32("src_height");
  out.dest = read_rect(in, "dest");
  out.clip = read_clip(in);
  return in.finish(std::move(out));
}

result<stream_data> parse_stream_data(const bytes& body) {
  byte_reader in(body, "DISPLAY_STREAM_DATA");
  stream_data out;
  out.stream_id = in.u32("id");
  out.multi_media_time = in.u32("multi_media_time");
  const std::uint32_t size = in.u32("data_size");
  const std::uint8_t* data = in.raw("data", size);
  if (in.failed())
    return in.error();
  out.frame = byte_view{data, size};
  return out;
}

result<stream_data_sized> parse_stream_data_sized(const bytes& body) {
  byte_reader in(body, "DISPLAY_STREAM_DATA_SIZED");
  stream_data_sized out;
  out.stream_id = in.u32("id");
  out.multi_media_time = in.u32("multi_media_time");
  out.width = in.u32("width");
  out.height = in.u32("height");
  out.dest = read_rect(in, "dest");
  const std::uint32_t size = in.u32("data_size");
  const std::uint8_t* data = in.raw("data", size);
  if (in.failed())
    return in.error();
  out.frame = byte_view{data, size};
  return out;
}

result<stream_clip> parse_stream_clip(const bytes& body) {
  byte_reader in(body, "DISPLAY_STREAM_CLIP");
  stream_clip out;
  out.stream_id = in.u32("id");
  out.clip = read_clip(in);
  return in.finish(std::move(out));
}

result<stream_destroy> parse_stream_destroy(const bytes& body) {
  byte_reader in(body, "DISPLAY_STREAM_DESTROY");
  stream_destroy out;
  out.stream_id = in.u32("id");
  return in.finish(std::move(out));
}

result<stream_activate_report> parse_stream_activate_report(const bytes& body) {
  byte_reader in(body, "DISPLAY_STREAM_ACTIVATE_REPORT");
  stream_activate_report out;
  out.stream_id = in.u32("stream_id");
  out.unique_id = in.u32("unique_id");
  out.max_window_size = in.u32("max_window_size");
  out.timeout_ms = in.u32("timeout_ms");
  return in.finish(std::move(out));
}

bytes build_stream_report(const stream_report& report) {
  return byte_writer()
      .u32(report.stream_id)
      .u32(report.unique_id)
      .u32(report.start_frame_mm_time)
      .u32(report.end_frame_mm_time)
      .u32(report.num_frames)
      .u32(report.num_drops)
      .i32(report.last_frame_delay)
      .u32(report.audio_delay)
      .take();
}

bytes build_preferred_compression(std::uint8_t compression) { return byte_writer().u8(compression).take(); }

bytes build_preferred_video_codec_type(const std::vector<std::uint8_t>& codecs) {
  byte_writer out;
  // The count is a u8: more than 255 codecs cannot be said (and do not exist).
  const std::size_t count = codecs.size() < 255 ? codecs.size() : 255;
  out.u8(static_cast<std::uint8_t>(count));
  for (std::size_t i = 0; i < count; ++i)
    out.u8(codecs[i]);
  return out.take();
}

}  // namespace vigil::protocol
