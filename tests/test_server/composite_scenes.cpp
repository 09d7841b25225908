// The composite scenes: QXL_DRAW_COMPOSITE as the X QXL driver sends it for
// X Render: images with alpha laid OVER the screen (composite), and masks in
// A8 surfaces, transforms, filters, repeats, component alpha and blend
// operators (composite-masks).
#include <spice/enums.h>

#include "content.hpp"
#include "scenes.hpp"

namespace vigil::test_server {
namespace {

// A premultiplied ARGB image: alpha rising left to right, colour changing
// top to bottom (each channel at most the alpha).
pixel_image alpha_gradient(int width, int height, int green) {
  pixel_image image(width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const int a = x * 255 / (width - 1);
      const int r = (y * 255 / (height - 1)) * a / 255;
      const int b = (255 - y * 255 / (height - 1)) * a / 255;
      image.at(x, y) = static_cast<std::uint32_t>(a) << 24 | xrgb(r, green * a / 255, b);
    }
  return image;
}

// The background every composite is laid on: a photo and a flat band.
void background(qxl_display& display) {
  display.fill(0, display.reference(0).bounds(), xrgb(0x50, 0x60, 0x70));
  display.copy_image(0, 0, 0, photo_tile(1024, 384, 7));
  display.copy_image(0, 512, 384, photo_tile(512, 384, 8));
}

// 16.16 fixed point.
constexpr std::int32_t fixed(double value) { return static_cast<std::int32_t>(value * 65536.0); }

// An opaque image of stripes and a ring: colour everywhere, edges to filter.
pixel_image pattern(int width, int height) {
  pixel_image image(width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const int dx = x - width / 2, dy = y - height / 2;
      const bool ring = dx * dx + dy * dy < width * width / 5 && dx * dx + dy * dy > width * width / 12;
      image.at(x, y) = ring ? xrgb(0xff, 0xe0, 0x20) : ((x / 4 + y / 4) % 2 ? xrgb(0x20, 0x80, 0xc0) : xrgb(0xc0, 0x30, 0x50));
    }
  return image;
}

}  // namespace

std::vector<std::function<void(qxl_display&)>> composite_steps() {
  std::vector<std::function<void(qxl_display&)>> steps;
  steps.push_back(background);
  // OVER with an ARGB bitmap, no mask, no transform: over the photo, and
  // across the photo's edge onto the flat band, the source's origin inside it.
  steps.push_back([](qxl_display& display) {
    composite_spec over;
    over.source.image = alpha_gradient(320, 240, 0x80);
    over.source.has_alpha = true;
    display.composite(0, rect{40, 40, 360, 280}, over);
    over.source.image = alpha_gradient(400, 300, 0xff);
    over.source_x = 40;
    over.source_y = 20;
    display.composite(0, rect{420, 300, 780, 580}, over);
  });
  return steps;
}

std::vector<std::function<void(qxl_display&)>> composite_mask_steps() {
  std::vector<std::function<void(qxl_display&)>> steps;
  steps.push_back(background);
  // An A8 surface (as X keeps glyphs and masks) drawn by SRC from an ARGB
  // bitmap: only the alpha stays. An ARGB surface drawn the same way.
  steps.push_back([](qxl_display& display) {
    display.create_surface(1, 256, 128, SPICE_SURFACE_FMT_8_A);
    display.create_surface(2, 128, 128, SPICE_SURFACE_FMT_32_ARGB);
    composite_spec fill_mask;
    fill_mask.op = 1;  // SRC
    fill_mask.source.image = alpha_gradient(256, 128, 0x40);
    fill_mask.source.has_alpha = true;
    display.composite(1, rect{0, 0, 256, 128}, fill_mask);
    composite_spec fill_argb;
    fill_argb.op = 1;
    fill_argb.source.image = alpha_gradient(128, 128, 0xc0);
    fill_argb.source.has_alpha = true;
    display.composite(2, rect{0, 0, 128, 128}, fill_argb);
  });
  // OVER through the A8 surface as mask: an opaque pattern scaled up 2.5
  // times (bilinear) and repeated.
  steps.push_back([](qxl_display& display) {
    composite_spec masked;
    masked.source.image = pattern(64, 48);
    masked.source.transform = std::array<std::int32_t, 6>{fixed(0.4), 0, 0, 0, fixed(0.4), 0};
    masked.source.filter = 4;  // bilinear
    masked.source.repeat = 1;  // normal
    masked.mask = composite_input{};
    masked.mask->surface = 1;
    display.composite(0, rect{40, 420, 296, 548}, masked);
  });
  // The ARGB surface rotated by 30 degrees, padded, bilinear, with a blend
  // operator (MULTIPLY), and ADD of it scaled down with nearest sampling.
  steps.push_back([](qxl_display& display) {
    composite_spec rotated;
    rotated.op = 0x30;  // MULTIPLY
    rotated.source.surface = 2;
    rotated.source.transform =
      std::array<std::int32_t, 6>{fixed(0.8660254), fixed(-0.5), fixed(40), fixed(0.5), fixed(0.8660254), fixed(-30)};
    rotated.source.filter = 4;
    rotated.source.repeat = 2;  // pad
    display.composite(0, rect{340, 40, 600, 300}, rotated);
    composite_spec added;
    added.op = 0x0c;  // ADD
    added.source.surface = 2;
    added.source.transform = std::array<std::int32_t, 6>{fixed(1.5), 0, 0, 0, fixed(1.5), 0};
    added.source.repeat = 3;  // reflect
    display.composite(0, rect{620, 420, 1000, 700}, added);
  });
  // Component alpha (subpixel text): each colour channel of an xRGB mask
  // weighs its own channel of a one-pixel repeating source.
  steps.push_back([](qxl_display& display) {
    composite_spec subpixel;
    subpixel.source.image = pixel_image(1, 1, 0xff000000u | xrgb(0xf0, 0xf0, 0xf0));
    subpixel.source.has_alpha = true;
    subpixel.source.repeat = 1;
    subpixel.mask = composite_input{};
    subpixel.mask->image = pattern(200, 100);
    subpixel.component_alpha = true;
    subpixel.mask_x = 3;
    display.composite(0, rect{40, 600, 240, 700}, subpixel);
  });
  return steps;
}

}  // namespace vigil::test_server
