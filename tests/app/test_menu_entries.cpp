// What the menu offers, in order, with its hints and ticks (ui/menu_entries.hpp).
#include <boost/test/unit_test.hpp>

#include "ui/menu_entries.hpp"
#include "ui/settings.hpp"

using namespace vigil;

BOOST_AUTO_TEST_SUITE(menu_entries_offered)

BOOST_AUTO_TEST_CASE(the_entries_their_hints_and_what_each_stands_for) {
  auto send_keys = viewer_settings::default_send_keys();
  auto hotkeys = hotkey_map::defaults();
  auto items = menu_entries({&send_keys, &hotkeys, true});
  std::vector<std::string> labels;
  for (const auto& item : items)
    labels.push_back(item.label);
  BOOST_TEST(labels == (std::vector<std::string>{"Send key", "Full screen", "Zoom (100 %)", "Screenshot",
                                                 "Session health", "Send file...", "Reconnect now", "Disconnect"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE(items[0].children.size() == 16u);
  BOOST_TEST(items[0].children[0].label == "Ctrl+Alt+Del");
  BOOST_TEST(items[0].children[15].label == "Alt+SysRq");
  BOOST_TEST(items[1].hint == "F11");
  BOOST_TEST(items[1].checked);  // full screen is on
  auto choice = menu_choice_of(items[0].children[3].id);
  BOOST_TEST((choice.command == menu_command::send_key));
  BOOST_TEST(choice.index == 3);
  BOOST_TEST((menu_choice_of(items[5].id).command == menu_command::send_file));
  BOOST_TEST((menu_choice_of(items[7].id).command == menu_command::disconnect));
  BOOST_REQUIRE(items[2].children.size() == 5u);
  BOOST_TEST(items[2].children[3].label == "Scale to fit");
  BOOST_TEST(items[2].children[3].checked);  // the default
  BOOST_TEST(!items[2].children[4].checked);  // integer scaling: off by default
  BOOST_TEST(menu_choice_of(items[2].children[4].id).index == 4);
  BOOST_TEST(items[2].children[1].label == "Zoom out");
  BOOST_TEST(items[2].children[2].checked);  // normal size: 100 %
  auto zoom = menu_choice_of(items[2].children[1].id);
  BOOST_TEST((zoom.command == menu_command::zoom));
  BOOST_TEST(zoom.index == 1);
}

BOOST_AUTO_TEST_CASE(an_empty_send_key_list_is_shown_disabled) {
  std::vector<key_combination> none;
  auto items = menu_entries({&none, nullptr, false});
  BOOST_TEST(!items[0].enabled);
  BOOST_TEST(items[1].hint.empty());
}

BOOST_AUTO_TEST_CASE(with_a_record_channel_the_menu_offers_mute_microphone_ticked_while_muted) {
  auto send_keys = viewer_settings::default_send_keys();
  microphone_switch microphone;
  menu_state state;
  state.send_keys = &send_keys;
  state.microphone = &microphone;
  auto items = menu_entries(state);
  BOOST_REQUIRE(items.size() == 9u);
  BOOST_TEST(items[6].label == "Mute microphone");
  BOOST_TEST(!items[6].checked);
  BOOST_TEST((menu_choice_of(items[6].id).command == menu_command::microphone));
  BOOST_TEST(items[7].label == "Reconnect now");
  microphone.muted = true;
  BOOST_TEST(menu_entries(state)[6].checked);
}

BOOST_AUTO_TEST_CASE(while_files_are_sent_the_menu_offers_to_cancel_them) {
  menu_state state;
  BOOST_TEST(menu_entries(state).size() == 8u);
  state.file_transfers = true;
  auto items = menu_entries(state);
  BOOST_REQUIRE(items.size() == 9u);
  BOOST_TEST(items[6].label == "Cancel file transfers");
  BOOST_TEST((menu_choice_of(items[6].id).command == menu_command::cancel_files));
}

BOOST_AUTO_TEST_CASE(with_several_heads_the_menu_offers_each_but_the_first_ticked_while_enabled) {
  menu_state state;
  BOOST_TEST(menu_entries(state)[3].label == "Screenshot");  // one head: no Monitors entry
  state.monitors = {{"Monitor 2 (640x480)", true}, {"Monitor 3 (800x600)", false}};
  const auto items = menu_entries(state);
  BOOST_TEST_REQUIRE(items[3].label == "Monitors");
  BOOST_TEST_REQUIRE(items[3].children.size() == 2u);
  BOOST_TEST(items[3].children[0].checked);
  BOOST_TEST(!items[3].children[1].checked);
  const auto chosen = menu_choice_of(items[3].children[1].id);
  BOOST_TEST((chosen.command == menu_command::monitor));
  BOOST_TEST(chosen.index == 1);
}

BOOST_AUTO_TEST_SUITE_END()
