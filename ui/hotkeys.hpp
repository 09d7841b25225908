// The viewer's hotkeys: which key combination does what, as remote-viewer
// defines them, plus Vigil's own.
//
// remote-viewer's actions and its defaults (virt-viewer 11):
//   toggle-fullscreen F11, release-cursor Shift+F12, zoom-in Ctrl++ and
//   Ctrl+Keypad +, zoom-out Ctrl+- and Ctrl+Keypad -, zoom-reset Ctrl+0 and
//   Ctrl+Keypad 0, secure-attention Ctrl+Alt+End, usb-device-reset
//   Ctrl+Shift+R, smartcard-insert Shift+F8, smartcard-remove Shift+F9.
// Vigil's own: menu Ctrl+Alt+M, screenshot and health (none by default).
//
// As in remote-viewer, `--hotkeys` and a connection file replace all of
// remote-viewer's hotkeys at once: the actions they do not name have none,
// and the pointer is then also released by Ctrl+Alt (spice-gtk's grab
// sequence) unless release-cursor names other keys. A hotkey is modifiers
// and one key ("shift+f12"); release-cursor may be modifiers alone
// ("ctrl+alt"), which act when the last of them goes down and still reach
// the guest. A hotkey's key (press and release) is the viewer's, not the
// guest's.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ui/key_names.hpp"

namespace vigil {

enum class hotkey_action : std::uint8_t {
  toggle_fullscreen, release_cursor, zoom_in, zoom_out, zoom_reset, secure_attention,
  usb_device_reset, smartcard_insert, smartcard_remove,  // remote-viewer's
  menu, screenshot, health,                                // Vigil's own
};
constexpr std::size_t hotkey_action_count = static_cast<std::size_t>(hotkey_action::health) + 1;

const char* hotkey_action_name(hotkey_action action);  // "toggle-fullscreen"
std::optional<hotkey_action> hotkey_action_named(const std::string& name);
bool is_remote_viewer_action(hotkey_action action);
// "toggle-fullscreen, release-cursor, ..." for error messages.
std::string hotkey_action_names();

class hotkey_map {
public:
  // remote-viewer's defaults and Vigil's own.
  static hotkey_map defaults();

  // As remote-viewer does for --hotkeys and connection files.
  void clear_remote_viewer_actions();
  // Gives `action` the keys in `text` ("ctrl+alt+end"; "" for none); an error
  // message (naming the key or problem) when `text` is not a hotkey.
  std::optional<std::string> set(hotkey_action action, const std::string& text);
  // remote-viewer's --hotkeys value: "action=keys[,action=keys...]"; clears
  // remote-viewer's actions first. An error names the item at fault.
  std::optional<std::string> apply_list(const std::string& text);
  // Kiosk mode: only hotkeys someone configured stay (no defaults).
  void keep_only_configured();
  // No hotkey for `action` (the kiosk has no menu).
  void disable(hotkey_action action);

  struct match {
    hotkey_action action;
    bool consumed;  // the key belongs to the viewer (false for modifier-only hotkeys)
  };
  // What the press of `key` does with `held` (the keys held before it) down.
  std::optional<match> on_press(protocol::pc_key key, const std::set<protocol::pc_key>& held) const;

  // "Shift+F12" (the first binding), or "" when the action has none.
  std::string label(hotkey_action action) const;
  bool has(hotkey_action action) const { return !label(action).empty(); }

private:
  struct binding {
    hotkey_action action;
    key_combination keys;
    bool configured;  // by the user (command line, connection file, config), not a default
  };
  void bind(hotkey_action action, const std::string& text, bool configured);
  std::vector<binding> bindings_;
};

}  // namespace vigil
