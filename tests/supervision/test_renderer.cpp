// The renderer pulls frames: a display channel builds one only when asked,
// and with a consumer the next request waits until the last update is shown.
// The test plays the display channel and the consumer with one scoped actor.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/renderer.hpp"

using namespace std::chrono_literals;
using namespace vigil;

namespace {

frame_patch_ptr frame(std::uint64_t sequence, bool whole, bool with_pixels) {
  protocol::surface surface;
  surface.width = 16;
  surface.height = 8;
  surface.pixels.assign(16 * 8, static_cast<std::uint32_t>(sequence));
  auto pool = pixel_buffer_pool::make();
  std::vector<protocol::rect> rects{whole ? surface.bounds() : protocol::rect{0, 0, 2, 2}};
  return make_frame_patch(surface, {}, rects, whole, sequence, with_pixels ? pool.get() : nullptr);
}

struct renderer_fixture {
  caf::actor_system_config config;
  caf::actor_system system{config};
  caf::scoped_actor self{system};
  renderer_actor renderer = spawn_renderer(system);

  ~renderer_fixture() { self->send(renderer, shutdown_atom::value); }

  // The next frame request, if one comes within `wait`.
  std::optional<frame_request> next_request(std::chrono::milliseconds wait = 2000ms) {
    std::optional<frame_request> got;
    bool done = false;
    while (!done)
      self->receive([&](frame_request_atom, const frame_request& request) { got = request, done = true; },
                    [&](screen_update_atom, const screen_update&) {},  // not what this waits for
                    caf::after(wait) >> [&] { done = true; });
    return got;
  }
  std::optional<screen_update> next_update(std::chrono::milliseconds wait = 2000ms) {
    std::optional<screen_update> got;
    bool done = false;
    while (!done)
      self->receive([&](screen_update_atom, const screen_update& update) { got = update, done = true; },
                    [&](frame_request_atom, const frame_request&) {}, caf::after(wait) >> [&] { done = true; });
    return got;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(renderer_tests)

BOOST_FIXTURE_TEST_CASE(headless_it_asks_for_damage_only_and_at_once, renderer_fixture) {
  self->send(renderer, frame_source_atom::value, caf::actor{self});
  auto first = next_request();
  BOOST_REQUIRE(first);
  BOOST_TEST(!first->pixels);  // nobody looks: no pixel is copied
  self->send(renderer, frame_atom::value, frame(1, true, false));
  auto second = next_request();
  BOOST_REQUIRE(second);
  BOOST_TEST(!second->pixels);
  self->send(renderer, frame_atom::value, frame(5, false, false));  // batches 2-4 folded into 5
  BOOST_REQUIRE(next_request());
  renderer_health health;
  self->request(renderer, 2s, health_atom::value).receive([&](const renderer_health& got) { health = got; },
                                                         [](const caf::error&) {});
  BOOST_TEST(health.frames_rendered == 2u);
  BOOST_TEST(health.frames_coalesced == 3u);
}

BOOST_FIXTURE_TEST_CASE(with_a_consumer_the_next_frame_is_asked_for_only_once_the_last_is_shown, renderer_fixture) {
  self->send(renderer, subscribe_frames_atom::value, caf::actor_cast<frame_consumer>(self));
  auto initial = next_update();  // the cursor as it is (none yet)
  BOOST_REQUIRE(initial);
  BOOST_TEST(!initial->picture);
  self->send(renderer, frame_shown_atom::value);
  self->send(renderer, frame_source_atom::value, caf::actor{self});
  auto first = next_request();
  BOOST_REQUIRE(first);
  BOOST_TEST(first->pixels);
  BOOST_TEST(first->whole);  // the consumer has no picture yet
  self->send(renderer, frame_atom::value, frame(1, true, true));
  auto update = next_update();
  BOOST_REQUIRE(update);
  BOOST_REQUIRE(update->picture);
  BOOST_TEST(update->picture->sequence == 1u);
  BOOST_TEST(!next_request(300ms));  // the consumer is still showing frame 1
  self->send(renderer, frame_shown_atom::value);
  auto second = next_request();
  BOOST_REQUIRE(second);
  BOOST_TEST(second->pixels);
  BOOST_TEST(!second->whole);
}

BOOST_FIXTURE_TEST_CASE(a_partial_frame_asked_for_before_the_consumer_came_is_asked_for_again_whole, renderer_fixture) {
  self->send(renderer, frame_source_atom::value, caf::actor{self});
  BOOST_REQUIRE(next_request());  // headless so far: damage only
  self->send(renderer, subscribe_frames_atom::value, caf::actor_cast<frame_consumer>(self));
  BOOST_REQUIRE(next_update());  // the cursor
  self->send(renderer, frame_shown_atom::value);
  self->send(renderer, frame_atom::value, frame(1, false, false));
  auto again = next_request();
  BOOST_REQUIRE(again);
  BOOST_TEST(again->whole);
  BOOST_TEST(again->pixels);
}

// The window dropped its copy of a display it showed as it came (ui/head_windows.cpp)
// and now cuts heads from it: the next frame it is sent is the whole surface.
BOOST_FIXTURE_TEST_CASE(a_consumer_that_asks_for_the_whole_picture_gets_a_whole_frame_next, renderer_fixture) {
  self->send(renderer, subscribe_frames_atom::value, caf::actor_cast<frame_consumer>(self));
  BOOST_REQUIRE(next_update());  // the cursor
  self->send(renderer, frame_shown_atom::value);
  self->send(renderer, frame_source_atom::value, caf::actor{self});
  BOOST_REQUIRE(next_request());
  self->send(renderer, frame_atom::value, frame(1, true, true));
  BOOST_REQUIRE(next_update());
  self->send(renderer, frame_whole_atom::value);
  self->send(renderer, frame_shown_atom::value);
  auto request = next_request();
  BOOST_REQUIRE(request);
  BOOST_TEST(request->whole);
  self->send(renderer, frame_atom::value, frame(2, false, true));  // built before the request was whole: not shown
  auto again = next_request();
  BOOST_REQUIRE(again);
  BOOST_TEST(again->whole);
  self->send(renderer, frame_atom::value, frame(3, true, true));
  auto update = next_update();
  BOOST_REQUIRE(update);
  BOOST_REQUIRE(update->picture);
  BOOST_TEST(update->picture->whole);
  BOOST_TEST(update->picture->sequence == 3u);
}

BOOST_FIXTURE_TEST_CASE(cursor_changes_while_the_consumer_is_busy_arrive_as_one_update, renderer_fixture) {
  self->send(renderer, subscribe_frames_atom::value, caf::actor_cast<frame_consumer>(self));
  BOOST_REQUIRE(next_update());
  for (std::int16_t x = 1; x <= 3; ++x) {
    protocol::cursor_state cursor;
    cursor.x = x;
    self->send(renderer, cursor_state_atom::value, cursor);
  }
  BOOST_TEST(!next_update(300ms));  // the first update is not shown yet
  self->send(renderer, frame_shown_atom::value);
  auto update = next_update();
  BOOST_REQUIRE(update);
  BOOST_REQUIRE(update->cursor);
  BOOST_TEST(update->cursor->x == 3);
}

BOOST_AUTO_TEST_CASE(a_frame_carries_the_pixels_of_its_rectangles_only_from_a_reused_buffer) {
  protocol::surface surface;
  surface.width = 4;
  surface.height = 3;
  for (std::uint32_t i = 0; i < 12; ++i)
    surface.pixels.push_back(i);
  auto pool = pixel_buffer_pool::make();
  const std::vector<std::uint32_t>* first_buffer = nullptr;
  {
    auto patch = make_frame_patch(surface, {}, {protocol::rect{0, 1, 2, 3}, protocol::rect{2, 0, 3, 1}}, false, 7, pool.get());
    BOOST_REQUIRE(patch->pixels);
    const std::uint32_t* a = patch->rect_pixels(0);
    BOOST_TEST(a[0] == 1u);  // rows 0-1, columns 1-2
    BOOST_TEST(a[1] == 2u);
    BOOST_TEST(a[2] == 5u);
    BOOST_TEST(a[3] == 6u);
    BOOST_TEST(patch->rect_pixels(1)[0] == 8u);  // row 2, column 0
    first_buffer = patch->pixels.get();
  }
  auto again = make_frame_patch(surface, {}, {surface.bounds()}, true, 8, pool.get());
  BOOST_TEST(again->pixels.get() == first_buffer);  // the buffer came back and was reused (grown)
  auto none = make_frame_patch(surface, {}, {surface.bounds()}, true, 9, nullptr);
  BOOST_TEST(!none->pixels);
}

BOOST_AUTO_TEST_SUITE_END()
