#include "ui/menu_entries.hpp"

namespace vigil {

namespace {

// Item ids: the command in the hundreds, the index below.
constexpr int id_of(menu_command command, int index = 0) { return (static_cast<int>(command) + 1) * 1000 + index; }

std::string hint(const hotkey_map* hotkeys, hotkey_action action) { return hotkeys ? hotkeys->label(action) : ""; }

}  // namespace

std::vector<menu_item> menu_entries(const menu_state& state) {
  std::vector<menu_item> items;
  menu_item send_key{"Send key", "", 0, false, true, {}};
  if (state.send_keys)
    for (std::size_t i = 0; i < state.send_keys->size(); ++i)
      send_key.children.push_back({(*state.send_keys)[i].label(), "", id_of(menu_command::send_key, static_cast<int>(i))});
  send_key.enabled = !send_key.children.empty();
  if (send_key.children.empty())
    send_key.children.push_back({"(none configured)", "", 0, false, false});
  items.push_back(std::move(send_key));
  items.push_back({"Full screen", hint(state.hotkeys, hotkey_action::toggle_fullscreen), id_of(menu_command::fullscreen),
                   state.fullscreen});
  menu_item zoom{"Zoom (" + std::to_string(state.zoom_percent) + " %)", "", 0, false, true, {}};
  zoom.children.push_back({"Zoom in", hint(state.hotkeys, hotkey_action::zoom_in), id_of(menu_command::zoom, 0)});
  zoom.children.push_back({"Zoom out", hint(state.hotkeys, hotkey_action::zoom_out), id_of(menu_command::zoom, 1)});
  zoom.children.push_back({"Normal size", hint(state.hotkeys, hotkey_action::zoom_reset), id_of(menu_command::zoom, 2),
                           state.zoom_percent == 100});
  zoom.children.push_back({"Scale to fit", "", id_of(menu_command::zoom, 3), state.scale_to_fit});
  zoom.children.push_back({"Integer scaling", "", id_of(menu_command::zoom, 4), state.integer_scaling});
  items.push_back(std::move(zoom));
  if (!state.monitors.empty()) {
    menu_item monitors{"Monitors", "", 0, false, true, {}};
    for (std::size_t i = 0; i < state.monitors.size(); ++i)
      monitors.children.push_back({state.monitors[i].label, "", id_of(menu_command::monitor, static_cast<int>(i)),
                                   state.monitors[i].enabled});
    items.push_back(std::move(monitors));
  }
  items.push_back({"Screenshot", hint(state.hotkeys, hotkey_action::screenshot), id_of(menu_command::screenshot)});
  items.push_back({"Session health", hint(state.hotkeys, hotkey_action::health), id_of(menu_command::health)});
  items.push_back({"Send file...", "", id_of(menu_command::send_file)});
  if (state.file_transfers)
    items.push_back({"Cancel file transfers", "", id_of(menu_command::cancel_files)});
  if (state.microphone)
    items.push_back({"Mute microphone", "", id_of(menu_command::microphone), state.microphone->muted.load()});
  items.push_back({"Reconnect now", "", id_of(menu_command::reconnect)});
  items.push_back({"Disconnect", "", id_of(menu_command::disconnect)});
  return items;
}

menu_choice menu_choice_of(int id) {
  return {static_cast<menu_command>(id / 1000 - 1), id % 1000};
}

}  // namespace vigil
