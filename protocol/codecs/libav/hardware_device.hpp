// An opened hardware decoding device as libavcodec takes it (an
// AVHWDeviceContext reference), inside the libavcodec plugin; the rest of
// vigil holds it as an opaque hardware_device_ptr. actors/video_hardware.cpp
// asks the plugin to open one.
#pragma once

extern "C" {
#include <libavutil/buffer.h>
#include <libavutil/hwcontext.h>
}

namespace vigil::protocol {

struct hardware_device {
  AVBufferRef* context = nullptr;  // owned: one reference to the AVHWDeviceContext
  AVHWDeviceType type = AV_HWDEVICE_TYPE_NONE;

  hardware_device() = default;
  hardware_device(const hardware_device&) = delete;
  hardware_device& operator=(const hardware_device&) = delete;
  ~hardware_device() { av_buffer_unref(&context); }
};

}  // namespace vigil::protocol
