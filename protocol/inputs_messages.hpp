// What the client sends on the inputs channel: keys as PC/AT set-1
// scancodes, lock-key state, pointer motion, positions and buttons; the
// table from key names to scancodes for a 105-key PC keyboard; and the pacer
// that keeps pointer motion within what the server has acknowledged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "protocol/result.hpp"

namespace vigil::protocol {

// ---------------------------------------------------------------- keys

// Every key of a 105-key (ISO) PC keyboard, by what it is rather than what it
// prints, independent of any window toolkit; the viewer maps its toolkit's
// keys to these.
enum class pc_key : std::uint8_t {
  escape, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, print_screen, scroll_lock, pause,
  grave, digit_1, digit_2, digit_3, digit_4, digit_5, digit_6, digit_7, digit_8, digit_9, digit_0,
  minus, equal, backspace,
  tab, q, w, e, r, t, y, u, i, o, p, left_bracket, right_bracket,
  backslash,  // ANSI: above Enter; ISO: the "#~" key left of Enter (same scancode)
  caps_lock, a, s, d, f, g, h, j, k, l, semicolon, apostrophe, enter,
  left_shift,
  intl_backslash,  // ISO only: the "\|" or "<>" key right of left shift
  z, x, c, v, b, n, m, comma, period, slash, right_shift,
  left_ctrl, left_meta, left_alt, space, right_alt, right_meta, menu, right_ctrl,
  insert, home, page_up, delete_key, end, page_down,
  up, left, down, right,
  num_lock, kp_divide, kp_multiply, kp_subtract, kp_7, kp_8, kp_9, kp_add, kp_4, kp_5, kp_6,
  kp_1, kp_2, kp_3, kp_enter, kp_0, kp_decimal,
};
constexpr std::size_t pc_key_count = static_cast<std::size_t>(pc_key::kp_decimal) + 1;

// The key's set-1 make code as a keyboard sends it, prefix bytes first:
// 0x1e (A), 0xe048 (Up, E0-prefixed), 0xe11d45 (Pause, the one E1 key).
// Print Screen is 0xe037, without the fake shifts a real keyboard wraps it
// in (QEMU and spice-gtk send it the same way).
std::uint32_t set1_make_code(pc_key key);
// "a", "kp_enter", "right_ctrl": for logs.
const char* pc_key_name(pc_key key);
// The key a Linux input code (KEY_ESC, KEY_102ND, ...) names, which is how an
// X server on evdev numbers its keys (X keycode = Linux code + 8); std::nullopt
// for keys beyond the 105-key layout.
std::optional<pc_key> pc_key_for_linux_code(std::uint32_t linux_code);

// The u32 of KEY_DOWN / KEY_UP for a make code. spice-server pushes its bytes
// to the keyboard lowest first and stops at a zero byte, so the sequence is
// packed little-endian: E0 48 is 0x48e0. A release sets 0x80 on every byte
// but the E0/E1 prefixes: Up releases as 0xc8e0, Pause as E1 9D C5.
std::uint32_t key_down_code(std::uint32_t make_code);
std::uint32_t key_up_code(std::uint32_t make_code);

// SPICE_MSGC_INPUTS_KEY_DOWN / KEY_UP {u32 code}, from a make code.
bytes build_key_down(std::uint32_t make_code);
bytes build_key_up(std::uint32_t make_code);
// SPICE_MSGC_INPUTS_KEY_MODIFIERS {u16}: SCROLL 1, NUM 2, CAPS 4 (the locks the guest should have).
bytes build_key_modifiers(std::uint16_t modifiers);
// SPICE_MSGC_INPUTS_KEY_SCANCODE: raw set-1 bytes, pushed to the keyboard as they are.
bytes build_key_scancode(const bytes& scancode_bytes);

// ---------------------------------------------------------------- pointer

// SPICE_MSGC_INPUTS_MOUSE_MOTION {i32 dx, i32 dy, u16 buttons}: server mouse mode.
bytes build_mouse_motion(std::int32_t dx, std::int32_t dy, std::uint16_t buttons);
// SPICE_MSGC_INPUTS_MOUSE_POSITION {u32 x, u32 y, u16 buttons, u8 display_id}: client mouse mode.
bytes build_mouse_position(std::uint32_t x, std::uint32_t y, std::uint16_t buttons, std::uint8_t display_id);
// SPICE_MSGC_INPUTS_MOUSE_PRESS / MOUSE_RELEASE {u8 button, u16 buttons}:
// button SPICE_MOUSE_BUTTON_* (LEFT 1 ... DOWN 5), buttons the
// SPICE_MOUSE_BUTTON_MASK_* state including this change.
bytes build_mouse_press(std::uint8_t button, std::uint16_t buttons);
bytes build_mouse_release(std::uint8_t button, std::uint16_t buttons);

// One message for the inputs channel: SPICE_MSGC_INPUTS_* type and body.
struct input_message {
  std::uint16_t type = 0;
  bytes body;
};

// Paces pointer motion against MOUSE_MOTION_ACK. spice-server acknowledges
// every 4th MOUSE_MOTION or MOUSE_POSITION (SPICE_INPUT_MOTION_ACK_BUNCH);
// at most two bunches, 8 messages, are unacknowledged at any time. Motion
// beyond that waits here, coalesced: relative deltas add up, a newer absolute
// position replaces an older one, the button state is the latest.
//
// All input goes through the pacer so that order is kept: a key or button
// that arrives while motion waits is sent after that motion (a click lands
// where the pointer was moved to), and motion after it is not merged into
// motion before it. Such events must not be lost: at most
// `max_waiting_events` wait, beyond that they are refused (an overflow the
// owner reports as a fault).
class motion_pacer {
public:
  static constexpr std::uint32_t max_unacknowledged = 8;  // 2 x SPICE_INPUT_MOTION_ACK_BUNCH
  static constexpr std::uint32_t acknowledged_per_ack = 4;

  struct counters {
    std::uint64_t motion_sent = 0;          // MOUSE_MOTION / MOUSE_POSITION messages taken to send
    std::uint64_t motion_acknowledged = 0;  // of those, covered by a MOTION_ACK
    std::uint64_t motion_coalesced = 0;     // motion events merged into a waiting one
    std::uint64_t events_refused = 0;       // non-motion events refused (overflow)
    std::uint32_t unacknowledged = 0;       // motion messages sent and not acknowledged
    std::uint32_t peak_unacknowledged = 0;
    std::size_t waiting = 0;                // messages held (motion and events)
  };

  explicit motion_pacer(std::size_t max_waiting_events = 64);

  // Relative motion (server mouse mode); a zero delta is ignored.
  void relative(std::int32_t dx, std::int32_t dy, std::uint16_t buttons);
  // Absolute position (client mouse mode).
  void absolute(std::uint32_t x, std::uint32_t y, std::uint16_t buttons, std::uint8_t display_id);
  // A key, modifier or button message. False when it was refused.
  bool event(input_message message);
  // SPICE_MSG_INPUTS_MOUSE_MOTION_ACK arrived.
  void on_motion_ack();

  // What may go to the server now, in order; the rest keeps waiting.
  std::vector<input_message> take_ready();

  counters stats() const;

private:
  enum class kind { relative, absolute, event };
  struct waiting_item {
    kind what = kind::event;
    std::int64_t dx = 0, dy = 0;  // relative: accumulated (clamped to i32 when built)
    std::uint32_t x = 0, y = 0;   // absolute
    std::uint8_t display_id = 0;
    std::uint16_t buttons = 0;
    input_message message;        // event
  };
  static waiting_item motion_item(kind what, std::uint16_t buttons);
  waiting_item* waiting_motion(kind what);

  std::size_t max_waiting_events_;
  std::size_t waiting_events_ = 0;
  std::deque<waiting_item> waiting_;
  counters counters_;
};

}  // namespace vigil::protocol
