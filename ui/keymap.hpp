// SFML's key codes to the PC keys SPICE sends as set-1 scancodes. SFML 2.5
// cannot tell some keys apart or does not report them at all (Caps/Num/Scroll
// Lock, Print Screen, keypad Enter, the ISO key): the window takes keys from
// x11_keyboard.hpp instead wherever the X server has evdev keycodes.
#pragma once

#include <optional>

#include <SFML/Window/Keyboard.hpp>

#include "protocol/inputs_messages.hpp"

namespace vigil {

std::optional<protocol::pc_key> pc_key_for(sf::Keyboard::Key key);

}  // namespace vigil
