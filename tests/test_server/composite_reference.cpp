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

pixman_image wrap(pixman_format_code_t format, pixel_image& pixels) {
  return pixman_image(pixman_image_create_bits(format, pixels.width, pixels.height, pixels.pixels.data(),
                                               pixels.width * 4));
}

// An 8_A surface as pixman's a8: its values from the top bytes.
pixman_image a8_of(const pixel_image& pixels) {
  pixman_image out(pixman_image_create_bits(PIXMAN_a8, pixels.width, pixels.height, nullptr, 0));
  auto* data = reinterpret_cast<std::uint8_t*>(pixman_image_get_data(out.get()));
  const int stride = pixman_image_get_stride(out.get());
  for (int y = 0; y < pixels.height; ++y)
    for (int x = 0; x < pixels.width; ++x)
      data[y * stride + x] = static_cast<std::uint8_t>(pixels.at(x, y) >> 24);
  return out;
}

pixman_image input_image(const composite_input& input, std::uint32_t target_format,
                         const std::map<std::uint32_t, reference_surface>& surfaces, pixel_image& holder) {
  pixman_image image;
  if (input.surface) {
    const reference_surface& s = surfaces.at(*input.surface);
    if (s.format == SPICE_SURFACE_FMT_8_A)
      image = a8_of(*s.pixels);
    else
      image = wrap(s.format == SPICE_SURFACE_FMT_32_ARGB ? PIXMAN_a8r8g8b8 : PIXMAN_x8r8g8b8, *s.pixels);
  } else {
    // spice-common converts a bitmap to the destination's format: onto an 8_A
    // surface only its alpha (0xff without one) remains.
    holder = input.image;
    image = wrap(input.has_alpha ? PIXMAN_a8r8g8b8 : PIXMAN_x8r8g8b8, holder);
    if (target_format == SPICE_SURFACE_FMT_8_A) {
      pixman_image converted(pixman_image_create_bits(PIXMAN_a8, holder.width, holder.height, nullptr, 0));
      pixman_image_composite32(PIXMAN_OP_SRC, image.get(), nullptr, converted.get(), 0, 0, 0, 0, 0, 0, holder.width,
                               holder.height);
      image = std::move(converted);
    }
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
  return flags;
}

void composite_reference(const reference_surface& target, const rect& box, const composite_spec& spec,
                         const std::map<std::uint32_t, reference_surface>& surfaces) {
  pixel_image source_holder, mask_holder;
  pixman_image source = input_image(spec.source, target.format, surfaces, source_holder);
  pixman_image mask = spec.mask ? input_image(*spec.mask, target.format, surfaces, mask_holder) : pixman_image();
  if (mask)
    pixman_image_set_component_alpha(mask.get(), spec.component_alpha);
  pixman_image dest = target.format == SPICE_SURFACE_FMT_8_A ? a8_of(*target.pixels)
                      : wrap(target.format == SPICE_SURFACE_FMT_32_ARGB ? PIXMAN_a8r8g8b8 : PIXMAN_x8r8g8b8,
                             *target.pixels);
  if (!source || (spec.mask && !mask) || !dest)
    throw std::runtime_error("composite_reference: pixman could not make an image");
  pixman_image_composite32(static_cast<pixman_op_t>(spec.op), source.get(), mask.get(), dest.get(), spec.source_x,
                           spec.source_y, spec.mask_x, spec.mask_y, box.left, box.top, box.width(), box.height());
  pixel_image& pixels = *target.pixels;
  if (target.format == SPICE_SURFACE_FMT_8_A) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(pixman_image_get_data(dest.get()));
    const int stride = pixman_image_get_stride(dest.get());
    for (int y = box.top; y < box.bottom; ++y)
      for (int x = box.left; x < box.right; ++x)
        pixels.at(x, y) = std::uint32_t{data[y * stride + x]} << 24;
  } else if (target.format != SPICE_SURFACE_FMT_32_ARGB) {
    for (int y = box.top; y < box.bottom; ++y)
      for (int x = box.left; x < box.right; ++x)
        pixels.at(x, y) &= 0x00ffffffu;  // xRGB: the reference's A is no colour
  }
}

}  // namespace vigil::test_server
