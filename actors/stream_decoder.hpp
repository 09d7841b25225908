// stream_decoder: one video stream's decoder, off the display channel's
// message path. The display channel spawns one per stream (detached: its own
// thread, so a decode that takes long, or never returns, holds neither a
// scheduler thread nor the channel's PINGs) and feeds it the stream's
// STREAM_DATA frames in order; each frame is answered with one picture
// message, which is also the credit for the next frame (video_streams.hpp
// keeps at most `queue_frames` in flight and calls a decoder that stops
// answering stalled).
//
// Accepts frames from the display channel (stream_decoder_actor), and exit
// messages: the channel kills a decoder it gave up on or whose stream ended.
// Sends to the display channel:
//   (video_picture_atom, decoded_video_frame) one per frame: a picture, none
//     (the codec buffered it), or an error naming the codec
//
// Pictures come from a small pool: a picture's pixels go back to the pool
// when the last reference to it is dropped (by the channel, after drawing
// it), so a steady stream allocates no pixel buffers after its first few
// frames. At most `pool_pictures` buffers are kept; more in use at once are
// allocated and freed as usual.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "protocol/codecs/video_decoder.hpp"
#include "protocol/display_messages.hpp"

namespace vigil {

using video_frame_atom = caf::atom_constant<caf::atom("vidframe")>;
using video_picture_atom = caf::atom_constant<caf::atom("vidpic")>;

// What names a frame, on its way to a decoder and back with its picture.
struct video_frame_header {
  std::uint32_t stream_id = 0;
  std::uint64_t decoder = 0;   // which decoder incarnation it was sent to
  std::uint64_t sequence = 0;  // per stream, from 1
  std::uint32_t mm_time = 0;
  std::optional<protocol::rect> sized_dest;  // STREAM_DATA_SIZED's destination
};

struct encoded_video_frame : video_frame_header {
  std::vector<std::uint8_t> data;
};

struct decoded_video_frame : video_frame_header {
  std::shared_ptr<const protocol::decoded_image> picture;  // null: no picture for this frame
  std::string error;                                       // why not, when it failed
  std::uint32_t decode_us = 0;                             // time spent in the codec
  std::string backend;                                     // video_decoder::backend()
  // The picture went straight into the surface's rows (decode_onto); with
  // an error, maybe part of it.
  bool drawn = false;
};

// Makes the codec; tests substitute one that misbehaves on purpose.
using video_decoder_factory = std::function<protocol::result<std::unique_ptr<protocol::video_decoder>>(
  std::uint8_t codec, const protocol::video_decoder_options& options)>;

struct stream_decoder_spec {
  std::uint32_t stream_id = 0;
  std::uint64_t decoder = 0;
  std::uint8_t codec = 0;  // SPICE_VIDEO_CODEC_TYPE_*
  protocol::video_decoder_options options;
  std::size_t pool_pictures = 4;
  video_decoder_factory factory;  // empty: protocol::video_decoder::create
};

class picture_pool;

// One stream's codec and its picture pool: what a stream_decoder actor runs
// for each frame, and what a display channel runs itself for a small MJPEG
// stream (actors/video_streams.hpp says when, and why that is safe).
class stream_frame_decoder {
public:
  explicit stream_frame_decoder(const stream_decoder_spec& spec);
  // Decodes one frame into `answer`, whose stream, decoder, sequence,
  // mm_time and sized_dest the caller has set: its picture (pooled), or the
  // error, and the time the codec took. Never throws.
  void decode(const std::uint8_t* data, std::size_t size, decoded_video_frame& answer);
  // The same straight into `target` (a surface's rows) when the codec can
  // (video_decoder::decode_onto): true when it did, `answer` says how it
  // went (answer.drawn, or its error). False: nothing was written, decode().
  bool decode_onto(const std::uint8_t* data, std::size_t size, const protocol::pixel_rows& target,
                   decoded_video_frame& answer);

private:
  std::unique_ptr<protocol::video_decoder> decoder_;
  std::string create_error_;  // the decoder could not be made: every frame gets this error
  std::shared_ptr<picture_pool> pool_;
};

using stream_decoder_actor = caf::typed_actor<caf::reacts_to<video_frame_atom, encoded_video_frame>>;

// `channel` (the display channel, dynamically typed) gets the pictures.
stream_decoder_actor spawn_stream_decoder(caf::actor_system& system, caf::actor channel, stream_decoder_spec spec);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::encoded_video_frame)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::decoded_video_frame)
