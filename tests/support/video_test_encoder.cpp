#include "video_test_encoder.hpp"

#include <spice/enums.h>

#include <cmath>
#include <memory>
#include <stdexcept>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace vigil::test {
namespace {

std::uint32_t rgb(int r, int g, int b) {
  auto clamp = [](int v) { return static_cast<std::uint32_t>(v < 0 ? 0 : v > 255 ? 255 : v); };
  return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
}

const char* encoder_name(std::uint8_t codec) {
  switch (codec) {
    case SPICE_VIDEO_CODEC_TYPE_VP8: return "libvpx";
    case SPICE_VIDEO_CODEC_TYPE_H264: return "libx264";
    case SPICE_VIDEO_CODEC_TYPE_VP9: return "libvpx-vp9";
    case SPICE_VIDEO_CODEC_TYPE_H265: return "libx265";
    default: throw std::runtime_error("encode_video: no encoder for codec " + std::to_string(codec));
  }
}

struct context_deleter {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct frame_deleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct packet_deleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};

void check(int code, const std::string& what) {
  if (code < 0) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, text, sizeof text);
    throw std::runtime_error("encode_video: " + what + ": " + text);
  }
}

}  // namespace

std::vector<std::uint32_t> known_scene_frame(int width, int height, int frame) {
  std::vector<std::uint32_t> pixels(static_cast<std::size_t>(width) * height);
  const int square = height / 4;
  const int square_x = (frame * 4) % (width - square);
  const int square_y = height / 3;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      std::uint32_t colour = rgb(40 + 160 * x / width, 30 + 140 * y / height, 200 - 150 * (x + y) / (width + height));
      if (x >= square_x && x < square_x + square && y >= square_y && y < square_y + square)
        colour = rgb(250, 240, 60);
      else if (y >= height * 3 / 4 && y < height * 3 / 4 + 16)
        colour = ((x / 16 + y / 16 + frame / 8) % 2) ? rgb(230, 230, 230) : rgb(20, 60, 20);
      pixels[static_cast<std::size_t>(y) * width + x] = colour;
    }
  return pixels;
}

std::vector<std::vector<std::uint8_t>> encode_video(std::uint8_t codec, const encoder_settings& settings,
                                                    const std::vector<std::vector<std::uint32_t>>& frames) {
  // The encoders' statistics and the decoders' complaints about the corrupt
  // frames the tests feed them would drown the test output.
  av_log_set_level(AV_LOG_FATAL);
  const AVCodec* encoder = avcodec_find_encoder_by_name(encoder_name(codec));
  if (!encoder)
    throw std::runtime_error(std::string("encode_video: libavcodec has no ") + encoder_name(codec));
  std::unique_ptr<AVCodecContext, context_deleter> context(avcodec_alloc_context3(encoder));
  context->width = settings.width;
  context->height = settings.height;
  context->time_base = AVRational{1, settings.fps};
  context->framerate = AVRational{settings.fps, 1};
  const AVPixelFormat format = settings.chroma_444 ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_YUV420P;
  context->pix_fmt = format;
  context->gop_size = settings.key_frame_interval;
  context->max_b_frames = 0;
  context->bit_rate = settings.bit_rate;
  context->thread_count = 1;
  switch (codec) {
    case SPICE_VIDEO_CODEC_TYPE_H264:
      av_opt_set(context->priv_data, "preset", "ultrafast", 0);
      av_opt_set(context->priv_data, "tune", "zerolatency", 0);
      break;
    case SPICE_VIDEO_CODEC_TYPE_H265:
      av_opt_set(context->priv_data, "preset", "ultrafast", 0);
      av_opt_set(context->priv_data, "tune", "zerolatency", 0);
      av_opt_set(context->priv_data, "x265-params", "log-level=error", 0);
      break;
    default:  // libvpx: realtime, no look-ahead
      av_opt_set(context->priv_data, "deadline", "realtime", 0);
      av_opt_set(context->priv_data, "lag-in-frames", "0", 0);
      av_opt_set(context->priv_data, "cpu-used", "8", 0);
  }
  check(avcodec_open2(context.get(), encoder, nullptr), std::string("opening ") + encoder_name(codec));

  const int matrix = settings.height > 576 ? SWS_CS_ITU709 : SWS_CS_ITU601;
  SwsContext* converter = sws_getContext(settings.width, settings.height, AV_PIX_FMT_BGRA, settings.width,
                                         settings.height, format, SWS_BILINEAR, nullptr, nullptr,
                                         nullptr);
  sws_setColorspaceDetails(converter, sws_getCoefficients(SWS_CS_DEFAULT), 1, sws_getCoefficients(matrix), 0, 0,
                           1 << 16, 1 << 16);
  std::unique_ptr<AVFrame, frame_deleter> picture(av_frame_alloc());
  picture->format = format;
  picture->width = settings.width;
  picture->height = settings.height;
  check(av_frame_get_buffer(picture.get(), 0), "allocating a frame");
  std::unique_ptr<AVPacket, packet_deleter> packet(av_packet_alloc());

  std::vector<std::vector<std::uint8_t>> encoded;
  for (std::size_t n = 0; n < frames.size(); ++n) {
    check(av_frame_make_writable(picture.get()), "frame not writable");
    const std::uint8_t* source[4] = {reinterpret_cast<const std::uint8_t*>(frames[n].data()), nullptr, nullptr,
                                     nullptr};
    const int source_stride[4] = {settings.width * 4, 0, 0, 0};
    sws_scale(converter, source, source_stride, 0, settings.height, picture->data, picture->linesize);
    picture->pts = static_cast<std::int64_t>(n);
    check(avcodec_send_frame(context.get(), picture.get()), "sending frame " + std::to_string(n));
    std::vector<std::uint8_t> access_unit;
    while (avcodec_receive_packet(context.get(), packet.get()) == 0) {
      access_unit.insert(access_unit.end(), packet->data, packet->data + packet->size);
      av_packet_unref(packet.get());
    }
    if (access_unit.empty()) {
      sws_freeContext(converter);
      throw std::runtime_error(std::string("encode_video: ") + encoder_name(codec) + " buffered frame " +
                               std::to_string(n) + " (the encoder is not set for zero latency)");
    }
    encoded.push_back(std::move(access_unit));
  }
  sws_freeContext(converter);
  return encoded;
}

double rgb_psnr(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  if (a.size() != b.size() || a.empty())
    throw std::runtime_error("rgb_psnr: pictures of different sizes");
  double squared = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    for (int shift = 0; shift <= 16; shift += 8) {
      const double d = static_cast<double>((a[i] >> shift) & 0xff) - static_cast<double>((b[i] >> shift) & 0xff);
      squared += d * d;
    }
  const double mse = squared / (3.0 * static_cast<double>(a.size()));
  return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

}  // namespace vigil::test
