// From SpiceImage to pixels: codec dispatch, the pixmap and palette caches,
// SURFACE images and masks.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include "captured_stream.hpp"
#include "protocol/image_decoder.hpp"
#include "test_display_builders.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

constexpr std::uint64_t cache_pixels = 1 << 20;
constexpr std::size_t glz_pixels = 1 << 20;

// A DRAW_COPY body whose source is what `add_image` appends; parsed, with the
// body kept alive alongside (images point into it).
struct parsed_copy {
  bytes body;
  draw_copy copy;
};

template <class AddImage>
parsed_copy copy_with_image(AddImage add_image) {
  display_body builder;
  builder.base(0, make_rect(0, 0, 1, 1)).pointer("image").rect(0, 0, 1, 1).u16(SPICE_ROPD_OP_PUT).u8(0).no_mask();
  builder.place("image");
  add_image(builder);
  parsed_copy out;
  out.body = builder.take();
  auto parsed = parse_draw_copy(out.body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  out.copy = std::move(*parsed);
  return out;
}

parsed_copy bitmap_copy(std::uint64_t id, std::uint8_t flags, const decoded_image& pixels) {
  return copy_with_image([&](display_body& b) { b.bitmap_image(id, flags, pixels); });
}

parsed_copy cache_reference(std::uint64_t id, std::uint8_t type) {
  return copy_with_image([&](display_body& b) { b.descriptor(id, type, 0, 1, 1); });
}

parsed_copy jpeg_copy(std::uint64_t id, std::uint8_t flags, const decoded_image& pixels) {
  const bytes jpeg = encode_jpeg(pixels, 90);
  return copy_with_image([&](display_body& b) {
    b.descriptor(id, SPICE_IMAGE_TYPE_JPEG, flags, pixels.width, pixels.height)
      .u32(static_cast<std::uint32_t>(jpeg.size()))
      .raw(jpeg);
  });
}

// An 8-bit BITMAP of two pixels, indices 0 and 1, with an inline palette
// (PAL_CACHE_ME when asked) or a cached one.
parsed_copy paletted_copy(bool inline_palette, std::uint8_t palette_flags, std::uint64_t palette_id) {
  return copy_with_image([&](display_body& b) {
    b.descriptor(1, SPICE_IMAGE_TYPE_BITMAP, 0, 2, 1)
      .u8(SPICE_BITMAP_FMT_8BIT)
      .u8(palette_flags | SPICE_BITMAP_FLAGS_TOP_DOWN)
      .u32(2)
      .u32(1)
      .u32(4);
    if (inline_palette)
      b.pointer("palette").raw({0, 1, 0, 0}).place("palette").u64(palette_id).u16(2).u32(0x00ff0000).u32(0x0000ff00);
    else
      b.u64(palette_id).raw({0, 1, 0, 0});
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(display_images)

BOOST_AUTO_TEST_CASE(bitmap_decodes_to_its_pixels) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const decoded_image expected = gradient_image(3, 2);
  const auto copy = bitmap_copy(1, 0, expected);
  const auto pixels = decoder.decode(*copy.copy.source, canvas{});
  BOOST_TEST_REQUIRE(pixels.ok(), error_text(pixels));
  BOOST_TEST((*pixels)->pixels == expected.pixels, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cache_me_keeps_the_image_for_from_cache) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const decoded_image expected = gradient_image(2, 2);
  BOOST_TEST_REQUIRE(decoder.decode(*bitmap_copy(42, SPICE_IMAGE_FLAGS_CACHE_ME, expected).copy.source, canvas{}).ok());
  const auto cached = decoder.decode(*cache_reference(42, SPICE_IMAGE_TYPE_FROM_CACHE).copy.source, canvas{});
  BOOST_TEST_REQUIRE(cached.ok(), error_text(cached));
  BOOST_TEST((*cached)->pixels == expected.pixels, boost::test_tools::per_element());
  BOOST_TEST(decoder.pixmaps().pixels_held() == 4u);
}

BOOST_AUTO_TEST_CASE(from_cache_of_an_unknown_id_names_the_image) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto cached = decoder.decode(*cache_reference(0x2a, SPICE_IMAGE_TYPE_FROM_CACHE).copy.source, canvas{});
  BOOST_TEST_REQUIRE(!cached.ok());
  BOOST_TEST(cached.error().message == "FROM_CACHE image 0x2a: not in the pixmap cache");
}

BOOST_AUTO_TEST_CASE(invalidated_pixmap_is_gone) {
  image_decoder decoder(cache_pixels, glz_pixels);
  BOOST_TEST_REQUIRE(
    decoder.decode(*bitmap_copy(7, SPICE_IMAGE_FLAGS_CACHE_ME, solid_image(1, 1, 1)).copy.source, canvas{}).ok());
  decoder.invalidate_pixmap(7);
  BOOST_TEST(!decoder.decode(*cache_reference(7, SPICE_IMAGE_TYPE_FROM_CACHE).copy.source, canvas{}).ok());
  BOOST_TEST(decoder.pixmaps().pixels_held() == 0u);
}

BOOST_AUTO_TEST_CASE(from_cache_lossless_refuses_a_lossy_jpeg_copy) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto jpeg = decoder.decode(*jpeg_copy(9, SPICE_IMAGE_FLAGS_CACHE_ME, gradient_image(16, 16)).copy.source, canvas{});
  BOOST_TEST_REQUIRE(jpeg.ok(), error_text(jpeg));
  const auto lossless = decoder.decode(*cache_reference(9, SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS).copy.source, canvas{});
  BOOST_TEST_REQUIRE(!lossless.ok());
  BOOST_TEST(lossless.error().message == "FROM_CACHE_LOSSLESS image 0x9: the cached copy is lossy");
  BOOST_TEST(decoder.decode(*cache_reference(9, SPICE_IMAGE_TYPE_FROM_CACHE).copy.source, canvas{}).ok());
}

BOOST_AUTO_TEST_CASE(cache_replace_me_swaps_a_lossy_copy_for_a_lossless_one) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const decoded_image exact = gradient_image(16, 16);
  BOOST_TEST_REQUIRE(decoder.decode(*jpeg_copy(9, SPICE_IMAGE_FLAGS_CACHE_ME, exact).copy.source, canvas{}).ok());
  BOOST_TEST_REQUIRE(
    decoder.decode(*bitmap_copy(9, SPICE_IMAGE_FLAGS_CACHE_REPLACE_ME, exact).copy.source, canvas{}).ok());
  const auto lossless = decoder.decode(*cache_reference(9, SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS).copy.source, canvas{});
  BOOST_TEST_REQUIRE(lossless.ok(), error_text(lossless));
  BOOST_TEST((*lossless)->pixels == exact.pixels, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cache_replace_me_with_a_lossy_image_is_an_error) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto replaced =
    decoder.decode(*jpeg_copy(9, SPICE_IMAGE_FLAGS_CACHE_REPLACE_ME, gradient_image(8, 8)).copy.source, canvas{});
  BOOST_TEST_REQUIRE(!replaced.ok());
  BOOST_TEST(replaced.error().message == "JPEG image 0x9: CACHE_REPLACE_ME with a lossy image");
}

BOOST_AUTO_TEST_CASE(high_bits_set_makes_the_unused_byte_0xff) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto pixels =
    decoder.decode(*bitmap_copy(1, SPICE_IMAGE_FLAGS_HIGH_BITS_SET, solid_image(1, 1, 0x123456)).copy.source, canvas{});
  BOOST_TEST_REQUIRE(pixels.ok(), error_text(pixels));
  BOOST_TEST((*pixels)->pixels[0] == 0xff123456u);
}

BOOST_AUTO_TEST_CASE(descriptor_size_different_from_the_decoded_size_is_an_error) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto copy = copy_with_image([](display_body& b) {
    b.descriptor(5, SPICE_IMAGE_TYPE_BITMAP, 0, 2, 1).u8(SPICE_BITMAP_FMT_32BIT).u8(0).u32(1).u32(1).u32(4);
    b.null_pointer().u32(0);
  });
  const auto pixels = decoder.decode(*copy.copy.source, canvas{});
  BOOST_TEST_REQUIRE(!pixels.ok());
  BOOST_TEST(pixels.error().message == "BITMAP image 0x5: decoded 1x1, descriptor says 2x1");
}

BOOST_AUTO_TEST_CASE(oversized_descriptor_is_refused_before_decoding) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto copy = copy_with_image([](display_body& b) {
    b.descriptor(5, SPICE_IMAGE_TYPE_QUIC, 0, 100000, 1).u32(0);
  });
  const auto pixels = decoder.decode(*copy.copy.source, canvas{});
  BOOST_TEST_REQUIRE(!pixels.ok());
  BOOST_TEST(pixels.error().message == "QUIC image 0x5: size 100000x1 exceeds 16384 pixels a side");
}

BOOST_AUTO_TEST_CASE(inline_palette_colours_an_8_bit_bitmap) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto pixels = decoder.decode(*paletted_copy(true, 0, 3).copy.source, canvas{});
  BOOST_TEST_REQUIRE(pixels.ok(), error_text(pixels));
  BOOST_TEST(((*pixels)->pixels[0] & 0x00ffffff) == 0x00ff0000u);
  BOOST_TEST(((*pixels)->pixels[1] & 0x00ffffff) == 0x0000ff00u);
  BOOST_TEST(decoder.palettes().size() == 0u);
}

BOOST_AUTO_TEST_CASE(pal_cache_me_keeps_the_palette_for_pal_from_cache) {
  image_decoder decoder(cache_pixels, glz_pixels);
  BOOST_TEST_REQUIRE(decoder.decode(*paletted_copy(true, SPICE_BITMAP_FLAGS_PAL_CACHE_ME, 3).copy.source, canvas{}).ok());
  const auto pixels = decoder.decode(*paletted_copy(false, SPICE_BITMAP_FLAGS_PAL_FROM_CACHE, 3).copy.source, canvas{});
  BOOST_TEST_REQUIRE(pixels.ok(), error_text(pixels));
  BOOST_TEST(((*pixels)->pixels[1] & 0x00ffffff) == 0x0000ff00u);
}

BOOST_AUTO_TEST_CASE(pal_from_cache_of_an_invalidated_palette_is_an_error) {
  image_decoder decoder(cache_pixels, glz_pixels);
  BOOST_TEST_REQUIRE(decoder.decode(*paletted_copy(true, SPICE_BITMAP_FLAGS_PAL_CACHE_ME, 3).copy.source, canvas{}).ok());
  decoder.invalidate_palette(3);
  const auto pixels = decoder.decode(*paletted_copy(false, SPICE_BITMAP_FLAGS_PAL_FROM_CACHE, 3).copy.source, canvas{});
  BOOST_TEST_REQUIRE(!pixels.ok());
  BOOST_TEST(pixels.error().message == "BITMAP image 0x1: palette 3 is not in the palette cache");
}

BOOST_AUTO_TEST_CASE(surface_image_is_a_copy_of_that_surface) {
  canvas surfaces;
  surface_create create;
  create.surface_id = 4;
  create.width = 2;
  create.height = 1;
  create.format = SPICE_SURFACE_FMT_32_ARGB;
  BOOST_TEST_REQUIRE(surfaces.create_surface(create).ok());
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto copy = copy_with_image([](display_body& b) { b.descriptor(0, SPICE_IMAGE_TYPE_SURFACE, 0, 0, 0).u32(4); });
  const auto pixels = decoder.decode(*copy.copy.source, surfaces);
  BOOST_TEST_REQUIRE(pixels.ok(), error_text(pixels));
  BOOST_TEST((*pixels)->width == 2u);
  BOOST_TEST((*pixels)->has_alpha);
}

BOOST_AUTO_TEST_CASE(surface_image_of_a_missing_surface_is_an_error) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto copy = copy_with_image([](display_body& b) { b.descriptor(0, SPICE_IMAGE_TYPE_SURFACE, 0, 0, 0).u32(4); });
  BOOST_TEST(!decoder.decode(*copy.copy.source, canvas{}).ok());
}

BOOST_AUTO_TEST_CASE(one_bit_mask_sets_nonzero_pixels_for_set_bits_msb_first) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto copy = copy_with_image([](display_body& b) { b.mask_image(1, 0, {"1000000001", "0100000000"}); });
  const auto bits = decoder.decode_mask(*copy.copy.source, canvas{});
  BOOST_TEST_REQUIRE(bits.ok(), error_text(bits));
  BOOST_TEST((*bits)->width == 10u);
  BOOST_TEST((*bits)->pixels[0] != 0u);
  BOOST_TEST((*bits)->pixels[1] == 0u);
  BOOST_TEST((*bits)->pixels[9] != 0u);
  BOOST_TEST((*bits)->pixels[11] != 0u);
}

BOOST_AUTO_TEST_CASE(bottom_up_lsb_first_mask_is_turned_top_down) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto copy = copy_with_image([](display_body& b) {
    b.descriptor(1, SPICE_IMAGE_TYPE_BITMAP, 0, 2, 2).u8(SPICE_BITMAP_FMT_1BIT_LE).u8(0).u32(2).u32(2).u32(1);
    b.null_pointer().raw({0x01, 0x02});  // bottom row: x=0 set; top row: x=1 set
  });
  const auto bits = decoder.decode_mask(*copy.copy.source, canvas{});
  BOOST_TEST_REQUIRE(bits.ok(), error_text(bits));
  BOOST_TEST((*bits)->pixels == (std::vector<std::uint32_t>{0, 0xffffffff, 0xffffffff, 0}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(colour_bitmap_cannot_be_a_mask) {
  image_decoder decoder(cache_pixels, glz_pixels);
  const auto bits = decoder.decode_mask(*bitmap_copy(1, 0, solid_image(1, 1, 0)).copy.source, canvas{});
  BOOST_TEST_REQUIRE(!bits.ok());
  BOOST_TEST(bits.error().message == "BITMAP image 0x1: mask bitmap format 8 is not 1-bit");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(display_caches)

// A cache size in pixels that holds `entries` entries of `pixels` pixels each,
// counting what each entry costs besides its pixels.
std::uint64_t cache_pixels_for(std::uint64_t entries, std::uint64_t pixels) {
  return entries * (pixels + pixmap_cache::entry_overhead_bytes / 4);
}

BOOST_AUTO_TEST_CASE(pixmap_cache_over_its_size_evicts_the_oldest) {
  pixmap_cache cache(cache_pixels_for(2, 4) + 2);
  cache.put(1, std::make_shared<decoded_image>(solid_image(2, 2, 0)), false);
  cache.put(2, std::make_shared<decoded_image>(solid_image(2, 2, 0)), false);
  cache.put(3, std::make_shared<decoded_image>(solid_image(2, 2, 0)), false);
  BOOST_TEST(cache.find(1) == nullptr);
  BOOST_TEST(cache.find(2) != nullptr);
  BOOST_TEST(cache.find(3) != nullptr);
  BOOST_TEST(cache.evictions() == 1u);
  BOOST_TEST(cache.pixels_held() == 8u);
}

BOOST_AUTO_TEST_CASE(pixmap_put_again_replaces_without_double_counting) {
  pixmap_cache cache(100);
  cache.put(1, std::make_shared<decoded_image>(solid_image(2, 2, 0)), true);
  cache.put(1, std::make_shared<decoded_image>(solid_image(3, 3, 0)), false);
  BOOST_TEST(cache.size() == 1u);
  BOOST_TEST(cache.pixels_held() == 9u);
  BOOST_TEST(!cache.find(1)->lossy);
}

BOOST_AUTO_TEST_CASE(re_put_entry_is_not_evicted_by_its_old_position) {
  pixmap_cache cache(cache_pixels_for(2, 4));
  cache.put(1, std::make_shared<decoded_image>(solid_image(2, 2, 0)), false);
  cache.put(2, std::make_shared<decoded_image>(solid_image(2, 2, 0)), false);
  cache.put(1, std::make_shared<decoded_image>(solid_image(2, 2, 0)), false);  // 1 is now newest
  cache.put(3, std::make_shared<decoded_image>(solid_image(2, 2, 0)), false);
  BOOST_TEST(cache.find(1) != nullptr);
  BOOST_TEST(cache.find(2) == nullptr);
}

BOOST_AUTO_TEST_CASE(palette_cache_is_bounded) {
  palette_cache cache;
  for (std::uint64_t id = 0; id < palette_cache::max_palettes + 5; ++id)
    cache.put(id, {1, 2, 3});
  BOOST_TEST(cache.size() == palette_cache::max_palettes);
  BOOST_TEST(cache.find(0) == nullptr);
  BOOST_TEST(cache.find(palette_cache::max_palettes + 4) != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
