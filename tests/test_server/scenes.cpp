// The static scenes: each step is a few QXL commands, paced by --step-ms.
#include "scenes.hpp"

#include <spice/enums.h>

#include <functional>
#include <vector>

#include "content.hpp"

namespace vigil::test_server {
namespace {

using step_function = std::function<void(qxl_display&)>;

class scripted_scene : public scene {
public:
  scripted_scene(std::vector<step_function> steps, std::chrono::milliseconds interval, bool needs_cursor = false)
      : steps_(std::move(steps)), interval_(interval), needs_cursor_(needs_cursor) {}

  tick_outcome tick(qxl_display& display) override {
    if (next_ >= steps_.size())
      return tick_outcome::complete;
    steps_[next_++](display);
    return tick_outcome::step;
  }
  std::chrono::milliseconds interval() const override { return interval_; }
  bool needs_cursor_channel() const override { return needs_cursor_; }

private:
  std::vector<step_function> steps_;
  std::size_t next_ = 0;
  std::chrono::milliseconds interval_;
  bool needs_cursor_;
};

int screen_width(qxl_display& display) { return display.reference(0).width; }
int screen_height(qxl_display& display) { return display.reference(0).height; }
rect whole_screen(qxl_display& display) { return display.reference(0).bounds(); }

// Eight DRAW_FILLs in a 4x2 grid, then one overlapping four of them.
std::vector<step_function> solid_steps() {
  static constexpr std::uint32_t colors[] = {
    xrgb(0xe0, 0x30, 0x30), xrgb(0x30, 0xc0, 0x40), xrgb(0x30, 0x50, 0xe0), xrgb(0xf0, 0xd0, 0x20),
    xrgb(0x20, 0xd0, 0xd0), xrgb(0xd0, 0x30, 0xc0), xrgb(0xff, 0xff, 0xff), xrgb(0xf0, 0x80, 0x10),
  };
  std::vector<step_function> steps;
  for (int cell = 0; cell < 8; ++cell)
    steps.push_back([cell](qxl_display& display) {
      const int w = screen_width(display) / 4;
      const int h = screen_height(display) / 2;
      const int column = cell % 4;
      const int row = cell / 4;
      display.fill(0, rect{column * w + 8, row * h + 8, (column + 1) * w - 8, (row + 1) * h - 8}, colors[cell]);
    });
  steps.push_back([](qxl_display& display) {
    const int w = screen_width(display);
    const int h = screen_height(display);
    display.fill(0, rect{w * 3 / 8, h * 3 / 8, w * 5 / 8, h * 5 / 8}, xrgb(0x80, 0x80, 0x80));
  });
  return steps;
}

// DRAW_ROP3 as older Windows QXL drivers send it: photo tiles combined with a
// solid brush and what is under them by eight ternary codes that use all
// three operands (PDSox 0x1E, PDSxxn 0x69, DPSax 0x6A, DPSDoax 0x4A, PSDPxox
// 0x2E, SPxPDxa 0x18, DPSox 0x56, SDPax 0x6C), over stripes so the
// destination matters. (spice-server's own canvas, which checks the
// reference, renders only such codes; the two-operand ones reach it as
// other drawing commands.)
std::vector<step_function> rop3_steps() {
  static constexpr std::uint8_t codes[] = {0x1e, 0x69, 0x6a, 0x4a, 0x2e, 0x18, 0x56, 0x6c};
  std::vector<step_function> steps;
  steps.push_back([](qxl_display& display) {
    display.fill(0, whole_screen(display), xrgb(0x20, 0x28, 0x30));
    for (int stripe = 0; stripe < screen_height(display); stripe += 32)
      display.fill(0, rect{0, stripe, screen_width(display), stripe + 16}, xrgb(0xa0, 0x60, 0x30));
  });
  for (int cell = 0; cell < 8; ++cell)
    steps.push_back([cell](qxl_display& display) {
      display.rop3_image(0, 16 + (cell % 4) * 240, 16 + (cell / 4) * 240, photo_tile(224, 224, 7u + cell),
                         xrgb(0x33, 0xcc, 0x5a), codes[cell]);
    });
  return steps;
}

// Six 256x256 photo tiles on a dark background, then a wider one.
std::vector<step_function> photo_steps() {
  std::vector<step_function> steps;
  steps.push_back([](qxl_display& display) { display.fill(0, whole_screen(display), xrgb(40, 40, 48)); });
  for (int tile = 0; tile < 6; ++tile)
    steps.push_back([tile](qxl_display& display) {
      display.copy_image(0, 16 + (tile % 3) * 272, 16 + (tile / 3) * 272,
                         photo_tile(256, 256, static_cast<std::uint32_t>(tile + 1)));
    });
  steps.push_back([](qxl_display& display) {
    display.copy_image(0, screen_width(display) - 400, screen_height(display) - 216, photo_tile(384, 200, 42));
  });
  return steps;
}

// Four paragraphs of 2x-scaled pseudo-text, then a 1x block over a corner.
std::vector<step_function> text_steps() {
  std::vector<step_function> steps;
  steps.push_back([](qxl_display& display) { display.fill(0, whole_screen(display), xrgb(0xff, 0xff, 0xff)); });
  for (int block = 0; block < 4; ++block)
    steps.push_back([block](qxl_display& display) {
      const int height = (screen_height(display) - 32) / 4 - 8;
      display.copy_image(0, 16, 16 + block * (height + 8),
                         document_block(screen_width(display) - 32, height, static_cast<std::uint32_t>(block + 1), 2));
    });
  steps.push_back([](qxl_display& display) {
    const int w = screen_width(display);
    const int h = screen_height(display);
    display.copy_image(0, w / 2 - 16, h - h / 4 - 16, document_block(w / 2, h / 4, 99, 1));
  });
  return steps;
}

std::vector<step_function> gradient_steps() {
  std::vector<step_function> steps;
  for (const gradient_kind kind :
       {gradient_kind::horizontal, gradient_kind::vertical, gradient_kind::diagonal, gradient_kind::radial})
    steps.push_back([kind](qxl_display& display) {
      display.copy_image(0, 0, 0, gradient_image(screen_width(display), screen_height(display), kind));
    });
  return steps;
}

// A page of text, then eight scrolls: COPY_BITS moves everything up one line
// and a DRAW_COPY fills the exposed strip at the bottom.
std::vector<step_function> scroll_steps() {
  constexpr int line_height = 24;
  std::vector<step_function> steps;
  steps.push_back([](qxl_display& display) {
    display.copy_image(0, 0, 0, document_block(screen_width(display), screen_height(display), 1, 2));
  });
  for (int scroll = 0; scroll < 8; ++scroll)
    steps.push_back([scroll](qxl_display& display) {
      const int w = screen_width(display);
      const int h = screen_height(display);
      display.copy_bits(0, rect{0, 0, w, h - line_height}, 0, line_height);
      display.copy_image(0, 0, h - line_height,
                         document_line(w, line_height, static_cast<std::uint32_t>(100 + scroll), 2));
    });
  return steps;
}

// An ALPHA cursor moved three times, then a MONO cursor.
std::vector<step_function> cursor_steps() {
  std::vector<step_function> steps;
  steps.push_back([](qxl_display& display) { display.fill(0, whole_screen(display), xrgb(60, 90, 120)); });
  steps.push_back([](qxl_display& display) {
    cursor_shape shape;
    shape.type = SPICE_CURSOR_TYPE_ALPHA;
    shape.width = shape.height = cursor_size;
    shape.hot_x = 5;
    shape.hot_y = 7;
    for (const std::uint32_t argb : alpha_cursor_pixels())
      for (int shift = 0; shift < 32; shift += 8)  // little-endian, as on the wire
        shape.data.push_back(static_cast<std::uint8_t>(argb >> shift));
    display.set_cursor(shape, screen_width(display) / 4, screen_height(display) / 4);
  });
  for (int move = 1; move <= 3; ++move)
    steps.push_back([move](qxl_display& display) {
      display.move_cursor(screen_width(display) / 4 + move * 100, screen_height(display) / 4 + move * 60);
    });
  steps.push_back([](qxl_display& display) {
    cursor_shape shape;
    shape.type = SPICE_CURSOR_TYPE_MONO;
    shape.width = shape.height = cursor_size;
    shape.hot_x = 4;
    shape.hot_y = 4;
    shape.data = mono_cursor_masks();
    display.set_cursor(shape, screen_width(display) / 2, screen_height(display) / 2);
  });
  return steps;
}

// Surface 1 (256x192, off-screen) is drawn into, copied to the primary twice
// (whole and in part: DRAW_COPY with a SURFACE image), then destroyed.
std::vector<step_function> surfaces_steps() {
  std::vector<step_function> steps;
  steps.push_back([](qxl_display& display) { display.fill(0, whole_screen(display), xrgb(30, 30, 60)); });
  steps.push_back([](qxl_display& display) { display.create_surface(1, 256, 192); });
  steps.push_back([](qxl_display& display) {
    display.fill(1, rect{0, 0, 256, 192}, xrgb(200, 220, 240));
    display.copy_image(1, 16, 16, photo_tile(224, 160, 5));
  });
  steps.push_back([](qxl_display& display) { display.fill(1, rect{96, 64, 160, 128}, xrgb(0xe0, 0x20, 0x20)); });
  steps.push_back([](qxl_display& display) { display.copy_surface(0, 64, 64, 1, rect{0, 0, 256, 192}); });
  steps.push_back([](qxl_display& display) {
    display.copy_surface(0, screen_width(display) - 320, screen_height(display) - 256, 1, rect{32, 32, 224, 160});
  });
  steps.push_back([](qxl_display& display) { display.destroy_surface(1); });
  return steps;
}

// Quadrants on the first primary, then an 800x600 primary with new content.
std::vector<step_function> resize_steps() {
  std::vector<step_function> steps;
  steps.push_back([](qxl_display& display) {
    const int w = screen_width(display);
    const int h = screen_height(display);
    display.fill(0, rect{0, 0, w / 2, h / 2}, xrgb(0xc0, 0x40, 0x40));
    display.fill(0, rect{w / 2, 0, w, h / 2}, xrgb(0x40, 0xc0, 0x40));
    display.fill(0, rect{0, h / 2, w / 2, h}, xrgb(0x40, 0x40, 0xc0));
    display.fill(0, rect{w / 2, h / 2, w, h}, xrgb(0xc0, 0xc0, 0x40));
  });
  steps.push_back([](qxl_display& display) { display.recreate_primary(800, 600); });
  steps.push_back([](qxl_display& display) { display.fill(0, whole_screen(display), xrgb(20, 60, 40)); });
  steps.push_back([](qxl_display& display) { display.copy_image(0, 272, 172, photo_tile(256, 256, 9)); });
  steps.push_back([](qxl_display& display) { display.fill(0, rect{0, 560, 800, 600}, xrgb(0xf0, 0xf0, 0xf0)); });
  return steps;
}

}  // namespace

const char* scene_names() {
  return "demo, bench, bench-fullscreen, bench-console, bench-video, bench-desktop, solid, photo, text, gradient, "
         "scroll, video, video-loop, video-full, av-sync, cursor, surfaces, resize, rop3, glyphs, glyphs-a8, composite, composite-masks, "
         "composite-formats, strokes, heads, displays";
}

bool scene_needs_two_displays(const std::string& name) { return name == "displays"; }

std::unique_ptr<scene> make_scene(const std::string& name, std::chrono::milliseconds step_interval,
                                  qxl_display* second) {
  if (name == "heads")
    return make_heads_scene(step_interval);
  if (name == "displays")
    return make_displays_scene(step_interval, second);
  if (name == "demo")
    return make_demo_scene();
  if (name == "bench")
    return make_bench_scene();
  if (name == "video")
    return make_video_scene();
  if (name == "bench-fullscreen")
    return make_bench_fullscreen_scene();
  if (name == "bench-console")
    return make_bench_console_scene();
  if (name == "bench-video")
    return make_bench_video_scene();
  if (name == "bench-desktop")
    return make_bench_desktop_scene();
  if (name == "video-loop")
    return make_video_loop_scene();
  if (name == "video-full")
    return make_video_full_scene(step_interval);
  if (name == "av-sync")
    return make_av_sync_scene(nullptr);
  if (name == "cursor")
    return std::make_unique<scripted_scene>(cursor_steps(), step_interval, true);
  std::vector<step_function> steps;
  if (name == "solid")
    steps = solid_steps();
  else if (name == "photo")
    steps = photo_steps();
  else if (name == "text")
    steps = text_steps();
  else if (name == "gradient")
    steps = gradient_steps();
  else if (name == "scroll")
    steps = scroll_steps();
  else if (name == "surfaces")
    steps = surfaces_steps();
  else if (name == "resize")
    steps = resize_steps();
  else if (name == "rop3")
    steps = rop3_steps();
  else if (name == "glyphs")
    steps = glyph_steps();
  else if (name == "glyphs-a8")
    steps = glyph_a8_steps();
  else if (name == "composite")
    steps = composite_steps();
  else if (name == "composite-masks")
    steps = composite_mask_steps();
  else if (name == "composite-formats")
    steps = composite_format_steps();
  else if (name == "strokes")
    steps = stroke_steps();
  else
    return nullptr;
  return std::make_unique<scripted_scene>(std::move(steps), step_interval);
}

}  // namespace vigil::test_server
