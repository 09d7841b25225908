// Several monitors: the guest's heads, display channel by display channel,
// and each head's frames cut from its display's frames (pure: no SFML, no
// actors; unit-tested in tests/app/test_head_frames.cpp).
//
// A display channel's primary surface carries one head or several (the
// guest driver's MONITORS_CONFIG places them on it); a window shows one head.
// Frames carry only what changed and a scroll moves pixels across heads, so
// for a display with several heads a copy of its whole primary is kept
// (display_mirror) and each head's frame is cut from that copy: the changes
// inside the head, moves turned into pixels, at the head's own origin.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "actors/frame_patch.hpp"
#include "protocol/display_messages.hpp"

namespace vigil {

// One guest head: its display channel, its monitor id there and where it is
// on that display's primary surface.
struct guest_head {
  std::uint32_t display = 0;
  std::uint32_t monitor = 0;
  protocol::rect area;
  // Its index in the agent's monitors config: display id + monitor id, as
  // spice-gtk counts (several channels of one head each, or one of several).
  std::uint32_t agent_id() const { return display + monitor; }
  bool operator==(const guest_head& other) const {
    return display == other.display && monitor == other.monitor && area == other.area;
  }
};

// The heads `frame` shows for `display`: its MONITORS_CONFIG's heads that lie
// inside the surface (monitor id order), or, with none, the whole surface as
// monitor 0.
std::vector<guest_head> heads_of(std::uint32_t display, const frame_patch& frame);

// A copy of a display's primary surface, kept up to date by its frames. A
// frame whose one rectangle is the whole surface is not copied: its pixels
// (immutable, shared) are the copy until a later frame changes part of it.
class display_mirror {
public:
  // Applies `frame` (its moves, then its rectangles); false when the frame
  // does not fit what the copy has (no whole frame yet, another size): the
  // copy is then unusable until a whole frame comes.
  bool apply(const frame_patch& frame);
  // `frame` (already applied) as seen inside `area`: its changed rectangles
  // and its moves' destinations cut to the area, with the copy's pixels, at
  // the area's origin; all of the area when `whole`.
  frame_patch_ptr cut(const frame_patch& frame, const protocol::rect& area, bool whole) const;
  // Drops the copy (and its memory) while nobody needs it; apply() then
  // fails until a whole frame comes.
  void forget();

private:
  const std::uint32_t* picture() const { return shared_ ? shared_->data() : pixels_.data(); }
  std::uint32_t* own_picture();  // pixels_, copied from shared_ first if it is the picture

  std::uint32_t width_ = 0;
  std::uint32_t height_ = 0;
  std::vector<std::uint32_t> pixels_;
  std::shared_ptr<const std::vector<std::uint32_t>> shared_;  // a whole-surface frame's pixels, or null
  bool valid_ = false;
};

}  // namespace vigil
