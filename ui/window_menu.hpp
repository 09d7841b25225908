// Vigil's in-window menu: a panel drawn over the guest's picture (never a
// separate window, never a modal loop: the session goes on underneath),
// opened by the menu hotkey or the corner button, driven by keyboard and
// mouse, with submenus to the right of their item. The viewer builds the
// items each time the menu opens (their ticks and hints are current then)
// and acts on the item id an activation returns.
//
// Keys: Up/Down (and Home/End) move, Right/Enter/Space open a submenu, Enter
// or Space activates, Left goes back from a submenu, Escape closes it (or
// the menu). The pointer: hovering selects (and opens a submenu), a click
// activates, a click outside closes the menu.
//
// Besides the menu it shows a panel of text lines (the session's health),
// which a key or a click closes, and a one-line notice at the bottom of the
// window ("Screenshot saved to ...") until it expires. All of it is drawn
// by the CPU (ui/text_raster) into one image the presentation puts over the
// picture: no OpenGL, so it looks the same on both presentation paths.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <SFML/Graphics.hpp>

#include "protocol/inputs_messages.hpp"
#include "ui/text_raster.hpp"

namespace vigil {

struct menu_item {
  std::string label;
  std::string hint;  // right-aligned: a hotkey ("F11"), or "▸" is drawn for a submenu
  int id = 0;        // what an activation returns (items with children are not activated)
  bool checked = false;    // drawn with a tick (a toggle that is on)
  bool enabled = true;
  std::vector<menu_item> children{};  // non-empty: a submenu
};

class window_menu {
public:
  // What a key or a click did.
  struct result {
    bool consumed = true;        // the event was the menu's (false: pass it on to the guest)
    std::optional<int> activated;  // an item's id
  };

  window_menu();

  // Opens the menu with its top-left corner at `anchor` (kept inside `window`).
  void open(std::vector<menu_item> items, sf::Vector2i anchor, sf::Vector2u window);
  void close();
  bool is_open() const { return !levels_.empty(); }
  // A panel of lines (the health snapshot) in the middle of the window, until a key or click.
  void show_panel(const std::string& title, std::vector<std::string> lines, sf::Vector2u window);
  bool panel_open() const { return panel_.has_value(); }
  // Something shown over the picture that takes the keyboard and the pointer.
  bool has_input() const { return is_open() || panel_open(); }
  // A line at the bottom of the window until `until`.
  void notice(const std::string& text, std::chrono::steady_clock::time_point until);

  result key(protocol::pc_key key);
  result pointer_moved(int x, int y);
  result click(int x, int y);

  // The corner button (the hamburger at the window's top right): whether
  // the pointer at (x, y) is near enough for it to show, and over it.
  static sf::IntRect corner_button(sf::Vector2u window);
  void set_corner_button(bool shown, sf::Vector2u window);

  // The selected item's label per open level ("Send key", "Ctrl+Alt+Del"): for logs and tests.
  std::vector<std::string> selection() const;

  // Whether what it shows changed since the last render(); the time the
  // notice goes away (the window must draw again then).
  bool changed() const { return changed_; }
  std::optional<std::chrono::steady_clock::time_point> next_change(std::chrono::steady_clock::time_point now) const;
  // Draws everything it shows into one image (transparent where it shows
  // nothing) covering `bounds` of the window; empty bounds: nothing shown.
  struct overlay {
    const sf::Image* image = nullptr;
    sf::IntRect bounds;
  };
  overlay render(std::chrono::steady_clock::time_point now);

private:
  struct level {
    std::vector<menu_item> items;
    int selected = 0;
    sf::IntRect bounds;  // in the window
  };
  struct panel {
    std::string title;
    std::vector<std::string> lines;
    sf::IntRect bounds;
  };

  void layout_level(level& level, sf::Vector2i anchor, sf::Vector2u window);
  sf::IntRect item_rect(const level& level, int index) const;
  void open_submenu();
  void move(int step);
  // The level and item under (x, y), or -1s.
  std::pair<int, int> hit(int x, int y) const;
  result activate(int level_index, int item_index);
  sf::Vector2f measure(const std::string& text, unsigned size) const;

  sf::IntRect notice_rect() const;
  void draw_level(const level& level, sf::Vector2i origin);
  void draw_panel(sf::Vector2i origin);
  // A box with a one-pixel edge around it, in window coordinates less `origin`.
  void draw_box(sf::IntRect bounds, sf::Vector2i origin);
  void draw_line(const text_face& face, const std::string& text, unsigned size, int x, int y, sf::Color colour,
                 bool bold = false);

  text_face font_;
  text_face mono_;
  std::vector<level> levels_;  // [0] the menu, then each open submenu
  std::optional<panel> panel_;
  std::string notice_;
  std::chrono::steady_clock::time_point notice_until_;
  bool notice_drawn_ = false;
  bool corner_button_ = false;
  sf::Vector2u window_{0, 0};
  bool changed_ = false;
  rgba_picture canvas_;
  sf::Image image_;
};

}  // namespace vigil
