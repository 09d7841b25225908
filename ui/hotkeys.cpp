#include "ui/hotkeys.hpp"

#include <algorithm>

namespace vigil {

namespace {

using protocol::pc_key;

constexpr const char* action_names[] = {
  "toggle-fullscreen", "release-cursor", "zoom-in", "zoom-out", "zoom-reset", "secure-attention",
  "usb-device-reset", "smartcard-insert", "smartcard-remove", "menu", "screenshot", "health",
};
static_assert(sizeof action_names / sizeof action_names[0] == hotkey_action_count, "one name per action");

enum modifier_bit : unsigned { ctrl = 1, alt = 2, shift = 4, super = 8 };

unsigned modifier_of(pc_key key) {
  switch (key) {
    case pc_key::left_ctrl: case pc_key::right_ctrl: return ctrl;
    case pc_key::left_alt: case pc_key::right_alt: return alt;
    case pc_key::left_shift: case pc_key::right_shift: return shift;
    case pc_key::left_meta: case pc_key::right_meta: return super;
    default: return 0;
  }
}

unsigned modifiers_of(const std::set<pc_key>& keys) {
  unsigned bits = 0;
  for (auto key : keys)
    bits |= modifier_of(key);
  return bits;
}

// The combination's keys that are not modifiers (a hotkey has at most one).
std::vector<pc_key> trigger_keys(const key_combination& keys) {
  std::vector<pc_key> triggers;
  for (auto key : keys.keys)
    if (!is_modifier(key))
      triggers.push_back(key);
  return triggers;
}

unsigned required_modifiers(const key_combination& keys) {
  unsigned bits = 0;
  for (auto key : keys.keys)
    bits |= modifier_of(key);
  return bits;
}

}  // namespace

const char* hotkey_action_name(hotkey_action action) { return action_names[static_cast<std::size_t>(action)]; }

std::optional<hotkey_action> hotkey_action_named(const std::string& name) {
  for (std::size_t i = 0; i < hotkey_action_count; ++i)
    if (name == action_names[i])
      return static_cast<hotkey_action>(i);
  return std::nullopt;
}

bool is_remote_viewer_action(hotkey_action action) { return action < hotkey_action::menu; }

std::string hotkey_action_names() {
  std::string text;
  for (const char* name : action_names)
    text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

hotkey_map hotkey_map::defaults() {
  hotkey_map map;
  map.bind(hotkey_action::toggle_fullscreen, "f11", false);
  map.bind(hotkey_action::zoom_in, "ctrl+plus", false);
  map.bind(hotkey_action::zoom_in, "ctrl+kp_add", false);
  map.bind(hotkey_action::zoom_out, "ctrl+minus", false);
  map.bind(hotkey_action::zoom_out, "ctrl+kp_subtract", false);
  map.bind(hotkey_action::zoom_reset, "ctrl+0", false);
  map.bind(hotkey_action::zoom_reset, "ctrl+kp_0", false);
  map.bind(hotkey_action::release_cursor, "shift+f12", false);
  map.bind(hotkey_action::smartcard_insert, "shift+f8", false);
  map.bind(hotkey_action::smartcard_remove, "shift+f9", false);
  map.bind(hotkey_action::secure_attention, "ctrl+alt+end", false);
  map.bind(hotkey_action::usb_device_reset, "ctrl+shift+r", false);
  map.bind(hotkey_action::menu, "ctrl+alt+m", false);
  return map;
}

void hotkey_map::bind(hotkey_action action, const std::string& text, bool configured) {
  auto parsed = parse_key_combination(text);
  if (parsed.value)
    bindings_.push_back({action, *parsed.value, configured});
}

void hotkey_map::clear_remote_viewer_actions() {
  bindings_.erase(std::remove_if(bindings_.begin(), bindings_.end(),
                                 [](const binding& b) { return is_remote_viewer_action(b.action); }),
                  bindings_.end());
  bind(hotkey_action::release_cursor, "ctrl+alt", false);  // spice-gtk's grab sequence
}

std::optional<std::string> hotkey_map::set(hotkey_action action, const std::string& text) {
  std::optional<key_combination> keys;
  if (text.find_first_not_of(" \t") != std::string::npos) {
    auto parsed = parse_key_combination(text);
    if (!parsed.value)
      return parsed.error;
    auto triggers = trigger_keys(*parsed.value);
    if (triggers.size() > 1)
      return "'" + text + "' is not modifiers and one key (e.g. shift+f11)";
    if (triggers.empty() && action != hotkey_action::release_cursor)
      return "'" + text + "' has no key besides the modifiers (only release-cursor may be modifiers alone)";
    keys = parsed.value;
  }
  bindings_.erase(std::remove_if(bindings_.begin(), bindings_.end(),
                                 [action](const binding& b) { return b.action == action; }),
                  bindings_.end());
  if (keys)
    bindings_.push_back({action, *keys, true});
  return std::nullopt;
}

std::optional<std::string> hotkey_map::apply_list(const std::string& text) {
  if (text.find_first_not_of(" \t") == std::string::npos)
    return std::nullopt;  // as remote-viewer: an empty list changes nothing
  clear_remote_viewer_actions();
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto equals = item.find('=');
    auto name = item.substr(0, equals);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (equals == std::string::npos || item.find_first_not_of(" \t", equals + 1) == std::string::npos)
      return "'" + item + "' gives no keys (write ACTION=KEYS, e.g. toggle-fullscreen=shift+f11)";
    auto action = hotkey_action_named(name);
    if (!action)
      return "unknown action '" + name + "' (one of " + hotkey_action_names() + ")";
    if (auto problem = set(*action, item.substr(equals + 1)))
      return name + ": " + *problem;
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return std::nullopt;
}

void hotkey_map::keep_only_configured() {
  bindings_.erase(std::remove_if(bindings_.begin(), bindings_.end(), [](const binding& b) { return !b.configured; }),
                  bindings_.end());
}

void hotkey_map::disable(hotkey_action action) {
  bindings_.erase(std::remove_if(bindings_.begin(), bindings_.end(),
                                 [action](const binding& b) { return b.action == action; }),
                  bindings_.end());
}

std::optional<hotkey_map::match> hotkey_map::on_press(pc_key key, const std::set<pc_key>& held) const {
  unsigned held_modifiers = modifiers_of(held);
  for (const auto& b : bindings_) {
    auto triggers = trigger_keys(b.keys);
    unsigned required = required_modifiers(b.keys);
    if (triggers.empty()) {  // modifiers alone: when the last of them goes down
      if (is_modifier(key) && (required & modifier_of(key)) && (held_modifiers | modifier_of(key)) == required &&
          held_modifiers != required)
        return match{b.action, false};
      continue;
    }
    if (triggers.front() != key)
      continue;
    unsigned compared = b.keys.shift_implied ? ~unsigned{shift} : ~0u;
    if ((held_modifiers & compared) == (required & compared))
      return match{b.action, true};
  }
  return std::nullopt;
}

std::string hotkey_map::label(hotkey_action action) const {
  for (const auto& b : bindings_)
    if (b.action == action)
      return b.keys.label();
  return {};
}

}  // namespace vigil
