// The libavcodec plugin (libvigil_libav.so, video_backend.hpp): decoders for
// everything but MJPEG, and the VA-API device. One AVCodecContext per stream, fed one
// packet per STREAM_DATA frame (spice-server's encoders emit exactly one
// access unit per frame with no reordering: x264 tuned for zero latency,
// libvpx with lag-in-frames=0), so every packet yields at most one picture
// and LOW_DELAY costs nothing.
#include <spice/enums.h>

#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/hwcontext.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "protocol/codecs/libav/hardware_device.hpp"
#include "protocol/codecs/libav/yuv_to_bgra.hpp"
#include "protocol/codecs/video_backend.hpp"

namespace vigil::protocol {

namespace {

std::string hardware_device_name(const hardware_device& device) {
  const char* name = av_hwdevice_get_type_name(device.type);
  return name ? name : "unknown";
}

AVCodecID codec_id_of(std::uint8_t codec) {
  switch (codec) {
    case SPICE_VIDEO_CODEC_TYPE_VP8: return AV_CODEC_ID_VP8;
    case SPICE_VIDEO_CODEC_TYPE_H264: return AV_CODEC_ID_H264;
    case SPICE_VIDEO_CODEC_TYPE_VP9: return AV_CODEC_ID_VP9;
    case SPICE_VIDEO_CODEC_TYPE_H265: return AV_CODEC_ID_HEVC;
    default: return AV_CODEC_ID_NONE;
  }
}

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

// libswscale's coefficient table for the frame's matrix; unspecified
// matrices follow GStreamer's default by picture height.
const int* yuv_coefficients(const AVFrame& frame) {
  int space = SWS_CS_DEFAULT;
  switch (frame.colorspace) {
    case AVCOL_SPC_BT709: space = SWS_CS_ITU709; break;
    case AVCOL_SPC_FCC: space = SWS_CS_FCC; break;
    case AVCOL_SPC_SMPTE240M: space = SWS_CS_SMPTE240M; break;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: space = SWS_CS_BT2020; break;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M: space = SWS_CS_ITU601; break;
    default: space = frame.height > 576 ? SWS_CS_ITU709 : SWS_CS_ITU601;
  }
  return sws_getCoefficients(space);
}

bool is_full_range(const AVFrame& frame) {
  switch (frame.format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P: return true;
    default: return frame.color_range == AVCOL_RANGE_JPEG;
  }
}

// The picture as libyuv input (yuv_to_bgra.hpp), or nullopt for what only
// libswscale converts: other pixel formats (10-bit, RGB) and the FCC and
// SMPTE 240M matrices. Unspecified matrices as in yuv_coefficients.
std::optional<yuv_picture> libyuv_view(const AVFrame& frame) {
  yuv_picture picture;
  switch (frame.format) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUVJ420P: picture.layout = yuv_layout::i420; break;
    case AV_PIX_FMT_YUV422P:
    case AV_PIX_FMT_YUVJ422P: picture.layout = yuv_layout::i422; break;
    case AV_PIX_FMT_YUV444P:
    case AV_PIX_FMT_YUVJ444P: picture.layout = yuv_layout::i444; break;
    case AV_PIX_FMT_NV12: picture.layout = yuv_layout::nv12; break;
    default: return std::nullopt;
  }
  switch (frame.colorspace) {
    case AVCOL_SPC_BT709: picture.matrix = yuv_matrix::bt709; break;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: picture.matrix = yuv_matrix::bt2020; break;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M: picture.matrix = yuv_matrix::bt601; break;
    case AVCOL_SPC_FCC:
    case AVCOL_SPC_SMPTE240M: return std::nullopt;
    default: picture.matrix = frame.height > 576 ? yuv_matrix::bt709 : yuv_matrix::bt601;
  }
  picture.full_range = is_full_range(frame);
  for (int plane = 0; plane < 3; ++plane) {
    picture.planes[plane] = frame.data[plane];
    picture.strides[plane] = frame.linesize[plane];
  }
  picture.width = frame.width;
  picture.height = frame.height;
  return picture;
}

class libav_decoder final : public video_decoder {
public:
  libav_decoder(std::uint8_t codec, std::string name, std::uint64_t max_pixels)
      : codec_(codec), name_(std::move(name)), max_pixels_(max_pixels) {}
  ~libav_decoder() override {
    sws_freeContext(scaler_);
    av_frame_free(&software_frame_);
    av_frame_free(&frame_);
    av_packet_free(&packet_);
    avcodec_free_context(&context_);
  }

  std::optional<std::string> open(const video_decoder_options& options) {
    const AVCodec* decoder = avcodec_find_decoder(codec_id_of(codec_));
    if (!decoder)
      return "this libavcodec has no " + name_ + " decoder";
    context_ = avcodec_alloc_context3(decoder);
    packet_ = av_packet_alloc();
    frame_ = av_frame_alloc();
    software_frame_ = av_frame_alloc();
    if (!context_ || !packet_ || !frame_ || !software_frame_)
      return "out of memory setting up the " + name_ + " decoder";
    context_->thread_count = std::max(options.threads, 0);
    context_->thread_type = FF_THREAD_SLICE;  // frame threads would delay every picture by a frame per thread
    context_->flags |= AV_CODEC_FLAG_LOW_DELAY;
    if (options.hardware && supports(*decoder, options.hardware->type)) {
      context_->hw_device_ctx = av_buffer_ref(options.hardware->context);
      context_->opaque = this;
      context_->get_format = &libav_decoder::pick_format;
      hardware_format_ = hardware_pixel_format(*decoder, options.hardware->type);
      backend_ = hardware_device_name(*options.hardware);
    } else if (options.hardware) {
      backend_ = "software (" + hardware_device_name(*options.hardware) + " cannot decode " +
                 name_ + ")";
    }
    const int opened = avcodec_open2(context_, decoder, nullptr);
    if (opened < 0)
      return "cannot open the " + name_ + " decoder: " + av_error_text(opened);
    return std::nullopt;
  }

  result<bool> decode(const std::uint8_t* data, std::size_t size, decoded_image& out) override {
    if (size == 0)
      return parse_error{name() + ": empty frame"};
    if (size > static_cast<std::size_t>(INT32_MAX - AV_INPUT_BUFFER_PADDING_SIZE))
      return parse_error{name() + ": frame of " + std::to_string(size) + " bytes is too large"};
    // libavcodec reads up to AV_INPUT_BUFFER_PADDING_SIZE bytes past the
    // end, which must be zero: the frame is copied into a padded buffer.
    padded_.resize(size + AV_INPUT_BUFFER_PADDING_SIZE);
    std::memcpy(padded_.data(), data, size);
    std::memset(padded_.data() + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
    av_packet_unref(packet_);
    packet_->data = padded_.data();
    packet_->size = static_cast<int>(size);
    const int sent = avcodec_send_packet(context_, packet_);
    if (sent < 0 && sent != AVERROR(EAGAIN))
      return parse_error{name() + ": " + av_error_text(sent)};
    bool pictured = false;
    for (;;) {
      const int received = avcodec_receive_frame(context_, frame_);
      if (received == AVERROR(EAGAIN) || received == AVERROR_EOF)
        break;
      if (received < 0)
        return parse_error{name() + ": " + av_error_text(received)};
      auto converted = convert(*frame_, out);
      av_frame_unref(frame_);
      if (!converted)
        return converted.error();
      pictured = true;  // the latest picture wins if one packet yields several
    }
    return pictured;
  }

  std::uint8_t codec() const override { return codec_; }
  std::string backend() const override { return backend_; }

private:
  const std::string& name() const { return name_; }

  static bool supports(const AVCodec& decoder, AVHWDeviceType type) {
    return hardware_pixel_format(decoder, type) != AV_PIX_FMT_NONE;
  }

  static AVPixelFormat hardware_pixel_format(const AVCodec& decoder, AVHWDeviceType type) {
    for (int i = 0;; ++i) {
      const AVCodecHWConfig* config = avcodec_get_hw_config(&decoder, i);
      if (!config)
        return AV_PIX_FMT_NONE;
      if ((config->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX) && config->device_type == type)
        return config->pix_fmt;
    }
  }

  // The hardware format when libavcodec offers it for this stream (profile
  // and size permitting), else the first software one.
  static AVPixelFormat pick_format(AVCodecContext* context, const AVPixelFormat* offered) {
    auto* self = static_cast<libav_decoder*>(context->opaque);
    const AVPixelFormat* first_software = nullptr;
    for (const AVPixelFormat* format = offered; *format != AV_PIX_FMT_NONE; ++format) {
      if (*format == self->hardware_format_)
        return *format;
      const AVPixFmtDescriptor* descriptor = av_pix_fmt_desc_get(*format);
      if (!first_software && descriptor && !(descriptor->flags & AV_PIX_FMT_FLAG_HWACCEL))
        first_software = format;
    }
    self->backend_ = "software (" + std::string(av_get_pix_fmt_name(self->hardware_format_)) +
                     " not offered for this stream)";
    return first_software ? *first_software : AV_PIX_FMT_NONE;
  }

  result<bool> convert(AVFrame& decoded, decoded_image& out) {
    AVFrame* picture = &decoded;
    if (decoded.hw_frames_ctx) {
      av_frame_unref(software_frame_);
      const int copied = av_hwframe_transfer_data(software_frame_, &decoded, 0);
      if (copied < 0)
        return parse_error{name() + ": copying the picture from the GPU: " + av_error_text(copied)};
      software_frame_->colorspace = decoded.colorspace;
      software_frame_->color_range = decoded.color_range;
      picture = software_frame_;
    }
    const std::uint64_t pixels = std::uint64_t(std::max(picture->width, 0)) * std::uint64_t(std::max(picture->height, 0));
    if (pixels == 0)
      return parse_error{name() + ": decoded an empty picture"};
    if (pixels > max_pixels_)
      return parse_error{name() + ": picture " + std::to_string(picture->width) + "x" +
                         std::to_string(picture->height) + " is larger than the stream allows"};
    out.width = static_cast<std::uint32_t>(picture->width);
    out.height = static_cast<std::uint32_t>(picture->height);
    out.has_alpha = false;
    out.pixels.resize(pixels);
    if (auto planar = libyuv_view(*picture); planar && yuv_to_bgra(*planar, out.pixels.data()))
      return true;
    const auto format = static_cast<AVPixelFormat>(picture->format);
    scaler_ = sws_getCachedContext(scaler_, picture->width, picture->height, format, picture->width,
                                   picture->height, AV_PIX_FMT_BGRA, SWS_POINT, nullptr, nullptr, nullptr);
    if (!scaler_)
      return parse_error{name() + ": cannot convert " + safe_format_name(format) + " pictures"};
    const int full_range = is_full_range(*picture) ? 1 : 0;
    sws_setColorspaceDetails(scaler_, yuv_coefficients(*picture), full_range, sws_getCoefficients(SWS_CS_DEFAULT),
                             1, 0, 1 << 16, 1 << 16);
    std::uint8_t* destination[4] = {reinterpret_cast<std::uint8_t*>(out.pixels.data()), nullptr, nullptr, nullptr};
    const int destination_stride[4] = {picture->width * 4, 0, 0, 0};
    sws_scale(scaler_, picture->data, picture->linesize, 0, picture->height, destination, destination_stride);
    return true;
  }

  static std::string safe_format_name(AVPixelFormat format) {
    const char* text = av_get_pix_fmt_name(format);
    return text ? text : "unknown";
  }

  std::uint8_t codec_;
  std::string name_;
  std::uint64_t max_pixels_;
  std::string backend_ = "software";
  AVPixelFormat hardware_format_ = AV_PIX_FMT_NONE;
  AVCodecContext* context_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVFrame* software_frame_ = nullptr;
  SwsContext* scaler_ = nullptr;
  std::vector<std::uint8_t> padded_;
};

bool can_decode(std::uint8_t codec) {
  const AVCodecID id = codec_id_of(codec);
  return id != AV_CODEC_ID_NONE && avcodec_find_decoder(id) != nullptr;
}

result<std::unique_ptr<video_decoder>> create(std::uint8_t codec, const std::string& name,
                                              const video_decoder_options& options, std::uint64_t max_pixels) {
  if (codec_id_of(codec) == AV_CODEC_ID_NONE)
    return parse_error{"unknown video codec " + std::to_string(codec)};
  auto decoder = std::make_unique<libav_decoder>(codec, name, max_pixels);
  if (auto problem = decoder->open(options))
    return parse_error{*problem};
  return std::unique_ptr<video_decoder>(std::move(decoder));
}

hardware_device_ptr open_vaapi(std::string& why) {
  auto device = std::make_shared<hardware_device>();
  const int opened = av_hwdevice_ctx_create(&device->context, AV_HWDEVICE_TYPE_VAAPI, nullptr, nullptr, 0);
  if (opened < 0) {
    why = av_error_text(opened);
    return nullptr;
  }
  device->type = AV_HWDEVICE_TYPE_VAAPI;
  return device;
}

std::atomic<void (*)(const char*)> log_line{nullptr};  // set once, read by every decoder thread

void forward_message(void*, int level, const char* format, va_list arguments) {
  void (*line_to)(const char*) = log_line.load();
  if (level > AV_LOG_WARNING || !line_to)
    return;
  char line[512];
  std::vsnprintf(line, sizeof line, format, arguments);
  std::size_t length = std::strlen(line);
  while (length > 0 && line[length - 1] == '\n')
    line[--length] = '\0';
  line_to(line);
}

void set_log(void (*line)(const char*)) {
  log_line = line;
  av_log_set_callback(forward_message);
}

const video_backend backend{video_backend_version, &can_decode, &create, &open_vaapi, &set_log};

}  // namespace

}  // namespace vigil::protocol

extern "C" __attribute__((visibility("default"))) const vigil::protocol::video_backend* vigil_video_backend() {
  return &vigil::protocol::backend;
}
