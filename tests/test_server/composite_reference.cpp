#include "composite_reference.hpp"

#include <pixman.h>
#include <spice/enums.h>

#include <memory>
#include <stdexcept>

namespace vigil::test_server {
namespace {

struct image_release {
  void operator()(pixman_image_t* image) const { pixman_image_unref(image); }
};
using pixman_image = std::unique_ptr<pixman_image_t, image_release>;

pixman_format_code_t pixman_format_of(std::uint32_t surface_format) {
  switch (surface_format) {
    case SPICE_SURFACE_FMT_1_A: return PIXMAN_a1;
    case SPICE_SURFACE_FMT_8_A: return PIXMAN_a8;
    case SPICE_SURFACE_FMT_16_555: return PIXMAN_x1r5g5b5;
    case SPICE_SURFACE_FMT_16_565: return PIXMAN_r5g6b5;
    case SPICE_SURFACE_FMT_32_ARGB: return PIXMAN_a8r8g8b8;
    default: return PIXMAN_x8r8g8b8;
  }
}

// `pixels` as pixman sees the values the reference keeps (A in the top byte).
pixman_image wrap(pixman_format_code_t format, pixel_image& pixels) {
  return pixman_image(pixman_image_create_bits(format, pixels.width, pixels.height, pixels.pixels.data(),
                                               pixels.width * 4));
}

pixman_image converted(pixman_image_t* image, pixman_format_code_t format) {
  const int width = pixman_image_get_width(image), height = pixman_image_get_height(image);
  pixman_image out(pixman_image_create_bits(format, width, height, nullptr, 0));
  pixman_image_composite32(PIXMAN_OP_SRC, image, nullptr, out.get(), 0, 0, 0, 0, 0, 0, width, height);
  return out;
}

// A surface as spice-common's canvas holds it: an image of its own pixman
// format (the reference's 32-bit pixels are that image already).
pixman_image surface_image(const reference_surface& s) {
  const pixman_format_code_t format = pixman_format_of(s.format);
  if (PIXMAN_FORMAT_BPP(format) == 32)
    return wrap(format, *s.pixels);
  return converted(wrap(PIXMAN_a8r8g8b8, *s.pixels).get(), format);
}

// A bitmap as spice-common's canvas converts it for a drawing onto a
// `target_format` surface: to that surface's format, except that a 32-bit
// surface takes an RGBA bitmap as a8r8g8b8 and any other (32BIT, and 8BIT_A,
// whose pixman a8 is not "a source with alpha" there) as x8r8g8b8.
pixman_image bitmap_image(const composite_input& input, std::uint32_t target_format, pixel_image& holder) {
  holder = input.image;
  pixman_image native = wrap(input.has_alpha || input.alpha_only ? PIXMAN_a8r8g8b8 : PIXMAN_x8r8g8b8, holder);
  if (input.alpha_only)
    native = converted(native.get(), PIXMAN_a8);
  pixman_format_code_t wanted = pixman_format_of(target_format);
  if (input.has_alpha && wanted == PIXMAN_x8r8g8b8)
    wanted = PIXMAN_a8r8g8b8;
  else if (!input.has_alpha && wanted == PIXMAN_a8r8g8b8)
    wanted = PIXMAN_x8r8g8b8;
  return pixman_image_get_format(native.get()) == wanted ? std::move(native) : converted(native.get(), wanted);
}

// `opaque`: SOURCE_OPAQUE on a source (spice-common reads a SURFACE source
// in its format without alpha bits; a bitmap ignores the flag).
pixman_image input_image(const composite_input& input, std::uint32_t target_format, bool opaque,
                         const std::map<std::uint32_t, reference_surface>& surfaces, pixel_image& holder) {
  pixman_image image;
  if (input.surface) {
    const reference_surface& s = surfaces.at(*input.surface);
    if (opaque && (s.format == SPICE_SURFACE_FMT_8_A || s.format == SPICE_SURFACE_FMT_1_A))
      throw std::logic_error("composite_reference: SOURCE_OPAQUE on an 8_A or 1_A surface makes spice-common's canvas "
                             "composite from a pixman format without channels (undefined behaviour)");
    image = surface_image(s);
    if (opaque && s.format == SPICE_SURFACE_FMT_32_ARGB)
      image = wrap(PIXMAN_x8r8g8b8, *s.pixels);
  } else {
    image = bitmap_image(input, target_format, holder);
  }
  if (input.transform) {
    pixman_transform_t matrix{};
    for (int i = 0; i < 3; ++i) {
      matrix.matrix[0][i] = (*input.transform)[static_cast<std::size_t>(i)];
      matrix.matrix[1][i] = (*input.transform)[static_cast<std::size_t>(3 + i)];
    }
    matrix.matrix[2][2] = pixman_fixed_1;
    pixman_image_set_transform(image.get(), &matrix);
  }
  pixman_image_set_filter(image.get(), static_cast<pixman_filter_t>(input.filter), nullptr, 0);
  pixman_image_set_repeat(image.get(), static_cast<pixman_repeat_t>(input.repeat));
  return image;
}

}  // namespace

std::uint32_t composite_flags(const composite_spec& spec) {
  std::uint32_t flags = spec.op | spec.source.filter << 8 | spec.source.repeat << 14;
  if (spec.mask)
    flags |= spec.mask->filter << 11 | spec.mask->repeat << 16 | (spec.component_alpha ? 1u << 18 : 0u);
  if (spec.source_opaque)
    flags |= SPICE_COMPOSITE_SOURCE_OPAQUE;
  if (spec.mask_opaque)
    flags |= SPICE_COMPOSITE_MASK_OPAQUE;
  if (spec.dest_opaque)
    flags |= SPICE_COMPOSITE_DEST_OPAQUE;
  return flags;
}

void composite_reference(const reference_surface& target, const rect& box, const composite_spec& spec,
                         const std::map<std::uint32_t, reference_surface>& surfaces) {
  // spice-common reads a 1_A destination 0 bits a pixel and blits it back
  // through an assertion that it is 32 bits a pixel; DEST_OPAQUE on an
  // alpha-only destination gets no destination image at all.
  if (target.format == SPICE_SURFACE_FMT_1_A || (spec.dest_opaque && target.format == SPICE_SURFACE_FMT_8_A))
    throw std::logic_error("composite_reference: spice-common's canvas cannot composite onto this 1_A/8_A destination");
  pixel_image source_holder, mask_holder;
  pixman_image source = input_image(spec.source, target.format, spec.source_opaque, surfaces, source_holder);
  // MASK_OPAQUE is not read: spice-common takes a mask surface with its alpha.
  pixman_image mask = spec.mask ? input_image(*spec.mask, target.format, false, surfaces, mask_holder) : pixman_image();
  if (mask)
    pixman_image_set_component_alpha(mask.get(), spec.component_alpha);
  // DEST_OPAQUE does not change the destination's format either.
  pixman_image dest = surface_image(target);
  if (!source || (spec.mask && !mask) || !dest)
    throw std::runtime_error("composite_reference: pixman could not make an image");
  pixman_image_composite32(static_cast<pixman_op_t>(spec.op), source.get(), mask.get(), dest.get(), spec.source_x,
                           spec.source_y, spec.mask_x, spec.mask_y, box.left, box.top, box.width(), box.height());
  pixel_image& pixels = *target.pixels;
  if (pixman_image_get_data(dest.get()) != pixels.pixels.data()) {
    // The box back into the kept values: A in the top byte, 16-bit colours widened.
    const pixman_image kept = wrap(PIXMAN_a8r8g8b8, pixels);
    pixman_image_composite32(PIXMAN_OP_SRC, dest.get(), nullptr, kept.get(), box.left, box.top, 0, 0, box.left,
                             box.top, box.width(), box.height());
  }
  if (PIXMAN_FORMAT_A(pixman_format_of(target.format)) == 0)
    for (int y = box.top; y < box.bottom; ++y)
      for (int x = box.left; x < box.right; ++x)
        pixels.at(x, y) &= 0x00ffffffu;  // xRGB and 16-bit: the reference's A is no colour
}

}  // namespace vigil::test_server
