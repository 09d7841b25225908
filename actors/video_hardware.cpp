#include "actors/video_hardware.hpp"

#include <cstdarg>
#include <cstdio>
#include <memory>
#include <mutex>

extern "C" {
#include <libavutil/log.h>
}

#include "common/log.hpp"
#include "protocol/codecs/hardware_device.hpp"

namespace vigil {

namespace {

video_hardware open_vaapi() {
  video_hardware out;
  auto device = std::make_shared<protocol::hardware_device>();
  const int opened = av_hwdevice_ctx_create(&device->context, AV_HWDEVICE_TYPE_VAAPI, nullptr, nullptr, 0);
  if (opened < 0) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(opened, text, sizeof text);
    out.description = std::string("no VA-API device (") + text + "): software decoding";
    return out;
  }
  device->type = AV_HWDEVICE_TYPE_VAAPI;
  out.device = std::move(device);
  out.description = "VA-API";
  return out;
}

// libavcodec's own messages ("error while decoding MB ...") go to the
// "libav" logger at debug level: the decoder's errors reach the log through
// the display channel already, once per stream, not once per macroblock.
void forward_libav_message(void*, int level, const char* format, va_list arguments) {
  if (level > AV_LOG_WARNING)
    return;
  char line[512];
  std::vsnprintf(line, sizeof line, format, arguments);
  std::string text(line);
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  static const auto log = named_logger("libav");
  log->debug("{}", text);
}

}  // namespace

void route_libav_logging() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(forward_libav_message); });
}

const video_hardware& shared_video_hardware() {
  route_libav_logging();
  static const video_hardware hardware = open_vaapi();  // thread-safe once
  return hardware;
}

}  // namespace vigil
