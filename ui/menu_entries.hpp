// What Vigil's menu offers (ui/window_menu.hpp draws it) and what choosing
// an entry means: pure, so the entries, their order, their ticks and hotkey
// hints are unit-tested without a window.
//
//   Send key ▸      the configured combinations (send_keys.items)
//   Full screen     ticked when on; hint: the toggle-fullscreen hotkey
//   Zoom ▸          Zoom in, Zoom out, Normal size (the zoom hotkeys' hints),
//                   Scale to fit and Integer scaling (ticked when on)
//   Monitors ▸      with several guest heads: each head but the first,
//                   ticked while enabled; choosing one disables or enables
//                   it in the guest (ui/head_windows.hpp)
//   Screenshot      the guest's screen as a PNG, saved now
//   Session health  the health snapshot, for a person
//   Send file...    a path field (ui/path_field.hpp); Enter sends that file to
//                   the guest's agent, whose progress shows as notices
//   Cancel file transfers  stops every file being sent (only while some are)
//   Mute microphone ticked while the guest gets silence instead of the
//                   microphone (only when the record channel is enabled)
//   Reconnect now   a new session at once (also during a reconnect's backoff)
//   Disconnect      ends vigil (exit code 0)
#pragma once

#include <vector>

#include "actors/audio_capture.hpp"
#include "ui/hotkeys.hpp"
#include "ui/key_names.hpp"
#include "ui/window_menu.hpp"

namespace vigil {

enum class menu_command { send_key, fullscreen, screenshot, health, reconnect, disconnect, zoom, microphone, send_file,
                          cancel_files, monitor };

struct menu_choice {
  menu_command command;
  int index = 0;  // send_key: which combination; zoom: 0 in, 1 out, 2 normal size, 3 scale to fit, 4 integer
                  // scaling; monitor: which of menu_state::monitors
};

// A guest head the menu can enable or disable.
struct monitor_entry {
  std::string label;  // "Monitor 2 (640x480)"
  bool enabled = true;
};

// What the entries depend on when the menu opens.
struct menu_state {
  const std::vector<key_combination>* send_keys = nullptr;
  const hotkey_map* hotkeys = nullptr;
  bool fullscreen = false;
  int zoom_percent = 100;
  bool scale_to_fit = true;
  bool integer_scaling = false;
  const microphone_switch* microphone = nullptr;  // null: no record channel, no entry
  bool file_transfers = false;                     // files are being sent to the guest
  std::vector<monitor_entry> monitors{};           // the guest's heads but the first (none: no Monitors entry)
};

std::vector<menu_item> menu_entries(const menu_state& state);
// The entry an activated item id stands for.
menu_choice menu_choice_of(int id);

}  // namespace vigil
