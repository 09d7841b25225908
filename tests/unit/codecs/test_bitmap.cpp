// Uncompressed bitmaps (protocol/codecs/bitmap.hpp): real server bitmaps bit
// for bit, every SPICE_BITMAP_FMT_* and both row orders, and the size,
// stride and palette checks.
#include <boost/test/unit_test.hpp>
#include <spice/enums.h>

#include "protocol/codecs/bitmap.hpp"
#include "tests/unit/codecs/codec_test_support.hpp"

namespace {

using namespace vigil::protocol;
using vigil::test::bytes;
using vigil::test::check_same_pixels;
using vigil::test::crop;
using vigil::test::error_text;
using vigil::test::read_codec_data;
using vigil::test::read_ppm;

bitmap_layout layout(std::uint8_t format, std::uint32_t width, std::uint32_t height, std::uint32_t stride,
                     bool top_down = true) {
  bitmap_layout l;
  l.format = format;
  l.top_down = top_down;
  l.width = width;
  l.height = height;
  l.stride = stride;
  return l;
}

result<decoded_image> decode(const bitmap_layout& l, const bytes& data, const std::vector<std::uint32_t>& palette = {}) {
  return decode_bitmap(l, data.data(), data.size(), palette);
}

std::vector<std::uint32_t> pixels_of(const result<decoded_image>& decoded) {
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  return decoded->pixels;
}

BOOST_AUTO_TEST_SUITE(bitmap)

BOOST_AUTO_TEST_CASE(qemu_32bit_screen_decodes_bit_exact) {
  const bytes rows = read_codec_data("bitmap/qemu-seabios-720x400-32bit-topdown.bin.gz");
  const auto decoded = decode(layout(SPICE_BITMAP_FMT_32BIT, 720, 400, 2880), rows);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(!decoded->has_alpha);
  check_same_pixels(*decoded, read_ppm("lz/qemu-seabios-720x400.ppm.gz"));
}

BOOST_AUTO_TEST_CASE(qemu_cursor_cell_decodes_bit_exact) {
  const bytes rows = read_codec_data("bitmap/qemu-cursor-9x2-32bit-topdown.bin");
  const auto decoded = decode(layout(SPICE_BITMAP_FMT_32BIT, 9, 2, 36), rows);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  check_same_pixels(*decoded, crop(read_ppm("lz/qemu-seabios-720x400.ppm.gz"), 0, 141, 9, 2));
}

BOOST_AUTO_TEST_CASE(data_of_any_other_size_than_stride_times_height_is_an_error) {
  const bytes rows = read_codec_data("bitmap/qemu-cursor-9x2-32bit-topdown.bin");
  for (std::size_t size = 0; size < rows.size(); ++size)
    VIGIL_CHECK_CONTAINS(error_text(decode_bitmap(layout(SPICE_BITMAP_FMT_32BIT, 9, 2, 36), rows.data(), size, {})),
                         "BITMAP: data holds " + std::to_string(size) + " bytes, 2 rows of stride 36 need 72");
  bytes longer = rows;
  longer.push_back(0);
  VIGIL_CHECK_CONTAINS(error_text(decode(layout(SPICE_BITMAP_FMT_32BIT, 9, 2, 36), longer)), "BITMAP: data holds 73");
}

BOOST_AUTO_TEST_CASE(bottom_up_rows_come_out_top_row_first) {
  const bytes rows{1, 0, 0, 0, 2, 0, 0, 0};
  BOOST_TEST(pixels_of(decode(layout(SPICE_BITMAP_FMT_32BIT, 1, 2, 4, false), rows)) ==
             (std::vector<std::uint32_t>{2, 1}));
}

BOOST_AUTO_TEST_CASE(x_byte_of_32bit_pixels_is_cleared) {
  const bytes rows{0x33, 0x22, 0x11, 0xFF};
  const auto decoded = decode(layout(SPICE_BITMAP_FMT_32BIT, 1, 1, 4), rows);
  BOOST_TEST(pixels_of(decoded) == std::vector<std::uint32_t>{0x112233});
  BOOST_TEST(!decoded->has_alpha);
}

BOOST_AUTO_TEST_CASE(rgba_keeps_its_alpha) {
  const auto decoded = decode(layout(SPICE_BITMAP_FMT_RGBA, 1, 1, 4), {0x33, 0x22, 0x11, 0x80});
  BOOST_TEST(pixels_of(decoded) == std::vector<std::uint32_t>{0x80112233});
  BOOST_TEST(decoded->has_alpha);
}

BOOST_AUTO_TEST_CASE(rows_of_24bit_pixels_are_blue_green_red_and_may_be_padded) {
  const bytes rows{0x33, 0x22, 0x11, 0xFF, 0xEE, 0xDD, 0, 0};
  BOOST_TEST(pixels_of(decode(layout(SPICE_BITMAP_FMT_24BIT, 2, 1, 8), rows)) ==
             (std::vector<std::uint32_t>{0x112233, 0xDDEEFF}));
}

BOOST_AUTO_TEST_CASE(pixels_of_16bit_are_little_endian_555_expanded) {
  const bytes rows{0xFF, 0x7F, 0x00, 0x7C, 0x21, 0x04};
  BOOST_TEST(pixels_of(decode(layout(SPICE_BITMAP_FMT_16BIT, 3, 1, 6), rows)) ==
             (std::vector<std::uint32_t>{0xFFFFFF, 0xFF0000, 0x080808}));
}

BOOST_AUTO_TEST_CASE(alpha_of_8bit_a_goes_to_the_alpha_byte) {
  const auto decoded = decode(layout(SPICE_BITMAP_FMT_8BIT_A, 2, 1, 2), {0x00, 0xFF});
  BOOST_TEST(pixels_of(decoded) == (std::vector<std::uint32_t>{0, 0xFF000000}));
  BOOST_TEST(decoded->has_alpha);
  BOOST_TEST(decoded->alpha_only);
}

BOOST_AUTO_TEST_CASE(pixels_of_8bit_index_the_palette) {
  BOOST_TEST(pixels_of(decode(layout(SPICE_BITMAP_FMT_8BIT, 3, 1, 4), {2, 0, 1, 77}, {0x10, 0x20, 0x30})) ==
             (std::vector<std::uint32_t>{0x30, 0x10, 0x20}));
}

BOOST_AUTO_TEST_CASE(palette_entries_lose_their_top_byte) {
  BOOST_TEST(pixels_of(decode(layout(SPICE_BITMAP_FMT_8BIT, 1, 1, 1), {0}, {0xAB123456})) ==
             std::vector<std::uint32_t>{0x123456});
}

BOOST_AUTO_TEST_CASE(nibbles_of_4bit_le_come_low_first_and_be_high_first) {
  const std::vector<std::uint32_t> palette{0, 1, 2, 3};
  BOOST_TEST(pixels_of(decode(layout(SPICE_BITMAP_FMT_4BIT_LE, 3, 1, 2), {0x21, 0x03}, palette)) ==
             (std::vector<std::uint32_t>{1, 2, 3}));
  BOOST_TEST(pixels_of(decode(layout(SPICE_BITMAP_FMT_4BIT_BE, 3, 1, 2), {0x21, 0x30}, palette)) ==
             (std::vector<std::uint32_t>{2, 1, 3}));
}

BOOST_AUTO_TEST_CASE(bits_of_1bit_le_come_low_first_and_be_high_first) {
  const std::vector<std::uint32_t> palette{0x000000, 0xFFFFFF};
  BOOST_TEST(pixels_of(decode(layout(SPICE_BITMAP_FMT_1BIT_LE, 10, 1, 2), {0x01, 0x02}, palette)) ==
             (std::vector<std::uint32_t>{0xFFFFFF, 0, 0, 0, 0, 0, 0, 0, 0, 0xFFFFFF}));
  BOOST_TEST(pixels_of(decode(layout(SPICE_BITMAP_FMT_1BIT_BE, 10, 1, 2), {0x80, 0x40}, palette)) ==
             (std::vector<std::uint32_t>{0xFFFFFF, 0, 0, 0, 0, 0, 0, 0, 0, 0xFFFFFF}));
}

BOOST_AUTO_TEST_CASE(one_bit_bitmap_without_palette_is_an_opaque_mask) {
  const auto decoded = decode(layout(SPICE_BITMAP_FMT_1BIT_BE, 2, 1, 1), {0x80});
  BOOST_TEST(pixels_of(decoded) == (std::vector<std::uint32_t>{0xFFFFFFFF, 0}));
  BOOST_TEST(decoded->has_alpha);
}

BOOST_AUTO_TEST_CASE(other_paletted_bitmap_without_palette_is_an_error) {
  BOOST_TEST(error_text(decode(layout(SPICE_BITMAP_FMT_4BIT_BE, 2, 1, 1), {0})) ==
             "BITMAP: 4BIT_BE bitmap without a palette");
}

BOOST_AUTO_TEST_CASE(palette_index_beyond_the_palette_is_an_error) {
  BOOST_TEST(error_text(decode(layout(SPICE_BITMAP_FMT_8BIT, 2, 2, 2), {0, 0, 0, 3}, {1, 2})) ==
             "BITMAP: pixel 1 of data row 1 uses palette index 3 beyond the 2-entry palette");
}

BOOST_AUTO_TEST_CASE(unknown_formats_are_errors) {
  BOOST_TEST(error_text(decode(layout(0, 1, 1, 4), {0, 0, 0, 0})) == "BITMAP: unknown bitmap format 0");
  BOOST_TEST(error_text(decode(layout(11, 1, 1, 4), {0, 0, 0, 0})) == "BITMAP: unknown bitmap format 11");
}

BOOST_AUTO_TEST_CASE(empty_or_oversized_bitmaps_are_errors) {
  BOOST_TEST(error_text(decode(layout(SPICE_BITMAP_FMT_32BIT, 0, 1, 4), {})) == "BITMAP: empty image (0x1)");
  VIGIL_CHECK_CONTAINS(error_text(decode(layout(SPICE_BITMAP_FMT_32BIT, 1, 16385, 4), {})),
                       "BITMAP: image size 1x16385 exceeds limit");
}

BOOST_AUTO_TEST_CASE(stride_shorter_than_a_row_is_an_error) {
  BOOST_TEST(error_text(decode(layout(SPICE_BITMAP_FMT_24BIT, 3, 1, 8), bytes(8))) ==
             "BITMAP: stride 8 shorter than a 24BIT row of 3 pixels (9 bytes)");
  BOOST_TEST(error_text(decode(layout(SPICE_BITMAP_FMT_1BIT_LE, 9, 1, 1), {0}, {0, 1})) ==
             "BITMAP: stride 1 shorter than a 1BIT_LE row of 9 pixels (2 bytes)");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
