// Key combinations as people write them: "ctrl+alt+del", "Shift+F12",
// "ctrl+plus" (remote-viewer's --hotkeys syntax: GDK key names joined by '+',
// case-insensitive), turned into the PC keys Vigil sends, and back into labels
// for the menu and the window title ("Ctrl+Alt+Del").
//
// Modifier names (ctrl, control, control_l, alt, alt_l, shift, super, ...)
// name the left key of the pair unless they say _r; "plus" is the key that
// carries '+' on a US keyboard (the '=' key, shifted), as GTK reads it.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/inputs_messages.hpp"

namespace vigil {

// The key a single name denotes; std::nullopt for an unknown name.
std::optional<protocol::pc_key> key_named(const std::string& name);

// A name the key is known by in labels: "Ctrl", "Del", "F11", "Print Screen".
std::string key_label(protocol::pc_key key);

bool is_modifier(protocol::pc_key key);

// Keys pressed together, in the order written: "ctrl+alt+f2" is Left Ctrl,
// Left Alt, F2.
struct key_combination {
  std::vector<protocol::pc_key> keys;
  std::vector<std::string> names;  // as written, lowercase: labels say "SysRq" where it was written so
  // "plus" (or another shifted symbol) was written: Shift may be held or not.
  bool shift_implied = false;
  std::string label() const;  // "Ctrl+Alt+F2"
};

struct parsed_combination {
  std::optional<key_combination> value;
  std::string error;  // "unknown key 'plsu'" when value is empty
};
parsed_combination parse_key_combination(const std::string& text);

// The events that type a combination on a PC keyboard: every key pressed in
// order, then released in reverse (as remote-viewer's "Send key" menu does).
std::vector<std::pair<protocol::pc_key, bool>> press_release_sequence(const key_combination& combination);

}  // namespace vigil
