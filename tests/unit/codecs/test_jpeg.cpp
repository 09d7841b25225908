// JPEG and JPEG_ALPHA (protocol/codecs/jpeg.hpp): a real server JPEG against
// an independent libjpeg decode (bit for bit) and against what the server
// drew (lossy, by PSNR), alpha planes in both row orders, and every libjpeg
// failure turned into an error instead of a crash or exit().
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <jpeglib.h>

#include "protocol/codecs/jpeg.hpp"
#include "tests/unit/codecs/codec_test_support.hpp"

namespace {

using namespace vigil::protocol;
using vigil::test::bytes;
using vigil::test::check_same_pixels;
using vigil::test::crop;
using vigil::test::error_text;
using vigil::test::lz_stream_builder;
using vigil::test::read_codec_data;
using vigil::test::read_ppm;

constexpr std::uint32_t lz_xxxa = 10, lz_a8 = 11;
constexpr std::size_t sof_height_offset = 158 + 5;  // in server-photo-80x192.jpg

bytes photo() { return read_codec_data("jpeg/server-photo-80x192.jpg"); }

result<decoded_image> decode(const bytes& jpeg) { return decode_jpeg(jpeg.data(), jpeg.size()); }

// Alpha plane of the 80x192 photo: the first stream row 0x11, all others 0x22.
lz_stream_builder alpha_plane(bool top_down, std::uint32_t type = lz_xxxa, std::uint32_t width = 80,
                              std::uint32_t height = 192) {
  return lz_stream_builder::lz(type, width, height, width * 4, top_down)
      .literals(1, {0x11})
      .match(width - 1, 3, 1)
      .literals(1, {0x22})
      .match(std::size_t{width} * height - width - 1, 3, 1);
}

bytes jpeg_alpha_body(std::uint8_t flags, const bytes& jpeg, const bytes& alpha) {
  bytes body{flags};
  const auto jpeg_size = static_cast<std::uint32_t>(jpeg.size());
  const auto data_size = static_cast<std::uint32_t>(jpeg.size() + alpha.size());
  for (std::uint32_t v : {jpeg_size, data_size})
    for (int shift = 0; shift < 32; shift += 8)
      body.push_back(static_cast<std::uint8_t>(v >> shift));
  body.insert(body.end(), jpeg.begin(), jpeg.end());
  body.insert(body.end(), alpha.begin(), alpha.end());
  return body;
}

result<decoded_image> decode_alpha(const bytes& body) { return decode_jpeg_alpha(body.data(), body.size()); }

double psnr(const decoded_image& decoded, const decoded_image& drawn) {
  BOOST_REQUIRE_EQUAL(decoded.pixels.size(), drawn.pixels.size());
  double squared = 0;
  for (std::size_t i = 0; i < drawn.pixels.size(); ++i)
    for (int shift = 0; shift < 24; shift += 8) {
      const int difference = int((decoded.pixels[i] >> shift) & 255) - int((drawn.pixels[i] >> shift) & 255);
      squared += difference * difference;
    }
  return 10 * std::log10(255.0 * 255.0 * 3 * drawn.pixels.size() / squared);
}

// FNV-1a over the pixel words' little-endian bytes.
std::uint64_t pixel_hash(const std::vector<std::uint32_t>& pixels) {
  std::uint64_t hash = 0xcbf29ce484222325u;
  for (std::uint32_t pixel : pixels)
    for (int shift = 0; shift < 32; shift += 8) {
      hash ^= (pixel >> shift) & 255;
      hash *= 0x100000001b3u;
    }
  return hash;
}

BOOST_AUTO_TEST_SUITE(jpeg)

BOOST_AUTO_TEST_CASE(test_server_photo_decodes_like_an_independent_libjpeg_decoder) {
  const auto decoded = decode(photo());
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(!decoded->has_alpha);
  check_same_pixels(*decoded, read_ppm("jpeg/server-photo-80x192.decoded.ppm.gz"));
}

BOOST_AUTO_TEST_CASE(test_server_photo_is_close_to_what_the_server_drew) {
  const auto decoded = decode(photo());
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  const double quality = psnr(*decoded, read_ppm("jpeg/server-photo-80x192.reference.ppm.gz"));
  BOOST_TEST(quality > 38.0, "PSNR " << quality << " dB");
}

// vigil-test-server --scene video --streaming all: the last MJPEG frame. Like
// every spice-server MJPEG frame it has no Huffman tables (DHT): the
// decoder must use the standard ones.
BOOST_AUTO_TEST_CASE(mjpeg_frame_without_huffman_tables_decodes_like_an_independent_decoder) {
  const auto decoded = decode(read_codec_data("jpeg/server-video-frame-320x240.mjpeg"));
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  check_same_pixels(crop(*decoded, 128, 96, 64, 48), read_ppm("jpeg/server-video-frame-centre-64x48.decoded.ppm.gz"));
  BOOST_TEST(pixel_hash(decoded->pixels) == 0x1d6db030cd9ccf72u);  // of ImageMagick's decode, all 320x240
}

BOOST_AUTO_TEST_CASE(mjpeg_frame_is_close_to_the_frame_the_server_drew) {
  const auto decoded = decode(read_codec_data("jpeg/server-video-frame-320x240.mjpeg"));
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  const double quality = psnr(crop(*decoded, 128, 96, 64, 48),
                              read_ppm("jpeg/server-video-frame-centre-64x48.reference.ppm.gz"));
  BOOST_TEST(quality > 33.0, "PSNR " << quality << " dB");
}

// An MJPEG stream's frames are decoded fast (jpeg_accuracy::fast, as
// spice-gtk's stream decoder does): not bit for bit libjpeg's default decode,
// but about as close to what the server drew (within 2 dB; 39.3 vs 40.5 dB here).
BOOST_AUTO_TEST_CASE(fast_mjpeg_frame_is_as_close_to_the_frame_the_server_drew) {
  const bytes frame = read_codec_data("jpeg/server-video-frame-320x240.mjpeg");
  decoded_image fast;
  const auto failed = decode_jpeg_into(frame.data(), frame.size(), max_image_pixels, fast, jpeg_accuracy::fast);
  BOOST_REQUIRE_MESSAGE(!failed, (failed ? failed->message : ""));
  const auto exact = decode(frame);
  BOOST_REQUIRE_MESSAGE(exact.ok(), error_text(exact));
  const auto drawn = read_ppm("jpeg/server-video-frame-centre-64x48.reference.ppm.gz");
  const double fast_quality = psnr(crop(fast, 128, 96, 64, 48), drawn);
  const double exact_quality = psnr(crop(*exact, 128, 96, 64, 48), drawn);
  BOOST_TEST(fast_quality > 33.0, "PSNR " << fast_quality << " dB");
  BOOST_TEST(fast_quality > exact_quality - 2.0, "fast " << fast_quality << " dB, exact " << exact_quality << " dB");
  BOOST_TEST(psnr(fast, *exact) >= 30.0);
}

// A surface 8 pixels wider and 4 taller than the frame, the frame at (5, 3):
// decode_jpeg_onto writes the frame's rows there, top-down or upwards, and
// not one pixel around them. `aligned`: the frame's rows start 32-byte
// aligned, where libjpeg-turbo would write with non-temporal stores (they go
// through staging rows); else 4 bytes past (written directly).
struct onto_surface {
  static constexpr std::uint32_t frame_width = 320, frame_height = 240, left = 5, top = 3;
  static constexpr std::uint32_t width = frame_width + 8, height = frame_height + 4, untouched = 0x12345678;
  static_assert(width * 4 % 32 == 0, "every row as aligned as the first");
  std::vector<std::uint32_t> storage = std::vector<std::uint32_t>(std::size_t{width} * height + 8, untouched);
  std::size_t origin = 0;  // where the surface's (0, 0) is in `storage`

  explicit onto_surface(bool aligned) {
    const auto frame_start = reinterpret_cast<std::uintptr_t>(storage.data() + std::size_t{top} * width + left) / 4;
    origin = (8 - frame_start % 8 + (aligned ? 0 : 1)) % 8;
  }
  pixel_rows rows(bool top_down) {
    const std::uint32_t first_row = top_down ? top : top + frame_height - 1;
    return pixel_rows{storage.data() + origin + std::size_t{first_row} * width + left,
                      top_down ? std::ptrdiff_t{width} : -std::ptrdiff_t{width}, frame_width, frame_height};
  }
  std::uint32_t at(std::uint32_t x, std::uint32_t y) const { return storage[origin + std::size_t{y} * width + x]; }
  bool inside_frame(std::uint32_t x, std::uint32_t y) const {
    return x >= left && x < left + frame_width && y >= top && y < top + frame_height;
  }
};

BOOST_AUTO_TEST_CASE(an_mjpeg_frame_decoded_onto_surface_rows_equals_its_picture_with_alpha_cleared) {
  const bytes frame = read_codec_data("jpeg/server-video-frame-320x240.mjpeg");
  decoded_image picture;
  BOOST_REQUIRE(!decode_jpeg_into(frame.data(), frame.size(), max_image_pixels, picture, jpeg_accuracy::fast));
  for (const bool aligned : {true, false})
    for (const bool top_down : {true, false}) {
      onto_surface surface(aligned);
      BOOST_TEST_REQUIRE((reinterpret_cast<std::uintptr_t>(surface.rows(top_down).first) % 32 == 0) == aligned);
      const auto written = decode_jpeg_onto(frame.data(), frame.size(), surface.rows(top_down), jpeg_accuracy::fast);
      BOOST_REQUIRE_MESSAGE(written.ok(), error_text(written));
      BOOST_TEST(*written);
      std::size_t differing = 0, touched_outside = 0;
      for (std::uint32_t y = 0; y < surface.height; ++y)
        for (std::uint32_t x = 0; x < surface.width; ++x) {
          if (!surface.inside_frame(x, y)) {
            touched_outside += surface.at(x, y) != onto_surface::untouched;
            continue;
          }
          const std::uint32_t frame_x = x - onto_surface::left;
          const std::uint32_t frame_y =
            top_down ? y - onto_surface::top : onto_surface::top + onto_surface::frame_height - 1 - y;
          differing += surface.at(x, y) != (picture.pixels[std::size_t{frame_y} * picture.width + frame_x] & 0x00FFFFFFu);
        }
      BOOST_TEST(differing == 0u, (aligned ? "aligned, " : "misaligned, ") << (top_down ? "top-down" : "bottom-up"));
      BOOST_TEST(touched_outside == 0u);
    }
}

BOOST_AUTO_TEST_CASE(a_jpeg_of_another_size_than_the_rows_writes_nothing) {
  const bytes jpeg = photo();  // 80x192, not 320x240
  onto_surface surface(false);
  const auto written = decode_jpeg_onto(jpeg.data(), jpeg.size(), surface.rows(true));
  BOOST_REQUIRE_MESSAGE(written.ok(), error_text(written));
  BOOST_TEST(!*written);
  BOOST_TEST(std::count(surface.storage.begin(), surface.storage.end(), onto_surface::untouched) ==
             static_cast<std::ptrdiff_t>(surface.storage.size()));
}

BOOST_AUTO_TEST_CASE(a_corrupt_or_truncated_jpeg_onto_rows_is_an_error_and_stays_inside_them) {
  bytes frame = read_codec_data("jpeg/server-video-frame-320x240.mjpeg");
  bytes truncated(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(frame.size() / 2));
  for (std::size_t i = frame.size() / 2; i < frame.size() / 2 + 40; ++i)
    frame[i] = 0xFF;
  for (const bool aligned : {true, false})
    for (const bytes* bad : {&truncated, &frame}) {
      onto_surface surface(aligned);
      const auto written = decode_jpeg_onto(bad->data(), bad->size(), surface.rows(false), jpeg_accuracy::fast);
      VIGIL_CHECK_CONTAINS(error_text(written), "JPEG: ");
      for (std::uint32_t y = 0; y < surface.height; ++y)
        for (std::uint32_t x = 0; x < surface.width; ++x)
          if (!surface.inside_frame(x, y))
            BOOST_REQUIRE(surface.at(x, y) == onto_surface::untouched);
    }
}

BOOST_AUTO_TEST_CASE(truncating_a_real_jpeg_anywhere_is_an_error) {
  const bytes jpeg = photo();
  for (std::size_t size = 0; size < jpeg.size(); ++size)
    BOOST_REQUIRE_MESSAGE(!decode_jpeg(jpeg.data(), size).ok(), "a " << size << "-byte prefix decoded");
}

BOOST_AUTO_TEST_CASE(corrupt_entropy_data_is_an_error) {
  bytes jpeg = photo();
  for (std::size_t i = 700; i < 760; ++i)
    jpeg[i] = 0xFF;
  VIGIL_CHECK_CONTAINS(error_text(decode(jpeg)), "JPEG: ");
}

BOOST_AUTO_TEST_CASE(data_that_is_no_jpeg_is_an_error) {
  BOOST_TEST(error_text(decode({})) == "JPEG: empty JPEG");
  VIGIL_CHECK_CONTAINS(error_text(decode({0x89, 'P', 'N', 'G'})), "JPEG: libjpeg: Not a JPEG file");
}

BOOST_AUTO_TEST_CASE(header_claiming_more_pixels_than_the_data_can_hold_is_an_error) {
  bytes jpeg = photo();
  jpeg[sof_height_offset] = 0x3E;  // height 16000
  jpeg[sof_height_offset + 2] = 0x3E;  // width 16000
  jpeg[sof_height_offset + 1] = jpeg[sof_height_offset + 3] = 0x80;
  BOOST_TEST(error_text(decode(jpeg)) == "JPEG: 16000x16000 pixels cannot come from 2003 bytes");
  jpeg[sof_height_offset + 2] = 0x4E;  // width 20096
  VIGIL_CHECK_CONTAINS(error_text(decode(jpeg)), "JPEG: image size 20096x16000 exceeds limit");
}

BOOST_AUTO_TEST_CASE(header_larger_than_the_caller_allows_is_refused_before_allocating) {
  VIGIL_CHECK_CONTAINS(error_text(decode_jpeg(photo().data(), photo().size(), 80 * 191)),
                       "JPEG: image size 80x192 is more than the 15280 pixels the image may have");
}

// A progressive 4:4:4 JPEG: libjpeg keeps every coefficient (6 bytes a
// pixel), more than the image itself; security review M1 (suspected).
bytes progressive_jpeg(std::uint32_t side) {
  jpeg_compress_struct compress{};
  jpeg_error_mgr errors{};
  compress.err = jpeg_std_error(&errors);
  jpeg_create_compress(&compress);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&compress, &buffer, &size);
  compress.image_width = compress.image_height = side;
  compress.input_components = 3;
  compress.in_color_space = JCS_RGB;
  jpeg_set_defaults(&compress);
  for (int c = 0; c < 3; ++c)
    compress.comp_info[c].h_samp_factor = compress.comp_info[c].v_samp_factor = 1;
  jpeg_simple_progression(&compress);
  jpeg_start_compress(&compress, TRUE);
  std::vector<unsigned char> row(std::size_t{side} * 3);
  while (compress.next_scanline < compress.image_height) {
    for (std::uint32_t x = 0; x < side; ++x)
      row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = static_cast<unsigned char>((x ^ compress.next_scanline) & 0xff);
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&compress, rows, 1);
  }
  jpeg_finish_compress(&compress);
  jpeg_destroy_compress(&compress);
  bytes out(buffer, buffer + size);
  std::free(buffer);
  return out;
}

BOOST_AUTO_TEST_CASE(progressive_jpeg_needing_more_memory_than_its_image_is_refused) {
  const bytes small = progressive_jpeg(64);
  BOOST_TEST_REQUIRE(decode(small).ok(), error_text(decode(small)));
  const bytes large = progressive_jpeg(2048);
  VIGIL_CHECK_CONTAINS(error_text(decode(large)), "JPEG: libjpeg: Backing store not supported");
}

BOOST_AUTO_TEST_CASE(alpha_plane_adds_alpha_to_the_jpeg_colours) {
  const auto decoded = decode_alpha(jpeg_alpha_body(1, photo(), alpha_plane(true).out));
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->has_alpha);
  auto colours = read_ppm("jpeg/server-photo-80x192.decoded.ppm.gz");
  for (std::size_t i = 0; i < colours.pixels.size(); ++i)
    colours.pixels[i] |= (i < 80 ? 0x11u : 0x22u) << 24;
  check_same_pixels(*decoded, colours);
}

BOOST_AUTO_TEST_CASE(bottom_up_alpha_plane_starts_at_the_bottom_row) {
  const auto decoded = decode_alpha(jpeg_alpha_body(0, photo(), alpha_plane(false).out));
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels[0] >> 24 == 0x22u);
  BOOST_TEST(decoded->pixels[191 * 80] >> 24 == 0x11u);
}

BOOST_AUTO_TEST_CASE(truncating_a_jpeg_alpha_body_anywhere_is_an_error) {
  const bytes body = jpeg_alpha_body(1, photo(), alpha_plane(true).out);
  for (std::size_t size = 0; size < body.size(); ++size)
    BOOST_REQUIRE_MESSAGE(!decode_jpeg_alpha(body.data(), size).ok(), "a " << size << "-byte prefix decoded");
}

BOOST_AUTO_TEST_CASE(jpeg_alpha_header_fields_out_of_range_are_errors) {
  const bytes body = jpeg_alpha_body(1, photo(), alpha_plane(true).out);
  BOOST_TEST(error_text(decode_jpeg_alpha(body.data(), 8)) == "JPEG_ALPHA: header truncated (need 9 bytes, have 8)");
  VIGIL_CHECK_CONTAINS(error_text(decode_jpeg_alpha(body.data(), body.size() - 1)), "JPEG_ALPHA: data_size 2100 exceeds the 2099 bytes present");
  bytes long_jpeg = body;
  long_jpeg[1] = 0xFF;
  long_jpeg[2] = 0xFF;
  VIGIL_CHECK_CONTAINS(error_text(decode_alpha(long_jpeg)), "JPEG_ALPHA: jpeg_size 65535 exceeds data_size");
}

BOOST_AUTO_TEST_CASE(alpha_plane_that_does_not_fit_the_jpeg_is_an_error) {
  BOOST_TEST(error_text(decode_alpha(jpeg_alpha_body(1, photo(), alpha_plane(true, lz_a8).out))) ==
             "JPEG_ALPHA: alpha plane has LZ type A8 (want XXXA)");
  BOOST_TEST(error_text(decode_alpha(jpeg_alpha_body(1, photo(), alpha_plane(true, lz_xxxa, 80, 191).out))) ==
             "JPEG_ALPHA: alpha plane is 80x191, the JPEG 80x192");
  BOOST_TEST(error_text(decode_alpha(jpeg_alpha_body(0, photo(), alpha_plane(true).out))) ==
             "JPEG_ALPHA: alpha plane top_down 1 disagrees with flags 0x0");
}

BOOST_AUTO_TEST_CASE(bad_jpeg_inside_jpeg_alpha_names_jpeg_alpha) {
  bytes broken = photo();
  broken[0] = 0;
  VIGIL_CHECK_CONTAINS(error_text(decode_alpha(jpeg_alpha_body(1, broken, alpha_plane(true).out))),
                       "JPEG_ALPHA: libjpeg: Not a JPEG file");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
