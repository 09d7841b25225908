// The display channel's video streams beyond parsing: one stream_decoder
// actor per stream (stream_decoder.hpp), the frames in flight to each, and
// the decoder faults. Part of the display channel's state, not an actor: it
// runs in the channel's handlers and never waits.
//
// Bounds and faults:
//   - At most `queue_frames` frames of a stream are with its decoder. A frame
//     beyond that is not sent (it could not be decoded in time anyway); it
//     counts as a drop and the stream needs a key frame, so the decoder is
//     restarted as below (decoder_stalled: "N frames queued").
//   - decoder_stalled: the oldest frame in flight has waited `stall_timeout`.
//   - decoder_failed: `error_limit` frames in a row did not decode.
//   Both are named faults of the stream, not of the channel: the decoder actor
//   is killed and a fresh one takes the stream's next frames. Inter-coded
//   streams repair themselves at the next key frame or intra-refresh cycle,
//   which also repeats the H.264/H.265 parameter sets, but that may be
//   seconds away (spice-server's x264enc refreshes intra over its whole key
//   interval, vp8enc sends key frames only now and then). So a fresh decoder
//   gets `error_limit` frames to show a picture; after that the stream is given up (decoder_failed again): the
//   channel tells the server it cannot play it (a stream report of 0 frames
//   and 0xffffffff drops), spice-server stops encoding it and sends its area
//   as images, and the picture is right again at once. The session and the
//   channel carry on. Pictures from a replaced decoder are discarded.
//   - A stream whose codec cannot be decoded here (the server ignored our
//     capabilities) drops its frames, counted, without restarts.
//
// Small MJPEG streams are decoded in the channel's handler instead, when
// each frame is shown (inline_mjpeg_max_pixels): its bytes wait for their
// time, not its pixels, so the picture drawn is the one libjpeg just wrote
// (still in the cache; decoded on arrival it waited ~400 ms and was read
// back from memory), and ten waiting 320x240 frames hold 60 KB, not 3 MB.
// Such a frame costs a few hundred microseconds of libjpeg, while the round
// trip to a decoder thread and back cost two thread wake-ups a frame (a
// third of a headless video session's CPU was the kernel switching threads).
// The design's rule that a slow decode never delays PINGs or other channels
// still holds: an MJPEG frame refers to no other (no chain a stall could
// grow along), libjpeg's work on it is bounded by its pixels (at most
// 1024x768, refused from the header before anything is decoded) and its
// bytes (progressive scans capped, jpeg.cpp), as for the JPEG, GLZ and QUIC
// images of any size the channel already decodes in its handler; other
// channels are other actors. Errors count as a decoder actor's do
// (decoder_failed, then giving up), when the frame is shown; such a stream
// cannot stall. Other codecs, larger MJPEG streams, and every stream when
// tests substitute the decoder (`factory`) keep their decoder actor.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <spdlog/logger.h>

#include "actors/stream_decoder.hpp"
#include "actors/video_health.hpp"
#include "protocol/codecs/video_decoder.hpp"

namespace vigil {

// The [video] settings that concern decoding (config/vigil.toml).
struct video_decoding_settings {
  bool hardware = true;   // video.hardware_decoding: VA-API when a device opens, else software
  int threads = 1;        // video.decoder_threads (0: one per core)
  std::size_t queue_frames = 60;                  // video.decoder_queue_frames (see config/vigil.toml)
  std::chrono::milliseconds stall_timeout{2000};  // video.decoder_stall_ms
  std::uint32_t error_limit = 25;                 // video.decoder_error_limit
  std::size_t pool_pictures = 4;
  video_decoder_factory factory;  // tests only; empty: libavcodec
};

// The largest frame (the stream's max_pixels: 4 times its announced size) of
// an MJPEG stream the display channel decodes itself (see above): 320x240
// and 512x384 videos are, 640x480 ones are not.
constexpr std::uint64_t inline_mjpeg_max_pixels = std::uint64_t{1024} * 768;

// A decoded picture still wanted by its stream, with what the channel knew
// when the frame arrived; or a small MJPEG stream's frame, decoded when shown.
struct ready_picture {
  std::uint32_t stream_id = 0;
  std::uint32_t mm_time = 0;
  std::uint64_t arrived_ms = 0;  // local monotonic
  std::optional<protocol::rect> sized_dest;
  std::shared_ptr<const protocol::decoded_image> picture;
  std::shared_ptr<const std::vector<std::uint8_t>> encoded;  // instead of `picture`: see decode_when_shown
};

// What became of a frame: the stream reports and the health count it.
struct frame_outcome {
  std::uint32_t stream_id = 0;
  std::uint32_t mm_time = 0;
  std::uint64_t arrived_ms = 0;
  bool decoded = false;  // false: dropped (error, overflow, replaced decoder, no decoder)
};

class video_streams {
public:
  video_streams(caf::event_based_actor* self, std::string channel_name, std::shared_ptr<spdlog::logger> log,
                video_decoding_settings settings);
  ~video_streams();
  video_streams(const video_streams&) = delete;
  video_streams& operator=(const video_streams&) = delete;

  // STREAM_CREATE was applied: a decoder for it (a re-used id replaces the old stream).
  void start(std::uint32_t stream_id, std::uint8_t codec, std::uint32_t width, std::uint32_t height);
  // The stream is gone (STREAM_DESTROY, DESTROY_ALL, its surface destroyed, RESET).
  void end(std::uint32_t stream_id);
  void end_all();
  bool has(std::uint32_t stream_id) const { return streams_.count(stream_id) != 0; }

  struct submitted {
    // The frames known lost now: this one when it cannot be sent, and those
    // in flight to a decoder the overflow made restart.
    std::vector<frame_outcome> lost;
    // A small MJPEG stream's frame, still encoded: the caller presents it as
    // a decoded picture and calls decode_when_shown when it is shown.
    std::optional<ready_picture> encoded;
  };
  // A STREAM_DATA frame of a started stream, sent to its decoder (or kept
  // for decode_when_shown, see above).
  submitted submit(std::uint32_t stream_id, std::uint32_t mm_time, const std::optional<protocol::rect>& sized_dest,
                   const std::uint8_t* data, std::size_t size, std::uint64_t now_ms);

  struct answer_effect {
    std::optional<ready_picture> picture;  // to show, when the stream still wants it
    std::optional<frame_outcome> outcome;  // what became of the frame (none: a replaced decoder's)
    std::vector<frame_outcome> lost;       // frames a restart took with it
    bool give_up = false;                  // tell the server this stream cannot be played
    // decode_when_shown wrote the rows it was given: the picture is in the
    // surface (effect.picture has none), or part of it when the decode failed.
    bool drawn = false;
  };
  // A decoder answered.
  answer_effect on_picture(decoded_video_frame& answer, std::uint64_t now_ms);
  // A small MJPEG stream's frame (ready_picture::encoded) is shown: its
  // picture when it decodes (effect.picture), counted as a decoder's answer
  // is; no picture when it does not or its stream cannot take it any more.
  // Given `rows` (where the picture lands in its surface, unscaled; none:
  // it does not land whole), a frame of their size is decoded straight into
  // them (effect.drawn).
  answer_effect decode_when_shown(const ready_picture& frame, const std::optional<protocol::pixel_rows>& rows);

  // Looks for stalled decoders (call periodically while frames are in
  // flight); returns the frames lost with them.
  std::vector<frame_outcome> check_stalls(std::uint64_t now_ms);
  bool frames_in_flight() const;

  // A picture was shown, or dropped as too late.
  void count_presented(std::uint32_t stream_id, std::uint64_t now_ms);
  void count_late(std::uint32_t stream_id);
  void note_av_skew(std::uint32_t stream_id, std::int32_t skew_ms);

  std::vector<video_stream_health> health(std::uint64_t now_ms) const;
  std::uint64_t decoder_restarts() const { return restarts_; }

private:
  struct in_flight_frame {
    std::uint64_t sequence = 0;
    std::uint32_t mm_time = 0;
    std::uint64_t sent_ms = 0;
  };
  struct stream {
    std::uint8_t codec = 0;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    stream_decoder_actor decoder;
    std::unique_ptr<stream_frame_decoder> inline_decoder;  // instead of `decoder`: a small MJPEG stream
    std::uint64_t decoder_incarnation = 0;
    bool decodable = true;
    std::uint64_t next_sequence = 1;
    std::deque<in_flight_frame> in_flight;
    std::uint32_t errors_in_a_row = 0;
    bool awaiting_picture = true;   // no picture from this decoder yet: errors are expected
    bool restarted = false;         // this decoder replaced a failed one
    std::uint32_t errors_awaiting = 0;  // ... and failed this many frames since
    bool given_up = false;          // the server was told the stream cannot be played
    video_stream_health health;
    std::deque<std::uint64_t> presented_ms;  // the last second's presentations, for fps
  };

  void spawn_decoder(std::uint32_t stream_id, stream& s);
  // The next frame's header for the stream's current decoder (takes a sequence number).
  static video_frame_header next_header(std::uint32_t stream_id, stream& s, std::uint32_t mm_time,
                                        const std::optional<protocol::rect>& sized_dest);
  // Kills the stream's decoder, starts another; returns the frames lost.
  std::vector<frame_outcome> restart(std::uint32_t stream_id, stream& s, video_fault fault, const std::string& evidence);
  std::vector<frame_outcome> drop_in_flight(std::uint32_t stream_id, stream& s);
  // Counts a decoder's answer (its backend and time; an error, with a decoder
  // restart or giving up when too many came; a picture); true when it has a
  // picture to show.
  bool count_answer(stream& s, const decoded_video_frame& answer, answer_effect& effect);
  // The fresh decoder failed too: no more decoders for this stream.
  bool give_up(std::uint32_t stream_id, stream& s, const std::string& last_error);

  caf::event_based_actor* self_;
  std::string channel_name_;
  std::shared_ptr<spdlog::logger> log_;
  video_decoding_settings settings_;
  std::map<std::uint32_t, stream> streams_;
  std::uint64_t next_incarnation_ = 1;
  std::uint64_t restarts_ = 0;
};

}  // namespace vigil
