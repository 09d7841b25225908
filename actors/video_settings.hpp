// The [video] settings and the command line's --video-codecs and
// --spice-preferred-compression, as the display channel takes them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/media_clock.hpp"
#include "actors/video_streams.hpp"
#include "protocol/capabilities.hpp"
#include "protocol/presentation_queue.hpp"

namespace vigil {

struct video_settings {
  // Codecs to offer, most preferred first (video.codecs, --video-codecs).
  // Empty: every codec this build decodes, and no preference is sent (the
  // server's own order wins, as with remote-viewer). Otherwise only these are
  // offered (those this build cannot decode are left out) and their order is
  // sent as PREFERRED_VIDEO_CODEC_TYPE.
  std::vector<std::uint8_t> codecs;
  // The codecs this installation decodes, probed at start by the app
  // (ui/video_codec_probe.hpp): MJPEG, and those the installed libavcodec
  // decodes. nullopt (not probed: tests that build settings themselves):
  // every codec this build is made for.
  std::optional<std::vector<std::uint8_t>> installed_codecs;
  // SPICE_IMAGE_COMPRESSION_* (display.preferred_compression,
  // --spice-preferred-compression); nullopt: the server's setting.
  std::optional<std::uint8_t> preferred_compression;
  // How long after the display is up the codec preference is sent
  // (video.codec_preference_delay_ms; display_channel.cpp says why).
  std::chrono::milliseconds codec_preference_delay{2000};
  video_decoding_settings decoding;
  // When decoded pictures are shown (video.presentation_queue_frames for the bound).
  protocol::presentation_settings presentation;
  // The session's media clock: stream pictures are shown by it (null: on arrival).
  media_clock_ptr clock;
};

// The codecs to advertise, in the order to prefer them.
std::vector<std::uint8_t> offered_video_codecs(const video_settings& settings);
// SPICE_DISPLAY_CAP_MULTI_CODEC and one CODEC_* cap per offered codec.
void add_video_codec_caps(const video_settings& settings, protocol::capability_set& caps);

}  // namespace vigil
