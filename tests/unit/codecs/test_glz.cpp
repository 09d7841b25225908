// GLZ_RGB and ZLIB_GLZ_RGB (protocol/codecs/glz.hpp): real server images,
// matches into earlier images of the shared window, how the window follows
// the server's (eviction by win_head_dist, out-of-order arrival, the memory
// bound), and every malformed header, reference and zlib wrapper.
#include <boost/test/unit_test.hpp>
#include <zlib.h>

#include "protocol/codecs/glz.hpp"
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

constexpr std::uint32_t plt8 = 5, rgb16 = 6, rgb32 = 8, rgba = 9;

bytes bgr(const std::vector<std::uint32_t>& pixels) {
  bytes out;
  for (std::uint32_t p : pixels) {
    out.push_back(static_cast<std::uint8_t>(p));
    out.push_back(static_cast<std::uint8_t>(p >> 8));
    out.push_back(static_cast<std::uint8_t>(p >> 16));
  }
  return out;
}

lz_stream_builder glz_header(std::uint64_t id, std::uint32_t win_head_dist, std::uint32_t width,
                             std::uint32_t height = 1, bool top_down = true, std::uint32_t type = rgb32) {
  return lz_stream_builder::glz(type, width, height, top_down, id, win_head_dist);
}

// An RGB32 image of at most 32 pixels, all literals.
bytes literal_image(std::uint64_t id, std::uint32_t win_head_dist, const std::vector<std::uint32_t>& pixels,
                    std::uint32_t width = 0, bool top_down = true) {
  width = width == 0 ? static_cast<std::uint32_t>(pixels.size()) : width;
  return glz_header(id, win_head_dist, width, static_cast<std::uint32_t>(pixels.size()) / width, top_down)
      .literals(pixels.size(), bgr(pixels))
      .out;
}

result<decoded_image> decode(const bytes& stream, glz_window& window) {
  return decode_glz_rgb(stream.data(), stream.size(), window);
}

void require_decodes(const bytes& stream, glz_window& window) {
  const auto decoded = decode(stream, window);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
}

bytes zlib_body(const bytes& glz, std::uint32_t claimed_glz_size, std::size_t drop_tail = 0) {
  uLongf packed_size = compressBound(glz.size());
  bytes packed(packed_size);
  BOOST_REQUIRE(compress2(packed.data(), &packed_size, glz.data(), glz.size(), 6) == Z_OK);
  packed.resize(packed_size - drop_tail);
  bytes body;
  for (std::uint32_t v : {claimed_glz_size, static_cast<std::uint32_t>(packed.size())})
    for (int shift = 0; shift < 32; shift += 8)
      body.push_back(static_cast<std::uint8_t>(v >> shift));
  body.insert(body.end(), packed.begin(), packed.end());
  return body;
}

std::string zlib_error(const bytes& body) {
  glz_window window(1000);
  return error_text(decode_zlib_glz_rgb(body.data(), body.size(), window));
}

BOOST_AUTO_TEST_SUITE(glz)

BOOST_AUTO_TEST_CASE(qemu_blinking_cursor_cells_decode_bit_exact) {
  // QEMU's text cursor blinks: even ids are the hidden cell, odd ids the
  // underline as the screendump shows it.
  const auto visible = crop(read_ppm("lz/qemu-seabios-720x400.ppm.gz"), 0, 141, 9, 2);
  const decoded_image hidden{9, 2, std::vector<std::uint32_t>(18, 0), false};
  glz_window window(1 << 20);
  for (int id = 0; id < 4; ++id) {
    const bytes payload = read_codec_data("glz/qemu-cursor-id" + std::to_string(id) + ".glz");
    const auto decoded = decode(payload, window);
    BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
    check_same_pixels(*decoded, id % 2 ? visible : hidden);
  }
  BOOST_TEST(window.images_held() == 4u);
  BOOST_TEST(window.pixels_held() == 72u);
}

// vigil-test-server --scene text --compression glz: five text blocks, each
// matching glyphs of the blocks before it; block 3 is later overdrawn by
// block 4, so it is checked against the screen before that.
struct text_block {
  std::uint32_t left, top, width, height;
  const char* screen;
};
const text_block text_blocks[] = {{16, 16, 608, 104, "lz/server-text-final.ppm.gz"},
                                  {16, 128, 608, 104, "lz/server-text-final.ppm.gz"},
                                  {16, 240, 608, 104, "lz/server-text-final.ppm.gz"},
                                  {16, 352, 608, 104, "lz/server-text-step-004.ppm.gz"},
                                  {304, 344, 320, 120, "lz/server-text-final.ppm.gz"}};

void check_text_blocks(const char* extension,
                       result<decoded_image> (*decoder)(const std::uint8_t*, std::size_t, glz_window&)) {
  glz_window window(1 << 22);
  for (int id = 0; id < 5; ++id) {
    const bytes payload = read_codec_data("glz/server-text-id" + std::to_string(id) + extension);
    const auto decoded = decoder(payload.data(), payload.size(), window);
    BOOST_REQUIRE_MESSAGE(decoded.ok(), "image id " << id << ": " << error_text(decoded));
    const text_block& block = text_blocks[id];
    check_same_pixels(*decoded, crop(read_ppm(block.screen), block.left, block.top, block.width, block.height));
  }
  BOOST_TEST(window.images_held() == 5u);
}

BOOST_AUTO_TEST_CASE(test_server_text_blocks_decode_bit_exact_across_images) {
  check_text_blocks(".glz", decode_glz_rgb);
}

BOOST_AUTO_TEST_CASE(test_server_zlib_wrapped_text_blocks_decode_bit_exact) {
  check_text_blocks(".zlib-glz", decode_zlib_glz_rgb);
}

BOOST_AUTO_TEST_CASE(real_image_referencing_an_unknown_image_is_an_error) {
  const bytes second = read_codec_data("glz/server-text-id1.glz");
  glz_window window(1 << 22);
  BOOST_TEST(error_text(decode(second, window)) == "GLZ: reference to image id 0 not in the window");
}

BOOST_AUTO_TEST_CASE(truncating_a_real_image_anywhere_is_an_error_and_adds_nothing) {
  const bytes payload = read_codec_data("glz/server-text-id0.glz");
  glz_window window(1 << 20);
  for (std::size_t size = 0; size < payload.size(); ++size)
    BOOST_REQUIRE_MESSAGE(!decode_glz_rgb(payload.data(), size, window).ok(), "a " << size << "-byte prefix decoded");
  BOOST_TEST(window.images_held() == 0u);
}

BOOST_AUTO_TEST_CASE(match_copies_pixels_of_an_earlier_image) {
  glz_window window(1000);
  require_decodes(literal_image(0, 0, {1, 2, 3, 4}), window);
  const bytes second = glz_header(1, 1, 4).far_match(3, 1, 1, 1).literals(1, bgr({9})).out;
  const auto decoded = decode(second, window);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{2, 3, 4, 9}));
}

BOOST_AUTO_TEST_CASE(offsets_into_bottom_up_images_count_in_decode_order) {
  glz_window window(1000);
  const auto first = decode(literal_image(0, 0, {1, 2, 3, 4}, 2, false), window);
  BOOST_REQUIRE_MESSAGE(first.ok(), error_text(first));
  BOOST_TEST(first->pixels == (std::vector<std::uint32_t>{3, 4, 1, 2}));
  const auto second = decode(glz_header(1, 1, 2).far_match(2, 1, 1, 0).out, window);
  BOOST_REQUIRE_MESSAGE(second.ok(), error_text(second));
  BOOST_TEST(second->pixels == (std::vector<std::uint32_t>{1, 2}));
}

BOOST_AUTO_TEST_CASE(long_offsets_and_multi_byte_image_distances_decode) {
  // Image 0 has 5000 pixels, so offset 4500 needs the long offset form;
  // image 300 reaches back 300 ids, which needs an extra distance byte.
  glz_window window(100000);
  const bytes big = glz_header(0, 0, 5000).literals(1, bgr({7})).match(4498, 1, 1).literals(1, bgr({8})).match(500, 1, 1).out;
  require_decodes(big, window);
  const auto decoded = decode(glz_header(300, 300, 3).far_match(3, 1, 300, 4499).out, window);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{8, 8, 8}));
  const auto before = decode(glz_header(301, 301, 2).far_match(2, 1, 301, 4498).out, window);
  BOOST_REQUIRE_MESSAGE(before.ok(), error_text(before));
  BOOST_TEST(before->pixels == (std::vector<std::uint32_t>{7, 8}));
}

BOOST_AUTO_TEST_CASE(rgba_alpha_pass_copies_alpha_from_an_earlier_image) {
  glz_window window(1000);
  const bytes first = glz_header(0, 0, 3, 1, true, rgba).literals(3, bgr({1, 2, 3})).literals(3, {10, 20, 30}).out;
  require_decodes(first, window);
  const bytes second =
      glz_header(1, 1, 3, 1, true, rgba).literals(3, bgr({4, 5, 6})).far_match(3, 3, 1, 0).out;
  const auto decoded = decode(second, window);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->has_alpha);
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{0x0A000004, 0x14000005, 0x1E000006}));
}

BOOST_AUTO_TEST_CASE(rgb16_images_match_into_earlier_expanded_pixels) {
  glz_window window(1000);
  require_decodes(glz_header(0, 0, 2, 1, true, rgb16).literals(2, {0x7C, 0x00, 0x00, 0x1F}).out, window);
  const auto decoded = decode(glz_header(1, 1, 2, 1, true, rgb16).far_match(2, 2, 1, 0).out, window);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{0xFF0000, 0x0000FF}));
}

BOOST_AUTO_TEST_CASE(images_before_the_servers_window_are_dropped) {
  glz_window window(1000);
  require_decodes(literal_image(0, 0, {1}), window);
  require_decodes(literal_image(1, 1, {2}), window);
  require_decodes(literal_image(2, 1, {3}), window);  // the server's window now starts at id 1
  BOOST_TEST(!window.holds(0));
  BOOST_TEST(window.holds(1));
  BOOST_TEST(window.holds(2));
  BOOST_TEST(window.pixels_held() == 2u);
}

BOOST_AUTO_TEST_CASE(reference_to_a_dropped_image_is_an_error) {
  glz_window window(1000);
  require_decodes(literal_image(0, 0, {1}), window);
  require_decodes(literal_image(1, 0, {2}), window);
  const auto decoded = decode(glz_header(2, 2, 1).far_match(1, 1, 2, 0).out, window);
  BOOST_TEST(error_text(decoded) == "GLZ: reference to image id 0 not in the window");
}

BOOST_AUTO_TEST_CASE(images_arriving_out_of_order_keep_older_ones_until_the_gap_closes) {
  glz_window window(1000);
  require_decodes(literal_image(0, 0, {1}), window);
  require_decodes(literal_image(2, 1, {3}), window);
  BOOST_TEST(window.holds(0));  // image 1, encoded before 2, may still need it
  const auto late = decode(glz_header(1, 1, 1).far_match(1, 1, 1, 0).out, window);
  BOOST_REQUIRE_MESSAGE(late.ok(), error_text(late));
  BOOST_TEST(late->pixels == std::vector<std::uint32_t>{1});
  BOOST_TEST(!window.holds(0));
  BOOST_TEST(window.images_held() == 2u);
}

BOOST_AUTO_TEST_CASE(max_pixels_bounds_the_window_keeping_the_newest_image) {
  glz_window window(10);
  for (std::uint64_t id = 0; id < 6; ++id) {
    require_decodes(literal_image(id, static_cast<std::uint32_t>(id), {1, 2, 3, 4}), window);
    BOOST_TEST(window.pixels_held() <= 10u);
    BOOST_TEST(window.holds(id));
  }
  BOOST_TEST(!window.holds(3));
}

BOOST_AUTO_TEST_CASE(clear_forgets_every_image) {
  glz_window window(1000);
  require_decodes(literal_image(0, 0, {1, 2}), window);
  window.clear();
  BOOST_TEST(window.images_held() == 0u);
  BOOST_TEST(window.pixels_held() == 0u);
  require_decodes(literal_image(0, 0, {1, 2}), window);
  BOOST_TEST(window.holds(0));
}

BOOST_AUTO_TEST_CASE(image_distance_before_id_0_is_an_error) {
  glz_window window(1000);
  require_decodes(literal_image(0, 0, {1}), window);
  const auto decoded = decode(glz_header(1, 1, 1).far_match(1, 1, 2, 0).out, window);
  BOOST_TEST(error_text(decoded) == "GLZ: image distance 2 reaches before image id 0 (from id 1)");
}

BOOST_AUTO_TEST_CASE(match_past_the_end_of_the_referenced_image_is_an_error) {
  glz_window window(1000);
  require_decodes(literal_image(0, 0, {1, 2, 3, 4}), window);
  const auto decoded = decode(glz_header(1, 1, 3).far_match(3, 1, 1, 2).out, window);
  BOOST_TEST(error_text(decoded) == "GLZ: match of 3 pixels at offset 2 overruns image id 0 (4 pixels)");
}

BOOST_AUTO_TEST_CASE(failed_image_does_not_join_the_window) {
  glz_window window(1000);
  require_decodes(literal_image(0, 0, {1}), window);
  BOOST_TEST(!decode(glz_header(1, 1, 2).far_match(2, 1, 1, 0).out, window).ok());
  BOOST_TEST(!window.holds(1));
  BOOST_TEST(window.images_held() == 1u);
}

BOOST_AUTO_TEST_CASE(match_before_the_image_start_is_an_error) {
  glz_window window(1000);
  const bytes stream = glz_header(0, 0, 8).literals(1, bgr({1})).match(7, 1, 5).out;
  BOOST_TEST(error_text(decode(stream, window)) == "GLZ: match distance 5 exceeds decoded pixels (1)");
}

BOOST_AUTO_TEST_CASE(bytes_after_the_image_are_an_error) {
  glz_window window(1000);
  VIGIL_CHECK_CONTAINS(error_text(decode(lz_stream_builder(glz_header(0, 0, 1).literals(1, bgr({1})).raw({7})).out,
                                         window)),
                       "GLZ: 1 bytes left after the image");
}

BOOST_AUTO_TEST_CASE(header_shorter_than_33_bytes_is_an_error) {
  const bytes stream = literal_image(0, 0, {1});
  glz_window window(1000);
  for (std::size_t size = 0; size < 33; ++size)
    VIGIL_CHECK_CONTAINS(error_text(decode_glz_rgb(stream.data(), size, window)), "GLZ: header truncated");
}

BOOST_AUTO_TEST_CASE(wrong_magic_or_version_is_an_error) {
  glz_window window(1000);
  bytes stream = literal_image(0, 0, {1});
  stream[7] = 2;
  VIGIL_CHECK_CONTAINS(error_text(decode(stream, window)), "GLZ: unsupported version 0x10002");
  stream[0] = 'X';
  VIGIL_CHECK_CONTAINS(error_text(decode(stream, window)), "GLZ: bad magic 0x58205a4c");
}

BOOST_AUTO_TEST_CASE(palette_and_unknown_types_are_errors) {
  glz_window window(1000);
  VIGIL_CHECK_CONTAINS(error_text(decode(glz_header(0, 0, 1, 1, true, plt8).literals(1, {0}).out, window)),
                       "GLZ: image type PLT8 (5) not supported");
  VIGIL_CHECK_CONTAINS(error_text(decode(glz_header(0, 0, 1, 1, true, 0).literals(1, {0}).out, window)),
                       "GLZ: image type INVALID (0) not supported");
}

BOOST_AUTO_TEST_CASE(top_down_bits_other_than_0_or_1_are_an_error) {
  glz_window window(1000);
  bytes stream = literal_image(0, 0, {1});
  stream[8] = 0x28;
  VIGIL_CHECK_CONTAINS(error_text(decode(stream, window)), "GLZ: header byte type/top_down is 0x28");
}

BOOST_AUTO_TEST_CASE(empty_or_oversized_images_are_errors) {
  glz_window window(1000);
  VIGIL_CHECK_CONTAINS(error_text(decode(glz_header(0, 0, 0).out, window)), "GLZ: empty image (0x1)");
  VIGIL_CHECK_CONTAINS(error_text(decode(glz_header(0, 0, 20000).out, window)), "GLZ: image size 20000x1 exceeds");
  VIGIL_CHECK_CONTAINS(error_text(decode(glz_header(0, 0, 16000, 16000).out, window)),
                       "GLZ: 16000x16000 pixels cannot come from a 0-byte stream");
}

// Security review H2: glz_data_size (up to 4 GiB) was allocated before
// anything was inflated; it is now bounded by the image the caller expects.
BOOST_AUTO_TEST_CASE(zlib_glz_size_beyond_any_stream_for_the_image_is_refused_before_allocating) {
  bytes noise(8192);  // incompressible, so the zlib ratio check lets 4 MB through
  std::uint32_t state = 12345;
  for (auto& byte : noise) {
    state = state * 1103515245u + 12345u;
    byte = static_cast<std::uint8_t>(state >> 24);
  }
  const bytes body = zlib_body(noise, 4000000);
  glz_window window(1000);
  VIGIL_CHECK_CONTAINS(error_text(decode_zlib_glz_rgb(body.data(), body.size(), window, 64)),
                       "ZLIB_GLZ: glz_data_size 4000000 is more than a GLZ stream of 64 pixels can need (353)");
}

BOOST_AUTO_TEST_CASE(glz_header_larger_than_the_caller_allows_is_refused) {
  const bytes glz = literal_image(0, 0, {1, 2, 3, 4});
  glz_window window(1000);
  VIGIL_CHECK_CONTAINS(error_text(decode_glz_rgb(glz.data(), glz.size(), window, 3)),
                       "GLZ: image size 4x1 is more than the 3 pixels the image may have");
  BOOST_TEST(window.images_held() == 0u);
}

BOOST_AUTO_TEST_CASE(window_images_are_charged_and_given_back_when_dropped) {
  auto pool = std::make_shared<fixed_memory_pool>(1 << 20);
  memory_account account(pool, "display:0");
  {
    glz_window window(1000, account);
    require_decodes(literal_image(0, 0, {1, 2, 3, 4}), window);
    BOOST_TEST(account.held() == 4 * 4 + glz_window::image_overhead);
    BOOST_TEST(window.bytes_held() == 4 * 4 + glz_window::image_overhead);
  }
  BOOST_TEST(account.held() == 0u);
  BOOST_TEST(pool->in_use() == 0u);
}

BOOST_AUTO_TEST_CASE(a_window_image_over_the_budget_is_refused_before_decoding) {
  memory_account account(std::make_shared<fixed_memory_pool>(100), "display:0");
  glz_window window(1000, account);
  const bytes glz = literal_image(0, 0, {1, 2, 3, 4});
  const auto decoded = decode_glz_rgb(glz.data(), glz.size(), window);
  BOOST_TEST_REQUIRE(!decoded.ok());
  BOOST_TEST(decoded.error().budget_exceeded);
  VIGIL_CHECK_CONTAINS(decoded.error().message, "GLZ window image 0: 144 bytes would exceed the session's memory budget");
}

// Security review M5: one-pixel images were counted as one pixel each, so
// the window could hold millions of them.
BOOST_AUTO_TEST_CASE(the_window_bound_counts_each_images_overhead) {
  glz_window window(1000);  // 4000 bytes
  for (std::uint64_t id = 0; id < 200; ++id)
    require_decodes(literal_image(id, 0, {static_cast<std::uint32_t>(id)}), window);
  BOOST_TEST(window.bytes_held() <= 4000u + glz_window::image_overhead + 4);
  BOOST_TEST(window.images_held() <= 4000u / glz_window::image_overhead + 1);
}

BOOST_AUTO_TEST_CASE(zlib_wrapped_stream_decodes_like_plain_glz) {
  const bytes glz = literal_image(0, 0, {1, 2, 3});
  const bytes body = zlib_body(glz, static_cast<std::uint32_t>(glz.size()));
  glz_window window(1000);
  const auto decoded = decode_zlib_glz_rgb(body.data(), body.size(), window);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->pixels == (std::vector<std::uint32_t>{1, 2, 3}));
  BOOST_TEST(window.holds(0));
}

BOOST_AUTO_TEST_CASE(zlib_stream_longer_or_shorter_than_glz_data_size_is_an_error) {
  const bytes glz = literal_image(0, 0, {1, 2, 3});
  const auto size = static_cast<std::uint32_t>(glz.size());
  VIGIL_CHECK_CONTAINS(zlib_error(zlib_body(glz, size + 5)), "ZLIB_GLZ: zlib stream inflates to 43 bytes, glz_data_size says 48");
  VIGIL_CHECK_CONTAINS(zlib_error(zlib_body(glz, size - 5)), "ZLIB_GLZ: zlib stream inflates beyond glz_data_size 38");
}

BOOST_AUTO_TEST_CASE(truncated_or_corrupt_zlib_stream_is_an_error) {
  const bytes glz = literal_image(0, 0, {1, 2, 3});
  const auto size = static_cast<std::uint32_t>(glz.size());
  VIGIL_CHECK_CONTAINS(zlib_error(zlib_body(glz, size, 3)), "ZLIB_GLZ: zlib stream is corrupt or truncated");
  bytes corrupt = zlib_body(glz, size);
  corrupt[8] ^= 0xFF;
  VIGIL_CHECK_CONTAINS(zlib_error(corrupt), "ZLIB_GLZ: zlib stream is corrupt or truncated");
}

BOOST_AUTO_TEST_CASE(zlib_header_fields_out_of_range_are_errors) {
  const bytes glz = literal_image(0, 0, {1, 2, 3});
  bytes body = zlib_body(glz, static_cast<std::uint32_t>(glz.size()));
  VIGIL_CHECK_CONTAINS(zlib_error(bytes(body.begin(), body.begin() + 7)), "ZLIB_GLZ: header truncated");
  VIGIL_CHECK_CONTAINS(zlib_error(bytes(body.begin(), body.end() - 1)), "ZLIB_GLZ: data_size");
  VIGIL_CHECK_CONTAINS(zlib_error(zlib_body(glz, 20)), "ZLIB_GLZ: glz_data_size 20 is shorter than a GLZ header");
  VIGIL_CHECK_CONTAINS(zlib_error(zlib_body(glz, 100000000)),
                       "ZLIB_GLZ: glz_data_size 100000000 cannot come from");
}

// One copy per image: a top-down image is the window's own pixels, which
// outlive the window's reference, charged, for as long as the image is held,
// and whose buffer the next image reuses.
BOOST_AUTO_TEST_CASE(a_top_down_image_shares_the_windows_pixels_and_their_charge) {
  auto pool = std::make_shared<fixed_memory_pool>(1 << 20);
  memory_account account(pool, "display:0");
  glz_window window(1000, account);
  const bytes first = literal_image(0, 0, {1, 2, 3, 4});
  auto decoded = decode_glz_image(first.data(), first.size(), window, max_image_pixels);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(decoded->shared_with_window);
  BOOST_TEST(decoded->pixels->pixels == (std::vector<std::uint32_t>{1, 2, 3, 4}));
  BOOST_TEST(account.held() == 4 * 4 + glz_window::image_overhead);  // one copy, charged once

  window.clear();  // the window lets go; the image still holds its pixels and their charge
  BOOST_TEST(window.bytes_held() == 0u);
  BOOST_TEST(account.held() == 4 * 4 + glz_window::image_overhead);
  BOOST_TEST(decoded->pixels->pixels == (std::vector<std::uint32_t>{1, 2, 3, 4}));
  const std::uint32_t* storage = decoded->pixels->pixels.data();
  decoded->pixels.reset();
  BOOST_TEST(window.buffers()->buffers_idle() == 1u);  // the buffer waits, charged, for the next image

  const bytes second = literal_image(0, 0, {5, 6, 7, 8});
  const auto next = decode_glz_image(second.data(), second.size(), window, max_image_pixels);
  BOOST_REQUIRE_MESSAGE(next.ok(), error_text(next));
  BOOST_TEST(next->pixels->pixels.data() == storage);
  BOOST_TEST(next->pixels->pixels == (std::vector<std::uint32_t>{5, 6, 7, 8}));
  BOOST_TEST(window.buffers()->buffers_idle() == 0u);
}

BOOST_AUTO_TEST_CASE(a_bottom_up_image_is_a_flipped_copy_and_the_window_keeps_decode_order) {
  glz_window window(1000);
  const bytes first = literal_image(0, 0, {1, 2, 3, 4}, 2, false);
  const auto decoded = decode_glz_image(first.data(), first.size(), window, max_image_pixels);
  BOOST_REQUIRE_MESSAGE(decoded.ok(), error_text(decoded));
  BOOST_TEST(!decoded->shared_with_window);
  BOOST_TEST(decoded->pixels->pixels == (std::vector<std::uint32_t>{3, 4, 1, 2}));
  const auto second = decode(glz_header(1, 1, 2).far_match(2, 1, 1, 0).out, window);
  BOOST_REQUIRE_MESSAGE(second.ok(), error_text(second));
  BOOST_TEST(second->pixels == (std::vector<std::uint32_t>{1, 2}));
}

BOOST_AUTO_TEST_CASE(a_reused_buffer_holds_nothing_of_the_image_before) {
  glz_window window(1000);
  {
    const bytes first = literal_image(0, 0, {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu});
    BOOST_REQUIRE(decode_glz_image(first.data(), first.size(), window, max_image_pixels).ok());
  }
  window.clear();
  BOOST_TEST(window.buffers()->buffers_idle() == 1u);
  // Literals and matches write whole pixels: the old top bytes are gone.
  const auto second = decode(glz_header(0, 0, 4).literals(1, bgr({0x123456})).match(3, 1, 1).out, window);
  BOOST_REQUIRE_MESSAGE(second.ok(), error_text(second));
  BOOST_TEST(second->pixels == (std::vector<std::uint32_t>{0x123456, 0x123456, 0x123456, 0x123456}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
