// GLZ_RGB and ZLIB_GLZ_RGB. GLZ is LZ (lz_common.hpp) with a 33-byte header
// (magic, version, u8 type | top_down << 4, width, height, stride, u64 image
// id, u32 win_head_dist; all big-endian) and its own match encoding: after
// the length, a pixel offset (12 bits, or 17 or 25 in the long forms) and an
// image distance (0 to 3 extra bytes). A match with image distance 0 is in
// the current image, offset + 1 pixels back; otherwise it copies from pixel
// `offset` of image (id - image distance). Offsets count in decode order, so
// the window keeps bottom-up images as decoded, before flipping.
//
// The window mirrors the server's: after an image decodes, images older than
// (id - win_head_dist) of the newest image whose predecessors have all
// arrived are dropped (display channels share the window and may deliver out
// of order), and max_pixels bounds what is kept in any case.
#include "protocol/codecs/glz.hpp"

#include <zlib.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "protocol/codecs/image_rows.hpp"
#include "protocol/codecs/lz_common.hpp"

namespace vigil::protocol {
namespace {

using codec_detail::codec_error;
using namespace lz_detail;

constexpr std::size_t glz_header_size = 33;

struct glz_header {
  std::uint32_t type = 0;
  bool top_down = false;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint64_t id = 0;
  std::uint32_t win_head_dist = 0;
};

struct glz_match_syntax {
  static constexpr bool has_far_references = true;
  static bool read(std::uint32_t ctrl, const std::uint8_t*& in, const std::uint8_t* end, match& m) {
    m.length = ctrl >> 5;
    const bool long_offset = (ctrl >> 4) & 1;
    std::uint32_t offset = ctrl & 15;
    if (m.length == 7 && !read_length_extension(in, end, m.length))
      return false;
    if (end - in < 2)
      return false;
    offset += std::uint32_t{in[0]} << 4;
    const std::uint32_t code = in[1];
    in += 2;
    const std::uint32_t image_bytes = code >> 6;  // how many bytes of image distance follow
    std::uint32_t image_distance = 0;
    bool very_long_offset = false;
    if (!long_offset) {
      image_distance = code & 0x3f;
    } else {
      very_long_offset = (code >> 5) & 1;
      offset += (code & 0x1f) << 12;
    }
    if (static_cast<std::uint32_t>(end - in) < image_bytes + (very_long_offset ? 1 : 0))
      return false;
    for (std::uint32_t i = 0; i < image_bytes; ++i)
      image_distance += std::uint32_t{*in++} << ((long_offset ? 0 : 6) + 8 * i);
    if (very_long_offset)
      offset += std::uint32_t{*in++} << 17;
    m.image_distance = image_distance;
    if (image_distance == 0)
      m.distance = offset + 1;
    else
      m.offset = offset;
    return true;
  }
};

result<glz_header> parse_glz_header(const std::uint8_t* data, std::size_t size, std::uint64_t max_pixels) {
  const char* const codec = "GLZ";
  if (size < glz_header_size)
    return codec_error(codec, "header truncated (need ", glz_header_size, " bytes, have ", size, ")");
  const std::uint32_t magic = read_be32(data);
  if (magic != lz_magic)
    return codec_error(codec, "bad magic 0x", std::hex, magic, " (want 0x", lz_magic, ")");
  const std::uint32_t version = read_be32(data + 4);
  if (version != lz_version)
    return codec_error(codec, "unsupported version 0x", std::hex, version, " (want 0x", lz_version, ")");
  glz_header header;
  header.type = data[8] & 0x0f;
  if (data[8] >> 4 > 1)
    return codec_error(codec, "header byte type/top_down is 0x", std::hex, unsigned{data[8]},
                       " (top_down must be 0 or 1)");
  header.top_down = data[8] >> 4;
  header.width = read_be32(data + 9);
  header.height = read_be32(data + 13);
  // data + 17: stride, unused for RGB types (rows are width pixels)
  header.id = std::uint64_t{read_be32(data + 21)} << 32 | read_be32(data + 25);
  header.win_head_dist = read_be32(data + 29);
  if (header.type < lz_rgb16 || header.type > lz_rgba)
    return codec_error(codec, "image type ", lz_type_name(header.type), " (", header.type,
                       ") not supported: servers send only RGB16/24/32 and RGBA as GLZ");
  if (auto bad = codec_detail::check_image_size(codec, header.width, header.height, max_pixels))
    return *bad;
  return header;
}

inline std::uint32_t read_le32(const std::uint8_t* p) {
  return p[0] | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

}  // namespace

struct glz_window::images {
  struct image {
    std::shared_ptr<pooled_image> kept;  // decode order; holds its charge (pixels and overhead)
    std::uint64_t window_start = 0;      // the oldest id the server kept when it encoded this one
    const std::vector<std::uint32_t>& pixels() const { return kept->image.pixels; }
  };

  images(std::size_t max, memory_account budget, std::shared_ptr<pixel_pool> buffers)
      : max_pixels(max), account(std::move(budget)), pool(std::move(buffers)) {}

  static std::uint64_t cost(std::size_t pixels) { return std::uint64_t{pixels} * 4 + image_overhead; }

  const image* find(std::uint64_t id) const {
    const auto found = by_id.find(id);
    return found == by_id.end() ? nullptr : &found->second;
  }

  void add(std::uint64_t id, std::uint32_t win_head_dist, std::shared_ptr<pooled_image> kept) {
    auto [slot_at, fresh] = by_id.try_emplace(id);
    image& slot = slot_at->second;
    if (!fresh)
      held -= cost(slot.pixels().size());
    held += cost(kept->image.pixels.size());
    slot.kept = std::move(kept);
    slot.window_start = id >= win_head_dist ? id - win_head_dist : 0;

    if (!started || id == contiguous_end) {
      started = true;
      contiguous_end = id + 1;
    }
    while (by_id.count(contiguous_end) != 0)
      ++contiguous_end;
    if (const image* newest = find(contiguous_end - 1))
      while (!by_id.empty() && by_id.begin()->first < newest->window_start)
        erase(by_id.begin());
    // A server that never shrinks its window (or a lost image that keeps
    // the gap open) must not grow memory without bound.
    for (auto oldest = by_id.begin(); held > std::uint64_t{max_pixels} * 4 && oldest != by_id.end();)
      oldest = oldest->first == id ? std::next(oldest) : erase(oldest);
  }

  std::map<std::uint64_t, image>::iterator erase(std::map<std::uint64_t, image>::iterator which) {
    held -= cost(which->second.pixels().size());
    return by_id.erase(which);
  }

  std::map<std::uint64_t, image> by_id;
  std::size_t max_pixels;
  memory_account account;
  std::shared_ptr<pixel_pool> pool;
  std::uint64_t held = 0;  // bytes, by cost()
  bool started = false;
  std::uint64_t contiguous_end = 0;  // every id from the first seen up to here has arrived
};

glz_window::glz_window(std::size_t max_pixels, memory_account account)
    : images_(std::make_unique<images>(max_pixels, account, std::make_shared<pixel_pool>(account))) {}
glz_window::~glz_window() = default;
glz_window::glz_window(glz_window&&) noexcept = default;
glz_window& glz_window::operator=(glz_window&&) noexcept = default;

std::size_t glz_window::pixels_held() const {
  std::size_t pixels = 0;
  for (const auto& [id, kept] : images_->by_id)
    pixels += kept.pixels().size();
  return pixels;
}

std::size_t glz_window::bytes_held() const { return images_->held; }

std::size_t glz_window::images_held() const { return images_->by_id.size(); }

bool glz_window::holds(std::uint64_t id) const { return images_->find(id) != nullptr; }

void glz_window::clear() {
  images_ = std::make_unique<images>(images_->max_pixels, images_->account, images_->pool);
}

const std::shared_ptr<pixel_pool>& glz_window::buffers() const { return images_->pool; }

namespace {

// Resolves GLZ matches into earlier images for the core loop.
class earlier_images {
public:
  earlier_images(const glz_window::images& window, std::uint64_t id) : window_(window), id_(id) {}

  const std::uint32_t* operator()(std::uint32_t image_distance, std::uint32_t offset, std::size_t count) {
    if (image_distance > id_) {
      error_ = codec_error("GLZ", "image distance ", image_distance, " reaches before image id 0 (from id ", id_,
                           ")");
      return nullptr;
    }
    const std::uint64_t wanted = id_ - image_distance;
    if (cached_ == nullptr || cached_id_ != wanted) {
      cached_ = window_.find(wanted);
      cached_id_ = wanted;
    }
    if (cached_ == nullptr) {
      error_ = codec_error("GLZ", "reference to image id ", wanted, " not in the window");
      return nullptr;
    }
    const std::vector<std::uint32_t>& pixels = cached_->pixels();
    if (std::uint64_t{offset} + count > pixels.size()) {
      error_ = codec_error("GLZ", "match of ", count, " pixels at offset ", offset, " overruns image id ", wanted,
                           " (", pixels.size(), " pixels)");
      return nullptr;
    }
    return pixels.data() + offset;
  }

  const parse_error& error() const { return error_; }

private:
  const glz_window::images& window_;
  std::uint64_t id_;
  const glz_window::images::image* cached_ = nullptr;
  std::uint64_t cached_id_ = 0;
  parse_error error_;
};

template <class Units>
std::optional<parse_error> decode_glz_pass(const std::uint8_t* stream, std::size_t size, std::size_t& used,
                                           std::vector<std::uint32_t>& pixels, earlier_images& earlier,
                                           const char* unit_name) {
  const lz_progress progress =
      decode_units<glz_match_syntax, Units>(stream + used, size - used, pixels.data(), pixels.size(), earlier);
  if (progress.stop == lz_stop::far_reference)
    return earlier.error();
  if (progress.stop != lz_stop::done)
    return describe_stop("GLZ", progress, unit_name, pixels.size(), glz_header_size + used);
  used += progress.input_used;
  return std::nullopt;
}

}  // namespace

result<glz_image> decode_glz_image(const std::uint8_t* data, std::size_t size, glz_window& window,
                                   std::uint64_t max_pixels) {
  auto header = parse_glz_header(data, size, max_pixels);
  if (!header)
    return header.error();
  const std::uint8_t* stream = data + glz_header_size;
  const std::size_t stream_size = size - glz_header_size;
  const std::size_t pixel_count = std::size_t{header->width} * header->height;
  if (!units_fit_stream(pixel_count, stream_size))
    return codec_error("GLZ", header->width, "x", header->height, " pixels cannot come from a ", stream_size,
                       "-byte stream");

  glz_window::images& images = *window.images_;
  // The window keeps this image: its share of the budget is taken first.
  auto charge = images.account.charge(glz_window::images::cost(pixel_count),
                                      "GLZ window image " + std::to_string(header->id));
  if (!charge)
    return with_context("GLZ", charge.error());
  auto kept = std::make_shared<pooled_image>();
  kept->pool = images.pool;
  kept->image.width = header->width;
  kept->image.height = header->height;
  kept->image.has_alpha = header->type == lz_rgba;
  // Every pixel is written (a literal or a match) before the image is used.
  kept->image.pixels = images.pool->take(pixel_count);
  earlier_images earlier(images, header->id);
  std::size_t used = 0;
  std::vector<std::uint32_t>& pixels = kept->image.pixels;
  auto failed = header->type == lz_rgb16
                    ? decode_glz_pass<rgb16_pixels>(stream, stream_size, used, pixels, earlier, "pixels")
                    : decode_glz_pass<rgb_pixels>(stream, stream_size, used, pixels, earlier, "pixels");
  if (!failed && header->type == lz_rgba)
    failed = decode_glz_pass<alpha_of_pixels>(stream, stream_size, used, pixels, earlier, "alpha values");
  if (!failed && used != stream_size)
    failed = codec_error("GLZ", stream_size - used, " bytes left after the image (stream of ", stream_size,
                         " bytes)");
  if (failed)
    return *failed;
  kept->charge = std::move(*charge);

  glz_image decoded;
  decoded.shared_with_window = header->top_down;
  if (header->top_down)
    decoded.pixels = std::shared_ptr<const decoded_image>(kept, &kept->image);
  images.add(header->id, header->win_head_dist, kept);  // may free older images' buffers for the copy
  if (!header->top_down) {
    auto flipped = std::make_shared<pooled_image>();
    flipped->pool = images.pool;
    flipped->image.width = header->width;
    flipped->image.height = header->height;
    flipped->image.has_alpha = kept->image.has_alpha;
    flipped->image.pixels = images.pool->take(pixel_count);
    const std::size_t row = header->width;
    for (std::size_t y = 0; y < header->height; ++y)
      std::copy_n(pixels.data() + (header->height - 1 - y) * row, row, flipped->image.pixels.data() + y * row);
    decoded.pixels = std::shared_ptr<const decoded_image>(flipped, &flipped->image);
  }
  return decoded;
}

result<decoded_image> decode_glz_rgb(const std::uint8_t* data, std::size_t size, glz_window& window,
                                     std::uint64_t max_pixels) {
  auto decoded = decode_glz_image(data, size, window, max_pixels);
  if (!decoded)
    return decoded.error();
  return decoded_image(*decoded->pixels);
}

result<glz_image> decode_zlib_glz_image(const std::uint8_t* data, std::size_t size, glz_window& window,
                                        std::uint64_t max_pixels) {
  const char* const codec = "ZLIB_GLZ";
  if (size < 8)
    return codec_error(codec, "header truncated (need 8 bytes, have ", size, ")");
  const std::uint32_t glz_size = read_le32(data);
  const std::uint32_t zlib_size = read_le32(data + 4);
  if (zlib_size > size - 8)
    return codec_error(codec, "data_size ", zlib_size, " exceeds the ", size - 8, " bytes present");
  if (glz_size < glz_header_size)
    return codec_error(codec, "glz_data_size ", glz_size, " is shorter than a GLZ header");
  // zlib's best ratio is about 1032:1; more is a forged size.
  if (std::uint64_t{glz_size} > std::uint64_t{zlib_size} * 1032 + 64)
    return codec_error(codec, "glz_data_size ", glz_size, " cannot come from ", zlib_size, " zlib bytes");
  // Nor can it be longer than the longest GLZ stream of an image this size.
  if (glz_size > zlib_glz_max_stream(max_pixels))
    return codec_error(codec, "glz_data_size ", glz_size, " is more than a GLZ stream of ", max_pixels,
                       " pixels can need (", zlib_glz_max_stream(max_pixels), ")");

  std::vector<std::uint8_t> glz(glz_size);
  z_stream inflater{};
  if (inflateInit(&inflater) != Z_OK)
    return codec_error(codec, "zlib inflateInit failed");
  inflater.next_in = const_cast<Bytef*>(data + 8);
  inflater.avail_in = zlib_size;
  inflater.next_out = glz.data();
  inflater.avail_out = glz_size;
  const int status = inflate(&inflater, Z_FINISH);
  const uLong produced = inflater.total_out;
  const bool input_left = inflater.avail_in > 0;
  const std::string reason = inflater.msg != nullptr ? inflater.msg : "";
  inflateEnd(&inflater);
  if (status != Z_STREAM_END) {
    if (status == Z_BUF_ERROR && produced == glz_size && input_left)
      return codec_error(codec, "zlib stream inflates beyond glz_data_size ", glz_size);
    return codec_error(codec, "zlib stream is corrupt or truncated (inflate status ", status,
                       reason.empty() ? "" : ": ", reason, ", ", produced, " bytes out)");
  }
  if (produced != glz_size)
    return codec_error(codec, "zlib stream inflates to ", produced, " bytes, glz_data_size says ", glz_size);
  return decode_glz_image(glz.data(), glz.size(), window, max_pixels);
}

result<decoded_image> decode_zlib_glz_rgb(const std::uint8_t* data, std::size_t size, glz_window& window,
                                          std::uint64_t max_pixels) {
  auto decoded = decode_zlib_glz_image(data, size, window, max_pixels);
  if (!decoded)
    return decoded.error();
  return decoded_image(*decoded->pixels);
}

}  // namespace vigil::protocol
