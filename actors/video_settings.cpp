#include "actors/video_settings.hpp"

#include <spice/enums.h>
#include <spice/protocol.h>

#include "protocol/codecs/video_decoder.hpp"
#include "protocol/display_preferences.hpp"

namespace vigil {

std::vector<std::uint8_t> offered_video_codecs(const video_settings& settings) {
  if (settings.codecs.empty())
    return protocol::decodable_video_codecs();
  std::vector<std::uint8_t> offered;
  for (std::uint8_t codec : settings.codecs)
    if (protocol::can_decode_video(codec))
      offered.push_back(codec);
  return offered;
}

void add_video_codec_caps(const video_settings& settings, protocol::capability_set& caps) {
  caps.set(SPICE_DISPLAY_CAP_MULTI_CODEC);
  for (std::uint8_t codec : offered_video_codecs(settings))
    if (auto cap = protocol::video_codec_capability(codec))
      caps.set(*cap);
}

}  // namespace vigil
