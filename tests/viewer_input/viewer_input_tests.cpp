// What the window's input events become on a real server: vigil's inputs
// channel (and cursor channel) against vigil-test-server, which prints every
// key and pointer event its devices receive (tests/test_server/README.md).
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include <algorithm>
#include <memory>
#include <regex>

#include <caf/event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "channel_harness.hpp"
#include "scene_server.hpp"
#include "waiting.hpp"

using namespace std::chrono_literals;
using namespace vigil;
using namespace vigil::viewer_input_test;
using protocol::pc_key;
using vigil::test_support::scene_server;
using vigil::test_support::wait_until;

namespace {

using flood_atom = caf::atom_constant<caf::atom("flood")>;

// Waits until the server has printed `count` lines starting with `prefix`.
std::vector<std::string> wait_for_lines(const scene_server& server, const std::string& prefix, std::size_t count,
                                        std::chrono::milliseconds timeout = 10s) {
  std::vector<std::string> lines;
  wait_until([&] { return (lines = server.lines(prefix)).size() >= count; }, timeout);
  return lines;
}

void press_and_release(caf::scoped_actor& self, const caf::actor& inputs, pc_key key) {
  self->send(inputs, input_atom::value, input_event{key_event{key, true}});
  self->send(inputs, input_atom::value, input_event{key_event{key, false}});
}

std::vector<std::string> down_up_lines(const std::vector<std::string>& make_codes) {
  std::vector<std::string> lines;
  for (const auto& code : make_codes) {
    lines.push_back("input key-down scancode=" + code);
    lines.push_back("input key-up scancode=" + code);
  }
  return lines;
}

struct flood_outcome {
  std::size_t max_in_flight_seen = 0;
  std::string error;
};

// Sends `count` relative motions of (1, 2) to the inputs channel as fast as
// it can, each followed by a heartbeat request. The channel handles them in
// order, so each reply shows the unacknowledged motion right after a motion
// was handled (an ACK may have arrived in between: never more).
caf::behavior motion_flooder(caf::event_based_actor* self) {
  return {[](edge_ack_atom, std::uint32_t, std::uint32_t) {},  // the channel takes each event: no window edge here
          [self](flood_atom, const caf::actor& inputs, int count) {
    auto promise = self->make_response_promise<flood_outcome>();
    auto outcome = std::make_shared<flood_outcome>();
    auto answers = std::make_shared<int>(0);
    for (int i = 0; i < count; ++i) {
      self->send(inputs, input_atom::value, input_event{pointer_motion{1, 2, 0}});
      self->request(inputs, 10s, heartbeat_atom::value)
        .then(
          [=](const channel_health& health) mutable {
            for (const auto& edge : health.edges)
              if (edge.name == "pointer motion")
                outcome->max_in_flight_seen = std::max(outcome->max_in_flight_seen, edge.in_flight);
            if (++*answers == count)
              promise.deliver(*outcome);
          },
          [=](const caf::error& error) mutable {
            outcome->error = self->system().render(error);
            if (++*answers == count)
              promise.deliver(*outcome);
          });
    }
    return promise;
  }};
}

}  // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(flood_outcome)

BOOST_AUTO_TEST_SUITE(viewer_input)

BOOST_AUTO_TEST_CASE(typing_hello_reaches_the_server_as_its_scancodes_in_order) {
  scene_server server({"--scene", "solid"});
  channel_harness harness(server.port());
  auto inputs = harness.start_inputs();
  for (auto key : {pc_key::h, pc_key::e, pc_key::l, pc_key::l, pc_key::o})
    press_and_release(harness.self(), inputs, key);
  const auto lines = wait_for_lines(server, "input key-", 10);
  const auto expected = down_up_lines({"0x23", "0x12", "0x26", "0x26", "0x18"});
  BOOST_TEST(lines == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(extended_keys_reach_the_server_with_their_prefixes) {
  scene_server server({"--scene", "solid"});
  channel_harness harness(server.port());
  auto inputs = harness.start_inputs();
  for (auto key : {pc_key::up, pc_key::kp_enter, pc_key::right_ctrl, pc_key::print_screen, pc_key::pause})
    press_and_release(harness.self(), inputs, key);
  const auto lines = wait_for_lines(server, "input key-", 10);
  const auto expected = down_up_lines({"0xe048", "0xe01c", "0xe01d", "0xe037", "0xe11d45"});
  BOOST_TEST(lines == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_motion_flood_reaches_the_server_whole_with_at_most_eight_unacknowledged) {
  constexpr int motions = 200;
  scene_server server({"--scene", "solid"});
  channel_harness harness(server.port());
  auto inputs = harness.start_inputs();
  auto flooder = harness.system().spawn(motion_flooder);
  flood_outcome outcome;
  harness.self()
    ->request(flooder, 30s, flood_atom::value, inputs, motions)
    .receive([&](const flood_outcome& reply) { outcome = reply; },
             [&](const caf::error& error) { outcome.error = harness.system().render(error); });
  harness.self()->send_exit(flooder, caf::exit_reason::user_shutdown);
  BOOST_TEST_REQUIRE(outcome.error.empty(), outcome.error);
  BOOST_TEST(outcome.max_in_flight_seen <= 8u);
  BOOST_TEST(outcome.max_in_flight_seen >= 1u);

  // Everything held has gone out once the server's ACKs came back; fewer than
  // 4 stay unacknowledged (the server acknowledges every 4th).
  auto edge = harness.pointer_motion(inputs);
  wait_until(
    [&] {
      edge = harness.pointer_motion(inputs);
      return edge.waiting == 0 && edge.in_flight < 4;
    },
    20s);
  BOOST_TEST(edge.waiting == 0u);
  BOOST_TEST(edge.in_flight < 4u);
  BOOST_TEST(edge.sent + edge.coalesced == std::uint64_t{motions});
  BOOST_TEST(edge.refused == 0u);
  BOOST_TEST_MESSAGE("200 motions: " << edge.sent << " messages sent, " << edge.coalesced << " coalesced, "
                                     << edge.sent - edge.in_flight << " acknowledged, at most "
                                     << outcome.max_in_flight_seen << " seen unacknowledged");

  // The server's mouse saw every message and the whole distance.
  const auto lines = wait_for_lines(server, "input mouse-motion", edge.sent);
  BOOST_TEST(lines.size() == edge.sent);
  long dx = 0, dy = 0;
  const std::regex motion_line(R"(input mouse-motion dx=(-?\d+) dy=(-?\d+) buttons=0)");
  for (const auto& line : lines) {
    std::smatch match;
    BOOST_TEST_REQUIRE(std::regex_match(line, match, motion_line), line);
    dx += std::stol(match[1]);
    dy += std::stol(match[2]);
  }
  BOOST_TEST(dx == motions);
  BOOST_TEST(dy == 2 * motions);
}

BOOST_AUTO_TEST_CASE(a_click_reaches_the_server_as_press_then_release) {
  scene_server server({"--scene", "solid"});
  channel_harness harness(server.port());
  auto inputs = harness.start_inputs();
  auto& self = harness.self();
  self->send(inputs, input_atom::value, input_event{pointer_motion{5, -3, 0}});
  self->send(inputs, input_atom::value,
             input_event{pointer_button{SPICE_MOUSE_BUTTON_LEFT, true, SPICE_MOUSE_BUTTON_MASK_LEFT}});
  self->send(inputs, input_atom::value, input_event{pointer_button{SPICE_MOUSE_BUTTON_LEFT, false, 0}});
  const auto lines = wait_for_lines(server, "input mouse-", 3);
  const std::vector<std::string> expected{"input mouse-motion dx=5 dy=-3 buttons=0", "input mouse-buttons buttons=1",
                                          "input mouse-buttons buttons=0"};
  BOOST_TEST(lines == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_cursor_channel_follows_the_cursor_scene) {
  scene_server server({"--scene", "cursor"});
  channel_harness harness(server.port());
  harness.start_display();  // the scene starts once display and cursor are connected
  auto cursor_channel = harness.start_cursor();
  BOOST_TEST_REQUIRE(server.wait_for_output("scene complete", 20s), server.output());
  protocol::cursor_state cursor;
  wait_until(
    [&] {
      cursor = harness.cursor(cursor_channel);
      return cursor.shape && cursor.shape->type == SPICE_CURSOR_TYPE_MONO;
    },
    20s);
  BOOST_TEST_REQUIRE(cursor.shape != nullptr);
  BOOST_TEST(cursor.shape->type == SPICE_CURSOR_TYPE_MONO);
  BOOST_TEST(cursor.shape->image.width == 32u);
  BOOST_TEST(cursor.shape->hot_x == 4);
  BOOST_TEST(cursor.shape->hot_y == 4);
  BOOST_TEST(cursor.x == 512);
  BOOST_TEST(cursor.y == 384);
  BOOST_TEST(cursor.visible);
  // A black frame pixel, a white inside one, a transparent outside one.
  BOOST_TEST(cursor.shape->image.pixels[4 * 32 + 4] == 0xff000000u);
  BOOST_TEST(cursor.shape->image.pixels[16 * 32 + 16] == 0xffffffffu);
  BOOST_TEST(cursor.shape->image.pixels[0] == 0u);
  // The channel stays in server mouse mode, in which the server also sends the moves.
  BOOST_TEST(server.lines("cursor move").size() == 3u);
  BOOST_TEST(std::string(to_string(harness.health(cursor_channel).state)) == "up");
}

BOOST_AUTO_TEST_SUITE_END()
