// The client's copy of the server's surfaces and the drawing operations the
// display channel applies to them. Pure: no I/O; images arrive decoded
// (image_decoder.hpp), and every operation returns the area it changed.
//
// Pixels are native uint32 0xAARRGGBB (decoded_image.hpp's layout), top row
// first, for every surface format: 32_xRGB ignores A, 32_ARGB keeps it
// (premultiplied, as the server means it), 16-bit surfaces hold colours
// already reduced to 5/6 bits per channel, A8 and 1_A keep their value in A.
//
// A drawing covers its box, clipped to the surface, to the clip rectangles and
// to the mask. Scaling (source area size != box size) samples the nearest
// source pixel for both SPICE_IMAGE_SCALE_MODE_NEAREST and _INTERPOLATE (the
// reference client filters INTERPOLATE bilinearly; nearest is a documented
// simplification that only matters for scaled copies).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/codecs/pixel_rows.hpp"
#include "protocol/display_messages.hpp"
#include "protocol/glyph_raster.hpp"
#include "protocol/memory_budget.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

class dash_pattern;  // stroke_dash.hpp

constexpr std::uint32_t max_surface_side = 16384;

struct surface {
  std::uint32_t id = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t format = 0;  // SPICE_SURFACE_FMT_*
  bool primary = false;
  std::vector<std::uint32_t> pixels;  // width * height
  memory_charge charge;               // the pixels, in the channel's memory budget

  rect bounds() const { return rect{0, 0, static_cast<std::int32_t>(height), static_cast<std::int32_t>(width)}; }
};

// A brush with its pattern already decoded.
struct paint {
  std::uint8_t type = 0;  // SPICE_BRUSH_TYPE_*
  std::uint32_t color = 0;
  const decoded_image* pattern = nullptr;  // PATTERN
  point pattern_position;
};

// A decoded mask: pixel != 0 is a set bit.
struct mask_image {
  const decoded_image* bits = nullptr;
  point position;
  bool inverted = false;  // SPICE_MASK_FLAGS_INVERS
};

// A DRAW_COMPOSITE source or mask: a decoded image, or a surface read in
// place (a SURFACE image: the reference canvas keeps its pixel format).
struct composite_layer {
  const decoded_image* image = nullptr;
  const surface* from_surface = nullptr;
};

// The three drawings that need no source: DRAW_BLACKNESS, DRAW_WHITENESS, DRAW_INVERS.
enum class constant_operation { blackness, whiteness, invers };

class canvas {
public:
  // Surfaces (and copy_bits' scratch) are charged to `account` before they
  // are allocated, within `limits` (max_surface_bytes, max_surfaces).
  explicit canvas(memory_account account = {}, memory_limits limits = {});

  // Creates (or replaces) a surface, filled with zeros. Errors: zero or
  // oversized dimensions, unknown format; over a memory cap or the budget
  // (budget_exceeded).
  result<rect> create_surface(const surface_create& request);
  // Errors: no such surface.
  result<rect> destroy_surface(std::uint32_t surface_id);
  void destroy_all_surfaces();

  const surface* find(std::uint32_t surface_id) const;
  const surface* primary() const;

  // Where a drawing's whole box lies in its surface's pixels when nothing
  // cuts it (no clip rectangle does, it lies inside the surface) and the
  // surface stores pixels as drawn (32-bit): the box's top-left pixel and the
  // surface's row stride, in pixels. A decoder can write an unscaled image
  // there, as copy() would copy it; the drawing's damage is then the box.
  struct box_pixels {
    std::uint32_t* first = nullptr;
    std::size_t stride = 0;
  };
  std::optional<box_pixels> whole_box(const display_base& base);

  // Each drawing returns the bounding box of the pixels it may have changed
  // (empty when none), or an error (unknown surface, too many clip rectangles).
  result<rect> fill(const display_base& base, const paint& brush, std::uint16_t rop, const mask_image* mask);
  // DRAW_COPY and DRAW_BLEND.
  result<rect> copy(const display_base& base, const decoded_image& source, const rect& source_area, std::uint16_t rop,
                    const mask_image* mask);
  result<rect> opaque(const display_base& base, const decoded_image& source, const rect& source_area,
                      const paint& brush, std::uint16_t rop, const mask_image* mask);
  // Each pixel becomes ternary_rop(rop3, brush, source, destination) (protocol/rop3.hpp).
  result<rect> rop3(const display_base& base, const decoded_image& source, const rect& source_area,
                    const paint& brush, std::uint8_t rop3, const mask_image* mask);
  result<rect> constant(const display_base& base, constant_operation operation, const mask_image* mask);
  // DRAW_TEXT as the reference canvas draws it: `back_area` (if not empty)
  // filled with `back` (a NONE brush leaves it), then `fore` laid over the
  // glyphs' coverage (protocol/glyph_raster.hpp) by Porter-Duff OVER, the
  // brush opaque: each channel becomes f*a/255 + d*(255-a)/255, each product
  // rounded as pixman does.
  result<rect> text(const display_base& base, const rect& back_area, const paint& back, const paint& fore,
                    const glyph_coverage& glyphs);
  // DRAW_COMPOSITE as the reference canvas draws it (canvas_composite.cpp):
  // pixman composites source (through the mask) onto the box with the
  // command's operator, filters, repeats, transforms and component alpha,
  // each image in the pixel format the reference gives it. Errors: an
  // operator or filter pixman does not have (named as field flags).
  result<rect> composite(const draw_composite& command, const composite_layer& source, const composite_layer* mask);
  // DRAW_STROKE's flattened polylines (stroke_raster.hpp) as zero-width
  // lines, or dashed by `dashes` (stroke_dash.hpp), each pixel combined with
  // the brush by `rop` (a SPICE_ROPD_* descriptor; a NONE brush is black, as
  // in the reference).
  result<rect> stroke(const display_base& base, const std::vector<std::vector<point>>& polylines, const paint& brush,
                      std::uint16_t rop, const dash_pattern* dashes = nullptr);
  // Copies source pixels whose RGB differs from `key`'s.
  result<rect> transparent(const display_base& base, const decoded_image& source, const rect& source_area,
                           std::uint32_t key);
  // Porter-Duff OVER with the source scaled by alpha / 255. A source without
  // alpha counts as opaque; DEST_HAS_ALPHA says whether to keep the result's A.
  result<rect> alpha_blend(const display_base& base, const decoded_image& source, bool source_has_alpha,
                           const rect& source_area, std::uint8_t alpha, bool dest_has_alpha);
  // Moves the surface's pixels at `source` (box-sized) to the box; the areas may overlap.
  result<rect> copy_bits(const display_base& base, point source);
  // A video frame scaled into `dest`; bottom-up frames are flipped. A frame
  // without alpha lands with alpha 0, as images without alpha do, whatever
  // its decoder left in the top byte (libjpeg and libyuv write 0xFF).
  result<rect> put_frame(std::uint32_t surface_id, const rect& dest, const clip& clip, const decoded_image& frame,
                         bool top_down);
  // Where a frame of `dest`'s size can be decoded straight into the
  // surface, as put_frame would copy it: all of `dest` inside the surface
  // and the clip, on a surface that stores pixels as drawn (a bottom-up
  // frame's rows run upwards). None otherwise: decode into an image and
  // put_frame it. A frame of another size must not be written there.
  std::optional<pixel_rows> frame_rows(std::uint32_t surface_id, const rect& dest, const clip& clip, bool top_down);

private:
  surface* target(std::uint32_t surface_id);
  // What every drawing starts with: the target surface and the part of the
  // box the clip and the surface's bounds leave, or why there is none.
  struct drawing {
    surface* target;
    std::vector<rect> region;
  };
  result<drawing> prepare(const display_base& base);

  memory_account account_;
  memory_limits limits_;
  std::map<std::uint32_t, surface> surfaces_;
};

// Parts of the canvas the pipeline and the tests use directly.

// The smallest rectangle holding every rectangle of `region` (empty for none).
rect bounding_box(const std::vector<rect>& region);

// box ∩ surface ∩ clip as non-overlapping rectangles (the order is unspecified).
result<std::vector<rect>> drawing_region(const rect& box, const clip& clip, const rect& surface_bounds);

// A SPICE ROP descriptor applied to one pixel: `input` is the source or the
// brush, `dest` the pixel underneath. `input_invert` / `dest_invert` say which
// SPICE_ROPD_INVERS_* flag inverts each operand (they differ per drawing).
class raster_operation {
public:
  raster_operation(std::uint16_t descriptor, std::uint16_t input_invert, std::uint16_t dest_invert);
  std::uint32_t apply(std::uint32_t input, std::uint32_t dest) const;
  bool is_plain_copy() const { return kind_ == kind::put && !invert_input_ && !invert_result_; }

private:
  enum class kind { put, bit_or, bit_and, bit_xor, blackness, whiteness, invert_dest };
  kind kind_ = kind::put;
  bool invert_input_ = false;
  bool invert_dest_ = false;
  bool invert_result_ = false;
};

// A binary PPM (P6) of a surface: what --dump-primary writes.
bytes encode_ppm(const surface& image);

}  // namespace vigil::protocol
