// Which stream codecs this installation decodes, found out in a child process.
//
// MJPEG is built in. H.264, VP8, VP9 and H.265 come from the libavcodec
// plugin (protocol/codecs/video_backend.hpp), which vigil loads only when a
// stream of one of them starts: loading it costs ~10 MB of RSS for the rest
// of the process. The display channel must still offer the server only the
// codecs that can be decoded (a stream in a codec the installed libavcodec
// lacks would fail and fall back). So at start vigil runs itself with
// `--probe-video-codecs`: the child loads the plugin, asks its libavcodec,
// prints what it decodes and exits, and its memory goes with it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vigil {

inline constexpr const char* probe_video_codecs_argument = "--probe-video-codecs";

// The child's side: prints one line per plugin codec its libavcodec decodes
// ("codec h264") and "end", or one "error <why>" line when the plugin cannot
// be used.
// Returns the process exit code.
int print_decodable_video_codecs();

// The lines a probe printed: the codecs named, or why none could be.
struct probed_video_codecs {
  std::vector<std::uint8_t> codecs;  // MJPEG, then the plugin's codecs its libavcodec decodes
  std::string problem;               // non-empty: why no plugin codec is in `codecs`
};
probed_video_codecs read_probe_output(const std::string& output);

// The parent's side: starts the child at once, so it runs while the window
// opens; finish() collects its answer.
class video_codec_probe {
public:
  video_codec_probe();
  ~video_codec_probe();
  video_codec_probe(const video_codec_probe&) = delete;
  video_codec_probe& operator=(const video_codec_probe&) = delete;

  // The probe's answer; a child that has not answered within `deadline` of
  // this call is killed, and only MJPEG is offered.
  probed_video_codecs finish(std::chrono::milliseconds deadline);

private:
  pid_t child_ = -1;
  int output_fd_ = -1;
  std::string start_problem_;
  std::optional<probed_video_codecs> answer_;
};

}  // namespace vigil
