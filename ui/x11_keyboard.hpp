// What SFML 2.5 cannot tell about the keyboard, asked of the X server
// directly (own Xlib connection): the keys SFML reports as Unknown or
// confuses (Caps/Num/Scroll Lock, Print Screen, keypad Enter), and the lock
// state for KEY_MODIFIERS on focus. Which key it was is read from the X
// key state when SFML's event is handled, so a tap shorter than that (only
// synthetic input is that fast) may be missed or, for keypad Enter, taken
// for the main Enter. The ISO key next to left shift has no keysym of its
// own to find it by and stays unreachable.
#pragma once

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "protocol/inputs_messages.hpp"

namespace vigil {

class x11_keyboard {
public:
  x11_keyboard();  // without an X server it answers nothing
  ~x11_keyboard();
  x11_keyboard(const x11_keyboard&) = delete;
  x11_keyboard& operator=(const x11_keyboard&) = delete;

  // After SFML reported an Unknown key or Enter: which of the keys SFML
  // cannot name changed state since the last call, and how (pressed or not).
  std::vector<std::pair<protocol::pc_key, bool>> changed_special_keys();
  // True while the keypad Enter key is down (SFML reports it as Enter).
  bool keypad_enter_down();
  // SPICE_KEYBOARD_MODIFIER_FLAGS_* (SCROLL 1, NUM 2, CAPS 4) as the local
  // keyboard's lock LEDs show them, remembered as what the guest now has;
  // std::nullopt without an X server.
  std::optional<std::uint16_t> sync_locks();

private:
  bool key_down(unsigned keycode);
  std::optional<std::uint16_t> lock_state();

  struct display;
  display* display_ = nullptr;
  std::vector<std::pair<protocol::pc_key, unsigned>> special_keys_;  // pc key, X keycode
  std::array<bool, 256> was_down_{};
  std::optional<std::uint16_t> last_locks_;
  unsigned keypad_enter_ = 0;
};

}  // namespace vigil
