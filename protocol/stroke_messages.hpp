// SPICE_MSG_DISPLAY_DRAW_STROKE (spice.proto's Stroke): a path of polylines
// and cubic beziers drawn with a zero-width pen (the reference canvas ignores
// any width), solid or dashed, in a brush combined with what is there by
// `fore_mode` (SPICE_ROPD_*). Older Windows QXL drivers and some X drivers
// send it for LineTo/PolyLine. Pure: no I/O.
//
// Layout: DisplayBase, u32 path offset (non-null), LineAttr (u8 flags; when
// STYLED a u8 style_nseg and a u32 offset of style_nseg fixed-point dash
// lengths), Brush, u16 fore_mode, u16 back_mode. The path: u32 num_segments,
// then each segment as u8 flags (SPICE_PATH_*), u32 count and count points
// of two 28.4 fixed-point int32s, one after the other.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/display_messages.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// A 28.4 fixed-point point (spice.proto's PointFix): value / 16 pixels.
struct point_fix {
  std::int32_t x = 0;
  std::int32_t y = 0;
};

struct path_segment {
  std::uint8_t flags = 0;  // SPICE_PATH_BEGIN, _END, _CLOSE, _BEZIER
  std::vector<point_fix> points;
};

struct draw_stroke {
  display_base base;
  std::vector<path_segment> path;
  std::uint8_t attr_flags = 0;      // SPICE_LINE_FLAGS_STYLED, _START_WITH_GAP
  std::vector<std::int32_t> style;  // STYLED: dash and gap lengths, 28.4 fixed point
  struct brush brush;
  std::uint16_t fore_mode = 0;
  std::uint16_t back_mode = 0;
};

// Errors (naming DISPLAY_DRAW_STROKE and the field): a cut body, a null or
// out-of-body path or style pointer, more segments or points than the body
// can hold, a bad brush or clip.
result<draw_stroke> parse_draw_stroke(const bytes& body);

}  // namespace vigil::protocol
