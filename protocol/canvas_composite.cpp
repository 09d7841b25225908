// canvas::composite: DRAW_COMPOSITE through pixman, as spice-common's canvas
// draws it, so the result is bit-exact with the reference client's:
//  - the destination is the box (here: its part the clip and the surface
//    leave) read into an image of the surface's pixman format (32_xRGB ->
//    x8r8g8b8, 32_ARGB -> a8r8g8b8, 16-bit -> r5g6b5/x1r5g5b5, 8_A -> a8,
//    1_A -> a1), composited, and written back only inside the region;
//  - a SURFACE image is read in its own format (SOURCE_OPAQUE drops a 32_ARGB
//    source's alpha; a mask keeps it, MASK_OPAQUE or not); any other image is
//    converted to the destination's format first, an image with alpha onto a
//    32-bit surface becoming a8r8g8b8 (so an image without alpha composited
//    onto an A8 surface is opaque there). An 8BIT_A image is not one with
//    alpha there: onto a 32-bit surface it is opaque black, as a source and
//    as a mask (no mask at all);
//  - DEST_OPAQUE changes nothing (spice-common computes a format from it and
//    does not use it);
//  - flags give the operator (bits 0-7), filters, repeats and component
//    alpha; transforms are 16.16 matrices as pixman takes them.
// Where spice-common's canvas fails, this draws what pixman gives:
// SOURCE_OPAQUE on an 8_A/1_A surface (spice-common makes a pixman format
// without channels, which pixman has no fetcher for: undefined behaviour) is
// ignored; a 1_A
// destination (spice-common reads it 0 bits a pixel, then asserts 32 as it
// blits back) and DEST_OPAQUE on 8_A/1_A (no destination image) are drawn.
// Where it keeps state it should not, this does not: it leaves a composite's
// transform set on a source or mask surface's own pixman image, and draws
// later composites of that surface without a transform transformed.
// Pixels here are the canvas's native 0xAARRGGBB uint32s, pixman's
// a8r8g8b8 in memory. Scratch images are charged to the memory budget.
#include <pixman.h>
#include <spice/enums.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "protocol/canvas.hpp"

namespace vigil::protocol {
namespace {

struct image_release {
  void operator()(pixman_image_t* image) const { pixman_image_unref(image); }
};
using pixman_image = std::unique_ptr<pixman_image_t, image_release>;

constexpr std::uint32_t bits(std::uint32_t value, int low, int high) {
  return (value >> low) & ((1u << (high - low)) - 1);
}

bool is_pixman_operator(std::uint32_t op) {
  return op <= PIXMAN_OP_SATURATE || (op >= PIXMAN_OP_DISJOINT_CLEAR && op <= PIXMAN_OP_DISJOINT_XOR) ||
         (op >= PIXMAN_OP_CONJOINT_CLEAR && op <= PIXMAN_OP_CONJOINT_XOR) ||
         (op >= PIXMAN_OP_MULTIPLY && op <= PIXMAN_OP_HSL_LUMINOSITY);
}

// The convolution filters need parameters the message cannot carry (pixman
// would read them from a null pointer); 7 is no filter at all.
bool is_usable_filter(std::uint32_t filter) { return filter <= PIXMAN_FILTER_BILINEAR; }

std::optional<std::string> flags_problem(std::uint32_t flags) {
  if (!is_pixman_operator(bits(flags, 0, 8)))
    return "field flags: operator " + std::to_string(bits(flags, 0, 8)) + " is not a pixman operator";
  if (!is_usable_filter(bits(flags, 8, 11)))
    return "field flags: source filter " + std::to_string(bits(flags, 8, 11)) + " is not nearest, bilinear or fast/good/best";
  if ((flags & SPICE_COMPOSITE_HAS_MASK) && !is_usable_filter(bits(flags, 11, 14)))
    return "field flags: mask filter " + std::to_string(bits(flags, 11, 14)) + " is not nearest, bilinear or fast/good/best";
  return std::nullopt;
}

pixman_format_code_t surface_pixman_format(std::uint32_t format) {
  switch (format) {
    case SPICE_SURFACE_FMT_1_A: return PIXMAN_a1;
    case SPICE_SURFACE_FMT_8_A: return PIXMAN_a8;
    case SPICE_SURFACE_FMT_16_555: return PIXMAN_x1r5g5b5;
    case SPICE_SURFACE_FMT_16_565: return PIXMAN_r5g6b5;
    case SPICE_SURFACE_FMT_32_ARGB: return PIXMAN_a8r8g8b8;
    default: return PIXMAN_x8r8g8b8;
  }
}

// Canvas pixels as pixman sees them, without a copy (pixman only reads a
// source; the canvas's own surfaces are written through `writable`).
pixman_image wrap(pixman_format_code_t format, std::uint32_t width, std::uint32_t height, const std::uint32_t* pixels) {
  return pixman_image(pixman_image_create_bits(format, static_cast<int>(width), static_cast<int>(height),
                                               const_cast<std::uint32_t*>(pixels), static_cast<int>(width * 4)));
}

// `image` converted to `format` (pixman's SRC), or `image` itself if it is in it already.
pixman_image convert(pixman_image image, pixman_format_code_t format) {
  if (pixman_image_get_format(image.get()) == format)
    return image;
  const int width = pixman_image_get_width(image.get()), height = pixman_image_get_height(image.get());
  pixman_image converted(pixman_image_create_bits(format, width, height, nullptr, 0));
  if (converted)
    pixman_image_composite32(PIXMAN_OP_SRC, image.get(), nullptr, converted.get(), 0, 0, 0, 0, 0, 0, width, height);
  return converted;
}

pixman_transform_t pixman_transform_of(const composite_transform& t) {
  pixman_transform_t out{};
  out.matrix[0][0] = static_cast<pixman_fixed_t>(t.t00);
  out.matrix[0][1] = static_cast<pixman_fixed_t>(t.t01);
  out.matrix[0][2] = static_cast<pixman_fixed_t>(t.t02);
  out.matrix[1][0] = static_cast<pixman_fixed_t>(t.t10);
  out.matrix[1][1] = static_cast<pixman_fixed_t>(t.t11);
  out.matrix[1][2] = static_cast<pixman_fixed_t>(t.t12);
  out.matrix[2][2] = pixman_fixed_1;
  return out;
}

// A source or mask in the format the reference canvas gives it; `opaque`:
// SOURCE_OPAQUE on a source.
pixman_image layer_image(const composite_layer& layer, pixman_format_code_t target_format, bool opaque) {
  if (layer.from_surface) {
    const surface& s = *layer.from_surface;
    pixman_format_code_t format = surface_pixman_format(s.format);
    if (format == PIXMAN_a8r8g8b8 && opaque)
      format = PIXMAN_x8r8g8b8;
    // 16-bit surfaces hold their pixels widened as pixman widens them.
    if (PIXMAN_FORMAT_BPP(format) == 16)
      format = PIXMAN_x8r8g8b8;
    if (PIXMAN_FORMAT_BPP(format) == 32)
      return wrap(format, s.width, s.height, s.pixels.data());
    return convert(wrap(PIXMAN_a8r8g8b8, s.width, s.height, s.pixels.data()), format);
  }
  const decoded_image& image = *layer.image;
  const pixman_format_code_t own = image.has_alpha ? PIXMAN_a8r8g8b8 : PIXMAN_x8r8g8b8;
  const bool counts_as_alpha = image.has_alpha && !image.alpha_only;
  pixman_format_code_t wanted = target_format;
  if (counts_as_alpha && wanted == PIXMAN_x8r8g8b8)
    wanted = PIXMAN_a8r8g8b8;
  else if (!counts_as_alpha && wanted == PIXMAN_a8r8g8b8)
    wanted = PIXMAN_x8r8g8b8;
  return convert(wrap(own, image.width, image.height, image.pixels.data()), wanted);
}

std::uint64_t layer_bytes(const composite_layer& layer) {
  const std::uint64_t pixels = layer.from_surface
                                   ? std::uint64_t{layer.from_surface->width} * layer.from_surface->height
                                   : std::uint64_t{layer.image->width} * layer.image->height;
  return pixels * 4;  // at most one converted copy, never wider than 32 bits a pixel
}

bool fits_int32(std::int64_t value) { return value >= INT32_MIN && value <= INT32_MAX; }

bool set_up(pixman_image_t* image, const std::optional<composite_transform>& transform, std::uint32_t filter,
            std::uint32_t repeat) {
  if (transform) {
    const pixman_transform_t matrix = pixman_transform_of(*transform);
    if (!pixman_image_set_transform(image, &matrix))
      return false;
  }
  pixman_image_set_repeat(image, static_cast<pixman_repeat_t>(repeat));
  return pixman_image_set_filter(image, static_cast<pixman_filter_t>(filter), nullptr, 0);
}

}  // namespace

result<rect> canvas::composite(const draw_composite& command, const composite_layer& source,
                               const composite_layer* mask) {
  if (auto problem = flags_problem(command.flags))
    return parse_error{*problem};
  auto drawing = prepare(command.base);
  if (!drawing)
    return drawing.error();
  surface& target = *drawing->target;
  const auto& region = drawing->region;
  if (region.empty())
    return rect{};
  // Everything below is within the surface (at most 16384 a side): int is wide enough.
  const rect extent = bounding_box(region);
  const int width = static_cast<int>(extent.width()), height = static_cast<int>(extent.height());
  const std::uint64_t extent_pixels = std::uint64_t(width) * std::uint64_t(height);
  std::uint64_t scratch_bytes = extent_pixels * 4 + layer_bytes(source);
  if (mask)
    scratch_bytes += layer_bytes(*mask);
  auto scratch = account_.charge(scratch_bytes, "DRAW_COMPOSITE scratch (" + std::to_string(scratch_bytes) + " bytes)");
  if (!scratch)
    return scratch.error();

  const pixman_format_code_t format = surface_pixman_format(target.format);
  const pixman_image whole_target = wrap(PIXMAN_a8r8g8b8, target.width, target.height, target.pixels.data());
  pixman_image dest(pixman_image_create_bits(format, width, height, nullptr, 0));
  pixman_image source_image = layer_image(source, format, (command.flags & SPICE_COMPOSITE_SOURCE_OPAQUE) != 0);
  pixman_image mask_image = mask ? layer_image(*mask, format, false) : pixman_image();
  if (!whole_target || !dest || !source_image || (mask && !mask_image))
    return parse_error{"pixman could not allocate the composite's images"};
  // Surfaces without alpha read as x8r8g8b8 (their A is no colour); A8 and
  // 1_A keep their value in A.
  const bool keeps_alpha = PIXMAN_FORMAT_A(format) != 0;
  const pixman_image surface_view = wrap(keeps_alpha ? PIXMAN_a8r8g8b8 : PIXMAN_x8r8g8b8, target.width,
                                         target.height, target.pixels.data());
  pixman_image_composite32(PIXMAN_OP_SRC, surface_view.get(), nullptr, dest.get(), extent.left, extent.top, 0, 0, 0,
                           0, width, height);

  if (!set_up(source_image.get(), command.source_transform, bits(command.flags, 8, 11), bits(command.flags, 14, 16)))
    return parse_error{"field src_transform: pixman refuses the transform"};
  if (mask_image) {
    if (!set_up(mask_image.get(), command.mask_transform, bits(command.flags, 11, 14), bits(command.flags, 16, 18)))
      return parse_error{"field mask_transform: pixman refuses the transform"};
    pixman_image_set_component_alpha(mask_image.get(), (command.flags & SPICE_COMPOSITE_COMPONENT_ALPHA) != 0);
  }
  // The box's (0, 0) takes source pixel src_origin; the extent starts inside
  // the box. A box far off the surface can put that beyond pixman's int32.
  const std::int64_t dx = std::int64_t{extent.left} - command.base.box.left;
  const std::int64_t dy = std::int64_t{extent.top} - command.base.box.top;
  const std::int64_t source_x = command.source_x + dx, source_y = command.source_y + dy;
  const std::int64_t mask_x = command.mask_x + dx, mask_y = command.mask_y + dy;
  if (!fits_int32(source_x) || !fits_int32(source_y) || !fits_int32(mask_x) || !fits_int32(mask_y))
    return parse_error{"field bbox: the box starts " + std::to_string(dx) + "," + std::to_string(dy) +
                       " pixels before the surface, beyond pixman's coordinates"};
  pixman_image_composite32(static_cast<pixman_op_t>(bits(command.flags, 0, 8)), source_image.get(),
                           mask_image.get(), dest.get(), static_cast<std::int32_t>(source_x),
                           static_cast<std::int32_t>(source_y), static_cast<std::int32_t>(mask_x),
                           static_cast<std::int32_t>(mask_y), 0, 0, width, height);

  for (const rect& r : region) {
    pixman_image_composite32(PIXMAN_OP_SRC, dest.get(), nullptr, whole_target.get(), r.left - extent.left,
                             r.top - extent.top, 0, 0, r.left, r.top, static_cast<int>(r.width()),
                             static_cast<int>(r.height()));
    if (!keeps_alpha)  // A is no colour there: 0, as decoded images without alpha have it
      for (std::int32_t y = r.top; y < r.bottom; ++y)
        for (std::int32_t x = r.left; x < r.right; ++x)
          target.pixels[static_cast<std::size_t>(y) * target.width + static_cast<std::size_t>(x)] &= 0x00ffffffu;
  }
  return extent;
}

}  // namespace vigil::protocol
