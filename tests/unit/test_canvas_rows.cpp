// The canvas's row paths give exactly the generic raster path's pixels: each
// random drawing is made twice, once as it is (the row path where it applies)
// and once in a form that must take the generic path and mean the same (an
// all-ones mask, a one-pixel pattern brush, a masked copy for a video frame),
// on equal surfaces, and the surfaces must stay equal.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include <algorithm>
#include <random>
#include <utility>

#include "protocol/canvas.hpp"

using namespace vigil::protocol;

namespace {

constexpr std::uint32_t side_w = 37, side_h = 29;

struct twin_canvases {
  canvas fast, generic;
  std::mt19937 random;

  explicit twin_canvases(std::uint32_t seed, std::uint32_t format = SPICE_SURFACE_FMT_32_xRGB) : random(seed) {
    surface_create create;
    create.width = side_w;
    create.height = side_h;
    create.format = format;
    create.flags = SPICE_SURFACE_FLAGS_PRIMARY;
    BOOST_TEST_REQUIRE(fast.create_surface(create).ok());
    BOOST_TEST_REQUIRE(generic.create_surface(create).ok());
    // The same noisy start on both.
    decoded_image noise = image(side_w, side_h);
    display_base base = box_at(0, 0, side_h, side_w);
    BOOST_TEST_REQUIRE(fast.copy(base, noise, base.box, SPICE_ROPD_OP_PUT, nullptr).ok());
    BOOST_TEST_REQUIRE(generic.copy(base, noise, base.box, SPICE_ROPD_OP_PUT, nullptr).ok());
  }

  int coordinate(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); }

  // A random video frame and its unscaled destination, which may reach past
  // the surface's top and left edges and past its bottom and right ones.
  std::pair<decoded_image, rect> placed_frame() {
    decoded_image frame = image(static_cast<std::uint32_t>(coordinate(1, 30)), static_cast<std::uint32_t>(coordinate(1, 25)));
    const int top = coordinate(-5, side_h), left = coordinate(-5, side_w);
    const rect dest{top, left, top + static_cast<std::int32_t>(frame.height), left + static_cast<std::int32_t>(frame.width)};
    return {std::move(frame), dest};
  }

  decoded_image image(std::uint32_t w, std::uint32_t h) {
    decoded_image out;
    out.width = w;
    out.height = h;
    for (std::uint32_t i = 0; i < w * h; ++i)
      out.pixels.push_back(static_cast<std::uint32_t>(random()));
    return out;
  }

  static display_base box_at(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
    display_base base;
    base.box = rect{top, left, bottom, right};
    return base;
  }

  // A box that may stick out of the surface.
  display_base random_box() {
    const int top = coordinate(-6, side_h), left = coordinate(-6, side_w);
    return box_at(top, left, top + coordinate(0, 20), left + coordinate(0, 24));
  }

  bool equal() const { return fast.primary()->pixels == generic.primary()->pixels; }
};

// A mask that allows every pixel of a `w` x `h` box: the generic path, the same result.
struct full_mask {
  decoded_image bits;
  mask_image view;
  full_mask(std::uint32_t w, std::uint32_t h) {
    bits.width = w;
    bits.height = h;
    bits.pixels.assign(std::size_t{w} * h, 1);
    view.bits = &bits;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(canvas_row_paths)

BOOST_AUTO_TEST_CASE(plain_copies_equal_the_generic_path_inside_and_beyond_the_source) {
  for (std::uint32_t seed = 0; seed < 300; ++seed) {
    twin_canvases twins(seed);
    const display_base base = twins.random_box();
    const auto source = twins.image(static_cast<std::uint32_t>(twins.coordinate(1, 30)),
                                    static_cast<std::uint32_t>(twins.coordinate(1, 30)));
    const int sx = twins.coordinate(-3, 20), sy = twins.coordinate(-3, 20);
    const rect area{sy, sx, sy + static_cast<std::int32_t>(base.box.height()), sx + static_cast<std::int32_t>(base.box.width())};
    const full_mask mask(static_cast<std::uint32_t>(std::max<std::int64_t>(base.box.width(), 1)),
                         static_cast<std::uint32_t>(std::max<std::int64_t>(base.box.height(), 1)));
    auto a = twins.fast.copy(base, source, area, SPICE_ROPD_OP_PUT, nullptr);
    auto b = twins.generic.copy(base, source, area, SPICE_ROPD_OP_PUT, &mask.view);
    BOOST_TEST_REQUIRE(a.ok() == b.ok());
    if (a.ok())
      BOOST_TEST_REQUIRE((*a == *b));
    BOOST_TEST_REQUIRE(twins.equal(), "seed " << seed);
  }
}

BOOST_AUTO_TEST_CASE(solid_fills_and_constants_equal_the_generic_path_on_every_format) {
  for (std::uint32_t format : {SPICE_SURFACE_FMT_32_xRGB, SPICE_SURFACE_FMT_32_ARGB, SPICE_SURFACE_FMT_16_565,
                               SPICE_SURFACE_FMT_16_555, SPICE_SURFACE_FMT_8_A}) {
    for (std::uint32_t seed = 0; seed < 100; ++seed) {
      twin_canvases twins(seed, format);
      const display_base base = twins.random_box();
      const std::uint32_t color = static_cast<std::uint32_t>(twins.random());
      paint solid;
      solid.type = SPICE_BRUSH_TYPE_SOLID;
      solid.color = color;
      // A one-pixel pattern of the same colour takes the generic path.
      decoded_image tile;
      tile.width = tile.height = 1;
      tile.pixels = {color};
      paint pattern;
      pattern.type = SPICE_BRUSH_TYPE_PATTERN;
      pattern.pattern = &tile;
      BOOST_TEST_REQUIRE(twins.fast.fill(base, solid, SPICE_ROPD_OP_PUT, nullptr).ok());
      BOOST_TEST_REQUIRE(twins.generic.fill(base, pattern, SPICE_ROPD_OP_PUT, nullptr).ok());
      BOOST_TEST_REQUIRE(twins.equal(), "fill, format " << format << " seed " << seed);
      const auto operation = seed % 2 ? constant_operation::blackness : constant_operation::whiteness;
      const full_mask mask(64, 64);
      display_base at_origin = twins.box_at(0, 0, base.box.bottom, base.box.right);  // the mask covers it
      BOOST_TEST_REQUIRE(twins.fast.constant(at_origin, operation, nullptr).ok());
      BOOST_TEST_REQUIRE(twins.generic.constant(at_origin, operation, &mask.view).ok());
      BOOST_TEST_REQUIRE(twins.equal(), "constant, format " << format << " seed " << seed);
    }
  }
}

// COPY_BITS against a plain statement of what it means: every pixel of the
// box (inside the surface) takes the value its source had before the move;
// pixels whose source is outside the surface keep theirs. (A split clip
// cannot force the generic path here: touching rectangles merge into one.)
BOOST_AUTO_TEST_CASE(copy_bits_in_every_direction_moves_what_was_there_before) {
  for (std::uint32_t seed = 0; seed < 400; ++seed) {
    twin_canvases twins(seed);
    const display_base base = twins.random_box();
    const point from{twins.coordinate(-4, side_w), twins.coordinate(-4, side_h)};
    const std::vector<std::uint32_t> before = twins.fast.primary()->pixels;
    std::vector<std::uint32_t> expected = before;
    for (std::int32_t y = std::max(0, base.box.top); y < std::min<std::int32_t>(side_h, base.box.bottom); ++y)
      for (std::int32_t x = std::max(0, base.box.left); x < std::min<std::int32_t>(side_w, base.box.right); ++x) {
        const std::int64_t sx = x + from.x - base.box.left, sy = y + from.y - base.box.top;
        if (sx >= 0 && sy >= 0 && sx < side_w && sy < side_h)
          expected[static_cast<std::size_t>(y) * side_w + static_cast<std::size_t>(x)] =
            before[static_cast<std::size_t>(sy) * side_w + static_cast<std::size_t>(sx)];
      }
    BOOST_TEST_REQUIRE(twins.fast.copy_bits(base, from).ok());
    BOOST_TEST_REQUIRE((twins.fast.primary()->pixels == expected), "seed " << seed);
  }
}

BOOST_AUTO_TEST_CASE(unscaled_video_frames_equal_the_generic_path_either_way_up) {
  for (std::uint32_t seed = 0; seed < 200; ++seed) {
    twin_canvases twins(seed);
    const auto [frame, dest] = twins.placed_frame();
    const bool top_down = seed % 2 == 0;
    BOOST_TEST_REQUIRE(twins.fast.put_frame(0, dest, clip{}, frame, top_down).ok());
    // The generic twin: a masked copy of the frame turned top-down, its top
    // byte cleared (a video frame has no alpha: put_frame drops the filler).
    decoded_image upright = frame;
    if (!top_down)
      for (std::uint32_t y = 0; y < frame.height; ++y)
        std::copy_n(frame.pixels.begin() + (frame.height - 1 - y) * frame.width, frame.width,
                    upright.pixels.begin() + y * frame.width);
    for (auto& pixel : upright.pixels)
      pixel &= 0x00FFFFFFu;
    const full_mask mask(frame.width, frame.height);
    const rect whole{0, 0, static_cast<std::int32_t>(frame.height), static_cast<std::int32_t>(frame.width)};
    BOOST_TEST_REQUIRE(twins.generic.copy(twin_canvases::box_at(dest.top, dest.left, dest.bottom, dest.right), upright,
                                          whole, SPICE_ROPD_OP_PUT, &mask.view)
                         .ok());
    BOOST_TEST_REQUIRE(twins.equal(), "seed " << seed);
  }
}

// A decoder writing a frame through canvas::frame_rows (an MJPEG stream's
// picture, decoded straight into the surface) leaves the surface as
// put_frame would; where the frame would be cut (the surface's edge, a clip)
// there are no rows to write.
BOOST_AUTO_TEST_CASE(frames_written_through_frame_rows_equal_put_frame_and_only_whole_ones_get_rows) {
  std::size_t with_rows = 0, without = 0;
  for (std::uint32_t seed = 0; seed < 200; ++seed) {
    twin_canvases twins(seed);
    const auto [frame, dest] = twins.placed_frame();
    const bool top_down = seed % 2 == 0;
    clip cut;
    if (seed % 3 == 0) {
      cut.type = SPICE_CLIP_TYPE_RECTS;
      cut.rects = {rect{twins.coordinate(0, side_h), twins.coordinate(0, side_w), static_cast<std::int32_t>(side_h),
                        static_cast<std::int32_t>(side_w)}};
    }
    const auto rows = twins.fast.frame_rows(0, dest, cut, top_down);
    const bool whole = dest.top >= 0 && dest.left >= 0 && dest.bottom <= static_cast<std::int32_t>(side_h) &&
                       dest.right <= static_cast<std::int32_t>(side_w) &&
                       (cut.rects.empty() || (cut.rects[0].top <= dest.top && cut.rects[0].left <= dest.left));
    BOOST_TEST_REQUIRE(rows.has_value() == whole, "seed " << seed);
    if (!rows) {
      ++without;
      continue;
    }
    ++with_rows;
    BOOST_TEST_REQUIRE((rows->width == frame.width && rows->height == frame.height));
    for (std::uint32_t y = 0; y < frame.height; ++y)
      for (std::uint32_t x = 0; x < frame.width; ++x)
        rows->first[std::ptrdiff_t{y} * rows->stride + x] = frame.pixels[std::size_t{y} * frame.width + x] & 0x00FFFFFFu;
    BOOST_TEST_REQUIRE(twins.generic.put_frame(0, dest, cut, frame, top_down).ok());
    BOOST_TEST_REQUIRE(twins.equal(), "seed " << seed);
  }
  BOOST_TEST(with_rows > 20u);
  BOOST_TEST(without > 20u);
}

BOOST_AUTO_TEST_SUITE_END()
