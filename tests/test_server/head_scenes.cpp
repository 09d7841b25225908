// The several-monitor scenes: `heads` (one display channel whose primary
// surface carries two heads, set by the guest driver's monitors config) and
// `displays` (two QXL devices: two display channels, one head each). Each
// head gets distinct content, so a client that shows one head's pixels in the
// other's place fails the comparison with head-N.ppm.
#include <spice/enums.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "content.hpp"
#include "scenes.hpp"

namespace vigil::test_server {
namespace {

// Steps that give one head (an area of a primary surface) its own picture:
// a background, a photo tile, a bar of text and a coloured square; `seed`
// makes each head's content differ.
void draw_head_step(qxl_display& display, const rect& head, int step, std::uint32_t seed) {
  const int x = head.left;
  const int y = head.top;
  switch (step) {
    case 0: display.fill(0, head, seed % 2 ? xrgb(0x20, 0x30, 0x50) : xrgb(0x50, 0x20, 0x20)); break;
    case 1: display.copy_image(0, x + 16, y + 16, photo_tile(256, 256, seed)); break;
    case 2: display.copy_image(0, x + 16, y + head.height() - 72, document_block(head.width() - 32, 56, seed, 2)); break;
    case 3:
      display.fill(0, rect{x + head.width() - 96, y + 24, x + head.width() - 24, y + 96},
                   seed % 2 ? xrgb(0xf0, 0xd0, 0x20) : xrgb(0x20, 0xd0, 0xd0));
      break;
    default: break;
  }
}
constexpr int head_steps = 4;

std::vector<std::pair<std::string, pixel_image>> head_references(const qxl_display& display) {
  std::vector<std::pair<std::string, pixel_image>> out;
  for (std::size_t i = 0; i < display.heads().size(); ++i)
    out.emplace_back("head-" + std::to_string(i) + ".ppm", display.reference(0).crop(display.heads()[i]));
  return out;
}

// One display channel, two heads side by side, each half the primary surface.
class heads_scene : public scene {
public:
  explicit heads_scene(std::chrono::milliseconds interval) : interval_(interval) {}

  tick_outcome tick(qxl_display& display) override {
    if (next_ == 0) {
      const rect all = display.reference(0).bounds();
      const int half = all.width() / 2;
      display.set_heads({rect{0, 0, half, all.height()}, rect{half, 0, half * 2, all.height()}});
    }
    if (next_ >= head_steps)
      return tick_outcome::complete;
    for (std::size_t head = 0; head < display.heads().size(); ++head)
      draw_head_step(display, display.heads()[head], next_, static_cast<std::uint32_t>(head + 1));
    ++next_;
    return tick_outcome::step;
  }
  std::chrono::milliseconds interval() const override { return interval_; }
  std::vector<std::pair<std::string, pixel_image>> extra_references(const qxl_display& display) const override {
    return head_references(display);
  }

private:
  int next_ = 0;
  std::chrono::milliseconds interval_;
};

// Two QXL devices (display channels 0 and 1), one head each, the whole of its
// primary surface; head-0.ppm is display 0's, head-1.ppm display 1's.
class displays_scene : public scene {
public:
  displays_scene(std::chrono::milliseconds interval, qxl_display* second) : interval_(interval), second_(second) {}

  tick_outcome tick(qxl_display& display) override {
    if (!second_)
      throw std::logic_error("the displays scene needs a second display");
    if (next_ >= head_steps)
      return tick_outcome::complete;
    draw_head_step(display, display.reference(0).bounds(), next_, 1);
    draw_head_step(*second_, second_->reference(0).bounds(), next_, 2);
    ++next_;
    return tick_outcome::step;
  }
  std::chrono::milliseconds interval() const override { return interval_; }
  int display_channels() const override { return 2; }
  std::vector<std::pair<std::string, pixel_image>> extra_references(const qxl_display& display) const override {
    return {{"head-0.ppm", display.reference(0)}, {"head-1.ppm", second_->reference(0)}};
  }
  std::size_t extra_mismatches() override { return second_->count_primary_mismatches(); }

private:
  int next_ = 0;
  std::chrono::milliseconds interval_;
  qxl_display* second_;
};

}  // namespace

std::unique_ptr<scene> make_heads_scene(std::chrono::milliseconds step_interval) {
  return std::make_unique<heads_scene>(step_interval);
}

std::unique_ptr<scene> make_displays_scene(std::chrono::milliseconds step_interval, qxl_display* second) {
  return std::make_unique<displays_scene>(step_interval, second);
}

}  // namespace vigil::test_server
