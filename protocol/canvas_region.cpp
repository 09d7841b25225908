// The geometry half of the canvas: clip regions and raster operations.
#include <spice/enums.h>

#include <algorithm>
#include <string>

#include "protocol/canvas.hpp"
#include "protocol/damage_region.hpp"

namespace vigil::protocol {
namespace {

// Band by band work (rectangles spanning a band, summed over the bands) past
// which a clip is refused: legitimate clips (pieces of a window, even 4096 of
// them in a grid or in rows) stay far below it; 4096 staggered overlapping
// rectangles reach 16.7M, with as many output rectangles and seconds of CPU
// (security review M1).
constexpr std::uint64_t max_clip_work = std::uint64_t{1} << 18;

}  // namespace

result<std::vector<rect>> drawing_region(const rect& box, const clip& clip, const rect& surface_bounds) {
  const rect bounded = intersection(box, surface_bounds);
  std::vector<rect> pieces;
  if (bounded.empty())
    return pieces;
  if (clip.type != SPICE_CLIP_TYPE_RECTS) {
    pieces.push_back(bounded);
    return pieces;
  }
  if (clip.rects.size() > max_clip_rects)
    return parse_error{"clip has " + std::to_string(clip.rects.size()) + " rectangles, more than the limit of " +
                       std::to_string(max_clip_rects)};
  for (const auto& clip_rect : clip.rects) {
    const rect piece = intersection(bounded, clip_rect);
    if (!piece.empty())
      pieces.push_back(piece);
  }
  if (pieces.size() <= 1)
    return pieces;
  const std::size_t count = pieces.size();
  auto disjoint = disjoint_rects_within(std::move(pieces), max_clip_work);
  if (!disjoint)
    return parse_error{"clip of " + std::to_string(count) + " overlapping rectangles is too complex (over " +
                       std::to_string(max_clip_work) + " band pieces)"};
  return std::move(*disjoint);
}

raster_operation::raster_operation(std::uint16_t descriptor, std::uint16_t input_invert, std::uint16_t dest_invert) {
  invert_input_ = (descriptor & input_invert) != 0;
  invert_dest_ = (descriptor & dest_invert) != 0;
  invert_result_ = (descriptor & SPICE_ROPD_INVERS_RES) != 0;
  // The first operation bit wins, in the order the reference client checks them.
  if (descriptor & SPICE_ROPD_OP_PUT) {
    kind_ = kind::put;
    invert_dest_ = false;
    return;
  }
  if (descriptor & SPICE_ROPD_OP_OR)
    kind_ = kind::bit_or;
  else if (descriptor & SPICE_ROPD_OP_AND)
    kind_ = kind::bit_and;
  else if (descriptor & SPICE_ROPD_OP_XOR)
    kind_ = kind::bit_xor;
  else {
    if (descriptor & SPICE_ROPD_OP_BLACKNESS)
      kind_ = kind::blackness;
    else if (descriptor & SPICE_ROPD_OP_WHITENESS)
      kind_ = kind::whiteness;
    else if (descriptor & SPICE_ROPD_OP_INVERS)
      kind_ = kind::invert_dest;
    else
      kind_ = kind::put;  // no operation bit at all: a plain copy
    invert_input_ = invert_dest_ = invert_result_ = false;
  }
}

std::uint32_t raster_operation::apply(std::uint32_t input, std::uint32_t dest) const {
  const std::uint32_t in = invert_input_ ? ~input : input;
  const std::uint32_t under = invert_dest_ ? ~dest : dest;
  std::uint32_t out = 0;
  switch (kind_) {
    case kind::put: out = in; break;
    case kind::bit_or: out = in | under; break;
    case kind::bit_and: out = in & under; break;
    case kind::bit_xor: out = in ^ under; break;
    case kind::blackness: return 0;
    case kind::whiteness: return 0xffffffffu;
    case kind::invert_dest: return ~dest;
  }
  return invert_result_ ? ~out : out;
}

bytes encode_ppm(const surface& image) {
  const std::string header =
    "P6\n" + std::to_string(image.width) + " " + std::to_string(image.height) + "\n255\n";
  bytes out(header.begin(), header.end());
  out.reserve(header.size() + image.pixels.size() * 3);
  for (std::uint32_t pixel : image.pixels) {
    out.push_back(static_cast<std::uint8_t>(pixel >> 16));
    out.push_back(static_cast<std::uint8_t>(pixel >> 8));
    out.push_back(static_cast<std::uint8_t>(pixel));
  }
  return out;
}

}  // namespace vigil::protocol
