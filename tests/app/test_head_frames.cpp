// The heads a display's frames show and each head's frame cut from them
// (ui/head_frames.hpp): what a head window draws must equal that part of
// the guest's primary surface, through scrolls and partial updates.
#include <boost/test/unit_test.hpp>

#include <cstring>

#include "protocol/damage_region.hpp"
#include "ui/head_frames.hpp"
#include "ui/monitor_mapping.hpp"

using namespace vigil;
using protocol::rect;

namespace {

// A surface whose every pixel is distinct, and the frame of some of it.
struct fake_surface {
  std::uint32_t width, height;
  std::vector<std::uint32_t> pixels;
  fake_surface(std::uint32_t w, std::uint32_t h, std::uint32_t seed) : width(w), height(h), pixels(w * h) {
    for (std::size_t i = 0; i < pixels.size(); ++i)
      pixels[i] = static_cast<std::uint32_t>(i * 2654435761u + seed);
  }
  frame_patch_ptr frame(std::vector<rect> rects, bool whole, std::vector<protocol::surface_move> moves = {}) const {
    auto patch = std::make_shared<frame_patch>();
    patch->width = width;
    patch->height = height;
    patch->whole = whole;
    patch->moves = std::move(moves);
    patch->rects = std::move(rects);
    auto out = std::make_shared<std::vector<std::uint32_t>>();
    for (const auto& r : patch->rects)
      for (std::int32_t y = r.top; y < r.bottom; ++y)
        for (std::int32_t x = r.left; x < r.right; ++x)
          out->push_back(pixels[static_cast<std::size_t>(y) * width + x]);
    patch->pixels = out;
    return patch;
  }
  // `r` of this surface becomes `other`'s (same size).
  void copy_from(const fake_surface& other, const rect& r) {
    for (std::int32_t y = r.top; y < r.bottom; ++y)
      for (std::int32_t x = r.left; x < r.right; ++x)
        pixels[static_cast<std::size_t>(y) * width + x] = other.pixels[static_cast<std::size_t>(y) * width + x];
  }
};

// A picture of `area`'s size that takes cut frames as a presentation would.
struct head_picture {
  std::uint32_t width = 0, height = 0;
  std::vector<std::uint32_t> pixels;
  void take(const frame_patch& patch) {
    if (patch.whole) {
      width = patch.width;
      height = patch.height;
      pixels.assign(width * height, 0);
    }
    BOOST_TEST_REQUIRE(patch.moves.empty());
    for (std::size_t i = 0; i < patch.rects.size(); ++i) {
      const auto& r = patch.rects[i];
      BOOST_TEST_REQUIRE((r.left >= 0 && r.top >= 0 && r.right <= std::int32_t(width) && r.bottom <= std::int32_t(height)));
      const std::uint32_t* in = patch.rect_pixels(i);
      for (std::int32_t y = r.top; y < r.bottom; ++y, in += r.width())
        std::memcpy(&pixels[static_cast<std::size_t>(y) * width + r.left], in, r.width() * 4);
    }
  }
  bool equals(const fake_surface& surface, const rect& area) const {
    for (std::int32_t y = 0; y < area.height(); ++y)
      for (std::int32_t x = 0; x < area.width(); ++x)
        if (pixels[static_cast<std::size_t>(y) * width + x] !=
            surface.pixels[static_cast<std::size_t>(y + area.top) * surface.width + x + area.left])
          return false;
    return true;
  }
};

// A 128x48 surface shown as two 64x48 heads side by side, each cut from a
// display_mirror as head_windows does.
struct two_mirrored_heads {
  const rect left{0, 0, 48, 64}, right{0, 64, 48, 128};
  display_mirror mirror;
  head_picture shown_left, shown_right;

  void show(const frame_patch_ptr& frame, bool whole) {
    BOOST_TEST_REQUIRE(mirror.apply(*frame));
    shown_left.take(*mirror.cut(*frame, left, whole));
    shown_right.take(*mirror.cut(*frame, right, whole));
  }
  void check(const fake_surface& surface) const {
    BOOST_TEST(shown_left.equals(surface, left));
    BOOST_TEST(shown_right.equals(surface, right));
  }
};

protocol::monitor_head head(std::uint32_t id, std::uint32_t x, std::uint32_t y, std::uint32_t w, std::uint32_t h) {
  protocol::monitor_head out;
  out.monitor_id = id;
  out.x = x;
  out.y = y;
  out.width = w;
  out.height = h;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(head_frames, *boost::unit_test::label("unit"))

BOOST_AUTO_TEST_CASE(a_display_without_heads_is_one_head_of_its_whole_surface) {
  frame_patch frame;
  frame.width = 640;
  frame.height = 480;
  const auto heads = heads_of(1, frame);
  BOOST_TEST_REQUIRE(heads.size() == 1u);
  BOOST_TEST(heads[0].display == 1u);
  BOOST_TEST(heads[0].agent_id() == 1u);
  BOOST_TEST((heads[0].area == rect{0, 0, 480, 640}));
}

BOOST_AUTO_TEST_CASE(heads_are_in_monitor_order_and_those_off_the_surface_or_disabled_are_left_out) {
  frame_patch frame;
  frame.width = 1280;
  frame.height = 480;
  frame.heads = {head(1, 640, 0, 640, 480), head(0, 0, 0, 640, 480), head(2, 1000, 0, 640, 480), head(3, 0, 0, 0, 0)};
  const auto heads = heads_of(0, frame);
  BOOST_TEST_REQUIRE(heads.size() == 2u);
  BOOST_TEST(heads[0].monitor == 0u);
  BOOST_TEST((heads[1].area == rect{0, 640, 480, 1280}));
  BOOST_TEST(heads[1].agent_id() == 1u);
}

BOOST_AUTO_TEST_CASE(each_heads_cut_equals_its_part_of_the_surface_through_updates_and_scrolls) {
  fake_surface surface(128, 48, 1);
  two_mirrored_heads heads;
  heads.show(surface.frame({rect{0, 0, 48, 128}}, true), true);
  heads.check(surface);
  // A change across both heads, then one inside the right head only.
  fake_surface changed(128, 48, 7);
  const rect across{10, 50, 20, 80}, inside{30, 100, 40, 120};
  for (const rect& r : {across, inside})
    surface.copy_from(changed, r);
  heads.show(surface.frame({across, inside}, false), false);
  heads.check(surface);
  // A scroll up by 8 rows of the whole surface: a move, then the new rows.
  protocol::surface_move scroll{rect{0, 0, 40, 128}, 0, 8};
  protocol::apply_move(surface.pixels.data(), 128, scroll);
  for (std::int32_t y = 40; y < 48; ++y)
    for (std::int32_t x = 0; x < 128; ++x)
      surface.pixels[y * 128 + x] = changed.pixels[y * 128 + x] ^ 0xffu;
  heads.show(surface.frame({rect{40, 0, 48, 128}}, false, {scroll}), false);
  heads.check(surface);
}

// A frame covering the whole surface in one rectangle is kept as it came
// (not copied); what comes after it must still land on that picture.
BOOST_AUTO_TEST_CASE(partial_frames_after_a_full_surface_frame_build_on_it) {
  const rect all{0, 0, 48, 128};
  fake_surface surface(128, 48, 1);
  two_mirrored_heads heads;
  auto show = [&](const frame_patch_ptr& frame, bool whole) {
    heads.show(frame, whole);
    heads.check(surface);
  };
  show(surface.frame({all}, true), true);
  for (std::uint32_t seed : {5u, 9u}) {
    // All of the surface changes (not a whole frame: the consumer has a picture), after a scroll.
    surface = fake_surface(128, 48, seed);
    show(surface.frame({all}, false, {protocol::surface_move{rect{0, 0, 40, 128}, 0, 8}}), false);
    // Then part of it, across both heads.
    fake_surface changed(128, 48, seed + 1);
    const rect across{10, 50, 20, 80};
    surface.copy_from(changed, across);
    show(surface.frame({across}, false), false);
  }
}

BOOST_AUTO_TEST_CASE(a_mirror_without_a_whole_frame_refuses_partial_ones) {
  fake_surface surface(64, 32, 3);
  display_mirror mirror;
  BOOST_TEST(!mirror.apply(*surface.frame({rect{0, 0, 8, 8}}, false)));
  BOOST_TEST(mirror.apply(*surface.frame({rect{0, 0, 32, 64}}, true)));
  fake_surface bigger(80, 32, 3);
  BOOST_TEST(!mirror.apply(*bigger.frame({rect{0, 0, 8, 8}}, false)));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(monitor_mapping, *boost::unit_test::label("unit"))

BOOST_AUTO_TEST_CASE(remote_viewers_mapping_parses_and_places_each_guest_monitor) {
  const auto parsed = vigil::parse_monitor_mapping("1:2;2:1;");
  BOOST_TEST_REQUIRE(parsed.error.empty(), parsed.error);
  BOOST_TEST(parsed.mapping.size() == 2u);
  const std::vector<vigil::screen_area> monitors = {{0, 0, 1024, 768}, {1024, 0, 1280, 1024}};
  const auto first = vigil::mapped_monitor(1, parsed.mapping, monitors);
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(first->left == 1024);
  BOOST_TEST(first->width == 1280);
  BOOST_TEST(vigil::mapped_monitor(2, parsed.mapping, monitors)->left == 0);
  BOOST_TEST(!vigil::mapped_monitor(3, parsed.mapping, monitors).has_value());  // unmapped
  BOOST_TEST(!vigil::mapped_monitor(1, vigil::parse_monitor_mapping("1:3").mapping, monitors).has_value());
}

BOOST_AUTO_TEST_CASE(a_bad_mapping_says_what_is_wrong) {
  BOOST_TEST(vigil::parse_monitor_mapping("1-2").error.find("'1-2' is not GUEST:CLIENT") != std::string::npos);
  BOOST_TEST(vigil::parse_monitor_mapping("0:1").error.find("is not GUEST:CLIENT") != std::string::npos);
  BOOST_TEST(vigil::parse_monitor_mapping("").error.find("is not GUEST:CLIENT") != std::string::npos);
  BOOST_TEST(vigil::parse_monitor_mapping("1:1;1:2").error == "guest monitor 1 is mapped twice");
  BOOST_TEST(vigil::parse_monitor_mapping("1:1;2:1").error == "client monitor 1 is mapped twice");
}

BOOST_AUTO_TEST_SUITE_END()
