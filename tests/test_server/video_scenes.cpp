// The endless video scenes for the stream codec tests and benchmarks:
//   video-loop  the video scene's 320x240 moving picture at the screen centre
//               at 25 fps, frames 0..99 over and over (so a test can find the
//               frame the client shows among 100), never complete;
//   av-sync     the video-loop picture darkened, and every 50th frame (2 s)
//               a white marker frame; the marker's tick also runs the marker
//               action (main.cpp: a click on the playback channel) and prints
//               `av marker mm_time=T` with spice-server's multimedia time
//               (CLOCK_MONOTONIC ms, which it stamps drawables and audio with);
//   video-full  a picture covering the whole primary surface, one frame per
//               --step-ms: a wide photo-like band panning 4 px a frame with
//               the video scene's ball, never complete (the 1080p decode
//               benchmark, paced so spice-server's encoder keeps up).
// Both print `video frame=N` (N counts up) for every frame handed to
// spice-server and skip frames, unprinted, while spice-server is behind.
#include <time.h>

#include <algorithm>
#include <functional>

#include "content.hpp"
#include "scenes.hpp"
#include "stdout_lines.hpp"

namespace vigil::test_server {
namespace {

constexpr std::size_t max_queued_commands = 32;

class video_loop_scene : public scene {
public:
  tick_outcome tick(qxl_display& display) override {
    const pixel_image& screen = display.reference(0);
    if (!background_drawn_) {
      background_drawn_ = true;
      display.fill(0, screen.bounds(), xrgb(20, 20, 20));
      for (int n = 0; n < loop_frames; ++n)
        frames_.push_back(video_frame(320, 240, n));
      return tick_outcome::step;
    }
    if (display.queued_display_commands() > max_queued_commands)
      return tick_outcome::frame;
    display.copy_image(0, (screen.width - 320) / 2, (screen.height - 240) / 2, frames_[frame_ % loop_frames]);
    print_line("video frame=%d", frame_);
    ++frame_;
    return tick_outcome::frame;
  }
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(40); }
  bool endless() const override { return true; }

private:
  static constexpr int loop_frames = 100;
  bool background_drawn_ = false;
  std::vector<pixel_image> frames_;
  int frame_ = 0;
};

class video_full_scene : public scene {
public:
  explicit video_full_scene(std::chrono::milliseconds interval) : interval_(interval) {}
  tick_outcome tick(qxl_display& display) override {
    const pixel_image& screen = display.reference(0);
    if (band_.width == 0) {
      band_ = photo_tile(screen.width + pan_range, screen.height, 5);
      return tick_outcome::step;
    }
    if (display.queued_display_commands() > max_queued_commands)
      return tick_outcome::frame;
    const int offset = (frame_ * 4) % pan_range;
    pixel_image picture = band_.crop(rect{offset, 0, offset + screen.width, screen.height});
    const int radius = screen.height / 10;
    const int center_x = radius + (frame_ * 9) % std::max(screen.width - 2 * radius, 1);
    const int center_y = screen.height / 2;
    for (int y = center_y - radius; y < center_y + radius; ++y)
      for (int x = center_x - radius; x < center_x + radius; ++x)
        if ((x - center_x) * (x - center_x) + (y - center_y) * (y - center_y) < radius * radius)
          picture.at(x, y) = xrgb(255, 240, 120 + (x + y) % 64);
    display.copy_image(0, 0, 0, picture);
    print_line("video frame=%d", frame_);
    ++frame_;
    return tick_outcome::frame;
  }
  std::chrono::milliseconds interval() const override { return interval_; }
  bool endless() const override { return true; }

private:
  static constexpr int pan_range = 512;
  std::chrono::milliseconds interval_;
  pixel_image band_;
  int frame_ = 0;
};

class av_sync_scene : public scene {
public:
  explicit av_sync_scene(std::function<void()> marker_action) : marker_action_(std::move(marker_action)) {}
  tick_outcome tick(qxl_display& display) override {
    const pixel_image& screen = display.reference(0);
    if (frames_.empty()) {
      display.fill(0, screen.bounds(), xrgb(20, 20, 20));
      for (int n = 0; n < loop_frames; ++n) {
        pixel_image frame = video_frame(320, 240, n);
        for (auto& pixel : frame.pixels)  // a quarter as bright: the marker stands out
          pixel = xrgb(((pixel >> 16) & 0xff) / 4, ((pixel >> 8) & 0xff) / 4, (pixel & 0xff) / 4);
        frames_.push_back(std::move(frame));
      }
      marker_ = pixel_image(320, 240, xrgb(255, 255, 255));
      return tick_outcome::step;
    }
    if (display.queued_display_commands() > max_queued_commands)
      return tick_outcome::frame;
    const bool marker = frame_ % marker_every == marker_every - 1;
    display.copy_image(0, (screen.width - 320) / 2, (screen.height - 240) / 2,
                       marker ? marker_ : frames_[frame_ % loop_frames]);
    if (marker) {
      if (marker_action_)
        marker_action_();
      timespec now{};
      clock_gettime(CLOCK_MONOTONIC, &now);
      print_line("av marker mm_time=%u",
                 static_cast<unsigned>(static_cast<std::uint64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000));
    }
    ++frame_;
    return tick_outcome::frame;
  }
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(40); }
  bool endless() const override { return true; }

private:
  static constexpr int loop_frames = 100;
  static constexpr int marker_every = 50;
  std::function<void()> marker_action_;
  std::vector<pixel_image> frames_;
  pixel_image marker_;
  int frame_ = 0;
};

}  // namespace

std::unique_ptr<scene> make_av_sync_scene(std::function<void()> marker_action) {
  return std::make_unique<av_sync_scene>(std::move(marker_action));
}

std::unique_ptr<scene> make_video_loop_scene() { return std::make_unique<video_loop_scene>(); }
std::unique_ptr<scene> make_video_full_scene(std::chrono::milliseconds interval) {
  return std::make_unique<video_full_scene>(interval);
}

}  // namespace vigil::test_server
