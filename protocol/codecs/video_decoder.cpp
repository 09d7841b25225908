// video_decoder.hpp: MJPEG here (libjpeg-turbo), every other codec through
// the libavcodec plugin (video_backend.hpp), loaded by the first stream that
// needs it.
#include "protocol/codecs/video_decoder.hpp"

#include <spice/enums.h>

#include <algorithm>
#include <cctype>

#include "protocol/codecs/jpeg.hpp"
#include "protocol/codecs/video_backend.hpp"

namespace vigil::protocol {

namespace {

// MJPEG through libjpeg-turbo, as the display pipeline always did.
class jpeg_stream_decoder final : public video_decoder {
public:
  explicit jpeg_stream_decoder(std::uint64_t max_pixels) : max_pixels_(max_pixels) {}
  result<bool> decode(const std::uint8_t* data, std::size_t size, decoded_image& out) override {
    // A larger header is refused before allocating; `out`'s pooled buffer is reused.
    // Fast, as spice-gtk decodes MJPEG streams (jpeg.hpp: jpeg_accuracy).
    if (auto failed = decode_jpeg_into(data, size, max_pixels_, out, jpeg_accuracy::fast))
      return parse_error{"mjpeg: " + failed->message};
    if (std::uint64_t{out.width} * out.height > max_pixels_)
      return parse_error{"mjpeg: frame " + std::to_string(out.width) + "x" + std::to_string(out.height) +
                         " is larger than the stream allows"};
    return true;
  }
  result<bool> decode_onto(const std::uint8_t* data, std::size_t size, const pixel_rows& target) override {
    auto written = decode_jpeg_onto(data, size, target, jpeg_accuracy::fast);
    if (!written)
      return parse_error{"mjpeg: " + written.error().message};
    return written;
  }
  std::uint8_t codec() const override { return SPICE_VIDEO_CODEC_TYPE_MJPEG; }
  std::string backend() const override { return "software (libjpeg-turbo)"; }

private:
  std::uint64_t max_pixels_;
};

}  // namespace

std::string video_codec_name(std::uint8_t codec) {
  switch (codec) {
    case SPICE_VIDEO_CODEC_TYPE_MJPEG: return "mjpeg";
    case SPICE_VIDEO_CODEC_TYPE_VP8: return "vp8";
    case SPICE_VIDEO_CODEC_TYPE_H264: return "h264";
    case SPICE_VIDEO_CODEC_TYPE_VP9: return "vp9";
    case SPICE_VIDEO_CODEC_TYPE_H265: return "h265";
    default: return "codec-" + std::to_string(codec);
  }
}

std::optional<std::uint8_t> video_codec_from_name(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "hevc")
    return SPICE_VIDEO_CODEC_TYPE_H265;
  for (std::uint8_t codec = SPICE_VIDEO_CODEC_TYPE_MJPEG; codec < SPICE_VIDEO_CODEC_TYPE_ENUM_END; ++codec)
    if (video_codec_name(codec) == lower)
      return codec;
  return std::nullopt;
}

bool can_decode_video(std::uint8_t codec) {
  return codec == SPICE_VIDEO_CODEC_TYPE_MJPEG || is_libav_codec(codec);
}

std::vector<std::uint8_t> decodable_video_codecs() {
  std::vector<std::uint8_t> codecs;
  for (std::uint8_t codec = SPICE_VIDEO_CODEC_TYPE_MJPEG; codec < SPICE_VIDEO_CODEC_TYPE_ENUM_END; ++codec)
    if (can_decode_video(codec))
      codecs.push_back(codec);
  return codecs;
}

result<std::unique_ptr<video_decoder>> video_decoder::create(std::uint8_t codec, const video_decoder_options& options) {
  const std::uint64_t max_pixels = std::min(options.max_pixels, max_video_frame_pixels);
  if (codec == SPICE_VIDEO_CODEC_TYPE_MJPEG)
    return std::unique_ptr<video_decoder>(std::make_unique<jpeg_stream_decoder>(max_pixels));
  if (!is_libav_codec(codec))
    return parse_error{"unknown video codec " + std::to_string(codec)};
  std::string why;
  const video_backend* backend = load_video_backend(&why);
  if (!backend)
    return parse_error{video_codec_name(codec) + ": " + why};
  return backend->create(codec, video_codec_name(codec), options, max_pixels);
}

}  // namespace vigil::protocol
