// The composite scenes: QXL_DRAW_COMPOSITE as the X QXL driver sends it for
// X Render: images with alpha laid OVER the screen (composite), and masks in
// A8 surfaces, transforms, filters, repeats, component alpha and blend
// operators (composite-masks); and what the X driver sends less often or
// never, checked against spice-server's canvas (composite-formats): 16-bit
// and 1_A surfaces, 8BIT_A bitmaps, the OPAQUE flags, mask transforms and
// the fast/good/best filters.
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

namespace {

// An 8BIT_A bitmap's values (in the top bytes): a diagonal ramp.
pixel_image alpha_ramp(int width, int height) {
  pixel_image image(width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      image.at(x, y) = static_cast<std::uint32_t>((x + y) * 255 / (width + height - 2)) << 24;
  return image;
}

// A one-pixel source repeated over the box.
composite_input solid(std::uint32_t color) {
  composite_input input;
  input.image = pixel_image(1, 1, 0xff000000u | color);
  input.has_alpha = true;
  input.repeat = 1;
  return input;
}

composite_input of_surface(std::uint32_t id) {
  composite_input input;
  input.surface = id;
  return input;
}

// SRC of surface `id` (`width` x `height`) onto the primary at (x, y).
void show(qxl_display& display, std::uint32_t id, int x, int y, int width, int height) {
  composite_spec shown;
  shown.op = 1;
  shown.source = of_surface(id);
  display.composite(0, rect{x, y, x + width, y + height}, shown);
}

// OVER of a solid colour through surface `id` as mask, onto the primary.
void show_mask(qxl_display& display, std::uint32_t id, const rect& box, std::uint32_t color) {
  composite_spec masked;
  masked.source = solid(color);
  masked.mask = of_surface(id);
  display.composite(0, box, masked);
}

}  // namespace

std::vector<std::function<void(qxl_display&)>> composite_format_steps() {
  std::vector<std::function<void(qxl_display&)>> steps;
  steps.push_back(background);
  // Off-screen surfaces of every format drawn by composites: 16_565 and
  // 16_555 (an opaque pattern; an RGBA bitmap, which lands opaque there; an
  // ARGB surface scaled, which keeps its alpha; an 8BIT_A bitmap, black
  // there); 8_A from an 8BIT_A bitmap (SRC, then ADD), and from the ARGB
  // surface with SOURCE_OPAQUE (its alpha read as 0xff), half outside it.
  // The 1_A surface stays empty: spice-common cannot draw onto one. The
  // scaled ARGB surface is one of its own: spice-common leaves a composite's
  // transform set on the surface's pixman image, and would scale every later
  // composite of that surface that has no transform of its own.
  steps.push_back([](qxl_display& display) {
    display.create_surface(1, 160, 120, SPICE_SURFACE_FMT_16_565);
    display.create_surface(2, 160, 120, SPICE_SURFACE_FMT_16_555);
    display.create_surface(3, 128, 128, SPICE_SURFACE_FMT_32_ARGB);
    display.create_surface(4, 128, 64, SPICE_SURFACE_FMT_8_A);
    display.create_surface(5, 128, 64, SPICE_SURFACE_FMT_8_A);
    display.create_surface(6, 64, 64, SPICE_SURFACE_FMT_1_A);
    display.create_surface(7, 128, 128, SPICE_SURFACE_FMT_32_ARGB);
    composite_spec fill_argb;
    fill_argb.op = 1;
    fill_argb.source.image = alpha_gradient(128, 128, 0x60);
    fill_argb.source.has_alpha = true;
    display.composite(3, rect{0, 0, 128, 128}, fill_argb);
    display.composite(7, rect{0, 0, 128, 128}, fill_argb);
    for (std::uint32_t id : {1u, 2u}) {
      composite_spec base;
      base.op = 1;
      base.source.image = pattern(160, 120);
      display.composite(id, rect{0, 0, 160, 120}, base);
      composite_spec over_bitmap;
      over_bitmap.source.image = alpha_gradient(80, 60, 0xa0);
      over_bitmap.source.has_alpha = true;
      display.composite(id, rect{8, 8, 88, 68}, over_bitmap);
      composite_spec over_surface;
      over_surface.source = of_surface(7);
      over_surface.source.transform = std::array<std::int32_t, 6>{fixed(1.25), 0, 0, 0, fixed(1.25), 0};
      over_surface.source.filter = 4;
      display.composite(id, rect{60, 20, 160, 120}, over_surface);
      composite_spec over_alpha;
      over_alpha.source.image = alpha_ramp(40, 30);
      over_alpha.source.alpha_only = true;
      display.composite(id, rect{4, 80, 44, 110}, over_alpha);
    }
    composite_spec ramp;
    ramp.op = 1;
    ramp.source.image = alpha_ramp(128, 64);
    ramp.source.alpha_only = true;
    display.composite(4, rect{0, 0, 128, 64}, ramp);
    ramp.op = 0x0c;  // ADD
    ramp.source_x = 64;
    display.composite(4, rect{0, 32, 128, 64}, ramp);
    composite_spec opaque;
    opaque.op = 1;
    opaque.source = of_surface(3);
    opaque.source_opaque = true;
    opaque.source_x = 64;
    display.composite(5, rect{0, 0, 128, 64}, opaque);
  });
  // The surfaces shown on the primary: the 16-bit ones by SRC; the A8 and
  // 1_A ones as masks; the ARGB one with SOURCE_OPAQUE (its premultiplied
  // colours, opaque), as a mask with MASK_OPAQUE (which spice-common does not
  // read), and OVER with DEST_OPAQUE (which changes nothing on 32 bits).
  steps.push_back([](qxl_display& display) {
    show(display, 1, 620, 40, 160, 120);
    show(display, 2, 800, 40, 160, 120);
    show_mask(display, 4, rect{620, 180, 748, 244}, xrgb(0xf0, 0x40, 0x20));
    show_mask(display, 5, rect{760, 180, 888, 244}, xrgb(0x20, 0xd0, 0x60));
    show_mask(display, 6, rect{900, 180, 964, 244}, xrgb(0xff, 0xff, 0xff));
    composite_spec opaque;
    opaque.source = of_surface(3);
    opaque.source_opaque = true;
    display.composite(0, rect{620, 260, 748, 388}, opaque);
    composite_spec mask_opaque;
    mask_opaque.source.image = pattern(128, 128);
    mask_opaque.mask = of_surface(3);
    mask_opaque.mask_opaque = true;
    display.composite(0, rect{760, 260, 888, 388}, mask_opaque);
    composite_spec dest_opaque;
    dest_opaque.source = of_surface(3);
    dest_opaque.dest_opaque = true;
    display.composite(0, rect{900, 260, 1020, 388}, dest_opaque);
  });
  // 8BIT_A bitmaps onto 32-bit surfaces: as source (OVER), as mask, and by
  // SRC into the ARGB surface, shown OVER the primary.
  steps.push_back([](qxl_display& display) {
    composite_spec over_alpha;
    over_alpha.source.image = alpha_ramp(200, 100);
    over_alpha.source.alpha_only = true;
    display.composite(0, rect{40, 420, 240, 520}, over_alpha);
    composite_spec masked;
    masked.source.image = pattern(200, 100);
    masked.mask = composite_input{};
    masked.mask->image = alpha_ramp(200, 100);
    masked.mask->alpha_only = true;
    display.composite(0, rect{260, 420, 460, 520}, masked);
    composite_spec into_argb;
    into_argb.op = 1;
    into_argb.source.image = alpha_ramp(64, 64);
    into_argb.source.alpha_only = true;
    display.composite(3, rect{32, 32, 96, 96}, into_argb);
    composite_spec shown;
    shown.source = of_surface(3);
    display.composite(0, rect{480, 420, 608, 548}, shown);
  });
  // A transformed mask (rotated, reflect, GOOD filter) under a source
  // scaled with BEST, a scaled mask (pad, FAST) under a solid source, and
  // the ARGB surface as a component-alpha mask.
  steps.push_back([](qxl_display& display) {
    composite_spec rotated_mask;
    rotated_mask.source.image = pattern(64, 48);
    rotated_mask.source.transform = std::array<std::int32_t, 6>{fixed(0.5), 0, 0, 0, fixed(0.5), 0};
    rotated_mask.source.filter = 2;  // BEST
    rotated_mask.source.repeat = 1;
    rotated_mask.mask = of_surface(4);
    rotated_mask.mask->transform =
      std::array<std::int32_t, 6>{fixed(0.8660254), fixed(0.5), fixed(-20), fixed(-0.5), fixed(0.8660254), fixed(30)};
    rotated_mask.mask->filter = 1;  // GOOD
    rotated_mask.mask->repeat = 3;  // reflect
    rotated_mask.mask_x = 5;
    rotated_mask.mask_y = -7;
    display.composite(0, rect{40, 560, 400, 740}, rotated_mask);
    composite_spec fast;
    fast.source = solid(xrgb(0x30, 0x30, 0xf0));
    fast.source.filter = 0;  // FAST
    fast.mask = of_surface(5);
    fast.mask->transform = std::array<std::int32_t, 6>{fixed(0.75), 0, 0, 0, fixed(0.75), 0};
    fast.mask->filter = 0;
    fast.mask->repeat = 2;  // pad
    display.composite(0, rect{420, 560, 700, 740}, fast);
    composite_spec subpixel;
    subpixel.source = solid(xrgb(0xf0, 0xe0, 0x10));
    subpixel.mask = of_surface(3);
    subpixel.component_alpha = true;
    display.composite(0, rect{720, 560, 848, 688}, subpixel);
  });
  return steps;
}

}  // namespace vigil::test_server
