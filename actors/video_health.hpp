// What the health snapshot shows of each video stream of a display channel
// (actors/video_streams.hpp), and the faults a stream's decoder can have.
#pragma once

#include <cstdint>
#include <string>

namespace vigil {

// A stream's decoder failed: the display channel restarts that decoder, not
// the channel or the session (video_streams.hpp says when each is called).
enum class video_fault {
  decoder_failed,   // frame after frame did not decode
  decoder_stalled,  // frames waited too long for the decoder, or too many piled up
};
const char* to_string(video_fault fault);

struct video_stream_health {
  std::uint32_t stream_id = 0;
  std::string codec;             // "h264", ...
  std::uint32_t width = 0;       // STREAM_CREATE's stream size
  std::uint32_t height = 0;
  std::string backend;           // "software", "vaapi", ...
  double fps = 0;                // pictures shown in the last second
  std::uint64_t frames = 0;      // STREAM_DATA frames received
  std::uint64_t decoded = 0;     // pictures the decoder produced
  std::uint64_t presented = 0;   // pictures drawn
  std::uint64_t drops = 0;       // frames never shown: every reason below
  std::uint64_t decode_errors = 0;
  std::uint64_t late = 0;        // decoded, but past their time: not drawn
  std::uint64_t overflow = 0;    // not sent: the decoder's queue was full
  std::uint64_t lost_in_restart = 0;  // in flight to a decoder that was replaced
  std::uint64_t decoder_restarts = 0;
  std::string last_fault;        // "decoder_stalled: ..."
  std::size_t queued = 0;        // frames with the decoder now
  std::uint32_t last_decode_us = 0;
  std::uint32_t max_decode_us = 0;
  std::int32_t av_skew_ms = 0;   // last picture's presentation minus the audio clock's time for it
  bool has_av_skew = false;      // audio was playing: av_skew_ms means something
};

}  // namespace vigil
