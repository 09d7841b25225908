#include "ui/menu_control.hpp"

#include "common/log.hpp"

namespace vigil {

namespace {

constexpr int near_corner = 48;  // pixels around the corner button where it shows
constexpr std::chrono::seconds notice_time{6};

}  // namespace

menu_control::menu_control(const viewer_settings& settings, const hotkey_map& hotkeys, bool kiosk,
                           const microphone_switch* microphone)
    : settings_(settings), hotkeys_(hotkeys), kiosk_(kiosk), microphone_(microphone) {}

void menu_control::open(sf::Vector2u window, bool fullscreen) {
  auto button = window_menu::corner_button(window);
  menu_.open(menu_entries({&settings_.send_keys, &hotkeys_, fullscreen, settings_.scaling.zoom_percent,
                            settings_.scaling.fit, settings_.scaling.integer, microphone_, file_transfers_, monitors_}),
             {button.left + button.width, button.top + button.height + 2}, window);
  logged_selection_.clear();
  named_logger("viewer")->info("menu: open");
}

void menu_control::toggle(sf::Vector2u window, bool fullscreen) {
  if (kiosk_)
    return;
  if (menu_.has_input()) {
    menu_.close();
    if (menu_.panel_open())
      menu_.key(protocol::pc_key::escape);
    named_logger("viewer")->info("menu: closed");
    return;
  }
  open(window, fullscreen);
}

bool menu_control::pointer_moved(int x, int y, sf::Vector2u window) {
  if (!kiosk_ && settings_.corner_button != viewer_settings::menu_button::never) {
    auto button = window_menu::corner_button(window);
    bool near = x >= button.left - near_corner && y <= button.top + button.height + near_corner;
    menu_.set_corner_button(settings_.corner_button == viewer_settings::menu_button::always || near || menu_.is_open(),
                            window);
  }
  if (!menu_.has_input())
    return false;
  menu_.pointer_moved(x, y);
  auto now = selection();
  if (now != logged_selection_) {
    logged_selection_ = now;
    named_logger("viewer")->debug("menu: at {}", now);
  }
  return true;
}

void menu_control::pointer_left(sf::Vector2u window) {
  if (settings_.corner_button == viewer_settings::menu_button::near && !menu_.is_open())
    menu_.set_corner_button(false, window);
}

bool menu_control::button(sf::Mouse::Button button, bool pressed, int x, int y, sf::Vector2u window,
                          bool fullscreen, std::vector<menu_choice>& chosen) {
  if (!pressed)
    return pressed_.erase(button) > 0;
  if (menu_.has_input()) {
    pressed_.insert(button);
    if (button == sf::Mouse::Left)
      chose(menu_.click(x, y), chosen);
    else if (!menu_.panel_open())
      menu_.close();
    return true;
  }
  bool shown = !kiosk_ && settings_.corner_button != viewer_settings::menu_button::never;
  if (shown && window_menu::corner_button(window).contains(x, y)) {
    pressed_.insert(button);
    open(window, fullscreen);
    return true;
  }
  return false;
}

void menu_control::key(protocol::pc_key key, std::vector<menu_choice>& chosen) {
  if (!menu_.has_input())
    return;
  chose(menu_.key(key), chosen);
  auto now = selection();
  if (now != logged_selection_) {
    logged_selection_ = now;
    named_logger("viewer")->info("menu: at {}", now.empty() ? "(closed)" : now);
  }
}

void menu_control::chose(const window_menu::result& result, std::vector<menu_choice>& chosen) {
  if (result.activated)
    chosen.push_back(menu_choice_of(*result.activated));
}

void menu_control::notice(const std::string& text) { menu_.notice(text, std::chrono::steady_clock::now() + notice_time); }

std::string menu_control::selection() const {
  std::string text;
  for (const auto& label : menu_.selection())
    text += (text.empty() ? "" : " > ") + label;
  return text;
}

}  // namespace vigil
