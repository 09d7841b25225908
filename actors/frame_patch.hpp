// A frame: what changed on a display channel's primary surface since the
// frame before, as rectangles and their pixels. Immutable once sent.
//
// A scroll (COPY_BITS) travels as a move, not as pixels: the consumer
// repeats it on its own picture, then takes the rectangles.
//
// Pixels are the canvas's own (native uint32 0xAARRGGBB, A unused), copied
// from the surface when the frame is built: only the changed rectangles, so
// a steady stream of frames copies what changed and nothing else. The whole
// surface is copied only when it is new (created or replaced) or a consumer
// asks for all of it (it has no picture yet). Pixel buffers come from a pool
// and go back to it when the last holder lets go, so frames in steady state
// allocate nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "protocol/canvas.hpp"
#include "protocol/damage_region.hpp"
#include "protocol/display_messages.hpp"

namespace vigil {

struct frame_patch {
  std::uint32_t width = 0;  // of the primary surface now
  std::uint32_t height = 0;
  std::uint64_t sequence = 0;  // the display channel's batch count; gaps: batches folded into this frame
  // The rectangles cover the whole surface: the consumer's picture starts
  // anew (a new surface, or a consumer that asked for everything).
  bool whole = false;
  // Applied to the consumer's picture in order, before `rects` (never with `whole`).
  std::vector<protocol::surface_move> moves;
  std::vector<protocol::rect> rects;  // what changed: non-overlapping, inside the surface
  // Each rectangle's pixels in turn, row by row (width() * height() each);
  // null when the consumer takes no pixels (headless counts frames only).
  std::shared_ptr<const std::vector<std::uint32_t>> pixels;
  // The display's heads (its last MONITORS_CONFIG); empty: none received.
  std::vector<protocol::monitor_head> heads;

  // Where rectangle `index`'s first pixel is in `pixels`.
  const std::uint32_t* rect_pixels(std::size_t index) const;
};
using frame_patch_ptr = std::shared_ptr<const frame_patch>;

// Pixel buffers that return to the pool when their last holder lets go. The
// pool keeps at most `keep` buffers; it may be used from any thread.
class pixel_buffer_pool : public std::enable_shared_from_this<pixel_buffer_pool> {
public:
  static std::shared_ptr<pixel_buffer_pool> make(std::size_t keep = 2);
  // At least `pixels` pixels (the contents are whatever was there).
  std::shared_ptr<std::vector<std::uint32_t>> take(std::size_t pixels);

private:
  explicit pixel_buffer_pool(std::size_t keep) : keep_(keep) {}
  void give_back(std::vector<std::uint32_t>* buffer);

  std::size_t keep_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<std::vector<std::uint32_t>>> free_;
};

// The frame for `moves` and `rects` of `surface` (pixels from `pool`, or none when it is null).
frame_patch_ptr make_frame_patch(const protocol::surface& surface, std::vector<protocol::surface_move> moves,
                                 std::vector<protocol::rect> rects, bool whole, std::uint64_t sequence,
                                 pixel_buffer_pool* pool, std::vector<protocol::monitor_head> heads = {});

}  // namespace vigil
