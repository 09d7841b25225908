#include "protocol/stroke_messages.hpp"

#include <spice/enums.h>

#include <optional>
#include <string>

#include "protocol/byte_reader.hpp"

namespace vigil::protocol {
namespace {

constexpr const char* message_name = "DISPLAY_DRAW_STROKE";
constexpr std::size_t segment_header_bytes = 5;  // u8 flags, u32 count
constexpr std::size_t point_fix_bytes = 8;

// The Path at `offset`: every segment and point is checked to fit in the
// body before anything is allocated for it.
std::optional<parse_error> read_path(const bytes& body, std::uint32_t offset, std::vector<path_segment>& out) {
  byte_reader at(body, message_name);
  at.seek("path offset", offset);
  const std::uint32_t count = at.u32("path.num_segments");
  if (at.fits("path.num_segments", count, segment_header_bytes)) {
    out.reserve(count);
    for (std::uint32_t i = 0; i < count && !at.failed(); ++i) {
      path_segment segment;
      segment.flags = at.u8("path.segments.flags");
      const std::uint32_t points = at.u32("path.segments.count");
      if (!at.fits("path.segments.count", points, point_fix_bytes))
        break;
      segment.points.resize(points);
      for (auto& p : segment.points) {
        p.x = at.i32("path.segments.points");
        p.y = at.i32("path.segments.points");
      }
      out.push_back(std::move(segment));
    }
  }
  if (at.failed())
    return at.error();
  return std::nullopt;
}

std::optional<parse_error> read_style(const bytes& body, std::uint32_t offset, std::uint8_t count,
                                      std::vector<std::int32_t>& out) {
  byte_reader at(body, message_name);
  at.seek("attr.style offset", offset);
  if (at.fits("attr.style_nseg", count, 4)) {
    out.reserve(count);
    for (std::uint8_t i = 0; i < count; ++i)
      out.push_back(at.i32("attr.style"));
  }
  if (at.failed())
    return at.error();
  return std::nullopt;
}

}  // namespace

result<draw_stroke> parse_draw_stroke(const bytes& body) {
  draw_stroke out;
  std::size_t offset = 0;
  auto base = parse_display_base_at(body, offset, message_name);
  if (!base)
    return base.error();
  out.base = std::move(*base);
  byte_reader in(body, message_name);
  in.seek("path offset", offset);
  const std::uint32_t path_offset = in.u32("path offset");
  out.attr_flags = in.u8("attr.flags");
  std::uint8_t style_count = 0;
  std::uint32_t style_offset = 0;
  if (out.attr_flags & SPICE_LINE_FLAGS_STYLED) {
    style_count = in.u8("attr.style_nseg");
    style_offset = in.u32("attr.style offset");
  }
  if (in.failed())
    return in.error();
  if (path_offset == 0)
    return parse_error{std::string(message_name) + ": field path is a null pointer"};
  if ((out.attr_flags & SPICE_LINE_FLAGS_STYLED) && style_offset == 0)
    return parse_error{std::string(message_name) + ": field attr.style is a null pointer"};
  if (auto error = read_path(body, path_offset, out.path))
    return *error;
  if (out.attr_flags & SPICE_LINE_FLAGS_STYLED)
    if (auto error = read_style(body, style_offset, style_count, out.style))
      return *error;
  offset = in.offset();
  auto brush = parse_brush_at(body, offset, message_name, "brush");
  if (!brush)
    return brush.error();
  out.brush = std::move(*brush);
  in.seek("brush end", offset);
  out.fore_mode = in.u16("fore_mode");
  out.back_mode = in.u16("back_mode");
  return in.finish(std::move(out));
}

}  // namespace vigil::protocol
