// Hardware video decoding, chosen at run time: the first stream that wants it
// opens a VA-API device (libavutil picks the DRM render node, e.g.
// /dev/dri/renderD128), and every later decoder shares it. Where none opens
// (no GPU, no driver, a container without /dev/dri) decoding is software,
// said once in the log.
#pragma once

#include <string>

#include "protocol/codecs/video_decoder.hpp"

namespace vigil {

struct video_hardware {
  protocol::hardware_device_ptr device;  // null: software decoding
  std::string description;               // "vaapi" or why there is none
};

// Loads the libavcodec plugin (protocol/codecs/video_backend.hpp) if it is
// not loaded yet, and sends libavcodec's messages to the "libav" logger
// instead of stderr (idempotent, thread-safe). Call it only for a stream that
// needs libavcodec: loading costs ~10 MB of RSS.
void route_libav_logging();

// Thread-safe; opens the device once per process (loading the plugin), later
// calls return it.
const video_hardware& shared_video_hardware();

}  // namespace vigil
