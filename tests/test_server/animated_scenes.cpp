// The timed scenes: video (a 320x240 region changing at 25 fps, which
// spice-server's stream detection turns into an MJPEG stream), demo (an
// endless animation at 10 fps over a static background) and bench (the demo's
// animation at 30 fps, each frame counted on stdout, for
// bench/compare-remote-viewer).
#include <algorithm>
#include <cstdio>

#include "content.hpp"
#include "scenes.hpp"
#include "stdout_lines.hpp"

namespace vigil::test_server {
namespace {

// Animation frames are dropped rather than queued while spice-server is this
// far behind (a client that stopped reading): the ring stays bounded.
constexpr std::size_t max_queued_commands = 32;

class video_scene : public scene {
public:
  tick_outcome tick(qxl_display& display) override {
    const pixel_image& screen = display.reference(0);
    if (!background_drawn_) {
      background_drawn_ = true;
      display.fill(0, screen.bounds(), xrgb(20, 20, 20));
      return tick_outcome::step;
    }
    if (frame_ == frame_count)
      return tick_outcome::complete;
    // Same size, same place, every 40 ms: what the stream detector looks for.
    display.copy_image(0, (screen.width - 320) / 2, (screen.height - 240) / 2, video_frame(320, 240, frame_));
    print_line("video frame=%d", frame_);
    ++frame_;
    return tick_outcome::frame;
  }
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(40); }

private:
  static constexpr int frame_count = 100;  // 4 s
  bool background_drawn_ = false;
  int frame_ = 0;
};

// A dark gradient with a title (drawn once), then per frame: a band of
// drifting colour waves, a bouncing box, and once a second a status line.
class demo_scene : public scene {
public:
  // `count_frames`: print "bench frame=N" for every frame handed to
  // spice-server (not for those dropped while it is behind), so a benchmark
  // counts, from the server's side, the frames a client kept up with.
  demo_scene(std::chrono::milliseconds interval, bool count_frames)
      : interval_(interval), count_frames_(count_frames) {}

  tick_outcome tick(qxl_display& display) override {
    if (background_.width == 0) {
      make_layout(display.reference(0).width, display.reference(0).height);
      display.copy_image(0, 0, 0, background_);
      return tick_outcome::step;
    }
    if (display.queued_display_commands() > max_queued_commands)
      return tick_outcome::frame;
    display.copy_image(0, band_.left, band_.top, photo_tile(band_.width(), band_.height(), 11, frame_ * 8));
    move_box(display);
    if (frame_ % 10 == 0)
      draw_status(display);
    if (count_frames_)
      print_line("bench frame=%d", frame_);
    ++frame_;
    return tick_outcome::frame;
  }
  std::chrono::milliseconds interval() const override { return interval_; }
  bool endless() const override { return true; }

private:
  void make_layout(int width, int height) {
    background_ = pixel_image(width, height);
    for (int y = 0; y < height; ++y)
      background_.fill(rect{0, y, width, y + 1}, xrgb(10, 16 + y * 40 / height, 40 + y * 60 / height));
    draw_text(background_, 32, 24, "VIGIL TEST SERVER", xrgb(0xf0, 0xf0, 0xf0), 4);
    draw_text(background_, 32, 64, "LIBSPICE-SERVER DEMO SCENE", xrgb(0x90, 0xa0, 0xc0), 2);
    band_ = rect{32, 96, 32 + std::min(width - 64, 512), 96 + 64};
    status_ = rect{32, height - 40, 32 + text_width("FRAME 0000000  UPTIME 00:00:00", 2), height - 40 + 14};
    arena_ = rect{32, band_.bottom + 16, width - 32, status_.top - 16};
    box_ = rect{arena_.left, arena_.top, arena_.left + 64, arena_.top + 64};
  }

  void move_box(qxl_display& display) {
    display.copy_image(0, box_.left, box_.top, background_.crop(box_));
    if (box_.left + dx_ < arena_.left || box_.right + dx_ > arena_.right)
      dx_ = -dx_;
    if (box_.top + dy_ < arena_.top || box_.bottom + dy_ > arena_.bottom)
      dy_ = -dy_;
    box_ = rect{box_.left + dx_, box_.top + dy_, box_.right + dx_, box_.bottom + dy_};
    const int hue = (frame_ * 4) % 256;
    display.fill(0, box_, xrgb(255 - hue, 96 + hue / 2, hue));
  }

  void draw_status(qxl_display& display) {
    const int seconds = frame_ / 10;
    char text[64];
    std::snprintf(text, sizeof(text), "FRAME %07d  UPTIME %02d:%02d:%02d", frame_, seconds / 3600, seconds / 60 % 60,
                  seconds % 60);
    pixel_image line = background_.crop(status_);
    draw_text(line, 0, 0, text, xrgb(0xe0, 0xe0, 0x80), 2);
    display.copy_image(0, status_.left, status_.top, line);
  }

  std::chrono::milliseconds interval_;
  bool count_frames_;
  pixel_image background_;
  rect band_, status_, arena_, box_;
  int dx_ = 7;
  int dy_ = 5;
  int frame_ = 0;
};

}  // namespace

std::unique_ptr<scene> make_video_scene() { return std::make_unique<video_scene>(); }
std::unique_ptr<scene> make_demo_scene() {
  return std::make_unique<demo_scene>(std::chrono::milliseconds(100), false);
}
std::unique_ptr<scene> make_bench_scene() {
  return std::make_unique<demo_scene>(std::chrono::milliseconds(33), true);
}

}  // namespace vigil::test_server
