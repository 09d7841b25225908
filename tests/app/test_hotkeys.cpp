// Hotkeys and key combinations in remote-viewer's syntax (ui/hotkeys.hpp,
// ui/key_names.hpp).
#include <boost/test/unit_test.hpp>

#include "ui/hotkeys.hpp"
#include "ui/key_names.hpp"

using vigil::hotkey_action;
using vigil::hotkey_map;
using vigil::protocol::pc_key;

namespace {

std::optional<hotkey_action> press(const hotkey_map& map, std::set<pc_key> held, pc_key key) {
  auto match = map.on_press(key, held);
  return match ? std::optional<hotkey_action>(match->action) : std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(key_combinations)

BOOST_AUTO_TEST_CASE(names_are_case_insensitive_gdk_names_joined_by_plus) {
  auto parsed = vigil::parse_key_combination("Ctrl+ALT+Delete");
  BOOST_REQUIRE(parsed.value);
  BOOST_TEST((parsed.value->keys == std::vector<pc_key>{pc_key::left_ctrl, pc_key::left_alt, pc_key::delete_key}));
  BOOST_TEST(parsed.value->label() == "Ctrl+Alt+Del");
  BOOST_TEST((vigil::parse_key_combination("control_r+KP_Add").value->keys.back() == pc_key::kp_add));
  BOOST_TEST(vigil::parse_key_combination("alt+sysrq").value->label() == "Alt+SysRq");
  BOOST_TEST(vigil::parse_key_combination("ctrl+plus").value->label() == "Ctrl++");
}

BOOST_AUTO_TEST_CASE(bad_combinations_name_the_problem) {
  BOOST_TEST(vigil::parse_key_combination("ctrl+dle").error == "unknown key 'dle' in 'ctrl+dle'");
  BOOST_TEST(vigil::parse_key_combination("ctrl++").error.find("empty key name") != std::string::npos);
  BOOST_TEST(vigil::parse_key_combination("a+A").error.find("twice") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_combination_is_typed_down_in_order_and_up_in_reverse) {
  auto sequence = vigil::press_release_sequence(*vigil::parse_key_combination("ctrl+alt+f2").value);
  std::vector<std::pair<pc_key, bool>> expected = {{pc_key::left_ctrl, true}, {pc_key::left_alt, true},
                                                   {pc_key::f2, true},        {pc_key::f2, false},
                                                   {pc_key::left_alt, false}, {pc_key::left_ctrl, false}};
  BOOST_TEST((sequence == expected));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hotkeys)

BOOST_AUTO_TEST_CASE(the_defaults_are_remote_viewers) {
  auto map = hotkey_map::defaults();
  BOOST_TEST(map.label(hotkey_action::toggle_fullscreen) == "F11");
  BOOST_TEST(map.label(hotkey_action::release_cursor) == "Shift+F12");
  BOOST_TEST(map.label(hotkey_action::secure_attention) == "Ctrl+Alt+End");
  BOOST_TEST(map.label(hotkey_action::zoom_in) == "Ctrl++");
  BOOST_TEST(map.label(hotkey_action::zoom_out) == "Ctrl+-");
  BOOST_TEST(map.label(hotkey_action::zoom_reset) == "Ctrl+0");
  BOOST_TEST(map.label(hotkey_action::smartcard_insert) == "Shift+F8");
  BOOST_TEST(map.label(hotkey_action::smartcard_remove) == "Shift+F9");
  BOOST_TEST(map.label(hotkey_action::usb_device_reset) == "Ctrl+Shift+R");
  BOOST_TEST(map.label(hotkey_action::menu) == "Ctrl+Alt+M");
  BOOST_TEST(!map.has(hotkey_action::screenshot));
}

BOOST_AUTO_TEST_CASE(a_hotkey_needs_exactly_its_modifiers) {
  auto map = hotkey_map::defaults();
  BOOST_TEST((press(map, {}, pc_key::f11) == hotkey_action::toggle_fullscreen));
  BOOST_TEST(!press(map, {pc_key::left_ctrl}, pc_key::f11));  // Ctrl+F11 is the guest's
  BOOST_TEST(!press(map, {}, pc_key::f12));
  BOOST_TEST((press(map, {pc_key::right_shift}, pc_key::f12) == hotkey_action::release_cursor));
  BOOST_TEST((press(map, {pc_key::left_ctrl, pc_key::right_alt}, pc_key::end) == hotkey_action::secure_attention));
  BOOST_TEST(!press(map, {pc_key::left_ctrl, pc_key::left_alt, pc_key::left_shift}, pc_key::end));
}

BOOST_AUTO_TEST_CASE(plus_takes_shift_or_not_and_the_keypad_has_its_own) {
  auto map = hotkey_map::defaults();
  BOOST_TEST((press(map, {pc_key::left_ctrl}, pc_key::equal) == hotkey_action::zoom_in));
  BOOST_TEST((press(map, {pc_key::left_ctrl, pc_key::left_shift}, pc_key::equal) == hotkey_action::zoom_in));
  BOOST_TEST((press(map, {pc_key::right_ctrl}, pc_key::kp_add) == hotkey_action::zoom_in));
  BOOST_TEST((press(map, {pc_key::left_ctrl}, pc_key::kp_0) == hotkey_action::zoom_reset));
}

BOOST_AUTO_TEST_CASE(a_hotkeys_list_replaces_all_of_remote_viewers_and_ctrl_alt_then_releases) {
  auto map = hotkey_map::defaults();
  BOOST_REQUIRE(!map.apply_list("toggle-fullscreen=shift+f11,secure-attention=ctrl+alt+ins"));
  BOOST_TEST(!press(map, {}, pc_key::f11));
  BOOST_TEST((press(map, {pc_key::left_shift}, pc_key::f11) == hotkey_action::toggle_fullscreen));
  BOOST_TEST(!press(map, {pc_key::left_ctrl, pc_key::left_alt}, pc_key::end));
  BOOST_TEST((press(map, {pc_key::left_ctrl, pc_key::left_alt}, pc_key::insert) == hotkey_action::secure_attention));
  BOOST_TEST(!map.has(hotkey_action::zoom_in));
  BOOST_TEST(map.label(hotkey_action::menu) == "Ctrl+Alt+M");  // Vigil's own stay
  // Modifiers alone: when the last goes down, and the key stays the guest's.
  auto match = map.on_press(pc_key::left_alt, {pc_key::left_ctrl});
  BOOST_REQUIRE(match);
  BOOST_TEST((match->action == hotkey_action::release_cursor));
  BOOST_TEST(!match->consumed);
  BOOST_TEST(!map.on_press(pc_key::left_alt, {pc_key::left_ctrl, pc_key::left_shift}));
}

BOOST_AUTO_TEST_CASE(release_cursor_given_keys_replaces_ctrl_alt) {
  auto map = hotkey_map::defaults();
  BOOST_REQUIRE(!map.apply_list("release-cursor=ctrl+alt+r"));
  BOOST_TEST(!map.on_press(pc_key::left_alt, {pc_key::left_ctrl}));
  BOOST_TEST((press(map, {pc_key::left_ctrl, pc_key::left_alt}, pc_key::r) == hotkey_action::release_cursor));
}

BOOST_AUTO_TEST_CASE(bad_lists_name_the_item) {
  auto map = hotkey_map::defaults();
  BOOST_TEST(*map.apply_list("toggle-fullscreen=shift+f11,zoom=ctrl+z") ==
             "unknown action 'zoom' (one of " + vigil::hotkey_action_names() + ")");
  BOOST_TEST(*map.apply_list("zoom-in") == "'zoom-in' gives no keys (write ACTION=KEYS, e.g. toggle-fullscreen=shift+f11)");
  BOOST_TEST(*map.apply_list("zoom-in=ctrl+a+b") == "zoom-in: 'ctrl+a+b' is not modifiers and one key (e.g. shift+f11)");
  BOOST_TEST(map.apply_list("menu=ctrl+alt").value().find("only release-cursor") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(kiosk_keeps_only_configured_hotkeys) {
  auto map = hotkey_map::defaults();
  BOOST_REQUIRE(!map.set(hotkey_action::health, "ctrl+alt+h"));
  map.keep_only_configured();
  BOOST_TEST(!map.has(hotkey_action::toggle_fullscreen));
  BOOST_TEST(!map.has(hotkey_action::menu));
  BOOST_TEST(map.label(hotkey_action::health) == "Ctrl+Alt+H");
}

BOOST_AUTO_TEST_SUITE_END()
