#include "protocol/canvas.hpp"

#include <spice/enums.h>

#include <algorithm>
#include <string>

#include "protocol/canvas_rows.hpp"
#include "protocol/damage_region.hpp"
#include "protocol/rop3.hpp"
#include "protocol/stroke_dash.hpp"
#include "protocol/stroke_raster.hpp"

namespace vigil::protocol {
namespace {

parse_error no_surface(std::uint32_t surface_id) {
  return parse_error{"surface " + std::to_string(surface_id) + " does not exist"};
}

// 16-bit surfaces keep only 5 (or 6) bits per channel; the low bits repeat the
// high ones, as when the reference client widens 16-bit pixels to 32.
std::uint32_t widen(std::uint32_t value, int bits) {
  const std::uint32_t kept = value >> (8 - bits);
  return (kept << (8 - bits)) | (kept >> (2 * bits - 8));
}

std::uint32_t reduce_to_format(std::uint32_t pixel, std::uint32_t format) {
  const std::uint32_t r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;
  switch (format) {
    case SPICE_SURFACE_FMT_16_555: return widen(r, 5) << 16 | widen(g, 5) << 8 | widen(b, 5);
    case SPICE_SURFACE_FMT_16_565: return widen(r, 5) << 16 | widen(g, 6) << 8 | widen(b, 5);
    case SPICE_SURFACE_FMT_8_A:
    case SPICE_SURFACE_FMT_1_A: return pixel & 0xff000000u;
    default: return pixel;
  }
}

bool known_format(std::uint32_t format) {
  switch (format) {
    case SPICE_SURFACE_FMT_1_A:
    case SPICE_SURFACE_FMT_8_A:
    case SPICE_SURFACE_FMT_16_555:
    case SPICE_SURFACE_FMT_16_565:
    case SPICE_SURFACE_FMT_32_xRGB:
    case SPICE_SURFACE_FMT_32_ARGB: return true;
    default: return false;
  }
}

// Maps box pixels to source pixels: one table per axis over the region's
// extent. Equal sizes map one to one; otherwise each box pixel takes the
// source pixel under its centre. -1: outside the source image.
class source_sampler {
public:
  source_sampler(const decoded_image& image, const rect& source_area, const rect& box, const rect& extent,
                 bool flip_rows)
      : image_(image), extent_(extent) {
    columns_ = axis(source_area.left, source_area.width(), box.left, box.width(), extent.left, extent.right,
                    image.width);
    rows_ = axis(source_area.top, source_area.height(), box.top, box.height(), extent.top, extent.bottom,
                 image.height);
    if (flip_rows)
      for (auto& row : rows_)
        if (row >= 0)
          row = static_cast<std::int64_t>(image.height) - 1 - row;
  }

  bool inside(std::int32_t x, std::int32_t y) const {
    return columns_[static_cast<std::size_t>(x - extent_.left)] >= 0 &&
           rows_[static_cast<std::size_t>(y - extent_.top)] >= 0;
  }

  // The source pixel for surface pixel (x, y); 0 (transparent black) outside the image.
  std::uint32_t at(std::int32_t x, std::int32_t y) const {
    const std::int64_t sx = columns_[static_cast<std::size_t>(x - extent_.left)];
    const std::int64_t sy = rows_[static_cast<std::size_t>(y - extent_.top)];
    if (sx < 0 || sy < 0)
      return 0;
    return image_.pixels[static_cast<std::size_t>(sy) * image_.width + static_cast<std::size_t>(sx)];
  }

private:
  static std::vector<std::int64_t> axis(std::int64_t source_start, std::int64_t source_size, std::int64_t box_start,
                                        std::int64_t box_size, std::int32_t from, std::int32_t to,
                                        std::uint32_t image_size) {
    std::vector<std::int64_t> table;
    table.reserve(static_cast<std::size_t>(to - from));
    for (std::int64_t position = from; position < to; ++position) {
      const std::int64_t offset = position - box_start;
      std::int64_t source = 0;
      if (source_size == box_size) {
        source = source_start + offset;
      } else {
        // floor(((offset + 0.5) * source_size - epsilon) / box_size), in exact integers:
        // the products reach 2^65 for hostile sizes, hence 128 bits.
        const __int128 numerator = static_cast<__int128>(2 * offset + 1) * source_size - 1;
        source = source_start + static_cast<std::int64_t>(numerator / (2 * static_cast<__int128>(box_size)));
      }
      table.push_back(source >= 0 && source < image_size ? source : -1);
    }
    return table;
  }

  const decoded_image& image_;
  rect extent_;
  std::vector<std::int64_t> columns_;
  std::vector<std::int64_t> rows_;
};

class mask_test {
public:
  mask_test(const mask_image* mask, const rect& box) : mask_(mask), box_(box) {}

  bool allows(std::int32_t x, std::int32_t y) const {
    if (mask_ == nullptr || mask_->bits == nullptr)
      return true;
    const std::int64_t mx = std::int64_t{x} - box_.left + mask_->position.x;
    const std::int64_t my = std::int64_t{y} - box_.top + mask_->position.y;
    const auto& bits = *mask_->bits;
    // Outside the mask nothing is drawn, inverted or not.
    if (mx < 0 || my < 0 || mx >= bits.width || my >= bits.height)
      return false;
    const bool set = bits.pixels[static_cast<std::size_t>(my) * bits.width + static_cast<std::size_t>(mx)] != 0;
    return set != mask_->inverted;
  }

private:
  const mask_image* mask_;
  rect box_;
};

// Runs `op(dest_pixel, x, y) -> new pixel` over every region pixel the mask allows.
template <class Operation>
rect paint_region(surface& target, const std::vector<rect>& region, const mask_test& mask, Operation op) {
  const bool reduce = target.format != SPICE_SURFACE_FMT_32_xRGB && target.format != SPICE_SURFACE_FMT_32_ARGB;
  for (const auto& r : region) {
    for (std::int32_t y = r.top; y < r.bottom; ++y) {
      std::uint32_t* row = target.pixels.data() + static_cast<std::size_t>(y) * target.width;
      for (std::int32_t x = r.left; x < r.right; ++x) {
        if (!mask.allows(x, y))
          continue;
        const std::uint32_t out = op(row[x], x, y);
        row[x] = reduce ? reduce_to_format(out, target.format) : out;
      }
    }
  }
  return bounding_box(region);
}

std::uint32_t brush_pixel(const paint& brush, std::int32_t x, std::int32_t y) {
  if (brush.type == SPICE_BRUSH_TYPE_SOLID)
    return brush.color;
  if (brush.type != SPICE_BRUSH_TYPE_PATTERN || brush.pattern == nullptr || brush.pattern->width == 0 ||
      brush.pattern->height == 0)
    return 0;
  const auto& tile = *brush.pattern;
  std::int64_t tx = (std::int64_t{x} - brush.pattern_position.x) % tile.width;
  std::int64_t ty = (std::int64_t{y} - brush.pattern_position.y) % tile.height;
  if (tx < 0)
    tx += tile.width;
  if (ty < 0)
    ty += tile.height;
  return tile.pixels[static_cast<std::size_t>(ty) * tile.width + static_cast<std::size_t>(tx)];
}

bool has_mask(const mask_image* mask) { return mask != nullptr && mask->bits != nullptr; }

// `color` as the surface stores it.
std::uint32_t stored(const surface& target, std::uint32_t color) {
  return rows::stores_as_drawn(target) ? color : reduce_to_format(color, target.format);
}

std::uint32_t multiply_un8(std::uint32_t a, std::uint32_t b) {
  const std::uint32_t t = a * b + 0x80;
  return ((t >> 8) + t) >> 8;
}

}  // namespace

rect bounding_box(const std::vector<rect>& region) {
  rect box;
  bool first = true;
  for (const auto& r : region) {
    if (first) {
      box = r;
      first = false;
      continue;
    }
    box.top = std::min(box.top, r.top);
    box.left = std::min(box.left, r.left);
    box.bottom = std::max(box.bottom, r.bottom);
    box.right = std::max(box.right, r.right);
  }
  return box;
}

canvas::canvas(memory_account account, memory_limits limits) : account_(std::move(account)), limits_(limits) {}

result<rect> canvas::create_surface(const surface_create& request) {
  const std::string name = "surface " + std::to_string(request.surface_id);
  if (request.width == 0 || request.height == 0 || request.width > max_surface_side ||
      request.height > max_surface_side)
    return parse_error{name + " size " + std::to_string(request.width) + "x" + std::to_string(request.height) +
                       " is empty or exceeds " + std::to_string(max_surface_side) + " pixels a side"};
  if (!known_format(request.format))
    return parse_error{name + " format " + std::to_string(request.format) + " is not a SPICE surface format"};
  // A surface that replaces one with the same id gives its memory back first.
  surfaces_.erase(request.surface_id);
  if (surfaces_.size() >= limits_.max_surfaces)
    return parse_error{name + " would be more than memory.max_surfaces (" + std::to_string(limits_.max_surfaces) +
                         ") live surfaces",
                       true};
  const std::size_t pixel_count = std::size_t{request.width} * request.height;
  const std::string what = name + " (" + std::to_string(request.width) + "x" + std::to_string(request.height) + ")";
  if (pixel_count * 4 > limits_.max_surface_bytes)
    return over_cap(what, pixel_count * 4, limits_.max_surface_bytes, "memory.max_surface_bytes");
  auto charge = account_.charge(pixel_count * 4, what);
  if (!charge)
    return charge.error();
  surface created;
  created.id = request.surface_id;
  created.width = request.width;
  created.height = request.height;
  created.format = request.format;
  created.primary = (request.flags & SPICE_SURFACE_FLAGS_PRIMARY) != 0;
  created.pixels.assign(pixel_count, 0);
  created.charge = std::move(*charge);
  const rect bounds = created.bounds();
  if (created.primary)  // one primary per display channel: a new one supersedes the old
    for (auto& [id, other] : surfaces_)
      other.primary = false;
  surfaces_[request.surface_id] = std::move(created);
  return bounds;
}

result<rect> canvas::destroy_surface(std::uint32_t surface_id) {
  auto found = surfaces_.find(surface_id);
  if (found == surfaces_.end())
    return no_surface(surface_id);
  const rect bounds = found->second.bounds();
  surfaces_.erase(found);
  return bounds;
}

void canvas::destroy_all_surfaces() { surfaces_.clear(); }

const surface* canvas::find(std::uint32_t surface_id) const {
  auto found = surfaces_.find(surface_id);
  return found == surfaces_.end() ? nullptr : &found->second;
}

const surface* canvas::primary() const {
  for (const auto& [id, candidate] : surfaces_)
    if (candidate.primary)
      return &candidate;
  return nullptr;
}

surface* canvas::target(std::uint32_t surface_id) {
  auto found = surfaces_.find(surface_id);
  return found == surfaces_.end() ? nullptr : &found->second;
}

result<canvas::drawing> canvas::prepare(const display_base& base) {
  surface* s = target(base.surface_id);
  if (!s)
    return no_surface(base.surface_id);
  auto region = drawing_region(base.box, base.clip, s->bounds());
  if (!region)
    return region.error();
  return drawing{s, std::move(*region)};
}

std::optional<canvas::box_pixels> canvas::whole_box(const display_base& base) {
  auto drawing = prepare(base);
  if (!drawing || drawing->region.size() != 1 || drawing->region.front() != base.box ||
      !rows::stores_as_drawn(*drawing->target))
    return std::nullopt;
  surface& s = *drawing->target;
  return box_pixels{s.pixels.data() + static_cast<std::size_t>(base.box.top) * s.width + base.box.left, s.width};
}

result<rect> canvas::fill(const display_base& base, const paint& brush, std::uint16_t rop, const mask_image* mask) {
  auto drawing = prepare(base);
  if (!drawing)
    return drawing.error();
  surface* s = drawing->target;
  const auto& region = drawing->region;
  const raster_operation operation(rop, SPICE_ROPD_INVERS_BRUSH, SPICE_ROPD_INVERS_DEST);
  if (brush.type == SPICE_BRUSH_TYPE_SOLID && operation.is_plain_copy() && !has_mask(mask)) {
    rows::fill(*s, region, stored(*s, brush.color));
    return bounding_box(region);
  }
  return paint_region(*s, region, mask_test(mask, base.box), [&](std::uint32_t dest, std::int32_t x, std::int32_t y) {
    return operation.apply(brush_pixel(brush, x, y), dest);
  });
}

result<rect> canvas::copy(const display_base& base, const decoded_image& source, const rect& source_area,
                          std::uint16_t rop, const mask_image* mask) {
  auto drawing = prepare(base);
  if (!drawing)
    return drawing.error();
  surface* s = drawing->target;
  const auto& region = drawing->region;
  if (region.empty() || source_area.empty())
    return rect{};
  const raster_operation operation(rop, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST);
  const bool unscaled = source_area.width() == base.box.width() && source_area.height() == base.box.height();
  if (unscaled && operation.is_plain_copy() && !has_mask(mask) && rows::stores_as_drawn(*s) &&
      rows::copy_image(*s, region, source, std::int64_t{source_area.left} - base.box.left,
                       std::int64_t{source_area.top} - base.box.top))
    return bounding_box(region);
  const source_sampler sampler(source, source_area, base.box, bounding_box(region), false);
  return paint_region(*s, region, mask_test(mask, base.box), [&](std::uint32_t dest, std::int32_t x, std::int32_t y) {
    return operation.apply(sampler.at(x, y), dest);
  });
}

result<rect> canvas::opaque(const display_base& base, const decoded_image& source, const rect& source_area,
                            const paint& brush, std::uint16_t rop, const mask_image* mask) {
  auto drawing = prepare(base);
  if (!drawing)
    return drawing.error();
  surface* s = drawing->target;
  const auto& region = drawing->region;
  if (region.empty() || source_area.empty())
    return rect{};
  const source_sampler sampler(source, source_area, base.box, bounding_box(region), false);
  // The source is laid down first and the brush combined with it: the
  // "dest" operand is the source, inverted by INVERS_SRC.
  const raster_operation operation(rop, SPICE_ROPD_INVERS_BRUSH, SPICE_ROPD_INVERS_SRC);
  return paint_region(*s, region, mask_test(mask, base.box), [&](std::uint32_t, std::int32_t x, std::int32_t y) {
    return operation.apply(brush_pixel(brush, x, y), sampler.at(x, y));
  });
}

result<rect> canvas::rop3(const display_base& base, const decoded_image& source, const rect& source_area,
                          const paint& brush, std::uint8_t rop3, const mask_image* mask) {
  auto drawing = prepare(base);
  if (!drawing)
    return drawing.error();
  surface* s = drawing->target;
  const auto& region = drawing->region;
  if (region.empty() || source_area.empty())
    return rect{};
  const source_sampler sampler(source, source_area, base.box, bounding_box(region), false);
  return paint_region(*s, region, mask_test(mask, base.box), [&](std::uint32_t dest, std::int32_t x, std::int32_t y) {
    return ternary_rop(rop3, brush_pixel(brush, x, y), sampler.at(x, y), dest);
  });
}

result<rect> canvas::text(const display_base& base, const rect& back_area, const paint& back, const paint& fore,
                          const glyph_coverage& glyphs) {
  auto drawing = prepare(base);
  if (!drawing)
    return drawing.error();
  surface* s = drawing->target;
  const auto& region = drawing->region;
  if (region.empty())
    return rect{};
  if (!back_area.empty() && back.type != SPICE_BRUSH_TYPE_NONE) {
    std::vector<rect> back_region;
    for (const auto& r : region) {
      const rect piece = intersection(r, back_area);
      if (!piece.empty())
        back_region.push_back(piece);
    }
    paint_region(*s, back_region, mask_test(nullptr, base.box),
                 [&](std::uint32_t, std::int32_t x, std::int32_t y) { return brush_pixel(back, x, y); });
  }
  if (fore.type != SPICE_BRUSH_TYPE_NONE && !glyphs.area.empty()) {
    std::vector<rect> fore_region;
    for (const auto& r : region) {
      const rect piece = intersection(r, glyphs.area);
      if (!piece.empty())
        fore_region.push_back(piece);
    }
    paint_region(*s, fore_region, mask_test(nullptr, base.box), [&](std::uint32_t dest, std::int32_t x, std::int32_t y) {
      const std::uint32_t a = glyphs.at(x, y);
      if (a == 0)
        return dest;
      const std::uint32_t pen = brush_pixel(fore, x, y) | 0xff000000u;
      std::uint32_t out = 0;
      for (int i = 0; i < 4; ++i) {
        const std::uint32_t f = (pen >> (8 * i)) & 0xff, d = (dest >> (8 * i)) & 0xff;
        out |= (multiply_un8(f, a) + multiply_un8(d, 255 - a)) << (8 * i);
      }
      return out;
    });
  }
  return bounding_box(region);
}

result<rect> canvas::stroke(const display_base& base, const std::vector<std::vector<point>>& polylines,
                            const paint& brush, std::uint16_t rop, const dash_pattern* dashes) {
  auto drawing = prepare(base);
  if (!drawing)
    return drawing.error();
  surface* s = drawing->target;
  const raster_operation operation(rop, SPICE_ROPD_INVERS_BRUSH, SPICE_ROPD_INVERS_DEST);
  const bool reduce = !rows::stores_as_drawn(*s);
  auto plot = [&](std::int32_t x, std::int32_t y) {
    std::uint32_t& pixel = s->pixels[static_cast<std::size_t>(y) * s->width + static_cast<std::size_t>(x)];
    const std::uint32_t out = operation.apply(brush_pixel(brush, x, y), pixel);
    pixel = reduce ? reduce_to_format(out, s->format) : out;
  };
  if (dashes) {
    // X's GX code of the operation, from what it does to all-ones and all-zeros.
    const auto bit = [&](std::uint32_t in, std::uint32_t dest) { return operation.apply(in, dest) & 1u; };
    const auto function = static_cast<std::uint8_t>(bit(~0u, ~0u) | bit(~0u, 0) << 1 | bit(0, ~0u) << 2 | bit(0, 0) << 3);
    draw_dashed_polylines(polylines, *dashes, joins_every_miter(function), drawing->region, plot);
    return bounding_box(drawing->region);
  }
  for (const auto& polyline : polylines)
    draw_zero_width_polyline(polyline, drawing->region, plot);
  return bounding_box(drawing->region);
}

result<rect> canvas::constant(const display_base& base, constant_operation operation, const mask_image* mask) {
  auto drawing = prepare(base);
  if (!drawing)
    return drawing.error();
  surface* s = drawing->target;
  const auto& region = drawing->region;
  if (operation != constant_operation::invers && !has_mask(mask)) {
    rows::fill(*s, region, stored(*s, operation == constant_operation::blackness ? 0u : 0xffffffffu));
    return bounding_box(region);
  }
  return paint_region(*s, region, mask_test(mask, base.box), [operation](std::uint32_t dest, std::int32_t, std::int32_t) {
    switch (operation) {
      case constant_operation::blackness: return 0u;
      case constant_operation::whiteness: return 0xffffffffu;
      case constant_operation::invers: return ~dest;
    }
    return dest;
  });
}

result<rect> canvas::transparent(const display_base& base, const decoded_image& source, const rect& source_area,
                                 std::uint32_t key) {
  auto drawing = prepare(base);
  if (!drawing)
    return drawing.error();
  surface* s = drawing->target;
  const auto& region = drawing->region;
  if (region.empty() || source_area.empty())
    return rect{};
  const source_sampler sampler(source, source_area, base.box, bounding_box(region), false);
  const std::uint32_t key_rgb = key & 0x00ffffffu;
  return paint_region(*s, region, mask_test(nullptr, base.box), [&](std::uint32_t dest, std::int32_t x, std::int32_t y) {
    const std::uint32_t pixel = sampler.at(x, y);
    return (pixel & 0x00ffffffu) == key_rgb ? dest : pixel;
  });
}

result<rect> canvas::alpha_blend(const display_base& base, const decoded_image& source, bool source_has_alpha,
                                 const rect& source_area, std::uint8_t alpha, bool dest_has_alpha) {
  auto drawing = prepare(base);
  if (!drawing)
    return drawing.error();
  surface* s = drawing->target;
  const auto& region = drawing->region;
  if (region.empty() || source_area.empty() || alpha == 0)
    return rect{};
  const source_sampler sampler(source, source_area, base.box, bounding_box(region), false);
  return paint_region(*s, region, mask_test(nullptr, base.box), [&](std::uint32_t dest, std::int32_t x, std::int32_t y) {
    if (!sampler.inside(x, y))
      return dest;  // beyond the source image it is transparent
    std::uint32_t pixel = sampler.at(x, y);
    if (!source_has_alpha)
      pixel |= 0xff000000u;
    std::uint32_t channel[4];
    for (int i = 0; i < 4; ++i) {
      channel[i] = (pixel >> (8 * i)) & 0xff;
      if (alpha != 255)
        channel[i] = multiply_un8(channel[i], alpha);
    }
    const std::uint32_t keep = 255 - channel[3];
    std::uint32_t out = dest_has_alpha ? 0 : (dest & 0xff000000u);
    for (int i = 0; i < (dest_has_alpha ? 4 : 3); ++i) {
      const std::uint32_t under = (dest >> (8 * i)) & 0xff;
      out |= std::min<std::uint32_t>(255, multiply_un8(under, keep) + channel[i]) << (8 * i);
    }
    return out;
  });
}

result<rect> canvas::copy_bits(const display_base& base, point source) {
  auto drawing = prepare(base);
  if (!drawing)
    return drawing.error();
  surface* s = drawing->target;
  const auto& region = drawing->region;
  const std::int64_t dx = std::int64_t{source.x} - base.box.left;
  const std::int64_t dy = std::int64_t{source.y} - base.box.top;
  if (rows::move_within(*s, region, dx, dy))
    return bounding_box(region);
  // Read every source pixel before writing any: the areas may overlap.
  std::uint64_t area = 0;
  for (const auto& r : region)
    area += static_cast<std::uint64_t>(r.width()) * static_cast<std::uint64_t>(r.height());
  auto scratch = account_.charge(area * 4 + area / 8, "COPY_BITS scratch (" + std::to_string(area) + " pixels)");
  if (!scratch)
    return scratch.error();
  std::vector<std::uint32_t> moved;
  std::vector<bool> inside;
  moved.reserve(area);
  inside.reserve(area);
  for (const auto& r : region)
    for (std::int32_t y = r.top; y < r.bottom; ++y)
      for (std::int32_t x = r.left; x < r.right; ++x) {
        const std::int64_t sx = x + dx, sy = y + dy;
        const bool in = sx >= 0 && sy >= 0 && sx < s->width && sy < s->height;
        inside.push_back(in);
        moved.push_back(in ? s->pixels[static_cast<std::size_t>(sy) * s->width + static_cast<std::size_t>(sx)] : 0);
      }
  std::size_t next = 0;
  return paint_region(*s, region, mask_test(nullptr, base.box), [&](std::uint32_t dest, std::int32_t, std::int32_t) {
    const std::size_t i = next++;
    return inside[i] ? moved[i] : dest;
  });
}

std::optional<pixel_rows> canvas::frame_rows(std::uint32_t surface_id, const rect& dest, const clip& clip,
                                             bool top_down) {
  surface* s = target(surface_id);
  if (!s || dest.empty() || !rows::stores_as_drawn(*s))
    return std::nullopt;
  auto region = drawing_region(dest, clip, s->bounds());
  if (!region || region->size() != 1 || !(region->front() == dest))
    return std::nullopt;
  const auto stride = static_cast<std::ptrdiff_t>(s->width);
  pixel_rows rows;
  rows.width = static_cast<std::uint32_t>(dest.width());
  rows.height = static_cast<std::uint32_t>(dest.height());
  rows.stride = top_down ? stride : -stride;
  const std::int32_t first_row = top_down ? dest.top : dest.bottom - 1;
  rows.first = s->pixels.data() + static_cast<std::size_t>(first_row) * s->width + dest.left;
  return rows;
}

result<rect> canvas::put_frame(std::uint32_t surface_id, const rect& dest, const clip& clip,
                               const decoded_image& frame, bool top_down) {
  surface* s = target(surface_id);
  if (!s)
    return no_surface(surface_id);
  auto region = drawing_region(dest, clip, s->bounds());
  if (!region)
    return region.error();
  if (region->empty() || frame.width == 0 || frame.height == 0)
    return rect{};
  const bool clear_alpha = !frame.has_alpha;
  if (dest.width() == frame.width && dest.height() == frame.height && rows::stores_as_drawn(*s) &&
      rows::copy_image(*s, *region, frame, -std::int64_t{dest.left}, -std::int64_t{dest.top}, !top_down, clear_alpha))
    return bounding_box(*region);
  const rect whole{0, 0, static_cast<std::int32_t>(frame.height), static_cast<std::int32_t>(frame.width)};
  const source_sampler sampler(frame, whole, dest, bounding_box(*region), !top_down);
  const std::uint32_t keep = clear_alpha ? 0x00FFFFFFu : 0xFFFFFFFFu;
  return paint_region(*s, *region, mask_test(nullptr, dest),
                      [&](std::uint32_t, std::int32_t x, std::int32_t y) { return sampler.at(x, y) & keep; });
}

}  // namespace vigil::protocol
