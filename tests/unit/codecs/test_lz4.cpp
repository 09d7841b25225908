// LZ4 images (protocol/codecs/lz4.hpp): real server images bit for bit,
// multi-block streams compressed the way spice-server's lz4-encoder does it
// (one LZ4 stream, a block per chunk of rows), every row format, and every
// malformed header and block.
#include <boost/test/unit_test.hpp>
#include <lz4.h>
#include <spice/enums.h>

#include "protocol/codecs/lz4.hpp"
#include "tests/unit/codecs/codec_test_support.hpp"

namespace {

using namespace vigil::protocol;
using vigil::test::bytes;
using vigil::test::check_same_pixels;
using vigil::test::crop;
using vigil::test::error_text;
using vigil::test::read_codec_data;
using vigil::test::read_ppm;

// Compresses `rows` as the server does: u8 top_down, u8 format, then each
// chunk as u32 big-endian size + LZ4 block of one shared stream.
bytes lz4_image(bool top_down, std::uint8_t format, const bytes& rows, std::size_t chunk) {
  bytes out{static_cast<std::uint8_t>(top_down), format};
  LZ4_stream_t stream;
  LZ4_initStream(&stream, sizeof(stream));
  for (std::size_t at = 0; at < rows.size(); at += chunk) {
    const int size = static_cast<int>(std::min(chunk, rows.size() - at));
    std::vector<char> block(LZ4_compressBound(size));
    const int packed = LZ4_compress_fast_continue(&stream, reinterpret_cast<const char*>(rows.data() + at),
                                                  block.data(), size, static_cast<int>(block.size()), 1);
    BOOST_REQUIRE(packed > 0);
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(packed >> shift));
    out.insert(out.end(), block.begin(), block.begin() + packed);
  }
  return out;
}

result<decoded_image> decode(const bytes& payload, std::uint32_t width, std::uint32_t height) {
  return decode_lz4(payload.data(), payload.size(), width, height);
}

std::vector<std::uint32_t> pixels_of(const result<decoded_image>& decoded) {
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  return decoded->pixels;
}

// 64 rows of 32 pixels whose later rows repeat earlier ones, so blocks match
// into the blocks before them.
bytes repeating_rows() {
  bytes rows;
  for (std::uint32_t row = 0; row < 64; ++row)
    for (std::uint32_t x = 0; x < 32; ++x)
      for (std::uint8_t channel = 0; channel < 4; ++channel)
        rows.push_back(static_cast<std::uint8_t>((row % 5) * 40 + x + channel));
  return rows;
}

BOOST_AUTO_TEST_SUITE(lz4)

BOOST_AUTO_TEST_CASE(test_server_text_block_decodes_bit_exact) {
  // vigil-test-server --scene text --compression lz4: the block at (16, 16).
  const bytes payload = read_codec_data("lz4/server-text-608x104.lz4");
  const auto decoded = decode(payload, 608, 104);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(!decoded->has_alpha);
  check_same_pixels(*decoded, crop(read_ppm("lz/server-text-final.ppm.gz"), 16, 16, 608, 104));
}

BOOST_AUTO_TEST_CASE(test_server_blank_screen_decodes_black) {
  const bytes payload = read_codec_data("lz4/server-black-640x480.lz4");
  BOOST_TEST(pixels_of(decode(payload, 640, 480)) == std::vector<std::uint32_t>(640 * 480, 0));
}

BOOST_AUTO_TEST_CASE(truncating_a_real_image_anywhere_is_an_error) {
  const bytes payload = read_codec_data("lz4/server-text-608x104.lz4");
  for (std::size_t size = 0; size < payload.size(); ++size)
    BOOST_REQUIRE_MESSAGE(!decode_lz4(payload.data(), size, 608, 104).ok(), "a " << size << "-byte prefix decoded");
}

BOOST_AUTO_TEST_CASE(blocks_match_into_the_rows_of_earlier_blocks) {
  const bytes rows = repeating_rows();
  const auto decoded = decode(lz4_image(true, SPICE_BITMAP_FMT_RGBA, rows, 32 * 4 * 3), 32, 64);
  const auto pixels = pixels_of(decoded);
  BOOST_TEST(decoded->has_alpha);
  for (std::size_t i = 0; i < pixels.size(); ++i)
    BOOST_REQUIRE_EQUAL(pixels[i], std::uint32_t{rows[4 * i]} | std::uint32_t{rows[4 * i + 1]} << 8 |
                                       std::uint32_t{rows[4 * i + 2]} << 16 | std::uint32_t{rows[4 * i + 3]} << 24);
}

BOOST_AUTO_TEST_CASE(bottom_up_rows_come_out_top_row_first) {
  const bytes rows{1, 0, 0, 0, 2, 0, 0, 0};
  BOOST_TEST(pixels_of(decode(lz4_image(false, SPICE_BITMAP_FMT_32BIT, rows, 4), 1, 2)) ==
             (std::vector<std::uint32_t>{2, 1}));
}

BOOST_AUTO_TEST_CASE(rows_of_16_and_24_bit_and_alpha_formats_convert_like_bitmaps) {
  BOOST_TEST(pixels_of(decode(lz4_image(true, SPICE_BITMAP_FMT_16BIT, {0x00, 0x7C, 0x1F, 0x00}, 4), 2, 1)) ==
             (std::vector<std::uint32_t>{0xFF0000, 0x0000FF}));
  BOOST_TEST(pixels_of(decode(lz4_image(true, SPICE_BITMAP_FMT_24BIT, {3, 2, 1, 6, 5, 4}, 6), 2, 1)) ==
             (std::vector<std::uint32_t>{0x010203, 0x040506}));
  BOOST_TEST(pixels_of(decode(lz4_image(true, SPICE_BITMAP_FMT_8BIT_A, {0x10, 0x20}, 2), 2, 1)) ==
             (std::vector<std::uint32_t>{0x10000000, 0x20000000}));
}

BOOST_AUTO_TEST_CASE(header_shorter_than_2_bytes_is_an_error) {
  BOOST_TEST(error_text(decode({1}, 1, 1)) == "LZ4: header truncated (need 2 bytes, have 1)");
}

BOOST_AUTO_TEST_CASE(top_down_other_than_0_or_1_is_an_error) {
  bytes payload = lz4_image(true, SPICE_BITMAP_FMT_32BIT, bytes(4), 4);
  payload[0] = 2;
  BOOST_TEST(error_text(decode(payload, 1, 1)) == "LZ4: header field top_down is 2 (want 0 or 1)");
}

BOOST_AUTO_TEST_CASE(paletted_or_unknown_formats_are_errors) {
  BOOST_TEST(error_text(decode(lz4_image(true, SPICE_BITMAP_FMT_8BIT, bytes(4), 4), 4, 1)) ==
             "LZ4: bitmap format 5 is not an RGB format");
  BOOST_TEST(error_text(decode(lz4_image(true, 0, bytes(4), 4), 4, 1)) == "LZ4: bitmap format 0 is not an RGB format");
}

BOOST_AUTO_TEST_CASE(empty_or_oversized_images_are_errors) {
  const bytes payload = lz4_image(true, SPICE_BITMAP_FMT_32BIT, bytes(4), 4);
  BOOST_TEST(error_text(decode(payload, 0, 1)) == "LZ4: empty image (0x1)");
  VIGIL_CHECK_CONTAINS(error_text(decode(payload, 16385, 1)), "LZ4: image size 16385x1 exceeds limit");
  BOOST_TEST(error_text(decode(payload, 4000, 4000)) == "LZ4: 4000x4000 pixels cannot come from 11 bytes");
}

BOOST_AUTO_TEST_CASE(block_size_truncated_or_beyond_the_data_is_an_error) {
  const bytes payload = lz4_image(true, SPICE_BITMAP_FMT_32BIT, bytes(16), 16);
  BOOST_TEST(error_text(decode(bytes(payload.begin(), payload.begin() + 4), 2, 2)) ==
             "LZ4: block 0 size truncated at byte 2");
  VIGIL_CHECK_CONTAINS(error_text(decode(bytes(payload.begin(), payload.end() - 1), 2, 2)),
                       "LZ4: block 0 size 10 at byte 2 exceeds the 9 bytes left");
  bytes zero = payload;
  zero[2] = zero[3] = zero[4] = zero[5] = 0;
  VIGIL_CHECK_CONTAINS(error_text(decode(zero, 2, 2)), "LZ4: block 0 size 0 at byte 2");
}

BOOST_AUTO_TEST_CASE(corrupt_block_is_an_error) {
  // No literals, then a match 65535 bytes back from the start of the image.
  const bytes payload{1, SPICE_BITMAP_FMT_32BIT, 0, 0, 0, 3, 0x00, 0xFF, 0xFF};
  BOOST_TEST(error_text(decode(payload, 8, 8)) ==
             "LZ4: block 0 at byte 2 is corrupt or overflows the image (0 of 256 bytes decoded)");
}

BOOST_AUTO_TEST_CASE(blocks_holding_more_or_fewer_rows_than_the_image_are_errors) {
  const bytes rows = repeating_rows();
  VIGIL_CHECK_CONTAINS(error_text(decode(lz4_image(true, SPICE_BITMAP_FMT_32BIT, rows, 1024), 32, 60)),
                       "LZ4: block 7 at byte");
  BOOST_TEST(error_text(decode(lz4_image(true, SPICE_BITMAP_FMT_32BIT, rows, 1024), 32, 65)) ==
             "LZ4: blocks decode to 8192 bytes, the image needs 8320");
  BOOST_TEST(error_text(decode({1, SPICE_BITMAP_FMT_32BIT}, 1, 1)) ==
             "LZ4: blocks decode to 0 bytes, the image needs 4");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
