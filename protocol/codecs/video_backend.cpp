// Loading libvigil_libav.so (video_backend.hpp). The one place in protocol/
// that reaches outside the process's memory: the dynamic linker reads the
// plugin's file, once, on the first stream that needs it.
#include "protocol/codecs/video_backend.hpp"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <spice/enums.h>

#include <string>
#include <vector>

namespace vigil::protocol {

namespace {

constexpr const char* plugin_file = "libvigil_libav.so";

// <program's directory>/../lib/vigil/libvigil_libav.so: where the package
// installs it next to bin/vigil.
std::string installed_path() {
  char self[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0)
    return {};
  std::string path(self, static_cast<std::size_t>(length));
  const auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return {};
  return path.substr(0, slash) + "/../lib/vigil/" + plugin_file;
}

struct loaded {
  const video_backend* backend = nullptr;
  std::string why;
};

loaded load() {
  std::vector<std::string> candidates{installed_path()};
#ifdef VIGIL_LIBAV_PLUGIN_BUILD_PATH
  candidates.emplace_back(VIGIL_LIBAV_PLUGIN_BUILD_PATH);
#endif
  loaded out;
  for (const std::string& path : candidates) {
    if (path.empty() || access(path.c_str(), R_OK) != 0)
      continue;
    // RTLD_NODELETE: decoders and devices from it may outlive any handle.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!handle) {
      const char* error = dlerror();
      out.why = "cannot load the video plugin " + path + ": " + (error ? error : "unknown error");
      return out;
    }
    auto* entry = reinterpret_cast<const video_backend* (*)()>(dlsym(handle, "vigil_video_backend"));
    const video_backend* backend = entry ? entry() : nullptr;
    if (!backend || backend->version != video_backend_version) {
      out.why = "the video plugin " + path + " is from another build of vigil";
      return out;
    }
    out.backend = backend;
    return out;
  }
  out.why = std::string("the video plugin ") + plugin_file + " is not installed (looked in " + candidates.front() +
            (candidates.size() > 1 ? " and " + candidates.back() : std::string()) + ")";
  return out;
}

}  // namespace

bool is_libav_codec(std::uint8_t codec) {
  switch (codec) {
    case SPICE_VIDEO_CODEC_TYPE_VP8:
    case SPICE_VIDEO_CODEC_TYPE_H264:
    case SPICE_VIDEO_CODEC_TYPE_VP9:
    case SPICE_VIDEO_CODEC_TYPE_H265: return true;
    default: return false;
  }
}

const video_backend* load_video_backend(std::string* why) {
  static const loaded once = load();  // thread-safe, once per process
  if (!once.backend && why)
    *why = once.why;
  return once.backend;
}

}  // namespace vigil::protocol
