// DRAW_TEXT's glyphs turned into one coverage map, as the reference canvas
// (spice-common's) builds its string mask: each glyph's raster at
// render_position + glyph_origin, overlapping glyphs combined by the larger
// coverage. Coverage is 0-255: a 1-bit glyph gives 0 or 255, a 4-bit one its
// nibble times 16 (0-240, as the reference widens it), an 8-bit one its byte.
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/display_messages.hpp"
#include "protocol/memory_budget.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

struct glyph_coverage {
  rect area;                          // where `alpha` lies on the surface
  std::vector<std::uint8_t> alpha;    // area.width() * area.height(), rows top-down
  memory_charge charge;               // `alpha`, in the channel's budget

  std::uint8_t at(std::int32_t x, std::int32_t y) const {
    return alpha[static_cast<std::size_t>(std::int64_t{y} - area.top) * static_cast<std::size_t>(area.width()) +
                 static_cast<std::size_t>(std::int64_t{x} - area.left)];
  }
};

// The string's glyph boxes, united (64-bit: a server's positions and origins
// may sum past int32); empty when no glyph has pixels.
struct glyph_bounds {
  std::int64_t left = 0, top = 0, right = 0, bottom = 0;
  bool empty() const { return right <= left || bottom <= top; }
};
glyph_bounds string_bounds(const glyph_string& string);

// The coverage of `string` within `within` (the part of the surface the
// drawing may change), charged to `account` before it is allocated. Errors:
// the budget refuses the map (budget_exceeded).
result<glyph_coverage> rasterize_glyphs(const glyph_string& string, const rect& within, const memory_account& account);

}  // namespace vigil::protocol
