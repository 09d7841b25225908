// The libavcodec video backend (H.264, VP8, VP9, H.265 and VA-API), loaded
// only when a stream of one of those codecs starts.
//
// libavcodec, libavutil, libswscale and libyuv pull in about 60 shared
// libraries of their own (x265, rav1e, aom, librsvg, libva, ...): linked into
// vigil they cost ~10 MB of RSS in every session, streams or not (the
// dynamic linker touches and relocates each of them at start;
// docs/performance.md, "RSS"). So they live in a plugin, libvigil_libav.so
// (protocol/codecs/libav/), that video_decoder::create and the VA-API device
// open load on first use. MJPEG (libjpeg-turbo) needs no plugin.
//
// Which codecs are offered to the server is decided without loading it into
// the session's process: the app runs itself as a probe that loads the plugin
// and asks can_decode (ui/video_codec_probe.hpp). A plugin that still cannot
// be loaded when a stream starts, or whose libavcodec lacks a decoder, fails
// that stream's decoder with an error that says so; the display channel
// reports it as for any decoder failure.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "protocol/codecs/video_decoder.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// Bumped whenever video_backend changes: the plugin and the program must be
// from the same build.
inline constexpr int video_backend_version = 1;

struct video_backend {
  int version = video_backend_version;
  // Whether the plugin's libavcodec has a decoder for this SPICE codec.
  bool (*can_decode)(std::uint8_t codec);
  // A decoder for a non-MJPEG codec; `name` is video_codec_name(codec).
  result<std::unique_ptr<video_decoder>> (*create)(std::uint8_t codec, const std::string& name,
                                                   const video_decoder_options& options, std::uint64_t max_pixels);
  // Opens a VA-API device; null with `why` set when none opens.
  hardware_device_ptr (*open_vaapi)(std::string& why);
  // Where libav's own messages (warning and worse) go: one line each.
  void (*set_log)(void (*line)(const char* text));
};

// The SPICE codecs the plugin is built for: VP8, H.264, VP9, H.265.
bool is_libav_codec(std::uint8_t codec);

// Loads the plugin once per process (thread-safe) and returns it, or null with
// `why` naming the file tried and the dynamic linker's error. The plugin is
// looked up next to the program (`../lib/vigil/` from its directory, the
// installed layout), then in the build tree it was built in.
const video_backend* load_video_backend(std::string* why = nullptr);

}  // namespace vigil::protocol

// What the plugin exports (C linkage, found with dlsym).
extern "C" const vigil::protocol::video_backend* vigil_video_backend();
