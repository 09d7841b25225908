// What a client may tell a display channel about how it likes its pictures
// (both need the server's display capability of the same name; spice-server
// 0.15 has both; their builders are in display_messages.hpp):
//   DISPLAY_PREFERRED_COMPRESSION (103) {u8 SPICE_IMAGE_COMPRESSION_*}
//     (cap SPICE_DISPLAY_CAP_PREF_COMPRESSION): the image compression for
//     this client, overriding the server's setting;
//   DISPLAY_PREFERRED_VIDEO_CODEC_TYPE (105) {u8 n, u8 codec[n]}
//     (cap SPICE_DISPLAY_CAP_PREF_VIDEO_CODEC_TYPE): video codecs, most
//     preferred first; spice-server sorts its encoders by this list.
// And the names remote-viewer uses for compressions
// (--spice-preferred-compression) and the video codecs, for options and config.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/capabilities.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// The server's side, for tests and tools that play a server.
result<std::uint8_t> parse_preferred_compression(const bytes& body);
result<std::vector<std::uint8_t>> parse_preferred_video_codec_type(const bytes& body);

// "off", "auto-glz", "auto-lz", "quic", "glz", "lz", "lz4" (remote-viewer's
// spelling; "_" for "-" is accepted too) <-> SPICE_IMAGE_COMPRESSION_*.
std::optional<std::uint8_t> image_compression_from_name(const std::string& name);
std::string image_compression_name(std::uint8_t compression);
// The names image_compression_from_name accepts, for messages.
const char* image_compression_names();

// SPICE_DISPLAY_CAP_CODEC_* of a video codec; nullopt for an unknown codec.
std::optional<unsigned> video_codec_capability(std::uint8_t codec);

// "h264,vp9" -> {H264, VP9}: names as video_codec_from_name takes them,
// each once. The error names the first unknown or repeated name.
result<std::vector<std::uint8_t>> parse_video_codec_list(const std::string& text);

}  // namespace vigil::protocol
