// JPEG through libjpeg-turbo, decoded straight into 0x00RRGGBB pixels
// (JCS_EXT_BGRX; the X byte is cleared), and JPEG_ALPHA: that JPEG plus an
// LZ XXXA alpha plane of the same size whose rows follow the TOP_DOWN flag
// (the JPEG itself is always top row first).
//
// libjpeg reports fatal errors through error_exit, which must not return: it
// longjmps back into decode_into, whose frame holds only trivially
// destructible objects between setjmp and the libjpeg calls. Warnings
// (corrupt or truncated data that libjpeg would paper over with grey) fail
// the decode too.
#include "protocol/codecs/jpeg.hpp"

#include <spice/enums.h>

// jpeglib.h needs size_t and FILE declared first.
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <vector>
#include <jpeglib.h>

#include "protocol/codecs/image_rows.hpp"
#include "protocol/codecs/lz_common.hpp"

namespace vigil::protocol {
namespace {

using codec_detail::codec_error;

// A legitimate JPEG needs at least a few bits per 8x8 block, so ~1000
// pixels per byte is far beyond any real image; it stops a forged header
// from making libjpeg allocate for a huge image.
constexpr std::uint64_t max_pixels_per_byte = 1024;
// libjpeg may use as much memory as the image itself and this on top
// (baseline decoding needs a few rows; a progressive image's coefficients
// beyond that are refused: it has no backing store).
constexpr long libjpeg_memory_slack = 4 << 20;
// A progressive JPEG can repeat scans without end, each a pass over the
// whole image; SPICE servers send baseline JPEGs (one scan).
constexpr int max_scans = 64;
// libjpeg-turbo's rec_outbuf_height is at most 4 (1, 2 or 4).
constexpr JDIMENSION max_rows_per_read = 4;

struct error_manager {
  jpeg_error_mgr base;  // first, so libjpeg's pointer converts back
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool warned;
};

[[noreturn]] void on_fatal_error(j_common_ptr info) {
  auto* manager = reinterpret_cast<error_manager*>(info->err);
  (*info->err->format_message)(info, manager->message);
  std::longjmp(manager->jump, 1);
}

void on_progress(j_common_ptr info) {
  auto* decompress = reinterpret_cast<j_decompress_ptr>(info);
  if (decompress->input_scan_number > max_scans) {
    auto* manager = reinterpret_cast<error_manager*>(info->err);
    std::snprintf(manager->message, sizeof manager->message, "more than %d scans", max_scans);
    std::longjmp(manager->jump, 1);
  }
}

void on_message(j_common_ptr info, int level) {
  auto* manager = reinterpret_cast<error_manager*>(info->err);
  if (level < 0 && !manager->warned) {  // a warning; trace messages (level >= 0) are ignored
    manager->warned = true;
    (*info->err->format_message)(info, manager->message);
  }
}

enum class jpeg_outcome { decoded, failed, too_large, warned, other_size };

// A decode straight into a target's rows: libjpeg writes each batch of rows
// there and their top bytes are cleared while they are in the cache. But
// libjpeg-turbo's SIMD colour conversion writes with non-temporal stores
// wherever its output is 32-byte aligned, which a surface's rows often are:
// clearing the top bytes then reads every line back from memory (a 320x240
// frame: 180 us against 110). Such rows go through a few rows of staging,
// misaligned on purpose, whence they are copied (125 us).
struct staged_rows {
  const pixel_rows* target;
  std::uint32_t* staging;  // null: libjpeg writes the target's rows; else max_rows_per_read rows, `pitch` apart
  std::size_t pitch;
};

// Fills `image` (pixels sized here) or, given `staged`, its target's rows
// (`image` gets the size only); on failure `manager.message` says why. Plain
// C state only: longjmp may leave this frame at any libjpeg call.
jpeg_outcome decode_into(const std::uint8_t* data, std::size_t size, std::uint64_t max_pixels, jpeg_accuracy accuracy,
                         decoded_image& image, const staged_rows* staged, error_manager& manager,
                         jpeg_decompress_struct& info, jpeg_progress_mgr& progress) {
  const pixel_rows* target = staged ? staged->target : nullptr;
  info.err = jpeg_std_error(&manager.base);
  manager.base.error_exit = on_fatal_error;
  manager.base.emit_message = on_message;
  manager.warned = false;
  manager.message[0] = '\0';
  if (setjmp(manager.jump) != 0) {
    jpeg_destroy_decompress(&info);
    return jpeg_outcome::failed;
  }
  jpeg_create_decompress(&info);
  progress.progress_monitor = on_progress;
  info.progress = &progress;
  jpeg_mem_src(&info, data, static_cast<unsigned long>(size));
  jpeg_read_header(&info, TRUE);
  if (target && (info.image_width != target->width || info.image_height != target->height)) {
    jpeg_destroy_decompress(&info);
    return jpeg_outcome::other_size;
  }
  const std::uint64_t pixels = std::uint64_t{info.image_width} * info.image_height;
  if (info.image_width == 0 || info.image_height == 0 || info.image_width > codec_detail::max_image_side ||
      info.image_height > codec_detail::max_image_side || pixels > std::uint64_t{size} * max_pixels_per_byte ||
      pixels > max_pixels) {
    image.width = info.image_width;
    image.height = info.image_height;
    jpeg_destroy_decompress(&info);
    return jpeg_outcome::too_large;
  }
  info.mem->max_memory_to_use = static_cast<long>(pixels * 4) + libjpeg_memory_slack;
  info.out_color_space = JCS_EXT_BGRX;
  if (accuracy == jpeg_accuracy::fast) {
    info.dct_method = JDCT_IFAST;
    info.do_fancy_upsampling = FALSE;
    info.do_block_smoothing = FALSE;
  }
  image.width = info.image_width;
  image.height = info.image_height;
  if (!target)
    image.pixels.resize(pixels);
  jpeg_start_decompress(&info);
  // As many rows a call as libjpeg produces at once (2 for 4:2:0 without
  // fancy upsampling): one row a call would make it buffer the other and copy.
  JSAMPROW rows[max_rows_per_read];
  while (info.output_scanline < info.output_height) {
    const JDIMENSION first = info.output_scanline;
    const JDIMENSION count = std::min<JDIMENSION>({static_cast<JDIMENSION>(std::max(info.rec_outbuf_height, 1)),
                                                   max_rows_per_read, info.output_height - first});
    for (JDIMENSION n = 0; n < count; ++n)
      rows[n] = reinterpret_cast<JSAMPROW>(!staged            ? image.pixels.data() + std::size_t{first + n} * image.width
                                           : staged->staging ? staged->staging + n * staged->pitch
                                                             : target->first + std::ptrdiff_t{first + n} * target->stride);
    const JDIMENSION read = jpeg_read_scanlines(&info, rows, count);
    if (staged)
      for (JDIMENSION n = 0; n < read; ++n)
        copy_clearing_alpha(target->first + std::ptrdiff_t{first + n} * target->stride,
                            reinterpret_cast<const std::uint32_t*>(rows[n]), image.width);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return manager.warned ? jpeg_outcome::warned : jpeg_outcome::decoded;
}

// What went wrong when a decode did not succeed; none when it did (or the
// JPEG is not the target's size, which is no error).
std::optional<parse_error> failure(const char* codec, jpeg_outcome outcome, const error_manager& manager,
                                   const decoded_image& image, std::size_t size, std::uint64_t max_pixels) {
  switch (outcome) {
    case jpeg_outcome::failed:
      return codec_error(codec, "libjpeg: ", manager.message);
    case jpeg_outcome::warned:
      return codec_error(codec, "corrupt data (libjpeg: ", manager.message, ")");
    case jpeg_outcome::too_large:
      if (auto bad = codec_detail::check_image_size(codec, image.width, image.height, max_pixels))
        return *bad;
      return codec_error(codec, image.width, "x", image.height, " pixels cannot come from ", size, " bytes");
    case jpeg_outcome::other_size:
    case jpeg_outcome::decoded:
      break;
  }
  return std::nullopt;
}

// Fills `image`, reusing its pixel storage; the error when it fails.
std::optional<parse_error> decode_jpeg_named(const char* codec, const std::uint8_t* data, std::size_t size,
                                             std::uint64_t max_pixels, jpeg_accuracy accuracy, decoded_image& image,
                                             bool clear_alpha) {
  if (size == 0)
    return codec_error(codec, "empty JPEG");
  image.has_alpha = false;
  error_manager manager;
  jpeg_decompress_struct info;
  jpeg_progress_mgr progress{};
  const jpeg_outcome outcome = decode_into(data, size, max_pixels, accuracy, image, nullptr, manager, info, progress);
  if (auto failed = failure(codec, outcome, manager, image, size, max_pixels))
    return failed;
  if (clear_alpha)
    copy_clearing_alpha(image.pixels.data(), image.pixels.data(), image.pixels.size());
  return std::nullopt;
}

result<decoded_image> decode_jpeg_named(const char* codec, const std::uint8_t* data, std::size_t size,
                                        std::uint64_t max_pixels) {
  decoded_image image;
  if (auto failed = decode_jpeg_named(codec, data, size, max_pixels, jpeg_accuracy::exact, image, true))
    return *failed;
  return image;
}

inline std::uint32_t read_le32(const std::uint8_t* p) {
  return p[0] | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

}  // namespace

result<decoded_image> decode_jpeg(const std::uint8_t* data, std::size_t size, std::uint64_t max_pixels) {
  return decode_jpeg_named("JPEG", data, size, max_pixels);
}

std::optional<parse_error> decode_jpeg_into(const std::uint8_t* data, std::size_t size, std::uint64_t max_pixels,
                                            decoded_image& image, jpeg_accuracy accuracy) {
  return decode_jpeg_named("JPEG", data, size, max_pixels, accuracy, image, false);
}

result<bool> decode_jpeg_onto(const std::uint8_t* data, std::size_t size, const pixel_rows& target,
                              jpeg_accuracy accuracy) {
  const char* const codec = "JPEG";
  if (size == 0)
    return codec_error(codec, "empty JPEG");
  // The target's rows are used when none is 32-byte aligned. Staging rows
  // are a multiple of 32 bytes apart from a start 4 bytes past alignment.
  staged_rows staged{&target, nullptr, 0};
  std::vector<std::uint32_t> staging;
  const bool every_row_misaligned = reinterpret_cast<std::uintptr_t>(target.first) % 32 != 0 &&
                                    target.stride * std::ptrdiff_t{sizeof(std::uint32_t)} % 32 == 0;
  if (!every_row_misaligned) {
    staged.pitch = (std::size_t{target.width} + 7) / 8 * 8;
    staging.resize(max_rows_per_read * staged.pitch + 8);
    const auto misalign = (8 - reinterpret_cast<std::uintptr_t>(staging.data()) / 4 % 8 + 1) % 8;
    staged.staging = staging.data() + misalign;
  }
  decoded_image size_only;  // the JPEG's size; its pixels go to `target`
  error_manager manager;
  jpeg_decompress_struct info;
  jpeg_progress_mgr progress{};
  const std::uint64_t max_pixels = std::uint64_t{target.width} * target.height;
  const jpeg_outcome outcome = decode_into(data, size, max_pixels, accuracy, size_only, &staged, manager, info, progress);
  if (auto failed = failure(codec, outcome, manager, size_only, size, max_pixels))
    return *failed;
  return outcome == jpeg_outcome::decoded;
}

result<decoded_image> decode_jpeg_alpha(const std::uint8_t* data, std::size_t size, std::uint64_t max_pixels) {
  const char* const codec = "JPEG_ALPHA";
  constexpr std::size_t header_size = 9;  // u8 flags, u32 jpeg_size, u32 data_size
  if (size < header_size)
    return codec_error(codec, "header truncated (need ", header_size, " bytes, have ", size, ")");
  const std::uint8_t flags = data[0];
  const std::uint32_t jpeg_size = read_le32(data + 1);
  const std::uint32_t data_size = read_le32(data + 5);
  if (data_size > size - header_size)
    return codec_error(codec, "data_size ", data_size, " exceeds the ", size - header_size, " bytes present");
  if (jpeg_size > data_size)
    return codec_error(codec, "jpeg_size ", jpeg_size, " exceeds data_size ", data_size);
  const std::uint8_t* jpeg = data + header_size;
  auto image = decode_jpeg_named(codec, jpeg, jpeg_size, max_pixels);
  if (!image)
    return image;

  const std::uint8_t* alpha = jpeg + jpeg_size;
  const std::size_t alpha_size = data_size - jpeg_size;
  auto header = lz_detail::parse_lz_header(codec, alpha, alpha_size, max_pixels);
  if (!header)
    return header.error();
  const bool top_down = flags & SPICE_JPEG_ALPHA_FLAGS_TOP_DOWN;
  if (header->type != lz_detail::lz_xxxa)
    return codec_error(codec, "alpha plane has LZ type ", lz_detail::lz_type_name(header->type), " (want XXXA)");
  if (header->width != image->width || header->height != image->height)
    return codec_error(codec, "alpha plane is ", header->width, "x", header->height, ", the JPEG ", image->width,
                       "x", image->height);
  if (header->top_down != top_down)
    return codec_error(codec, "alpha plane top_down ", header->top_down, " disagrees with flags 0x", std::hex,
                       unsigned{flags});
  auto plane = lz_detail::decode_lz_bytes(codec, *header, alpha + lz_detail::lz_header_size,
                                          alpha_size - lz_detail::lz_header_size);
  if (!plane)
    return plane.error();
  const std::uint32_t width = image->width;
  for (std::uint32_t row = 0; row < image->height; ++row) {
    const std::uint8_t* from = plane->data() + std::size_t{row} * width;
    std::uint32_t* to = image->pixels.data() + std::size_t{top_down ? row : image->height - 1 - row} * width;
    for (std::uint32_t x = 0; x < width; ++x)
      to[x] |= std::uint32_t{from[x]} << 24;
  }
  image->has_alpha = true;
  return image;
}

}  // namespace vigil::protocol
