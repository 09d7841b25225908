// What the window sends the inputs channel: keyboard and mouse, as one typed
// message (input_atom, input_event).
//
// The window sends straight to the current inputs channel: each inputs
// channel announces itself to the frontend once it is up
// ((inputs_channel_atom, inputs_actor), actors/frontend.hpp), and the window
// re-targets its edge. That edge is bounded with the fault policy (keys and
// buttons must not be lost silently; edge_ids::window_input): the inputs
// channel acknowledges every event; past the capacity the window refuses and
// counts. Events for a channel that has gone (a restart, a reconnect) are
// dropped, never replayed into the next one: keys pressed into a dead session
// must not reach the new one. Inside the channel, motion is coalesced by its
// motion_pacer (protocol/inputs_messages.hpp).
#pragma once

#include <cstdint>
#include <variant>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "protocol/cursor_messages.hpp"
#include "protocol/inputs_messages.hpp"

namespace vigil {

using input_atom = caf::atom_constant<caf::atom("input")>;

struct key_event {
  protocol::pc_key key;
  bool pressed = false;
};

// Relative motion, for server mouse mode.
struct pointer_motion {
  std::int32_t dx = 0;
  std::int32_t dy = 0;
  std::uint16_t buttons = 0;  // SPICE_MOUSE_BUTTON_MASK_*
};

// An absolute position, for client mouse mode.
struct pointer_position {
  std::uint32_t x = 0;
  std::uint32_t y = 0;
  std::uint16_t buttons = 0;
  std::uint8_t display = 0;
};

// SPICE_MOUSE_BUTTON_* (LEFT 1 ... DOWN 5 for the wheel); `buttons` is the
// SPICE_MOUSE_BUTTON_MASK_* state after this change.
struct pointer_button {
  std::uint8_t button = 0;
  bool pressed = false;
  std::uint16_t buttons = 0;
};

// The lock keys the guest should have: SPICE_KEYBOARD_MODIFIER_FLAGS_*
// (SCROLL 1, NUM 2, CAPS 4).
struct lock_keys {
  std::uint16_t locks = 0;
};

using input_event = std::variant<key_event, pointer_motion, pointer_position, pointer_button, lock_keys>;

// An inputs channel as the window sees it.
using inputs_actor = caf::typed_actor<caf::reacts_to<input_atom, input_event>>;

// The cursor channel's (cursor_state_atom, protocol::cursor_state), to the
// renderer and on to the window over keep_latest edges (actors/channels.hpp).
using cursor_state_atom = caf::atom_constant<caf::atom("cursorstat")>;

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::input_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::protocol::pc_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::protocol::cursor_state)
