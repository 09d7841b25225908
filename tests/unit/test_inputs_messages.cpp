// What the client sends on the inputs channel: the key table, the key,
// modifier and pointer messages, and the pacing of pointer motion against
// MOUSE_MOTION_ACK. tests/viewer_input checks the same against a real server.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include <set>
#include <string>

#include "captured_stream.hpp"
#include "protocol/inputs_messages.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

std::vector<std::uint16_t> types_of(const std::vector<input_message>& messages) {
  std::vector<std::uint16_t> types;
  for (const auto& message : messages)
    types.push_back(message.type);
  return types;
}

std::int32_t dx_of(const input_message& motion) {
  return static_cast<std::int32_t>(motion.body[0] | motion.body[1] << 8 | motion.body[2] << 16 |
                                   static_cast<std::uint32_t>(motion.body[3]) << 24);
}

input_message key_down(pc_key key) { return {SPICE_MSGC_INPUTS_KEY_DOWN, build_key_down(set1_make_code(key))}; }

// A pacer with `count` motion messages sent and not acknowledged.
motion_pacer pacer_with_unacknowledged(int count) {
  motion_pacer pacer;
  for (int i = 0; i < count; ++i) {
    pacer.relative(1, 0, 0);
    pacer.take_ready();
  }
  return pacer;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(inputs_messages)

BOOST_AUTO_TEST_CASE(the_table_has_the_105_keys_of_a_pc_keyboard_each_with_its_own_scancode_and_name) {
  BOOST_TEST(pc_key_count == 105u);
  std::set<std::uint32_t> codes;
  std::set<std::string> names;
  for (std::size_t i = 0; i < pc_key_count; ++i) {
    codes.insert(set1_make_code(static_cast<pc_key>(i)));
    names.insert(pc_key_name(static_cast<pc_key>(i)));
  }
  BOOST_TEST(codes.size() == pc_key_count);
  BOOST_TEST(names.size() == pc_key_count);
}

BOOST_AUTO_TEST_CASE(every_key_is_found_by_its_own_linux_input_code) {
  for (std::size_t i = 0; i < pc_key_count; ++i) {
    auto key = static_cast<pc_key>(i);
    bool found = false;
    for (std::uint32_t code = 0; code < 256 && !found; ++code)
      found = pc_key_for_linux_code(code) == key;
    BOOST_TEST(found, pc_key_name(key));
  }
}

BOOST_AUTO_TEST_CASE(linux_input_codes_name_the_keys_sfml_cannot) {
  BOOST_TEST((pc_key_for_linux_code(86) == pc_key::intl_backslash));  // KEY_102ND, the ISO "<>" key
  BOOST_TEST((pc_key_for_linux_code(96) == pc_key::kp_enter));        // KEY_KPENTER
  BOOST_TEST((pc_key_for_linux_code(28) == pc_key::enter));           // KEY_ENTER
  BOOST_TEST((pc_key_for_linux_code(99) == pc_key::print_screen));    // KEY_SYSRQ
  BOOST_TEST((pc_key_for_linux_code(58) == pc_key::caps_lock));       // KEY_CAPSLOCK
  BOOST_TEST((pc_key_for_linux_code(119) == pc_key::pause));          // KEY_PAUSE
  BOOST_TEST(!pc_key_for_linux_code(0).has_value());                  // KEY_RESERVED
  BOOST_TEST(!pc_key_for_linux_code(113).has_value());                // KEY_MUTE: not on a 105-key board
}

// Below 84 the Linux codes were taken from set 1: a check on both tables.
BOOST_AUTO_TEST_CASE(the_unprefixed_keys_have_the_linux_code_equal_to_their_scancode) {
  for (std::uint32_t code = 1; code <= 83; ++code) {
    auto key = pc_key_for_linux_code(code);
    BOOST_TEST_REQUIRE(key.has_value(), "Linux code " << code);
    BOOST_TEST(set1_make_code(*key) == code);
  }
}

BOOST_AUTO_TEST_CASE(keys_have_their_set1_make_codes) {
  BOOST_TEST(set1_make_code(pc_key::escape) == 0x01u);
  BOOST_TEST(set1_make_code(pc_key::a) == 0x1eu);
  BOOST_TEST(set1_make_code(pc_key::h) == 0x23u);
  BOOST_TEST(set1_make_code(pc_key::digit_0) == 0x0bu);
  BOOST_TEST(set1_make_code(pc_key::f12) == 0x58u);
  BOOST_TEST(set1_make_code(pc_key::intl_backslash) == 0x56u);
  BOOST_TEST(set1_make_code(pc_key::kp_enter) == 0xe01cu);
  BOOST_TEST(set1_make_code(pc_key::right_ctrl) == 0xe01du);
  BOOST_TEST(set1_make_code(pc_key::up) == 0xe048u);
  BOOST_TEST(set1_make_code(pc_key::kp_divide) == 0xe035u);
  BOOST_TEST(set1_make_code(pc_key::print_screen) == 0xe037u);
  BOOST_TEST(set1_make_code(pc_key::pause) == 0xe11d45u);
  BOOST_TEST(std::string(pc_key_name(pc_key::kp_enter)) == "kp_enter");
}

BOOST_AUTO_TEST_CASE(key_down_of_a_plain_key_is_its_scancode) {
  BOOST_TEST(build_key_down(0x1e) == (bytes{0x1e, 0, 0, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(key_up_of_a_plain_key_sets_the_release_bit) {
  BOOST_TEST(build_key_up(0x1e) == (bytes{0x9e, 0, 0, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(key_down_of_an_e0_key_sends_the_prefix_first) {
  BOOST_TEST(build_key_down(0xe048) == (bytes{0xe0, 0x48, 0, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(key_up_of_an_e0_key_keeps_the_prefix_and_sets_the_release_bit) {
  BOOST_TEST(build_key_up(0xe048) == (bytes{0xe0, 0xc8, 0, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_e0_key_is_coded_as_spice_gtk_codes_it) {
  // spice-gtk: down (sc << 8) | 0xe0, up ((sc | 0x80) << 8) | 0xe0.
  int e0_keys = 0;
  for (std::size_t i = 0; i < pc_key_count; ++i) {
    const auto make = set1_make_code(static_cast<pc_key>(i));
    if ((make >> 8) != 0xe0)
      continue;
    ++e0_keys;
    const std::uint32_t sc = make & 0xff;
    BOOST_TEST(key_down_code(make) == ((sc << 8) | 0xe0));
    BOOST_TEST(key_up_code(make) == (((sc | 0x80) << 8) | 0xe0));
  }
  BOOST_TEST(e0_keys == 18);
}

BOOST_AUTO_TEST_CASE(pause_sends_its_whole_e1_sequence_down_and_released_up) {
  BOOST_TEST(build_key_down(0xe11d45) == (bytes{0xe1, 0x1d, 0x45, 0}), boost::test_tools::per_element());
  BOOST_TEST(build_key_up(0xe11d45) == (bytes{0xe1, 0x9d, 0xc5, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(key_modifiers_is_one_u16_of_lock_bits) {
  BOOST_TEST(build_key_modifiers(SPICE_KEYBOARD_MODIFIER_FLAGS_CAPS_LOCK | SPICE_KEYBOARD_MODIFIER_FLAGS_NUM_LOCK) ==
               (bytes{0x06, 0x00}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(key_scancode_is_the_raw_bytes) {
  BOOST_TEST(build_key_scancode(bytes{0x1e, 0x9e}) == (bytes{0x1e, 0x9e}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(mouse_motion_is_dx_dy_then_buttons) {
  const bytes expected = body_builder{}.u32(5).u32(0xfffffffd).u16(SPICE_MOUSE_BUTTON_MASK_LEFT).out;
  BOOST_TEST(build_mouse_motion(5, -3, SPICE_MOUSE_BUTTON_MASK_LEFT) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(mouse_position_is_x_y_buttons_then_display) {
  const bytes expected = body_builder{}.u32(100).u32(200).u16(SPICE_MOUSE_BUTTON_MASK_RIGHT).u8(1).out;
  BOOST_TEST(build_mouse_position(100, 200, SPICE_MOUSE_BUTTON_MASK_RIGHT, 1) == expected,
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(mouse_press_and_release_are_button_then_buttons) {
  BOOST_TEST(build_mouse_press(SPICE_MOUSE_BUTTON_LEFT, SPICE_MOUSE_BUTTON_MASK_LEFT) == (bytes{1, 1, 0}),
             boost::test_tools::per_element());
  BOOST_TEST(build_mouse_release(SPICE_MOUSE_BUTTON_LEFT, 0) == (bytes{1, 0, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(motion_goes_out_at_once_while_fewer_than_eight_are_unacknowledged) {
  motion_pacer pacer;
  for (int i = 0; i < 8; ++i) {
    pacer.relative(1, 2, 0);
    BOOST_TEST(pacer.take_ready().size() == 1u);
  }
  BOOST_TEST(pacer.stats().unacknowledged == 8u);
}

BOOST_AUTO_TEST_CASE(the_ninth_unacknowledged_motion_waits) {
  auto pacer = pacer_with_unacknowledged(8);
  pacer.relative(1, 0, 0);
  BOOST_TEST(pacer.take_ready().empty());
  BOOST_TEST(pacer.stats().waiting == 1u);
}

BOOST_AUTO_TEST_CASE(waiting_relative_motion_is_coalesced_into_one_message_with_the_summed_delta) {
  auto pacer = pacer_with_unacknowledged(8);
  pacer.relative(3, -1, 0);
  pacer.relative(4, -2, 0);
  pacer.relative(5, 7, SPICE_MOUSE_BUTTON_MASK_LEFT);
  pacer.on_motion_ack();
  const auto ready = pacer.take_ready();
  BOOST_TEST_REQUIRE(ready.size() == 1u);
  BOOST_TEST(ready[0].type == SPICE_MSGC_INPUTS_MOUSE_MOTION);
  BOOST_TEST(ready[0].body == build_mouse_motion(12, 4, SPICE_MOUSE_BUTTON_MASK_LEFT), boost::test_tools::per_element());
  BOOST_TEST(pacer.stats().motion_coalesced == 2u);
}

BOOST_AUTO_TEST_CASE(a_waiting_absolute_position_is_replaced_by_the_newest) {
  auto pacer = pacer_with_unacknowledged(8);
  pacer.absolute(10, 10, 0, 0);
  pacer.absolute(20, 30, 0, 0);
  pacer.on_motion_ack();
  const auto ready = pacer.take_ready();
  BOOST_TEST_REQUIRE(ready.size() == 1u);
  BOOST_TEST(ready[0].type == SPICE_MSGC_INPUTS_MOUSE_POSITION);
  BOOST_TEST(ready[0].body == build_mouse_position(20, 30, 0, 0), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(one_ack_acknowledges_four_motion_messages) {
  auto pacer = pacer_with_unacknowledged(8);
  pacer.on_motion_ack();
  BOOST_TEST(pacer.stats().unacknowledged == 4u);
  BOOST_TEST(pacer.stats().motion_acknowledged == 4u);
}

BOOST_AUTO_TEST_CASE(acks_beyond_what_was_sent_acknowledge_nothing_more) {
  auto pacer = pacer_with_unacknowledged(2);
  pacer.on_motion_ack();
  pacer.on_motion_ack();
  BOOST_TEST(pacer.stats().unacknowledged == 0u);
  BOOST_TEST(pacer.stats().motion_acknowledged == 2u);
}

BOOST_AUTO_TEST_CASE(a_key_pressed_while_motion_waits_goes_out_after_that_motion) {
  auto pacer = pacer_with_unacknowledged(8);
  pacer.relative(1, 1, 0);
  BOOST_TEST(pacer.event(key_down(pc_key::a)));
  BOOST_TEST(pacer.take_ready().empty());
  pacer.on_motion_ack();
  const std::vector<std::uint16_t> expected{SPICE_MSGC_INPUTS_MOUSE_MOTION, SPICE_MSGC_INPUTS_KEY_DOWN};
  BOOST_TEST(types_of(pacer.take_ready()) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(motion_after_a_waiting_button_is_not_merged_into_motion_before_it) {
  auto pacer = pacer_with_unacknowledged(8);
  pacer.relative(1, 0, 0);
  pacer.event({SPICE_MSGC_INPUTS_MOUSE_PRESS, build_mouse_press(SPICE_MOUSE_BUTTON_LEFT, 1)});
  pacer.relative(0, 1, 1);
  pacer.on_motion_ack();
  const std::vector<std::uint16_t> expected{SPICE_MSGC_INPUTS_MOUSE_MOTION, SPICE_MSGC_INPUTS_MOUSE_PRESS,
                                            SPICE_MSGC_INPUTS_MOUSE_MOTION};
  BOOST_TEST(types_of(pacer.take_ready()) == expected, boost::test_tools::per_element());
  BOOST_TEST(pacer.stats().motion_coalesced == 0u);
}

BOOST_AUTO_TEST_CASE(events_with_no_motion_waiting_go_out_at_once) {
  auto pacer = pacer_with_unacknowledged(8);
  BOOST_TEST(pacer.event(key_down(pc_key::a)));
  BOOST_TEST(pacer.take_ready().size() == 1u);
}

BOOST_AUTO_TEST_CASE(events_beyond_the_waiting_limit_are_refused) {
  motion_pacer pacer(2);
  for (int i = 0; i < 8; ++i) {
    pacer.relative(1, 0, 0);
    pacer.take_ready();
  }
  pacer.relative(1, 0, 0);
  BOOST_TEST(pacer.event(key_down(pc_key::a)));
  BOOST_TEST(pacer.event(key_down(pc_key::b)));
  BOOST_TEST(!pacer.event(key_down(pc_key::c)));
  BOOST_TEST(pacer.stats().events_refused == 1u);
}

BOOST_AUTO_TEST_CASE(zero_relative_motion_is_not_sent) {
  motion_pacer pacer;
  pacer.relative(0, 0, SPICE_MOUSE_BUTTON_MASK_LEFT);
  BOOST_TEST(pacer.take_ready().empty());
}

BOOST_AUTO_TEST_CASE(a_change_of_mouse_mode_replaces_waiting_motion_of_the_other_kind) {
  auto pacer = pacer_with_unacknowledged(8);
  pacer.relative(5, 5, 0);
  pacer.absolute(40, 50, 0, 0);
  pacer.on_motion_ack();
  const auto ready = pacer.take_ready();
  BOOST_TEST_REQUIRE(ready.size() == 1u);
  BOOST_TEST(ready[0].body == build_mouse_position(40, 50, 0, 0), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_flood_of_motion_never_has_more_than_eight_unacknowledged_and_loses_no_distance) {
  motion_pacer pacer;
  std::int64_t sent_dx = 0;
  for (int i = 1; i <= 1000; ++i) {
    pacer.relative(1, 0, 0);
    if (i % 37 == 0)
      pacer.on_motion_ack();
    for (const auto& message : pacer.take_ready())
      sent_dx += dx_of(message);
  }
  for (int i = 0; i < 300 && pacer.stats().waiting > 0; ++i) {
    pacer.on_motion_ack();
    for (const auto& message : pacer.take_ready())
      sent_dx += dx_of(message);
  }
  BOOST_TEST(pacer.stats().peak_unacknowledged == 8u);
  BOOST_TEST(sent_dx == 1000);
  BOOST_TEST(pacer.stats().motion_sent < 1000u);
}

BOOST_AUTO_TEST_SUITE_END()
