#include "protocol/display_preferences.hpp"

#include <spice/enums.h>
#include <spice/protocol.h>

#include <algorithm>

#include "protocol/byte_reader.hpp"
#include "protocol/codecs/video_decoder.hpp"

namespace vigil::protocol {

namespace {

struct compression_name {
  const char* name;
  std::uint8_t value;
};

constexpr compression_name compression_names[] = {
  {"off", SPICE_IMAGE_COMPRESSION_OFF},   {"auto-glz", SPICE_IMAGE_COMPRESSION_AUTO_GLZ},
  {"auto-lz", SPICE_IMAGE_COMPRESSION_AUTO_LZ}, {"quic", SPICE_IMAGE_COMPRESSION_QUIC},
  {"glz", SPICE_IMAGE_COMPRESSION_GLZ},   {"lz", SPICE_IMAGE_COMPRESSION_LZ},
  {"lz4", SPICE_IMAGE_COMPRESSION_LZ4},
};

}  // namespace

result<std::uint8_t> parse_preferred_compression(const bytes& body) {
  byte_reader reader(body, "DISPLAY_PREFERRED_COMPRESSION");
  const std::uint8_t compression = reader.u8("image_compression");
  if (reader.failed())
    return reader.error();
  return compression;
}

result<std::vector<std::uint8_t>> parse_preferred_video_codec_type(const bytes& body) {
  byte_reader reader(body, "DISPLAY_PREFERRED_VIDEO_CODEC_TYPE");
  const std::uint8_t count = reader.u8("num_of_codecs");
  const std::uint8_t* codecs = reader.raw("codecs", count);
  if (reader.failed())
    return reader.error();
  return std::vector<std::uint8_t>(codecs, codecs + count);
}

std::optional<std::uint8_t> image_compression_from_name(const std::string& name) {
  std::string spelled = name;
  std::replace(spelled.begin(), spelled.end(), '_', '-');
  for (const auto& entry : compression_names)
    if (spelled == entry.name)
      return entry.value;
  return std::nullopt;
}

std::string image_compression_name(std::uint8_t compression) {
  for (const auto& entry : compression_names)
    if (entry.value == compression)
      return entry.name;
  return "compression-" + std::to_string(compression);
}

const char* image_compression_names() { return "off, auto-glz, auto-lz, quic, glz, lz, lz4"; }

std::optional<unsigned> video_codec_capability(std::uint8_t codec) {
  switch (codec) {
    case SPICE_VIDEO_CODEC_TYPE_MJPEG: return SPICE_DISPLAY_CAP_CODEC_MJPEG;
    case SPICE_VIDEO_CODEC_TYPE_VP8: return SPICE_DISPLAY_CAP_CODEC_VP8;
    case SPICE_VIDEO_CODEC_TYPE_H264: return SPICE_DISPLAY_CAP_CODEC_H264;
    case SPICE_VIDEO_CODEC_TYPE_VP9: return SPICE_DISPLAY_CAP_CODEC_VP9;
    case SPICE_VIDEO_CODEC_TYPE_H265: return SPICE_DISPLAY_CAP_CODEC_H265;
    default: return std::nullopt;
  }
}

result<std::vector<std::uint8_t>> parse_video_codec_list(const std::string& text) {
  std::vector<std::uint8_t> codecs;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string name = text.substr(start, comma - start);
    auto codec = video_codec_from_name(name);
    if (!codec)
      return parse_error{"unknown video codec '" + name + "' (known: mjpeg, vp8, h264, vp9, h265)"};
    if (std::find(codecs.begin(), codecs.end(), *codec) != codecs.end())
      return parse_error{"video codec '" + name + "' is listed twice"};
    codecs.push_back(*codec);
    start = comma + 1;
  }
  return codecs;
}

}  // namespace vigil::protocol
