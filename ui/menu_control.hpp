// The menu in the viewer window: when it opens (its hotkey, the corner
// button), which pointer and key events are its while it is open, and what
// the chosen entry asks the window to do (ui/menu_entries.hpp). The window
// acts on the choices; the menu never waits on anything.
#pragma once

#include <chrono>
#include <set>
#include <vector>

#include <SFML/Window/Mouse.hpp>

#include "ui/menu_entries.hpp"
#include "ui/settings.hpp"
#include "ui/window_menu.hpp"

namespace vigil {

class menu_control {
public:
  // `kiosk`: no menu at all (and no corner button). `microphone`: the
  // record channel's mute switch (null: no Mute microphone entry).
  menu_control(const viewer_settings& settings, const hotkey_map& hotkeys, bool kiosk,
               const microphone_switch* microphone = nullptr);

  bool available() const { return !kiosk_; }
  // Opens the menu (or closes it): the menu hotkey.
  void toggle(sf::Vector2u window, bool fullscreen);
  // While true, the keyboard and the pointer are the menu's.
  bool has_input() const { return menu_.has_input(); }

  // The pointer moved to (x, y) or left the window: the corner button shows
  // when it comes near. True when the motion was the menu's.
  bool pointer_moved(int x, int y, sf::Vector2u window);
  void pointer_left(sf::Vector2u window);
  // A button went down or up at (x, y). True when it was the menu's (a
  // press on the corner button or while the menu is open, and its release).
  bool button(sf::Mouse::Button button, bool pressed, int x, int y, sf::Vector2u window, bool fullscreen,
              std::vector<menu_choice>& chosen);
  // A key press while the menu had the keyboard.
  void key(protocol::pc_key key, std::vector<menu_choice>& chosen);

  // What the window shows for a choice.
  void show_panel(const std::string& title, std::vector<std::string> lines, sf::Vector2u window) {
    menu_.show_panel(title, std::move(lines), window);
  }
  bool panel_open() const { return menu_.panel_open(); }
  void notice(const std::string& text);
  // Whether files are being sent (the menu then offers to cancel them).
  void set_file_transfers(bool running) { file_transfers_ = running; }
  // The guest's heads but the first (ui/head_windows.hpp): the Monitors entry.
  void set_monitors(std::vector<monitor_entry> monitors) { monitors_ = std::move(monitors); }

  // Drawing: whether to draw again, when, and what.
  bool changed() const { return menu_.changed(); }
  std::optional<std::chrono::steady_clock::time_point> next_change(std::chrono::steady_clock::time_point now) const {
    return menu_.next_change(now);
  }
  window_menu::overlay render(std::chrono::steady_clock::time_point now) { return menu_.render(now); }
  // For logs and tests: "Send key > Ctrl+Alt+F2".
  std::string selection() const;

private:
  void open(sf::Vector2u window, bool fullscreen);
  void chose(const window_menu::result& result, std::vector<menu_choice>& chosen);

  const viewer_settings& settings_;
  const hotkey_map& hotkeys_;
  bool kiosk_;
  const microphone_switch* microphone_;
  bool file_transfers_ = false;
  std::vector<monitor_entry> monitors_;
  window_menu menu_;
  std::set<sf::Mouse::Button> pressed_;  // buttons whose press was the menu's
  std::string logged_selection_;
};

}  // namespace vigil
