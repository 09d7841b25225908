#include "ui/head_frames.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/damage_region.hpp"

namespace vigil {

namespace {

protocol::rect intersect(const protocol::rect& a, const protocol::rect& b) {
  return {std::max(a.top, b.top), std::max(a.left, b.left), std::min(a.bottom, b.bottom), std::min(a.right, b.right)};
}

}  // namespace

std::vector<guest_head> heads_of(std::uint32_t display, const frame_patch& frame) {
  const protocol::rect surface{0, 0, static_cast<std::int32_t>(frame.height), static_cast<std::int32_t>(frame.width)};
  std::vector<guest_head> heads;
  for (const auto& head : frame.heads) {
    const std::int64_t right = std::int64_t{head.x} + head.width;
    const std::int64_t bottom = std::int64_t{head.y} + head.height;
    if (head.width == 0 || head.height == 0 || right > surface.right || bottom > surface.bottom)
      continue;  // disabled, or not on this surface (a config older than the surface)
    heads.push_back({display, head.monitor_id,
                     protocol::rect{static_cast<std::int32_t>(head.y), static_cast<std::int32_t>(head.x),
                                    static_cast<std::int32_t>(bottom), static_cast<std::int32_t>(right)}});
  }
  std::stable_sort(heads.begin(), heads.end(),
                   [](const guest_head& a, const guest_head& b) { return a.monitor < b.monitor; });
  if (heads.empty())
    heads.push_back({display, 0, surface});
  return heads;
}

bool display_mirror::apply(const frame_patch& frame) {
  const protocol::rect surface{0, 0, static_cast<std::int32_t>(frame.height), static_cast<std::int32_t>(frame.width)};
  // One rectangle over the whole surface: its pixels are the picture as they are (moves before it change nothing).
  const bool covers = frame.pixels && frame.rects.size() == 1 && frame.rects.front() == surface;
  if (frame.whole) {
    width_ = frame.width;
    height_ = frame.height;
    shared_.reset();
    if (!covers)
      pixels_.assign(static_cast<std::size_t>(width_) * height_, 0);
    valid_ = true;
  }
  if (!valid_ || frame.width != width_ || frame.height != height_ || !frame.pixels) {
    valid_ = false;
    shared_.reset();
    return false;
  }
  if (covers) {
    shared_ = frame.pixels;
    return true;
  }
  std::uint32_t* picture = own_picture();
  for (const auto& move : frame.moves)
    protocol::apply_move(picture, width_, move);
  const std::uint32_t* in = frame.pixels->data();
  for (const auto& r : frame.rects) {
    const auto row = static_cast<std::size_t>(r.width());
    for (std::int32_t y = r.top; y < r.bottom; ++y, in += row)
      std::memcpy(picture + static_cast<std::size_t>(y) * width_ + r.left, in, row * sizeof(std::uint32_t));
  }
  return true;
}

void display_mirror::forget() {
  valid_ = false;
  shared_.reset();
  std::vector<std::uint32_t>().swap(pixels_);
}

std::uint32_t* display_mirror::own_picture() {
  if (shared_) {
    pixels_.assign(shared_->begin(), shared_->begin() + static_cast<std::ptrdiff_t>(width_) * height_);
    shared_.reset();
  }
  return pixels_.data();
}

frame_patch_ptr display_mirror::cut(const frame_patch& frame, const protocol::rect& area, bool whole) const {
  auto patch = std::make_shared<frame_patch>();
  patch->width = static_cast<std::uint32_t>(area.width());
  patch->height = static_cast<std::uint32_t>(area.height());
  patch->sequence = frame.sequence;
  patch->whole = whole;
  std::vector<protocol::rect> changed;
  if (whole) {
    changed.push_back(area);
  } else {
    for (const auto& move : frame.moves)
      changed.push_back(intersect(move.to, area));
    for (const auto& r : frame.rects)
      changed.push_back(intersect(r, area));
    changed.erase(std::remove_if(changed.begin(), changed.end(), [](const protocol::rect& r) { return r.empty(); }),
                  changed.end());
    changed = protocol::disjoint_rects(std::move(changed));
  }
  std::size_t total = 0;
  for (const auto& r : changed)
    total += static_cast<std::size_t>(r.width() * r.height());
  auto pixels = std::make_shared<std::vector<std::uint32_t>>(total);
  std::uint32_t* out = pixels->data();
  for (const auto& r : changed) {
    const auto row = static_cast<std::size_t>(r.width());
    for (std::int32_t y = r.top; y < r.bottom; ++y, out += row)
      std::memcpy(out, picture() + static_cast<std::size_t>(y) * width_ + r.left, row * sizeof(std::uint32_t));
    patch->rects.push_back({r.top - area.top, r.left - area.left, r.bottom - area.top, r.right - area.left});
  }
  patch->pixels = std::move(pixels);
  return patch;
}

}  // namespace vigil
