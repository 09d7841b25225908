// What the viewer window exchanges with the inputs and cursor channels.
//
// window -> inputs_channel (keys, buttons and lock state must not be lost;
// motion is coalesced by the channel's motion_pacer, protocol/inputs_messages.hpp):
//   (key_event_atom, protocol::pc_key key, bool pressed)
//   (pointer_motion_atom, std::int32_t dx, std::int32_t dy, std::uint16_t buttons)
//       relative motion, for server mouse mode
//   (pointer_position_atom, std::uint32_t x, std::uint32_t y, std::uint16_t buttons, std::uint8_t display)
//       absolute position, for client mouse mode
//   (pointer_button_atom, std::uint8_t button, bool pressed, std::uint16_t buttons)
//       button SPICE_MOUSE_BUTTON_* (LEFT 1 ... DOWN 5 for the wheel), buttons the
//       SPICE_MOUSE_BUTTON_MASK_* state after this change
//   (modifiers_atom, std::uint16_t locks)   the lock keys the guest should have:
//       SPICE_KEYBOARD_MODIFIER_FLAGS_* (SCROLL 1, NUM 2, CAPS 4)
//
// window -> cursor_channel:
//   (cursor_state_atom) -> protocol::cursor_state   the cursor to draw, now
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "protocol/cursor_messages.hpp"
#include "protocol/inputs_messages.hpp"

namespace vigil {

using key_event_atom = caf::atom_constant<caf::atom("keyevent")>;
using pointer_motion_atom = caf::atom_constant<caf::atom("ptrmotion")>;
using pointer_position_atom = caf::atom_constant<caf::atom("ptrpos")>;
using pointer_button_atom = caf::atom_constant<caf::atom("ptrbutton")>;
using modifiers_atom = caf::atom_constant<caf::atom("kbdlocks")>;
using cursor_state_atom = caf::atom_constant<caf::atom("cursorstat")>;

// (input_atom, caf::message event): one of the window -> inputs_channel
// messages above, addressed to "whichever inputs channel is current". The
// session supervisor, the session and the channel supervisor pass it on at
// once (they never wait); the bound is the inputs channel's pacer, which
// coalesces motion and faults past 64 waiting events. With no inputs channel
// up (e.g. while reconnecting) the event is dropped: keys pressed into a
// dead session must not replay into the next one.
using input_atom = caf::atom_constant<caf::atom("input")>;

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::protocol::pc_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::protocol::cursor_state)
