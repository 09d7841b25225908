#include "ui/window_menu.hpp"

#include <algorithm>

#include "common/log.hpp"

namespace vigil {

namespace {

using protocol::pc_key;

constexpr const char* font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* mono_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
constexpr unsigned text_size = 15;
constexpr unsigned panel_text_size = 13;
constexpr int item_height = 28;
constexpr int padding = 12;       // left and right of an item's text
constexpr int tick_column = 20;   // before the label
constexpr int hint_gap = 32;      // between label and hint
constexpr int border = 1;
constexpr int button_size = 32;
constexpr int button_margin = 6;
constexpr int notice_height = 30;
constexpr int panel_line_height = 18;

const sf::Color background(36, 38, 44, 240);
const sf::Color edge(96, 100, 112);
const sf::Color highlight(52, 101, 180);
const sf::Color text_colour(236, 236, 236);
const sf::Color dim_text(150, 150, 156);

sf::IntRect united(const sf::IntRect& a, const sf::IntRect& b) {
  if (a.width <= 0 || a.height <= 0)
    return b;
  if (b.width <= 0 || b.height <= 0)
    return a;
  int left = std::min(a.left, b.left), top = std::min(a.top, b.top);
  int right = std::max(a.left + a.width, b.left + b.width), bottom = std::max(a.top + a.height, b.top + b.height);
  return {left, top, right - left, bottom - top};
}

}  // namespace

window_menu::window_menu() : font_(font_path), mono_(mono_font_path) {
  if (!font_.loaded())
    named_logger("viewer")->warn("cannot load {}: the menu shows no text", font_path);
  if (!mono_.loaded())
    named_logger("viewer")->warn("cannot load {}: the health panel shows no text", mono_font_path);
}

sf::Vector2f window_menu::measure(const std::string& text, unsigned size) const {
  return {static_cast<float>(font_.width(text, size)), static_cast<float>(size)};
}

void window_menu::layout_level(level& level, sf::Vector2i anchor, sf::Vector2u window) {
  float widest = 0;
  for (const auto& item : level.items) {
    float hint = item.children.empty() ? measure(item.hint, text_size).x : measure("▸", text_size).x;
    widest = std::max(widest, measure(item.label, text_size).x + (hint > 0 ? hint_gap + hint : 0));
  }
  int width = static_cast<int>(widest) + tick_column + 2 * padding + 2 * border;
  int height = static_cast<int>(level.items.size()) * item_height + 2 * border;
  int left = std::clamp(anchor.x, 0, std::max(0, static_cast<int>(window.x) - width));
  int top = std::clamp(anchor.y, 0, std::max(0, static_cast<int>(window.y) - height));
  level.bounds = {left, top, width, height};
}

sf::IntRect window_menu::item_rect(const level& level, int index) const {
  return {level.bounds.left + border, level.bounds.top + border + index * item_height, level.bounds.width - 2 * border,
          item_height};
}

void window_menu::open(std::vector<menu_item> items, sf::Vector2i anchor, sf::Vector2u window) {
  levels_.clear();
  panel_.reset();
  window_ = window;
  if (items.empty())
    return;
  level top;
  top.items = std::move(items);
  layout_level(top, anchor, window);
  levels_.push_back(std::move(top));
  while (!levels_.front().items[levels_.front().selected].enabled &&
         levels_.front().selected + 1 < static_cast<int>(levels_.front().items.size()))
    ++levels_.front().selected;
  changed_ = true;
}

void window_menu::close() {
  if (levels_.empty())
    return;
  levels_.clear();
  changed_ = true;
}

void window_menu::show_panel(const std::string& title, std::vector<std::string> lines, sf::Vector2u window) {
  levels_.clear();
  window_ = window;
  panel state{title, std::move(lines), {}};
  float widest = measure(title, text_size).x;
  for (const auto& line : state.lines)
    widest = std::max(widest, static_cast<float>(mono_.width(line, panel_text_size)));
  int width = std::min(static_cast<int>(widest) + 2 * padding + 2 * border, static_cast<int>(window.x));
  int height = std::min(item_height + 8 + static_cast<int>(state.lines.size()) * panel_line_height + padding,
                        static_cast<int>(window.y));
  state.bounds = {std::max(0, (static_cast<int>(window.x) - width) / 2),
                  std::max(0, (static_cast<int>(window.y) - height) / 2), width, height};
  panel_ = std::move(state);
  changed_ = true;
}

void window_menu::notice(const std::string& text, std::chrono::steady_clock::time_point until) {
  notice_ = text;
  notice_until_ = until;
  changed_ = true;
}

sf::IntRect window_menu::corner_button(sf::Vector2u window) {
  return {static_cast<int>(window.x) - button_size - button_margin, button_margin, button_size, button_size};
}

void window_menu::set_corner_button(bool shown, sf::Vector2u window) {
  if (shown == corner_button_ && window == window_)
    return;
  corner_button_ = shown;
  window_ = window;
  changed_ = true;
}

void window_menu::move(int step) {
  auto& level = levels_.back();
  int count = static_cast<int>(level.items.size());
  for (int tries = 0; tries < count; ++tries) {
    level.selected = (level.selected + step + count) % count;
    if (level.items[level.selected].enabled)
      break;
  }
  changed_ = true;
}

void window_menu::open_submenu() {
  auto& parent = levels_.back();
  const auto& item = parent.items[parent.selected];
  if (item.children.empty() || !item.enabled)
    return;
  level sub;
  sub.items = item.children;
  auto row = item_rect(parent, parent.selected);
  layout_level(sub, {parent.bounds.left + parent.bounds.width - 2, row.top - border}, window_);
  if (sub.bounds.left < parent.bounds.left + parent.bounds.width - 2)  // no room on the right: on the left
    sub.bounds.left = std::max(0, parent.bounds.left - sub.bounds.width + 2);
  levels_.push_back(std::move(sub));
  changed_ = true;
}

window_menu::result window_menu::activate(int level_index, int item_index) {
  levels_.resize(static_cast<std::size_t>(level_index) + 1);
  auto& level = levels_.back();
  level.selected = item_index;
  const auto& item = level.items[item_index];
  changed_ = true;
  if (!item.enabled)
    return {};
  if (!item.children.empty()) {
    open_submenu();
    return {};
  }
  result activated{true, item.id};
  close();
  return activated;
}

window_menu::result window_menu::key(pc_key key) {
  if (panel_) {
    panel_.reset();
    changed_ = true;
    return {};
  }
  if (levels_.empty())
    return {false, std::nullopt};
  auto& level = levels_.back();
  switch (key) {
    case pc_key::up: case pc_key::kp_8: move(-1); break;
    case pc_key::down: case pc_key::kp_2: move(1); break;
    case pc_key::home:
      level.selected = static_cast<int>(level.items.size()) - 1;
      move(1);
      break;
    case pc_key::end:
      level.selected = 0;
      move(-1);
      break;
    case pc_key::right: case pc_key::kp_6: open_submenu(); break;
    case pc_key::left: case pc_key::kp_4:
      if (levels_.size() > 1) {
        levels_.pop_back();
        changed_ = true;
      }
      break;
    case pc_key::escape:
      levels_.pop_back();
      changed_ = true;
      break;
    case pc_key::enter: case pc_key::kp_enter: case pc_key::space:
      return activate(static_cast<int>(levels_.size()) - 1, level.selected);
    default:
      break;  // the menu has the keyboard: nothing reaches the guest
  }
  return {};
}

std::pair<int, int> window_menu::hit(int x, int y) const {
  for (int l = static_cast<int>(levels_.size()) - 1; l >= 0; --l) {
    const auto& level = levels_[static_cast<std::size_t>(l)];
    if (!level.bounds.contains(x, y))
      continue;
    int index = (y - level.bounds.top - border) / item_height;
    if (index >= 0 && index < static_cast<int>(level.items.size()))
      return {l, index};
    return {l, -1};
  }
  return {-1, -1};
}

window_menu::result window_menu::pointer_moved(int x, int y) {
  if (panel_)
    return {};
  if (levels_.empty())
    return {false, std::nullopt};
  auto [l, index] = hit(x, y);
  if (l < 0 || index < 0)
    return {};
  auto& level = levels_[static_cast<std::size_t>(l)];
  bool deeper_open = static_cast<int>(levels_.size()) > l + 1;
  if (level.selected == index && (deeper_open || level.items[index].children.empty()))
    return {};
  levels_.resize(static_cast<std::size_t>(l) + 1);
  levels_.back().selected = index;
  changed_ = true;
  if (level.items[index].enabled && !level.items[index].children.empty())
    open_submenu();
  return {};
}

window_menu::result window_menu::click(int x, int y) {
  if (panel_) {
    panel_.reset();
    changed_ = true;
    return {};
  }
  if (levels_.empty())
    return {false, std::nullopt};
  auto [l, index] = hit(x, y);
  if (l < 0) {
    close();  // a click outside closes the menu and is not the guest's
    return {};
  }
  if (index < 0)
    return {};
  return activate(l, index);
}

std::vector<std::string> window_menu::selection() const {
  std::vector<std::string> labels;
  for (const auto& level : levels_)
    labels.push_back(level.items[static_cast<std::size_t>(level.selected)].label);
  return labels;
}

sf::IntRect window_menu::notice_rect() const {
  if (notice_.empty())
    return {};
  int width = static_cast<int>(measure(notice_, text_size).x) + 2 * padding;
  return {button_margin, static_cast<int>(window_.y) - notice_height - button_margin, width, notice_height};
}

std::optional<std::chrono::steady_clock::time_point> window_menu::next_change(
  std::chrono::steady_clock::time_point now) const {
  if (changed_)
    return now;
  if (!notice_.empty())
    return notice_until_;
  return std::nullopt;
}

void window_menu::draw_box(sf::IntRect bounds, sf::Vector2i origin) {
  const sf::IntRect box(bounds.left - origin.x, bounds.top - origin.y, bounds.width, bounds.height);
  fill_rect(canvas_, {box.left, box.top, box.width, border}, edge);
  fill_rect(canvas_, {box.left, box.top + box.height - border, box.width, border}, edge);
  fill_rect(canvas_, {box.left, box.top + border, border, box.height - 2 * border}, edge);
  fill_rect(canvas_, {box.left + box.width - border, box.top + border, border, box.height - 2 * border}, edge);
  fill_rect(canvas_, {box.left + border, box.top + border, box.width - 2 * border, box.height - 2 * border},
            background);
}

void window_menu::draw_line(const text_face& face, const std::string& text, unsigned size, int x, int y,
                            sf::Color colour, bool bold) {
  draw_text(canvas_, face.rasterize(text, size, bold), x, y, colour);
}

void window_menu::draw_level(const level& level, sf::Vector2i origin) {
  draw_box(level.bounds, origin);
  for (int i = 0; i < static_cast<int>(level.items.size()); ++i) {
    const auto& item = level.items[static_cast<std::size_t>(i)];
    auto row = item_rect(level, i);
    const sf::Vector2i at(row.left - origin.x, row.top - origin.y);
    if (i == level.selected && item.enabled)
      fill_rect(canvas_, {at.x, at.y, row.width, row.height}, highlight);
    const sf::Color ink = item.enabled ? text_colour : dim_text;
    const int text_top = at.y + (item_height - static_cast<int>(text_size)) / 2 - 2;
    if (item.checked)
      draw_line(font_, "✓", text_size, at.x + padding - 6, text_top, ink);
    draw_line(font_, item.label, text_size, at.x + padding + tick_column - 6, text_top, ink);
    const std::string hint = item.children.empty() ? item.hint : "▸";
    if (!hint.empty()) {
      const text_coverage right = font_.rasterize(hint, text_size);  // right-aligned
      draw_text(canvas_, right, at.x + row.width - padding - right.width, text_top,
                item.children.empty() ? dim_text : ink);
    }
  }
}

void window_menu::draw_panel(sf::Vector2i origin) {
  const auto& p = *panel_;
  draw_box(p.bounds, origin);
  draw_line(font_, p.title, text_size, p.bounds.left + padding - origin.x, p.bounds.top + 6 - origin.y, text_colour,
            true);
  int y = p.bounds.top + item_height + 4 - origin.y;
  for (const auto& line : p.lines) {
    draw_line(mono_, line, panel_text_size, p.bounds.left + padding - origin.x, y, text_colour);
    y += panel_line_height;
  }
}

window_menu::overlay window_menu::render(std::chrono::steady_clock::time_point now) {
  if (!notice_.empty() && now >= notice_until_)
    notice_.clear();
  changed_ = false;
  sf::IntRect bounds;
  for (const auto& level : levels_)
    bounds = united(bounds, level.bounds);
  if (panel_)
    bounds = united(bounds, panel_->bounds);
  bounds = united(bounds, notice_rect());
  if (corner_button_)
    bounds = united(bounds, corner_button(window_));
  if (bounds.width <= 0 || bounds.height <= 0)
    return {};
  canvas_.reset(static_cast<unsigned>(bounds.width), static_cast<unsigned>(bounds.height));
  const sf::Vector2i origin(bounds.left, bounds.top);
  if (corner_button_) {
    auto button = corner_button(window_);
    fill_rect(canvas_, {button.left - origin.x, button.top - origin.y, button.width, button.height},
              is_open() ? highlight : sf::Color(0, 0, 0, 170));
    for (int bar = 0; bar < 3; ++bar)
      fill_rect(canvas_, {button.left + 7 - origin.x, button.top + 8 + bar * 7 - origin.y, button.width - 14, 3},
                text_colour);
  }
  for (const auto& level : levels_)
    draw_level(level, origin);
  if (panel_)
    draw_panel(origin);
  if (auto box = notice_rect(); box.width > 0) {
    fill_rect(canvas_, {box.left - origin.x, box.top - origin.y, box.width, box.height}, background);
    draw_line(font_, notice_, text_size, box.left + padding - origin.x, box.top + 5 - origin.y, text_colour);
  }
  canvas_.copy_to(image_);
  return {&image_, bounds};
}

}  // namespace vigil
