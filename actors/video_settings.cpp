#include "actors/video_settings.hpp"

#include <algorithm>

#include <spice/enums.h>
#include <spice/protocol.h>

#include "protocol/codecs/video_decoder.hpp"
#include "protocol/display_preferences.hpp"

namespace vigil {

namespace {

bool installed(const video_settings& settings, std::uint8_t codec) {
  if (!protocol::can_decode_video(codec))
    return false;
  const auto& probed = settings.installed_codecs;
  return !probed || std::find(probed->begin(), probed->end(), codec) != probed->end();
}

}  // namespace

std::vector<std::uint8_t> offered_video_codecs(const video_settings& settings) {
  const std::vector<std::uint8_t> wanted =
    settings.codecs.empty() ? protocol::decodable_video_codecs() : settings.codecs;
  std::vector<std::uint8_t> offered;
  for (std::uint8_t codec : wanted)
    if (installed(settings, codec))
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
