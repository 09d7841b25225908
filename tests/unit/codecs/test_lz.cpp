// LZ_RGB and LZ_PLT (protocol/codecs/lz.hpp): bit-exact decodes of images a
// real server sent, each image type on small streams laid out like
// spice-common's encoder output, and every malformed header and stream.
#include <boost/test/unit_test.hpp>

#include "protocol/codecs/lz.hpp"
#include "protocol/codecs/lz_common.hpp"
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

constexpr std::uint32_t plt1_le = 1, plt1_be = 2, plt4_le = 3, plt4_be = 4, plt8 = 5, rgb16 = 6, rgb24 = 7,
                        rgb32 = 8, rgba = 9, xxxa = 10, a8 = 11;

// Two-row RGB32 images: literal B,G,R bytes give pixel 0x00RRGGBB.
lz_stream_builder two_pixel_rows(bool top_down) {
  // Row 0 (stream order): red, green; row 1: blue, white.
  return lz_stream_builder::lz(rgb32, 2, 2, 8, top_down)
      .literals(4, {0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255});
}

result<decoded_image> decode_rgb(const bytes& stream) { return decode_lz_rgb(stream.data(), stream.size()); }

std::string rgb_error(const bytes& stream) { return error_text(decode_rgb(stream)); }

bytes header_with(std::size_t word, std::uint32_t value) {
  bytes stream = two_pixel_rows(true).out;
  for (int i = 0; i < 4; ++i)
    stream[word * 4 + i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
  return stream;
}

BOOST_AUTO_TEST_SUITE(lz)

BOOST_AUTO_TEST_CASE(qemu_rgb32_screen_decodes_bit_exact) {
  const bytes payload = read_codec_data("lz/qemu-seabios-720x400-rgb32.lz");
  const auto decoded = decode_lz_rgb(payload.data(), payload.size());
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(!decoded->has_alpha);
  check_same_pixels(*decoded, read_ppm("lz/qemu-seabios-720x400.ppm.gz"));
}

BOOST_AUTO_TEST_CASE(qemu_cursor_cell_decodes_bit_exact) {
  const bytes payload = read_codec_data("lz/qemu-cursor-9x2-rgb32.lz");
  const auto decoded = decode_lz_rgb(payload.data(), payload.size());
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  check_same_pixels(*decoded, crop(read_ppm("lz/qemu-seabios-720x400.ppm.gz"), 0, 141, 9, 2));
}

BOOST_AUTO_TEST_CASE(test_server_text_blocks_decode_bit_exact) {
  // vigil-test-server --scene text --compression lz: the first text block at
  // (16, 16) and the corner block at (304, 344) of the final screen.
  const auto screen = read_ppm("lz/server-text-final.ppm.gz");
  const bytes block = read_codec_data("lz/server-text-608x104-rgb32.lz");
  const auto first = decode_lz_rgb(block.data(), block.size());
  BOOST_REQUIRE_MESSAGE(first.ok(), error_text(first));
  check_same_pixels(*first, crop(screen, 16, 16, 608, 104));
  const bytes corner = read_codec_data("lz/server-text-320x120-rgb32.lz");
  const auto last = decode_lz_rgb(corner.data(), corner.size());
  BOOST_REQUIRE_MESSAGE(last.ok(), error_text(last));
  check_same_pixels(*last, crop(screen, 304, 344, 320, 120));
}

BOOST_AUTO_TEST_CASE(truncating_a_real_image_anywhere_is_an_error) {
  const bytes payload = read_codec_data("lz/qemu-seabios-720x400-rgb32.lz");
  for (std::size_t size = 0; size < payload.size(); ++size) {
    const auto decoded = decode_lz_rgb(payload.data(), size);
    BOOST_REQUIRE_MESSAGE(!decoded.ok(), "a " << size << "-byte prefix decoded");
  }
}

BOOST_AUTO_TEST_CASE(top_down_rows_keep_their_order) {
  const auto decoded = decode_rgb(two_pixel_rows(true).out);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF}));
}

BOOST_AUTO_TEST_CASE(bottom_up_rows_come_out_top_row_first) {
  const auto decoded = decode_rgb(two_pixel_rows(false).out);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{0x0000FF, 0xFFFFFF, 0xFF0000, 0x00FF00}));
}

BOOST_AUTO_TEST_CASE(match_of_distance_one_repeats_the_previous_pixel) {
  const bytes stream =
      lz_stream_builder::lz(rgb32, 300, 1, 1200, true).literals(1, {1, 2, 3}).match(299, 1, 1).out;
  const auto decoded = decode_rgb(stream);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == std::vector<std::uint32_t>(300, 0x030201));
}

BOOST_AUTO_TEST_CASE(overlapping_match_repeats_a_pattern) {
  const bytes stream = lz_stream_builder::lz(rgb32, 8, 1, 32, true)
                           .literals(2, {1, 0, 0, 2, 0, 0})
                           .match(6, 1, 2)
                           .out;
  const auto decoded = decode_rgb(stream);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{1, 2, 1, 2, 1, 2, 1, 2}));
}

BOOST_AUTO_TEST_CASE(far_distance_escape_reaches_beyond_8191_pixels) {
  // Pixel 0 is unique, 1..8999 repeat one colour; a match 9000 back copies pixel 0 again.
  const bytes stream = lz_stream_builder::lz(rgb32, 10000, 1, 40000, true)
                           .literals(2, {9, 9, 9, 7, 7, 7})
                           .match(8998, 1, 1)
                           .match(1000, 1, 9000)
                           .out;
  const auto decoded = decode_rgb(stream);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels[9000] == 0x090909u);
  BOOST_TEST(decoded->pixels[9001] == 0x070707u);
}

BOOST_AUTO_TEST_CASE(rgb24_streams_decode_like_rgb32) {
  bytes stream = two_pixel_rows(true).out;
  stream[11] = rgb24;
  const auto decoded = decode_rgb(stream);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF}));
}

BOOST_AUTO_TEST_CASE(rgb16_pixels_expand_555_to_eight_bits_a_channel) {
  // Big-endian x1r5g5b5: white, pure red, r=g=b=1, then a 2-pixel match (the shortest).
  const bytes stream = lz_stream_builder::lz(rgb16, 5, 1, 10, true)
                           .literals(3, {0x7F, 0xFF, 0x7C, 0x00, 0x04, 0x21})
                           .match(2, 2, 3)
                           .out;
  const auto decoded = decode_rgb(stream);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{0xFFFFFF, 0xFF0000, 0x080808, 0xFFFFFF, 0xFF0000}));
}

BOOST_AUTO_TEST_CASE(rgba_second_pass_sets_the_alpha_of_each_pixel) {
  const bytes stream = lz_stream_builder::lz(rgba, 4, 1, 16, true)
                           .literals(4, {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4})
                           .literals(1, {0x80})
                           .match(3, 3, 1)
                           .out;
  const auto decoded = decode_rgb(stream);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->has_alpha);
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{0x80010101, 0x80020202, 0x80030303, 0x80040404}));
}

BOOST_AUTO_TEST_CASE(a8_images_carry_alpha_only) {
  const bytes stream = lz_stream_builder::lz(a8, 4, 1, 4, true).literals(4, {0, 0x40, 0x80, 0xFF}).out;
  const auto decoded = decode_rgb(stream);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->has_alpha);
  BOOST_TEST(decoded->alpha_only);
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{0, 0x40000000, 0x80000000, 0xFF000000}));
}

BOOST_AUTO_TEST_CASE(plt8_bytes_index_the_palette_and_skip_row_padding) {
  // 3 pixels a row in a 4-byte stride; the padding byte 9 is no pixel.
  const bytes stream = lz_stream_builder::lz(plt8, 3, 2, 4, true).literals(8, {0, 1, 2, 9, 2, 1, 0, 9}).out;
  const auto decoded = decode_lz_plt(stream.data(), stream.size(), {0x000000, 0x112233, 0xFFFFFF});
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{0, 0x112233, 0xFFFFFF, 0xFFFFFF, 0x112233, 0}));
}

BOOST_AUTO_TEST_CASE(plt4_le_takes_the_low_nibble_first_and_be_the_high) {
  const std::vector<std::uint32_t> palette{0x000001, 0x000002};
  const bytes le = lz_stream_builder::lz(plt4_le, 2, 1, 1, true).literals(1, {0x10}).out;
  const bytes be = lz_stream_builder::lz(plt4_be, 2, 1, 1, true).literals(1, {0x10}).out;
  const auto from_le = decode_lz_plt(le.data(), le.size(), palette);
  const auto from_be = decode_lz_plt(be.data(), be.size(), palette);
  BOOST_REQUIRE_MESSAGE(from_le.ok() && from_be.ok(), error_text(from_le) << error_text(from_be));
  BOOST_TEST(from_le->pixels == (std::vector<std::uint32_t>{1, 2}));
  BOOST_TEST(from_be->pixels == (std::vector<std::uint32_t>{2, 1}));
}

BOOST_AUTO_TEST_CASE(plt1_le_takes_the_low_bit_first_and_be_the_high) {
  const std::vector<std::uint32_t> palette{0x000000, 0xFFFFFF};
  const bytes le = lz_stream_builder::lz(plt1_le, 3, 1, 1, true).literals(1, {0x01}).out;
  const bytes be = lz_stream_builder::lz(plt1_be, 3, 1, 1, true).literals(1, {0x01}).out;
  const auto from_le = decode_lz_plt(le.data(), le.size(), palette);
  const auto from_be = decode_lz_plt(be.data(), be.size(), palette);
  BOOST_REQUIRE_MESSAGE(from_le.ok() && from_be.ok(), error_text(from_le) << error_text(from_be));
  BOOST_TEST(from_le->pixels == (std::vector<std::uint32_t>{0xFFFFFF, 0, 0}));
  BOOST_TEST(from_be->pixels == (std::vector<std::uint32_t>{0, 0, 0}));
}

BOOST_AUTO_TEST_CASE(palette_index_beyond_the_palette_is_an_error) {
  const bytes stream = lz_stream_builder::lz(plt8, 2, 1, 2, true).literals(2, {0, 5}).out;
  VIGIL_CHECK_CONTAINS(error_text(decode_lz_plt(stream.data(), stream.size(), {0x000000, 0x111111})),
                       "LZ_PLT: pixel 1 of data row 0 uses palette index 5 beyond the 2-entry palette");
}

BOOST_AUTO_TEST_CASE(palette_image_without_palette_is_an_error) {
  const bytes stream = lz_stream_builder::lz(plt8, 2, 1, 2, true).literals(2, {0, 0}).out;
  VIGIL_CHECK_CONTAINS(error_text(decode_lz_plt(stream.data(), stream.size(), {})), "LZ_PLT: no palette");
}

BOOST_AUTO_TEST_CASE(palette_stride_shorter_than_a_row_is_an_error) {
  const bytes stream = lz_stream_builder::lz(plt8, 4, 1, 3, true).literals(3, {0, 0, 0}).out;
  VIGIL_CHECK_CONTAINS(error_text(decode_lz_plt(stream.data(), stream.size(), {0})), "LZ_PLT: stride 3 shorter");
}

// Security review H3: the stride of a palette image chose the allocation
// (stride x height bytes), so a 1-pixel-wide image could ask for gigabytes.
BOOST_AUTO_TEST_CASE(palette_stride_longer_than_a_decoded_row_is_refused_before_allocating) {
  lz_stream_builder builder = lz_stream_builder::lz(plt8, 1, 1024, 65536, true);
  bytes stream = builder.literals(1, {0}).out;
  stream.resize(stream.size() + 65536 * 4, 0);  // enough bytes to pass the stream-size check
  VIGIL_CHECK_CONTAINS(error_text(decode_lz_plt(stream.data(), stream.size(), {0})),
                       "LZ_PLT: stride 65536 is more than 68 for a row of 1 pixels");
}

BOOST_AUTO_TEST_CASE(header_larger_than_the_caller_allows_is_refused_before_allocating) {
  const bytes stream = two_pixel_rows(true).out;
  VIGIL_CHECK_CONTAINS(error_text(decode_lz_rgb(stream.data(), stream.size(), 3)),
                       "LZ_RGB: image size 2x2 is more than the 3 pixels the image may have");
  const bytes plt = lz_stream_builder::lz(plt8, 3, 2, 4, true).literals(8, {0, 1, 2, 9, 2, 1, 0, 9}).out;
  VIGIL_CHECK_CONTAINS(error_text(decode_lz_plt(plt.data(), plt.size(), {0, 1, 2}, 5)),
                       "LZ_PLT: image size 3x2 is more than the 5 pixels");
}

BOOST_AUTO_TEST_CASE(rgb_type_sent_as_lz_plt_is_an_error) {
  const bytes stream = two_pixel_rows(true).out;
  VIGIL_CHECK_CONTAINS(error_text(decode_lz_plt(stream.data(), stream.size(), {0})),
                       "LZ_PLT: image type RGB32 (8) is not a palette type");
}

BOOST_AUTO_TEST_CASE(palette_type_sent_as_lz_rgb_is_an_error) {
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(2, plt8)), "LZ_RGB: image type PLT8 is paletted");
}

BOOST_AUTO_TEST_CASE(xxxa_alone_is_an_error) {
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(2, xxxa)), "LZ_RGB: image type XXXA only occurs inside JPEG_ALPHA");
}

BOOST_AUTO_TEST_CASE(unknown_image_types_are_errors) {
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(2, 0)), "LZ_RGB: unknown image type 0");
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(2, 12)), "LZ_RGB: unknown image type 12");
}

BOOST_AUTO_TEST_CASE(header_shorter_than_28_bytes_is_an_error) {
  const bytes stream = two_pixel_rows(true).out;
  for (std::size_t size = 0; size < 28; ++size)
    VIGIL_CHECK_CONTAINS(error_text(decode_lz_rgb(stream.data(), size)), "LZ_RGB: header truncated");
}

BOOST_AUTO_TEST_CASE(wrong_magic_is_an_error) {
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(0, 0x4C5A2020)), "LZ_RGB: bad magic 0x4c5a2020");
}

BOOST_AUTO_TEST_CASE(other_version_is_an_error) {
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(1, 0x00010002)), "LZ_RGB: unsupported version 0x10002");
}

BOOST_AUTO_TEST_CASE(zero_width_or_height_is_an_error) {
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(3, 0)), "LZ_RGB: empty image (0x2)");
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(4, 0)), "LZ_RGB: empty image (2x0)");
}

BOOST_AUTO_TEST_CASE(size_beyond_16384_is_an_error) {
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(3, 16385)), "LZ_RGB: image size 16385x2 exceeds limit");
}

BOOST_AUTO_TEST_CASE(top_down_other_than_0_or_1_is_an_error) {
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(6, 2)), "LZ_RGB: header field top_down is 2");
}

BOOST_AUTO_TEST_CASE(size_no_stream_that_short_can_hold_is_an_error) {
  VIGIL_CHECK_CONTAINS(rgb_error(header_with(3, 10000)), "LZ_RGB: 10000x2 pixels cannot come from a 13-byte stream");
}

BOOST_AUTO_TEST_CASE(match_reaching_before_the_image_is_an_error) {
  const bytes stream = lz_stream_builder::lz(rgb32, 1024, 1, 4096, true)
                           .literals(32, bytes(96, 1))
                           .match(480, 1, 32)
                           .match(100, 1, 900)
                           .out;
  VIGIL_CHECK_CONTAINS(rgb_error(stream), "LZ_RGB: match distance 900 exceeds decoded pixels (512)");
}

BOOST_AUTO_TEST_CASE(literal_run_past_the_image_end_is_an_error) {
  const bytes stream = lz_stream_builder::lz(rgb32, 3, 1, 12, true).literals(4, bytes(12, 0)).out;
  VIGIL_CHECK_CONTAINS(rgb_error(stream), "LZ_RGB: run of 4 literal pixels at 0 overflows the image (3 pixels)");
}

BOOST_AUTO_TEST_CASE(match_past_the_image_end_is_an_error) {
  const bytes stream = lz_stream_builder::lz(rgb32, 3, 1, 12, true).literals(1, {0, 0, 0}).match(3, 1, 1).out;
  VIGIL_CHECK_CONTAINS(rgb_error(stream), "LZ_RGB: match of 3 pixels at 1 overflows the image (3 pixels)");
}

BOOST_AUTO_TEST_CASE(bytes_after_the_image_are_an_error) {
  const bytes stream = two_pixel_rows(true).raw({0}).out;
  VIGIL_CHECK_CONTAINS(rgb_error(stream), "LZ_RGB: 1 bytes left after the image");
}

BOOST_AUTO_TEST_CASE(rgba_without_its_alpha_pass_is_an_error) {
  const bytes stream = lz_stream_builder::lz(rgba, 1, 1, 4, true).literals(1, {1, 1, 1}).out;
  VIGIL_CHECK_CONTAINS(rgb_error(stream), "LZ_RGB: stream truncated at byte 32 with 0 of 1 alpha values decoded");
}

// The block copy of an overlapping match against its definition, one unit
// after another: every distance and length up to 40, pixel and byte units,
// byte-equal and mixed values at distance 1.
template <class Unit>
void check_copy_back_against_unit_loop(Unit first) {
  for (std::size_t distance = 1; distance <= 40; ++distance)
    for (std::size_t count = 1; count <= 40; ++count) {
      std::vector<Unit> expected(distance + count), actual(distance + count);
      for (std::size_t i = 0; i < distance; ++i)
        expected[i] = actual[i] = static_cast<Unit>(first + static_cast<Unit>(i * 37));
      for (std::size_t i = distance; i < distance + count; ++i)
        expected[i] = expected[i - distance];
      lz_detail::copy_back_units(actual.data() + distance, distance, count);
      BOOST_TEST_CONTEXT("distance " << distance << ", count " << count) { BOOST_TEST(actual == expected); }
    }
}

BOOST_AUTO_TEST_CASE(overlapping_matches_repeat_the_units_before_them) {
  check_copy_back_against_unit_loop<std::uint32_t>(0x00A1B2C3u);
  check_copy_back_against_unit_loop<std::uint32_t>(0u);           // byte-equal at distance 1: a memset
  check_copy_back_against_unit_loop<std::uint32_t>(0x5A5A5A5Au);  // byte-equal, not zero
  check_copy_back_against_unit_loop<std::uint8_t>(7);
}

// decode_lz_rgb_into: the surface's own rows get exactly decode_lz_rgb's pixels.
decoded_image decoded_into(const bytes& stream, std::uint32_t width, std::uint32_t height) {
  decoded_image image;
  image.width = width;
  image.height = height;
  image.pixels.assign(std::size_t{width} * height, 0xDEADBEEF);
  const auto done = decode_lz_rgb_into(stream.data(), stream.size(), width, height, image.pixels.data());
  BOOST_REQUIRE_MESSAGE(done.ok(), error_text(done));
  BOOST_REQUIRE(*done);
  return image;
}

BOOST_AUTO_TEST_CASE(decoding_into_rows_gives_the_decoded_pixels) {
  const bytes payload = read_codec_data("lz/qemu-seabios-720x400-rgb32.lz");
  check_same_pixels(decoded_into(payload, 720, 400), read_ppm("lz/qemu-seabios-720x400.ppm.gz"));
  for (const bool top_down : {true, false}) {
    const bytes stream = two_pixel_rows(top_down).out;
    const auto decoded = decode_rgb(stream);
    BOOST_REQUIRE(decoded.ok());
    BOOST_TEST(decoded_into(stream, 2, 2).pixels == decoded->pixels);
  }
}

BOOST_AUTO_TEST_CASE(decoding_into_rows_declines_other_sizes_and_a8_untouched) {
  std::vector<std::uint32_t> rows(8, 0xDEADBEEF);
  const bytes stream = two_pixel_rows(true).out;
  for (const auto& [width, height] : {std::pair{4u, 1u}, std::pair{2u, 4u}}) {
    const auto done = decode_lz_rgb_into(stream.data(), stream.size(), width, height, rows.data());
    BOOST_REQUIRE(done.ok());
    BOOST_TEST(!*done);
  }
  const bytes alpha = lz_stream_builder::lz(a8, 4, 1, 4, true).literals(4, {0, 0x40, 0x80, 0xFF}).out;
  const auto done = decode_lz_rgb_into(alpha.data(), alpha.size(), 4, 1, rows.data());
  BOOST_REQUIRE(done.ok());
  BOOST_TEST(!*done);
  BOOST_TEST(rows == std::vector<std::uint32_t>(8, 0xDEADBEEF));
}

BOOST_AUTO_TEST_CASE(decoding_a_truncated_image_into_rows_is_decode_lz_rgbs_error) {
  const bytes payload = read_codec_data("lz/qemu-seabios-720x400-rgb32.lz");
  std::vector<std::uint32_t> rows(720 * 400);
  for (const std::size_t size : {payload.size() / 2, payload.size() - 1}) {
    const auto done = decode_lz_rgb_into(payload.data(), size, 720, 400, rows.data());
    BOOST_REQUIRE(!done.ok());
    BOOST_TEST(error_text(done) == error_text(decode_lz_rgb(payload.data(), size)));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
