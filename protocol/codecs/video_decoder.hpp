// Video stream frames (DISPLAY_STREAM_DATA) of H.264, VP8, VP9 and H.265
// through FFmpeg's libavcodec; MJPEG stays with libjpeg-turbo (jpeg.hpp) but
// is reachable through the same interface, so a stream's decoder is one type
// whatever its codec.
//
// A decoder is one stream's state: inter-coded frames refer to earlier ones,
// so frames go to the decoder of their stream in arrival order. Output is
// native 0xAARRGGBB (decoded_image.hpp) in the coded size, colour-converted
// with the matrix and range the bitstream signals (BT.709 for pictures taller
// than 576 lines and BT.601 otherwise when it signals none:
// what GStreamer's videoconvert, the encoder side of spice-server, assumes).
//
// Everything but MJPEG runs in the libavcodec plugin, loaded on first use
// (video_backend.hpp). Hardware: with a hardware_device (VA-API, opened by the
// caller at run time, see actors/video_hardware.hpp) libavcodec decodes on the GPU where it can
// and falls back to software per stream otherwise; frames are copied back to
// memory before conversion. Without one, software only.
//
// Pure as far as libavcodec allows: one thread per decoder unless the caller
// asks for more, no I/O of its own.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/codecs/pixel_rows.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// SPICE_VIDEO_CODEC_TYPE_* as names: "mjpeg", "vp8", "h264", "vp9", "h265";
// "codec-N" for others.
std::string video_codec_name(std::uint8_t codec);
// The inverse (case-insensitive; "hevc" is h265); nullopt for an unknown name.
std::optional<std::uint8_t> video_codec_from_name(const std::string& name);

// Whether this build can decode the codec: MJPEG always, the others when the
// libavcodec plugin is built for them (checked without loading it).
bool can_decode_video(std::uint8_t codec);
// Every codec can_decode_video accepts, in SPICE_VIDEO_CODEC_TYPE_* order.
std::vector<std::uint8_t> decodable_video_codecs();

// An opened hardware decoding device (libavutil's AVHWDeviceContext),
// shared by every decoder that uses it.
struct hardware_device;
using hardware_device_ptr = std::shared_ptr<hardware_device>;

// The largest frame any stream may decode to (8K), whatever it announced.
constexpr std::uint64_t max_video_frame_pixels = std::uint64_t{8192} * 8192;

struct video_decoder_options {
  hardware_device_ptr hardware;  // null: software decoding
  int threads = 1;               // libavcodec slice threads (0: as many as cores)
  // Frames larger than this (a stream's announced size is the usual bound)
  // are refused before conversion.
  std::uint64_t max_pixels = max_video_frame_pixels;
};

class video_decoder {
public:
  // Errors: the codec is unknown or this build cannot decode it.
  static result<std::unique_ptr<video_decoder>> create(std::uint8_t codec, const video_decoder_options& options);
  virtual ~video_decoder() = default;

  // Decodes one frame into `out` (its pixel storage is reused when large
  // enough, so a caller that pools decoded_images saves the allocation).
  // Returns true when `out` holds a new picture, false when the decoder
  // consumed the data without producing one yet; an error names the codec
  // and what libavcodec said. After an error the decoder stays usable: the
  // next key frame (or intra refresh) repairs the picture.
  virtual result<bool> decode(const std::uint8_t* data, std::size_t size, decoded_image& out) = 0;
  // Decodes one frame straight into a surface's rows, for a codec that can
  // (MJPEG: each frame stands alone): true once written. False when it
  // cannot (this codec, a frame of another size): nothing was written, use
  // decode(). An error may come after some rows were written.
  virtual result<bool> decode_onto(const std::uint8_t* data, std::size_t size, const pixel_rows& target) {
    (void)data, (void)size, (void)target;
    return false;
  }

  virtual std::uint8_t codec() const = 0;
  // "software", "vaapi", or "software (vaapi unavailable for this stream)".
  virtual std::string backend() const = 0;
};

}  // namespace vigil::protocol
