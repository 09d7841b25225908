// Everything a display channel does with a server message except the I/O:
// parse it, decode its images, draw on the canvas, keep the caches, the video
// streams and the monitor layout. The channel actor feeds it one frame at a
// time and acts on the outcome (log, count, fail, hand the primary surface to
// the renderer). Pure and deterministic, so whole captured sessions replay
// through it in unit tests.
//
// Video streams: a STREAM_DATA frame is handed to the caller (display_step's
// stream_frame), which decodes it off the message path and gives the picture
// back with put_stream_picture when it is due; the picture is scaled into the
// stream's destination and clipped by the stream's clip as it is then. With
// `decode_streams_inline` the pipeline decodes and draws each frame as it
// arrives instead (replays, fuzzing, tests: everything in one call). A stream
// whose size is over memory.max_surface_bytes is refused at STREAM_CREATE.
//
// Memory: surfaces, decoded images, caches, frames and scratch are charged to
// the channel's account (memory_budget.hpp) before they are allocated; what
// the budget or a cap refuses is the outcome over_budget, never an allocation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/canvas.hpp"
#include "protocol/damage_region.hpp"
#include "protocol/codecs/video_decoder.hpp"
#include "protocol/display_messages.hpp"
#include "protocol/image_decoder.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

struct display_settings {
  std::uint64_t pixmap_cache_pixels = 0;  // as announced in DISPLAY_INIT
  std::size_t glz_window_pixels = 0;
  bool decode_streams_inline = true;  // false: stream frames are handed out (display_step::stream_frame)
  memory_account account;  // the channel's share of the session's budget
  memory_limits limits;
};

enum class display_outcome {
  applied,      // done (the drawing may have touched no pixels)
  unsupported,  // a message type this client does not handle
  skipped,      // the message's data was bad (parse, image or unknown surface): not drawn
  fatal,        // surface state the channel cannot continue from
  over_budget,  // the message would cost more than the memory budget or a cap allows
};

// A stream frame for the caller to decode (decode_streams_inline false).
// `data` points into the message body: copy it before the next apply().
struct stream_frame_view {
  std::uint32_t stream_id = 0;
  std::uint32_t mm_time = 0;
  byte_view data;
  std::optional<rect> sized_dest;  // STREAM_DATA_SIZED's own destination
};

// A stream that began: what its decoder needs to know.
struct stream_started {
  std::uint32_t stream_id = 0;
  std::uint8_t codec = 0;  // SPICE_VIDEO_CODEC_TYPE_*
  std::uint32_t width = 0;  // the encoded size
  std::uint32_t height = 0;
};

struct display_step {
  display_outcome outcome = display_outcome::applied;
  std::string error;            // skipped / fatal: names the message and the field
  rect primary_damage;          // changed area of the primary surface; empty: none
  bool primary_replaced = false;  // the primary surface was created, replaced or destroyed
  // COPY_BITS on the primary that moved one rectangle (its `to` is primary_damage).
  std::optional<surface_move> primary_move;
  std::optional<stream_frame_view> stream_frame;  // a frame to decode
  std::optional<stream_started> stream_began;
  std::vector<std::uint32_t> streams_ended;  // destroyed, with their surface, or by RESET
};

struct display_counters {
  std::uint64_t drawings = 0;       // drawing commands applied
  std::uint64_t stream_frames = 0;  // video frames drawn
  std::uint64_t skipped = 0;        // messages whose data was bad
};

// At most this many video streams at once (the reference server uses 50).
constexpr std::size_t max_video_streams = 64;

class display_pipeline {
public:
  explicit display_pipeline(const display_settings& settings);

  display_step apply(std::uint16_t message_type, const bytes& body);
  // Draws a decoded frame of a stream handed out earlier. A stream that has
  // ended since is not drawn (applied, no damage); a bad picture is skipped.
  display_step put_stream_picture(std::uint32_t stream_id, const decoded_image& picture,
                                  const std::optional<rect>& sized_dest);

  // A stream's picture decoded straight into its surface: where it goes
  // (canvas::frame_rows; none: decode it into an image and put it), then,
  // once written (or partly: a failed decode), what changed.
  std::optional<pixel_rows> stream_picture_rows(std::uint32_t stream_id, const std::optional<rect>& sized_dest);
  display_step stream_picture_written(std::uint32_t stream_id, const std::optional<rect>& sized_dest);

  const canvas& surfaces() const { return canvas_; }
  const image_decoder& images() const { return images_; }
  const std::vector<monitor_head>& monitors() const { return monitors_; }
  std::size_t video_streams() const { return streams_.size(); }
  const display_counters& counters() const { return counters_; }

private:
  struct video_stream {
    stream_create created;
    struct clip clip;
    std::unique_ptr<video_decoder> inline_decoder;  // decode_streams_inline only
  };
  struct decoded_mask {
    image_pixels bits;
    mask_image view;
  };

  display_step on_surface_create(const bytes& body);
  display_step on_surface_destroy(const bytes& body);
  display_step on_reset();
  display_step on_fill(const bytes& body);
  display_step on_copy(std::uint16_t message_type, const bytes& body);
  // A plain copy whose image can be decoded straight into the surface, done
  // so; nullopt when it cannot (then on_copy decodes and copies).
  std::optional<display_step> copy_in_place(const draw_copy& parsed, const char* message);
  display_step on_opaque(const bytes& body);
  display_step on_rop3(const bytes& body);
  display_step on_text(const bytes& body);
  display_step on_composite(const bytes& body);
  // A composite's source or mask: a surface in place, else decoded into `holder`.
  result<composite_layer> composite_image(const std::optional<image>& source, const char* field, image_pixels& holder);
  display_step on_stroke(const bytes& body);  // stroke_pipeline.cpp
  // OPAQUE and ROP3: resolves the source, brush and mask, then `draw(source,
  // brush, mask)` onto the canvas.
  template <class Parsed, class Draw>
  display_step draw_with_source_and_brush(const Parsed& parsed, const char* message, Draw draw);
  display_step on_constant(std::uint16_t message_type, const bytes& body);
  display_step on_transparent(const bytes& body);
  display_step on_alpha_blend(const bytes& body);
  display_step on_copy_bits(const bytes& body);
  display_step on_inval_list(const bytes& body);
  display_step on_monitors_config(const bytes& body);
  display_step on_stream_create(const bytes& body);
  display_step on_stream_frame(std::uint32_t stream_id, std::uint32_t mm_time, const byte_view& frame,
                               const rect* sized_dest, const char* message);
  display_step on_stream_clip(const bytes& body);
  display_step on_stream_destroy(const bytes& body);
  display_step draw_stream_picture(const video_stream& stream, const decoded_image& picture, const rect* sized_dest,
                                   const char* message);
  // A stream's picture is in its surface (put, or decoded there): counted,
  // and `damage` is the step's when that surface is the primary.
  display_step stream_picture_drawn(const video_stream& stream, const rect& damage);
  // Ends every stream (RESET, DESTROY_ALL) or those on one surface.
  std::vector<std::uint32_t> end_streams(const std::optional<std::uint32_t>& surface_id);

  result<image_pixels> source_pixels(const std::optional<image>& source, const char* message, const char* field);
  result<paint> brush_paint(const brush& brush, const char* message, image_pixels& pattern_holder);
  result<std::optional<decoded_mask>> mask_bits(const qmask& mask, const char* message);
  display_step drawn(std::uint32_t surface_id, const result<rect>& damage, const char* message);
  display_step skip(std::string error);
  // skip, or over_budget when that is why `error` happened.
  display_step refused(const parse_error& error);

  bool decode_streams_inline_;
  canvas canvas_;
  image_decoder images_;
  memory_account account_;
  memory_limits limits_;
  std::map<std::uint32_t, video_stream> streams_;
  std::vector<monitor_head> monitors_;
  display_counters counters_;
};

}  // namespace vigil::protocol
