// The guest's cursor in the viewer window. In client mouse mode the local
// pointer is where the guest's is, so the guest's shape becomes the local
// mouse cursor (hot spot included); in server mouse mode the pointer is
// grabbed and hidden, and the presentation draws the shape where the guest
// says the cursor is. Inverting pixels of MONO cursors show as opaque black:
// X cannot XOR a cursor.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <SFML/Window.hpp>

#include "protocol/cursor_messages.hpp"

namespace vigil {

class window_cursor {
public:
  // Takes the guest's cursor; `pointer_grabbed`: the local cursor stays hidden.
  void show(sf::Window& window, const protocol::cursor_state& cursor, bool pointer_grabbed);
  // A re-created window starts with the default cursor.
  void reapply(sf::Window& window) const;

  const protocol::cursor_state& state() const { return state_; }
  // The shape now shown (nullptr: none yet), and its pixels as RGBA bytes.
  const std::shared_ptr<const protocol::cursor_shape>& shape() const { return shape_; }
  const std::vector<std::uint8_t>& rgba() const { return rgba_; }

private:
  protocol::cursor_state state_;
  std::shared_ptr<const protocol::cursor_shape> shape_;  // the one loaded into local_
  std::vector<std::uint8_t> rgba_;
  std::unique_ptr<sf::Cursor> local_;  // SFML needs it alive while in use
};

}  // namespace vigil
