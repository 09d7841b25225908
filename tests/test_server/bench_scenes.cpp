// The benchmark scenes (bench/compare-remote-viewer): endless workloads that
// each stress one part of a client, every frame counted with a
// `bench frame=N` line when it is handed to spice-server. A frame is skipped,
// not queued, while spice-server is more than 32 commands behind (a client
// that does not keep up), so the count is what a client kept up with.
//
//   fullscreen  the whole surface changes every frame, at 60 frames/s: a
//               drifting smooth gradient as one full-surface DRAW_COPY
//               (QUIC under auto_glz: lossless). Use --streaming off, or
//               spice-server turns it into a lossy MJPEG stream.
//   console     a terminal scrolling at 60 lines/s: COPY_BITS of the text
//               area up one line, then a DRAW_COPY of the new bottom line.
//   video       a 320x240 picture at 25 frames/s in the middle of a static
//               desktop: spice-server streams it as MJPEG (--streaming filter).
//   desktop     a static desktop, a cursor moving every frame (CURSOR_MOVE:
//               use --mouse server, spice-server sends moves only then) and a
//               small update every frame (a clock line), at 30 frames/s; meant
//               for 3840x2160.
#include <spice/enums.h>

#include <algorithm>
#include <cstdio>

#include "content.hpp"
#include "scenes.hpp"
#include "stdout_lines.hpp"

namespace vigil::test_server {
namespace {

constexpr std::size_t max_queued_commands = 32;

// Counts the frames handed over; skips a frame while spice-server is behind.
class counted_scene : public scene {
public:
  tick_outcome tick(qxl_display& display) final {
    if (!started_) {
      started_ = true;
      setup(display);
      return tick_outcome::step;
    }
    if (display.queued_display_commands() > max_queued_commands)
      return tick_outcome::frame;
    draw_frame(display, frame_);
    print_line("bench frame=%d", frame_);
    ++frame_;
    return tick_outcome::frame;
  }
  bool endless() const final { return true; }

protected:
  virtual void setup(qxl_display& display) = 0;
  virtual void draw_frame(qxl_display& display, int frame) = 0;

private:
  bool started_ = false;
  int frame_ = 0;
};

// A desktop-like background: a vertical gradient with a title bar and some text.
pixel_image desktop_background(int width, int height) {
  pixel_image background(width, height);
  for (int y = 0; y < height; ++y)
    background.fill(rect{0, y, width, y + 1}, xrgb(24, 40 + y * 40 / height, 70 + y * 60 / height));
  background.fill(rect{0, 0, width, 28}, xrgb(0x30, 0x30, 0x38));
  draw_text(background, 12, 7, "VIGIL BENCH DESKTOP", xrgb(0xe0, 0xe0, 0xe0), 2);
  const pixel_image notes = document_block(480, 300, 3, 1);
  background.paste(width / 16, height / 6, notes);
  return background;
}

class fullscreen_scene final : public counted_scene {
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(16); }

  void setup(qxl_display& display) override {
    const pixel_image& screen = display.reference(0);
    frame_ = pixel_image(screen.width, screen.height);
    // One period of a smooth colour ramp, twice, so any row is one memcpy.
    ramp_.resize(static_cast<std::size_t>(period) * 2);
    for (int i = 0; i < period * 2; ++i) {
      const int p = i % period;
      const int up = p < period / 2 ? p * 2 : (period - p) * 2;  // 0..period..0
      ramp_[static_cast<std::size_t>(i)] = xrgb(up * 255 / period, 128 + up * 127 / period, 255 - up * 255 / period);
    }
    display.copy_image(0, 0, 0, frame_);
  }

  void draw_frame(qxl_display& display, int frame) override {
    for (int y = 0; y < frame_.height; ++y) {
      const std::uint32_t* from = &ramp_[static_cast<std::size_t>((y / 2 + frame * 7) % period)];
      std::uint32_t* row = &frame_.at(0, y);
      for (int x = 0; x < frame_.width; x += period)
        std::copy(from, from + std::min(period, frame_.width - x), row + x);
    }
    display.copy_image(0, 0, 0, frame_);
  }

  static constexpr int period = 512;
  pixel_image frame_;
  std::vector<std::uint32_t> ramp_;
};

class console_scene final : public counted_scene {
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(16); }

  void setup(qxl_display& display) override {
    const pixel_image& screen = display.reference(0);
    width_ = screen.width;
    height_ = screen.height;
    display.copy_image(0, 0, 0, document_block(width_, height_, 21, 2));
  }

  // Up one line, the new line at the bottom, as a terminal scrolls.
  void draw_frame(qxl_display& display, int frame) override {
    display.copy_bits(0, rect{0, 0, width_, height_ - line_height}, 0, line_height);
    display.copy_image(0, 0, height_ - line_height,
                       document_line(width_, line_height, static_cast<std::uint32_t>(1000 + frame), 2));
  }

  static constexpr int line_height = 16;
  int width_ = 0, height_ = 0;
};

class video_scene final : public counted_scene {
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(40); }

  void setup(qxl_display& display) override {
    const pixel_image& screen = display.reference(0);
    display.copy_image(0, 0, 0, desktop_background(screen.width, screen.height));
    x_ = (screen.width - 320) / 2;
    y_ = (screen.height - 240) / 2;
  }

  void draw_frame(qxl_display& display, int frame) override { display.copy_image(0, x_, y_, video_frame(320, 240, frame)); }

  int x_ = 0, y_ = 0;
};

class desktop_scene final : public counted_scene {
public:
  bool needs_cursor_channel() const override { return true; }

private:
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(33); }

  void setup(qxl_display& display) override {
    const pixel_image& screen = display.reference(0);
    width_ = screen.width;
    height_ = screen.height;
    background_ = desktop_background(width_, height_);
    display.copy_image(0, 0, 0, background_);
    clock_ = rect{width_ - 360, 7, width_ - 12, 21};
    cursor_shape shape;
    shape.type = SPICE_CURSOR_TYPE_ALPHA;
    shape.width = cursor_size;
    shape.height = cursor_size;
    shape.hot_x = 5;
    shape.hot_y = 7;
    for (const std::uint32_t argb : alpha_cursor_pixels())
      for (int shift = 0; shift < 32; shift += 8)  // little-endian, as on the wire
        shape.data.push_back(static_cast<std::uint8_t>(argb >> shift));
    display.set_cursor(shape, width_ / 2, height_ / 2);
  }

  // The cursor on a slow ellipse over the screen; the clock line redrawn.
  void draw_frame(qxl_display& display, int frame) override {
    const int step = frame % 360;
    const int x = width_ / 2 + (width_ / 3) * cosine_permille(step) / 1000;
    const int y = height_ / 2 + (height_ / 3) * cosine_permille(step + 270) / 1000;
    display.move_cursor(x, y);
    char text[48];
    std::snprintf(text, sizeof(text), "FRAME %07d  %02d:%02d:%02d", frame, frame / 108000 % 24, frame / 1800 % 60,
                  frame / 30 % 60);
    pixel_image line = background_.crop(clock_);
    draw_text(line, 0, 0, text, xrgb(0xe0, 0xe0, 0x80), 2);
    display.copy_image(0, clock_.left, clock_.top, line);
  }

  // cos(degrees) * 1000 in integers (deterministic on every machine).
  static int cosine_permille(int degrees) {
    static const int quarter[] = {1000, 999, 996, 990, 982, 970, 956, 940, 921, 899, 875, 848, 819, 788, 755, 719,
                                  682, 643, 602, 559, 515, 469, 423, 375, 326, 276, 225, 174, 122, 70, 17};
    degrees = ((degrees % 360) + 360) % 360;
    auto at = [](int d) { return quarter[std::min(d / 3, 30)]; };  // 3-degree steps, 0..90
    if (degrees <= 90)
      return at(degrees);
    if (degrees <= 180)
      return -at(180 - degrees);
    if (degrees <= 270)
      return -at(degrees - 180);
    return at(360 - degrees);
  }

  int width_ = 0, height_ = 0;
  pixel_image background_;
  rect clock_;
};

}  // namespace

std::unique_ptr<scene> make_bench_fullscreen_scene() { return std::make_unique<fullscreen_scene>(); }
std::unique_ptr<scene> make_bench_console_scene() { return std::make_unique<console_scene>(); }
std::unique_ptr<scene> make_bench_video_scene() { return std::make_unique<video_scene>(); }
std::unique_ptr<scene> make_bench_desktop_scene() { return std::make_unique<desktop_scene>(); }

}  // namespace vigil::test_server
