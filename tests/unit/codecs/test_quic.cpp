// Specification of decode_quic (protocol/codecs/quic.hpp) on QUIC images that
// real SPICE servers sent (tests/data/codecs/quic, see its README.md), each
// checked bit for bit against pixels the server side produced itself, and on
// malformed, truncated and random input.
#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <cctype>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "check_contains.hpp"
#include "protocol/codecs/quic.hpp"

using vigil::protocol::bytes;
using vigil::protocol::decode_quic;
using vigil::protocol::decode_quic_rows;
using vigil::protocol::read_quic_header;
using vigil::protocol::decoded_image;
using vigil::protocol::result;

namespace {

const std::string data_dir = std::string(VIGIL_TEST_DATA_DIR) + "/codecs/quic/";

bytes read_file(const std::string& name) {
  std::ifstream in(data_dir + name, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), "cannot open " << data_dir + name);
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bytes read_gzip_file(const std::string& name) {
  gzFile in = gzopen((data_dir + name).c_str(), "rb");
  BOOST_TEST_REQUIRE(in != nullptr, "cannot open " << data_dir + name);
  bytes out;
  std::uint8_t chunk[65536];
  int got = 0;
  while ((got = gzread(in, chunk, sizeof chunk)) > 0)
    out.insert(out.end(), chunk, chunk + got);
  gzclose(in);
  BOOST_TEST_REQUIRE(got == 0, "cannot read " << data_dir + name);
  return out;
}

// Reference pixels: a binary PPM (P6, maxval 255) as 0x00RRGGBB.
struct reference_image {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint32_t> pixels;
};

reference_image read_reference(const std::string& name) {
  const bytes ppm = read_gzip_file(name);
  std::size_t pos = 0;
  auto field = [&] {
    while (pos < ppm.size() && std::isspace(ppm[pos]))
      ++pos;
    std::string text;
    while (pos < ppm.size() && !std::isspace(ppm[pos]))
      text += static_cast<char>(ppm[pos++]);
    return text;
  };
  BOOST_TEST_REQUIRE(field() == "P6");
  reference_image image;
  image.width = static_cast<std::uint32_t>(std::stoul(field()));
  image.height = static_cast<std::uint32_t>(std::stoul(field()));
  BOOST_TEST_REQUIRE(field() == "255");
  ++pos;  // the single whitespace before the raster
  BOOST_TEST_REQUIRE(ppm.size() - pos == std::size_t{3} * image.width * image.height);
  for (; pos < ppm.size(); pos += 3)
    image.pixels.push_back(static_cast<std::uint32_t>(ppm[pos]) << 16 | ppm[pos + 1] << 8 | ppm[pos + 2]);
  return image;
}

std::string error_text(const result<decoded_image>& decoded) {
  return decoded.ok() ? std::string() : decoded.error().message;
}


// Decodes `<name>.quic` and compares it with `<name>.ppm.gz` pixel by pixel.
void check_decodes_like_reference(const std::string& name) {
  const bytes stream = read_file(name + ".quic");
  const reference_image expected = read_reference(name + ".ppm.gz");
  const auto decoded = decode_quic(stream.data(), stream.size());
  BOOST_TEST_REQUIRE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->width == expected.width);
  BOOST_TEST(decoded->height == expected.height);
  BOOST_TEST(!decoded->has_alpha);
  BOOST_TEST_REQUIRE(decoded->pixels.size() == expected.pixels.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < expected.pixels.size() && mismatches < 5; ++i)
    if (decoded->pixels[i] != expected.pixels[i]) {
      ++mismatches;
      BOOST_TEST(decoded->pixels[i] == expected.pixels[i],
                 name << ": pixel (" << i % expected.width << ", " << i / expected.width << ")");
    }
}

void put_word(bytes& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8)
    out.push_back(static_cast<std::uint8_t>(value >> shift));
}

constexpr std::uint32_t magic = 0x43495551;  // "QUIC"
constexpr std::uint32_t type_rgb32 = 4;

// A header followed by `payload_words` zero words.
bytes stream_with_header(std::uint32_t type, std::uint32_t width, std::uint32_t height,
                         std::size_t payload_words = 64, std::uint32_t magic_word = magic,
                         std::uint32_t version = 0) {
  bytes out;
  put_word(out, magic_word);
  put_word(out, version);
  put_word(out, type);
  put_word(out, width);
  put_word(out, height);
  out.resize(out.size() + 4 * payload_words, 0);
  return out;
}

std::string decode_error(const bytes& stream) { return error_text(decode_quic(stream.data(), stream.size())); }

const std::string qemu_screen = "qemu-seabios-rgb32-720x400";
const std::string server_photo = "server-photo-rgb32-256x256";
const std::string server_text_line = "server-text-line-rgb32-640x24";

}  // namespace

BOOST_AUTO_TEST_SUITE(quic)

BOOST_AUTO_TEST_CASE(decodes_qemu_text_screen_like_qemu_screendump) {
  check_decodes_like_reference(qemu_screen);
}

BOOST_AUTO_TEST_CASE(decodes_test_server_photo_like_its_framebuffer) {
  check_decodes_like_reference(server_photo);
}

BOOST_AUTO_TEST_CASE(decodes_test_server_text_like_its_framebuffer) {
  check_decodes_like_reference("server-text-rgb32-320x120");
}

BOOST_AUTO_TEST_CASE(decodes_test_server_24_row_text_line_like_its_framebuffer) {
  check_decodes_like_reference(server_text_line);
}

BOOST_AUTO_TEST_CASE(decodes_test_server_full_screen_gradient_like_its_framebuffer) {
  check_decodes_like_reference("server-gradient-rgb32-640x480");
}

BOOST_AUTO_TEST_CASE(decodes_test_server_small_gradient_like_its_framebuffer) {
  check_decodes_like_reference("server-gradient-rgb32-64x64");
}

BOOST_AUTO_TEST_CASE(decodes_rgb24_streams_like_rgb32_streams) {
  // Both code three 8-bit channels the same way; only the encoder's input differs.
  bytes stream = read_file(server_photo + ".quic");
  const auto as_rgb32 = decode_quic(stream.data(), stream.size());
  stream[8] = 3;  // header field type: RGB24
  const auto as_rgb24 = decode_quic(stream.data(), stream.size());
  BOOST_TEST_REQUIRE(as_rgb32.ok());
  BOOST_TEST_REQUIRE(as_rgb24.ok(), error_text(as_rgb24));
  BOOST_TEST((as_rgb24->pixels == as_rgb32->pixels));
}

// No server here sends RGB16 or RGBA, so these two are assembled by hand from
// the format: one pixel, every channel coded with the initial (longest) code.
BOOST_AUTO_TEST_CASE(expands_rgb16_channels_to_8_bits_by_repeating_their_top_bits) {
  bytes stream = stream_with_header(2, 1, 1, 0);
  // R: "1"+"0001" (residual 1 = value 31); G: escape "0"+"1111" (residual 31
  // = value 16); B: "1"+"0000" (value 0).
  put_word(stream, 0x8be00000);
  put_word(stream, 0);  // the encoder's end padding
  const auto decoded = decode_quic(stream.data(), stream.size());
  BOOST_TEST_REQUIRE(decoded.ok(), error_text(decoded));
  BOOST_TEST(!decoded->has_alpha);
  BOOST_TEST(decoded->pixels.at(0) == 0x00ff8400u);  // 31 -> 255, 16 -> 132, 0 -> 0
}

BOOST_AUTO_TEST_CASE(puts_rgba_alpha_in_the_top_byte_and_reports_it) {
  bytes stream = stream_with_header(5, 1, 1, 0);
  // R, G, B: "1"+"0000000" (value 0) each; then the row's alpha: "1"+"0000001" (255).
  put_word(stream, 0x80808081);
  put_word(stream, 0);
  const auto decoded = decode_quic(stream.data(), stream.size());
  BOOST_TEST_REQUIRE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->has_alpha);
  BOOST_TEST(decoded->pixels.at(0) == 0xff000000u);
}

// The image decoder decodes a plain copy straight into the surface, and other
// images into reused buffers: both start with whatever was there before.
BOOST_AUTO_TEST_CASE(decodes_into_garbage_rows_with_a_stride_exactly_as_into_a_fresh_image) {
  bytes rgba = read_file(server_photo + ".quic");
  rgba[8] = 5;  // the photo's stream read as RGBA: garbage, but it decodes or fails the same way
  for (const bytes& stream : {read_file(qemu_screen + ".quic"), read_file(server_text_line + ".quic"), rgba}) {
    const auto expected = decode_quic(stream.data(), stream.size());
    const auto header = read_quic_header(stream.data(), stream.size());
    BOOST_TEST_REQUIRE(header.ok(), error_text(expected));
    const std::size_t width = header->width, height = header->height, stride = width + 5;
    std::vector<std::uint32_t> rows(stride * height, 0xa5a5a5a5u);
    const auto problem = decode_quic_rows(stream.data(), stream.size(), *header, rows.data(), stride);
    BOOST_TEST(problem.has_value() == !expected.ok());
    if (!expected.ok()) {
      BOOST_TEST(problem->message == expected.error().message);
      continue;
    }
    std::size_t mismatches = 0;
    for (std::size_t y = 0; y < height; ++y)
      for (std::size_t x = 0; x < stride; ++x)
        mismatches += rows[y * stride + x] != (x < width ? expected->pixels[y * width + x] : 0xa5a5a5a5u);
    BOOST_TEST(mismatches == 0u);
  }
}

BOOST_AUTO_TEST_CASE(decodes_into_a_reused_pool_buffer_exactly_as_into_a_fresh_one) {
  const bytes stream = read_file(server_photo + ".quic");
  const auto fresh = decode_quic(stream.data(), stream.size());
  BOOST_TEST_REQUIRE(fresh.ok(), error_text(fresh));
  vigil::protocol::pixel_pool pool;
  pool.give_back(std::vector<std::uint32_t>(fresh->pixels.size() + 100, 0xffffffffu));
  const auto reused = decode_quic(stream.data(), stream.size(), vigil::protocol::max_image_pixels, &pool);
  BOOST_TEST_REQUIRE(reused.ok(), error_text(reused));
  BOOST_TEST(pool.buffers_idle() == 0u);  // the garbage buffer was the one used
  BOOST_TEST((reused->pixels == fresh->pixels));
}

// Security review M1: a small stream could declare 16384 x 16384 and have
// 1 GiB allocated for it; the caller now says how large the image may be.
BOOST_AUTO_TEST_CASE(rejects_a_header_larger_than_the_caller_allows_before_allocating) {
  const bytes stream = stream_with_header(type_rgb32, 16384, 16384, 64);
  const std::string error = error_text(decode_quic(stream.data(), stream.size(), 720 * 400));
  VIGIL_CHECK_CONTAINS(error, "QUIC: image size 16384x16384 is more than the 288000 pixels the image may have");
}

BOOST_AUTO_TEST_CASE(rejects_stream_shorter_than_the_header) {
  const bytes stream = stream_with_header(type_rgb32, 4, 4, 0);
  const std::string error = decode_error(bytes(stream.begin(), stream.begin() + 19));
  VIGIL_CHECK_CONTAINS(error, "QUIC: header truncated (need 20 bytes, have 19)");
}

BOOST_AUTO_TEST_CASE(rejects_wrong_magic) {
  const std::string error = decode_error(stream_with_header(type_rgb32, 4, 4, 64, 0x43495552));
  VIGIL_CHECK_CONTAINS(error, "magic 0x43495552");
}

BOOST_AUTO_TEST_CASE(rejects_versions_other_than_0_0) {
  const std::string error = decode_error(stream_with_header(type_rgb32, 4, 4, 64, magic, 0x00010000));
  VIGIL_CHECK_CONTAINS(error, "version 1.0 unsupported");
}

BOOST_AUTO_TEST_CASE(rejects_image_type_invalid) {
  const std::string error = decode_error(stream_with_header(0, 4, 4));
  VIGIL_CHECK_CONTAINS(error, "type 0 is not an image type");
}

BOOST_AUTO_TEST_CASE(rejects_image_types_past_rgba) {
  const std::string error = decode_error(stream_with_header(6, 4, 4));
  VIGIL_CHECK_CONTAINS(error, "type 6 is not an image type");
}

BOOST_AUTO_TEST_CASE(rejects_gray_images_which_spice_never_sends) {
  const std::string error = decode_error(stream_with_header(1, 4, 4));
  VIGIL_CHECK_CONTAINS(error, "GRAY");
}

BOOST_AUTO_TEST_CASE(rejects_zero_width) {
  const std::string error = decode_error(stream_with_header(type_rgb32, 0, 4));
  VIGIL_CHECK_CONTAINS(error, "width is 0");
}

BOOST_AUTO_TEST_CASE(rejects_zero_height) {
  const std::string error = decode_error(stream_with_header(type_rgb32, 4, 0));
  VIGIL_CHECK_CONTAINS(error, "height is 0");
}

BOOST_AUTO_TEST_CASE(rejects_width_over_16384) {
  const std::string error = decode_error(stream_with_header(type_rgb32, 16385, 1));
  VIGIL_CHECK_CONTAINS(error, "width 16385 exceeds limit 16384");
}

BOOST_AUTO_TEST_CASE(rejects_height_over_16384) {
  const std::string error = decode_error(stream_with_header(type_rgb32, 1, 70000));
  VIGIL_CHECK_CONTAINS(error, "height 70000 exceeds limit 16384");
}

BOOST_AUTO_TEST_CASE(rejects_stream_that_is_not_whole_32_bit_words) {
  bytes stream = stream_with_header(type_rgb32, 4, 4);
  stream.push_back(0);
  const std::string error = decode_error(stream);
  VIGIL_CHECK_CONTAINS(error, "not a whole number of 32-bit words");
}

BOOST_AUTO_TEST_CASE(rejects_stream_too_short_for_its_dimensions_before_allocating) {
  // 16384x16384 RGB needs at least 3 bits per first-row pixel and 10 per later row.
  const std::string error = decode_error(stream_with_header(type_rgb32, 16384, 16384, 1000));
  VIGIL_CHECK_CONTAINS(error, "too short for a 16384x16384 RGB32 image");
}

BOOST_AUTO_TEST_CASE(accepts_maximum_dimensions_when_the_stream_could_hold_them) {
  // All-zero data decodes as escape codewords: it must get past the header
  // checks and then fail in the pixel data, not before.
  const std::string error = decode_error(stream_with_header(type_rgb32, 16384, 1, 16384 * 3 / 32 + 1));
  BOOST_TEST(error.find("header") == std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(names_the_row_where_the_bitstream_ended) {
  const bytes stream = read_file(qemu_screen + ".quic");
  const bytes half(stream.begin(), stream.begin() + stream.size() / 2 / 4 * 4);
  const std::string error = decode_error(half);
  VIGIL_CHECK_CONTAINS(error, "QUIC: bitstream ended in row ");
  VIGIL_CHECK_CONTAINS(error, " of 400 (RGB plane)");
}

BOOST_AUTO_TEST_CASE(fails_on_every_cut_before_the_last_coded_word_and_never_reads_past_the_input) {
  // The encoder ends a stream with one zero word of padding that decoding
  // does not need; any shorter stream lacks coded bits.
  const bytes stream = read_file(server_text_line + ".quic");
  const auto whole = decode_quic(stream.data(), stream.size());
  BOOST_TEST_REQUIRE(whole.ok(), error_text(whole));
  for (std::size_t size = 0; size < stream.size(); ++size) {
    const bytes cut(stream.begin(), stream.begin() + size);  // a copy, so ASan sees any overread
    const auto decoded = decode_quic(cut.data(), cut.size());
    if (size + 4 == stream.size()) {
      BOOST_TEST_REQUIRE(decoded.ok(), "without the padding word: " << error_text(decoded));
      BOOST_TEST_REQUIRE((decoded->pixels == whole->pixels));
    } else {
      BOOST_TEST_REQUIRE(!decoded.ok(), "decoded a stream cut to " << size << " bytes");
      BOOST_TEST_REQUIRE(decoded.error().message.rfind("QUIC: ", 0) == 0u, decoded.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(random_data_after_a_valid_header_gives_an_error_or_an_image_of_that_size) {
  std::mt19937 random(20240611);
  for (int attempt = 0; attempt < 3000; ++attempt) {
    const std::uint32_t type = 2 + random() % 4;  // RGB16, RGB24, RGB32, RGBA
    const std::uint32_t width = 1 + random() % 40;
    const std::uint32_t height = 1 + random() % 40;
    bytes stream = stream_with_header(type, width, height, 0);
    const std::size_t words = random() % 600;
    for (std::size_t i = 0; i < words; ++i)
      put_word(stream, static_cast<std::uint32_t>(random()));
    const bytes exact(stream);  // exact size, so ASan sees any overread
    const auto decoded = decode_quic(exact.data(), exact.size());
    if (decoded.ok()) {
      BOOST_TEST_REQUIRE(decoded->width == width);
      BOOST_TEST_REQUIRE(decoded->height == height);
      BOOST_TEST_REQUIRE(decoded->pixels.size() == std::size_t{width} * height);
      BOOST_TEST_REQUIRE(decoded->has_alpha == (type == 5));
    } else {
      BOOST_TEST_REQUIRE(decoded.error().message.rfind("QUIC: ", 0) == 0u, decoded.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(corrupted_real_stream_gives_an_error_or_an_image_of_the_same_size) {
  const bytes original = read_file(server_photo + ".quic");
  std::mt19937 random(7);
  for (int attempt = 0; attempt < 200; ++attempt) {
    bytes stream = original;
    for (int flip = 0; flip < 4; ++flip) {
      const std::size_t bit = 20 * 8 + random() % ((stream.size() - 20) * 8);  // past the header
      stream[bit / 8] ^= static_cast<std::uint8_t>(1u << bit % 8);
    }
    const auto decoded = decode_quic(stream.data(), stream.size());
    if (decoded.ok())
      BOOST_TEST_REQUIRE(decoded->pixels.size() == std::size_t{256} * 256);
    else
      BOOST_TEST_REQUIRE(decoded.error().message.rfind("QUIC: ", 0) == 0u, decoded.error().message);
  }
}

BOOST_AUTO_TEST_SUITE_END()
