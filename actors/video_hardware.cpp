#include "actors/video_hardware.hpp"

#include "common/log.hpp"
#include "protocol/codecs/video_backend.hpp"

namespace vigil {

namespace {

// libavcodec's own messages ("error while decoding MB ...") go to the
// "libav" logger at debug level: the decoder's errors reach the log through
// the display channel already, once per stream, not once per macroblock.
void forward_libav_line(const char* text) {
  static const auto log = named_logger("libav");
  log->debug("{}", text);
}

// Loads the plugin (first call) and routes its logging; null without one.
const protocol::video_backend* backend_with_logging() {
  static const protocol::video_backend* backend = [] {
    const protocol::video_backend* loaded = protocol::load_video_backend();
    if (loaded)
      loaded->set_log(&forward_libav_line);
    return loaded;
  }();
  return backend;
}

video_hardware open_vaapi() {
  video_hardware out;
  std::string why;
  const protocol::video_backend* backend = protocol::load_video_backend(&why);
  if (!backend) {
    out.description = "no video plugin (" + why + ")";
    return out;
  }
  out.device = backend->open_vaapi(why);
  out.description = out.device ? "VA-API" : "no VA-API device (" + why + "): software decoding";
  return out;
}

}  // namespace

void route_libav_logging() { backend_with_logging(); }

const video_hardware& shared_video_hardware() {
  route_libav_logging();
  static const video_hardware hardware = open_vaapi();  // thread-safe once
  return hardware;
}

}  // namespace vigil
