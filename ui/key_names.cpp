#include "ui/key_names.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace vigil {

namespace {

using protocol::pc_key;

std::string lowercase(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trimmed(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos)
    return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// GDK's key names (lowercase, as accelerators match them), and the aliases
// people type.
const std::map<std::string, pc_key>& names() {
  static const std::map<std::string, pc_key> table = [] {
    std::map<std::string, pc_key> t = {
      {"ctrl", pc_key::left_ctrl}, {"control", pc_key::left_ctrl}, {"control_l", pc_key::left_ctrl},
      {"primary", pc_key::left_ctrl}, {"control_r", pc_key::right_ctrl}, {"ctrl_r", pc_key::right_ctrl},
      {"alt", pc_key::left_alt}, {"alt_l", pc_key::left_alt}, {"meta_l", pc_key::left_alt},
      {"alt_r", pc_key::right_alt}, {"altgr", pc_key::right_alt}, {"iso_level3_shift", pc_key::right_alt},
      {"shift", pc_key::left_shift}, {"shift_l", pc_key::left_shift}, {"shift_r", pc_key::right_shift},
      {"super", pc_key::left_meta}, {"super_l", pc_key::left_meta}, {"win", pc_key::left_meta},
      {"meta", pc_key::left_meta}, {"super_r", pc_key::right_meta}, {"menu", pc_key::menu},
      {"escape", pc_key::escape}, {"esc", pc_key::escape}, {"tab", pc_key::tab},
      {"backspace", pc_key::backspace}, {"return", pc_key::enter}, {"enter", pc_key::enter},
      {"space", pc_key::space}, {"delete", pc_key::delete_key}, {"del", pc_key::delete_key},
      {"insert", pc_key::insert}, {"ins", pc_key::insert}, {"home", pc_key::home}, {"end", pc_key::end},
      {"page_up", pc_key::page_up}, {"pageup", pc_key::page_up}, {"prior", pc_key::page_up},
      {"page_down", pc_key::page_down}, {"pagedown", pc_key::page_down}, {"next", pc_key::page_down},
      {"up", pc_key::up}, {"down", pc_key::down}, {"left", pc_key::left}, {"right", pc_key::right},
      {"print", pc_key::print_screen}, {"printscreen", pc_key::print_screen},
      {"print_screen", pc_key::print_screen}, {"sys_req", pc_key::print_screen}, {"sysrq", pc_key::print_screen},
      {"pause", pc_key::pause}, {"break", pc_key::pause}, {"scroll_lock", pc_key::scroll_lock},
      {"caps_lock", pc_key::caps_lock}, {"num_lock", pc_key::num_lock},
      {"minus", pc_key::minus}, {"equal", pc_key::equal}, {"plus", pc_key::equal}, {"grave", pc_key::grave},
      {"bracketleft", pc_key::left_bracket}, {"bracketright", pc_key::right_bracket},
      {"backslash", pc_key::backslash}, {"semicolon", pc_key::semicolon}, {"apostrophe", pc_key::apostrophe},
      {"comma", pc_key::comma}, {"period", pc_key::period}, {"slash", pc_key::slash},
      {"less", pc_key::intl_backslash},
      {"kp_add", pc_key::kp_add}, {"kp_subtract", pc_key::kp_subtract}, {"kp_multiply", pc_key::kp_multiply},
      {"kp_divide", pc_key::kp_divide}, {"kp_enter", pc_key::kp_enter}, {"kp_decimal", pc_key::kp_decimal},
    };
    const pc_key letters[] = {pc_key::a, pc_key::b, pc_key::c, pc_key::d, pc_key::e, pc_key::f, pc_key::g,
                              pc_key::h, pc_key::i, pc_key::j, pc_key::k, pc_key::l, pc_key::m, pc_key::n,
                              pc_key::o, pc_key::p, pc_key::q, pc_key::r, pc_key::s, pc_key::t, pc_key::u,
                              pc_key::v, pc_key::w, pc_key::x, pc_key::y, pc_key::z};
    for (int i = 0; i < 26; ++i)
      t[std::string(1, static_cast<char>('a' + i))] = letters[i];
    const pc_key digits[] = {pc_key::digit_0, pc_key::digit_1, pc_key::digit_2, pc_key::digit_3, pc_key::digit_4,
                             pc_key::digit_5, pc_key::digit_6, pc_key::digit_7, pc_key::digit_8, pc_key::digit_9};
    const pc_key keypad[] = {pc_key::kp_0, pc_key::kp_1, pc_key::kp_2, pc_key::kp_3, pc_key::kp_4,
                             pc_key::kp_5, pc_key::kp_6, pc_key::kp_7, pc_key::kp_8, pc_key::kp_9};
    for (int i = 0; i < 10; ++i) {
      t[std::to_string(i)] = digits[i];
      t["kp_" + std::to_string(i)] = keypad[i];
    }
    const pc_key functions[] = {pc_key::f1, pc_key::f2, pc_key::f3, pc_key::f4,  pc_key::f5,  pc_key::f6,
                                pc_key::f7, pc_key::f8, pc_key::f9, pc_key::f10, pc_key::f11, pc_key::f12};
    for (int i = 0; i < 12; ++i)
      t["f" + std::to_string(i + 1)] = functions[i];
    return t;
  }();
  return table;
}

}  // namespace

std::optional<pc_key> key_named(const std::string& name) {
  auto found = names().find(lowercase(trimmed(name)));
  if (found == names().end())
    return std::nullopt;
  return found->second;
}

bool is_modifier(pc_key key) {
  switch (key) {
    case pc_key::left_ctrl: case pc_key::right_ctrl: case pc_key::left_alt: case pc_key::right_alt:
    case pc_key::left_shift: case pc_key::right_shift: case pc_key::left_meta: case pc_key::right_meta:
      return true;
    default:
      return false;
  }
}

std::string key_label(pc_key key) {
  switch (key) {
    case pc_key::left_ctrl: case pc_key::right_ctrl: return "Ctrl";
    case pc_key::left_alt: return "Alt";
    case pc_key::right_alt: return "AltGr";
    case pc_key::left_shift: case pc_key::right_shift: return "Shift";
    case pc_key::left_meta: case pc_key::right_meta: return "Super";
    case pc_key::delete_key: return "Del";
    case pc_key::print_screen: return "Print Screen";
    case pc_key::backspace: return "Backspace";
    case pc_key::page_up: return "Page Up";
    case pc_key::page_down: return "Page Down";
    case pc_key::equal: return "=";
    case pc_key::minus: return "-";
    case pc_key::kp_add: return "Keypad +";
    case pc_key::kp_subtract: return "Keypad -";
    default: break;
  }
  // "f11" -> "F11", "end" -> "End", "kp_7" -> "Keypad 7": capitalised protocol names.
  std::string name = protocol::pc_key_name(key);
  if (name.rfind("kp_", 0) == 0)
    return "Keypad " + name.substr(3);
  if (name.rfind("digit_", 0) == 0)
    return name.substr(6);
  if (!name.empty())
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

std::string key_combination::label() const {
  std::string text;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0)
      text += "+";
    const std::string& name = i < names.size() ? names[i] : std::string();
    if (name == "plus")
      text += "+";
    else if (name == "sysrq" || name == "sys_req")
      text += "SysRq";
    else
      text += key_label(keys[i]);
  }
  return text;
}

parsed_combination parse_key_combination(const std::string& text) {
  key_combination combination;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto plus = text.find('+', start);
    auto part = trimmed(text.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    if (part.empty())
      return {std::nullopt, "'" + text + "' has an empty key name (keys are joined by '+', e.g. ctrl+alt+del)"};
    auto key = key_named(part);
    if (!key)
      return {std::nullopt, "unknown key '" + part + "' in '" + text + "'"};
    if (std::find(combination.keys.begin(), combination.keys.end(), *key) != combination.keys.end())
      return {std::nullopt, "'" + text + "' names '" + part + "' twice"};
    combination.keys.push_back(*key);
    combination.names.push_back(lowercase(part));
    if (lowercase(part) == "plus")
      combination.shift_implied = true;
    if (plus == std::string::npos)
      break;
    start = plus + 1;
  }
  return {combination, {}};
}

std::vector<std::pair<pc_key, bool>> press_release_sequence(const key_combination& combination) {
  std::vector<std::pair<pc_key, bool>> events;
  for (auto key : combination.keys)
    events.emplace_back(key, true);
  for (auto key = combination.keys.rbegin(); key != combination.keys.rend(); ++key)
    events.emplace_back(*key, false);
  return events;
}

}  // namespace vigil
