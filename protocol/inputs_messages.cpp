#include "protocol/inputs_messages.hpp"

#include <spice/enums.h>
#include <spice/protocol.h>
#include <linux/input-event-codes.h>

#include <algorithm>
#include <limits>

#include "protocol/byte_writer.hpp"

namespace vigil::protocol {
namespace {

static_assert(motion_pacer::max_unacknowledged == 2 * SPICE_INPUT_MOTION_ACK_BUNCH);
static_assert(motion_pacer::acknowledged_per_ack == SPICE_INPUT_MOTION_ACK_BUNCH);

struct key_entry {
  pc_key key;
  const char* name;
  std::uint32_t make_code;
  std::uint16_t linux_code;  // KEY_* of linux/input-event-codes.h
};

// IBM's scancode set 1 and the Linux input code, one entry per pc_key in enum order (the
// static_asserts below check both).
constexpr key_entry key_table[] = {
  {pc_key::escape, "escape", 0x01, KEY_ESC},
  {pc_key::f1, "f1", 0x3b, KEY_F1},
  {pc_key::f2, "f2", 0x3c, KEY_F2},
  {pc_key::f3, "f3", 0x3d, KEY_F3},
  {pc_key::f4, "f4", 0x3e, KEY_F4},
  {pc_key::f5, "f5", 0x3f, KEY_F5},
  {pc_key::f6, "f6", 0x40, KEY_F6},
  {pc_key::f7, "f7", 0x41, KEY_F7},
  {pc_key::f8, "f8", 0x42, KEY_F8},
  {pc_key::f9, "f9", 0x43, KEY_F9},
  {pc_key::f10, "f10", 0x44, KEY_F10},
  {pc_key::f11, "f11", 0x57, KEY_F11},
  {pc_key::f12, "f12", 0x58, KEY_F12},
  {pc_key::print_screen, "print_screen", 0xe037, KEY_SYSRQ},
  {pc_key::scroll_lock, "scroll_lock", 0x46, KEY_SCROLLLOCK},
  {pc_key::pause, "pause", 0xe11d45, KEY_PAUSE},
  {pc_key::grave, "grave", 0x29, KEY_GRAVE},
  {pc_key::digit_1, "digit_1", 0x02, KEY_1},
  {pc_key::digit_2, "digit_2", 0x03, KEY_2},
  {pc_key::digit_3, "digit_3", 0x04, KEY_3},
  {pc_key::digit_4, "digit_4", 0x05, KEY_4},
  {pc_key::digit_5, "digit_5", 0x06, KEY_5},
  {pc_key::digit_6, "digit_6", 0x07, KEY_6},
  {pc_key::digit_7, "digit_7", 0x08, KEY_7},
  {pc_key::digit_8, "digit_8", 0x09, KEY_8},
  {pc_key::digit_9, "digit_9", 0x0a, KEY_9},
  {pc_key::digit_0, "digit_0", 0x0b, KEY_0},
  {pc_key::minus, "minus", 0x0c, KEY_MINUS},
  {pc_key::equal, "equal", 0x0d, KEY_EQUAL},
  {pc_key::backspace, "backspace", 0x0e, KEY_BACKSPACE},
  {pc_key::tab, "tab", 0x0f, KEY_TAB},
  {pc_key::q, "q", 0x10, KEY_Q},
  {pc_key::w, "w", 0x11, KEY_W},
  {pc_key::e, "e", 0x12, KEY_E},
  {pc_key::r, "r", 0x13, KEY_R},
  {pc_key::t, "t", 0x14, KEY_T},
  {pc_key::y, "y", 0x15, KEY_Y},
  {pc_key::u, "u", 0x16, KEY_U},
  {pc_key::i, "i", 0x17, KEY_I},
  {pc_key::o, "o", 0x18, KEY_O},
  {pc_key::p, "p", 0x19, KEY_P},
  {pc_key::left_bracket, "left_bracket", 0x1a, KEY_LEFTBRACE},
  {pc_key::right_bracket, "right_bracket", 0x1b, KEY_RIGHTBRACE},
  {pc_key::backslash, "backslash", 0x2b, KEY_BACKSLASH},
  {pc_key::caps_lock, "caps_lock", 0x3a, KEY_CAPSLOCK},
  {pc_key::a, "a", 0x1e, KEY_A},
  {pc_key::s, "s", 0x1f, KEY_S},
  {pc_key::d, "d", 0x20, KEY_D},
  {pc_key::f, "f", 0x21, KEY_F},
  {pc_key::g, "g", 0x22, KEY_G},
  {pc_key::h, "h", 0x23, KEY_H},
  {pc_key::j, "j", 0x24, KEY_J},
  {pc_key::k, "k", 0x25, KEY_K},
  {pc_key::l, "l", 0x26, KEY_L},
  {pc_key::semicolon, "semicolon", 0x27, KEY_SEMICOLON},
  {pc_key::apostrophe, "apostrophe", 0x28, KEY_APOSTROPHE},
  {pc_key::enter, "enter", 0x1c, KEY_ENTER},
  {pc_key::left_shift, "left_shift", 0x2a, KEY_LEFTSHIFT},
  {pc_key::intl_backslash, "intl_backslash", 0x56, KEY_102ND},
  {pc_key::z, "z", 0x2c, KEY_Z},
  {pc_key::x, "x", 0x2d, KEY_X},
  {pc_key::c, "c", 0x2e, KEY_C},
  {pc_key::v, "v", 0x2f, KEY_V},
  {pc_key::b, "b", 0x30, KEY_B},
  {pc_key::n, "n", 0x31, KEY_N},
  {pc_key::m, "m", 0x32, KEY_M},
  {pc_key::comma, "comma", 0x33, KEY_COMMA},
  {pc_key::period, "period", 0x34, KEY_DOT},
  {pc_key::slash, "slash", 0x35, KEY_SLASH},
  {pc_key::right_shift, "right_shift", 0x36, KEY_RIGHTSHIFT},
  {pc_key::left_ctrl, "left_ctrl", 0x1d, KEY_LEFTCTRL},
  {pc_key::left_meta, "left_meta", 0xe05b, KEY_LEFTMETA},
  {pc_key::left_alt, "left_alt", 0x38, KEY_LEFTALT},
  {pc_key::space, "space", 0x39, KEY_SPACE},
  {pc_key::right_alt, "right_alt", 0xe038, KEY_RIGHTALT},
  {pc_key::right_meta, "right_meta", 0xe05c, KEY_RIGHTMETA},
  {pc_key::menu, "menu", 0xe05d, KEY_COMPOSE},
  {pc_key::right_ctrl, "right_ctrl", 0xe01d, KEY_RIGHTCTRL},
  {pc_key::insert, "insert", 0xe052, KEY_INSERT},
  {pc_key::home, "home", 0xe047, KEY_HOME},
  {pc_key::page_up, "page_up", 0xe049, KEY_PAGEUP},
  {pc_key::delete_key, "delete", 0xe053, KEY_DELETE},
  {pc_key::end, "end", 0xe04f, KEY_END},
  {pc_key::page_down, "page_down", 0xe051, KEY_PAGEDOWN},
  {pc_key::up, "up", 0xe048, KEY_UP},
  {pc_key::left, "left", 0xe04b, KEY_LEFT},
  {pc_key::down, "down", 0xe050, KEY_DOWN},
  {pc_key::right, "right", 0xe04d, KEY_RIGHT},
  {pc_key::num_lock, "num_lock", 0x45, KEY_NUMLOCK},
  {pc_key::kp_divide, "kp_divide", 0xe035, KEY_KPSLASH},
  {pc_key::kp_multiply, "kp_multiply", 0x37, KEY_KPASTERISK},
  {pc_key::kp_subtract, "kp_subtract", 0x4a, KEY_KPMINUS},
  {pc_key::kp_7, "kp_7", 0x47, KEY_KP7},
  {pc_key::kp_8, "kp_8", 0x48, KEY_KP8},
  {pc_key::kp_9, "kp_9", 0x49, KEY_KP9},
  {pc_key::kp_add, "kp_add", 0x4e, KEY_KPPLUS},
  {pc_key::kp_4, "kp_4", 0x4b, KEY_KP4},
  {pc_key::kp_5, "kp_5", 0x4c, KEY_KP5},
  {pc_key::kp_6, "kp_6", 0x4d, KEY_KP6},
  {pc_key::kp_1, "kp_1", 0x4f, KEY_KP1},
  {pc_key::kp_2, "kp_2", 0x50, KEY_KP2},
  {pc_key::kp_3, "kp_3", 0x51, KEY_KP3},
  {pc_key::kp_enter, "kp_enter", 0xe01c, KEY_KPENTER},
  {pc_key::kp_0, "kp_0", 0x52, KEY_KP0},
  {pc_key::kp_decimal, "kp_decimal", 0x53, KEY_KPDOT},
};
static_assert(sizeof key_table / sizeof key_table[0] == pc_key_count, "one entry per pc_key");

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < pc_key_count; ++i)
    if (static_cast<std::size_t>(key_table[i].key) != i)
      return false;
  return true;
}
static_assert(table_in_enum_order(), "key_table is indexed by pc_key");

const key_entry& entry_of(pc_key key) {
  const auto index = static_cast<std::size_t>(key);
  return key_table[index < pc_key_count ? index : 0];
}

// The make code's bytes in the order the keyboard sends them.
std::vector<std::uint8_t> sequence_of(std::uint32_t make_code) {
  std::vector<std::uint8_t> sequence;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto byte = static_cast<std::uint8_t>(make_code >> shift);
    if (byte != 0 || !sequence.empty())
      sequence.push_back(byte);
  }
  return sequence;
}

std::uint32_t pack_little_endian(const std::vector<std::uint8_t>& sequence) {
  std::uint32_t code = 0;
  for (std::size_t i = 0; i < sequence.size(); ++i)
    code |= static_cast<std::uint32_t>(sequence[i]) << (8 * i);
  return code;
}

bool is_prefix(std::uint8_t byte) { return byte == 0xe0 || byte == 0xe1; }

std::int32_t clamp_to_i32(std::int64_t value) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(value, std::numeric_limits<std::int32_t>::min(),
                                                            std::numeric_limits<std::int32_t>::max()));
}

}  // namespace

std::uint32_t set1_make_code(pc_key key) { return entry_of(key).make_code; }

const char* pc_key_name(pc_key key) { return entry_of(key).name; }

std::optional<pc_key> pc_key_for_linux_code(std::uint32_t linux_code) {
  for (const auto& entry : key_table)
    if (entry.linux_code == linux_code)
      return entry.key;
  return std::nullopt;
}

std::uint32_t key_down_code(std::uint32_t make_code) { return pack_little_endian(sequence_of(make_code)); }

std::uint32_t key_up_code(std::uint32_t make_code) {
  auto sequence = sequence_of(make_code);
  for (auto& byte : sequence)
    if (!is_prefix(byte))
      byte = static_cast<std::uint8_t>(byte | 0x80);
  return pack_little_endian(sequence);
}

bytes build_key_down(std::uint32_t make_code) { return byte_writer().u32(key_down_code(make_code)).take(); }

bytes build_key_up(std::uint32_t make_code) { return byte_writer().u32(key_up_code(make_code)).take(); }

bytes build_key_modifiers(std::uint16_t modifiers) { return byte_writer().u16(modifiers).take(); }

bytes build_key_scancode(const bytes& scancode_bytes) { return scancode_bytes; }

bytes build_mouse_motion(std::int32_t dx, std::int32_t dy, std::uint16_t buttons) {
  return byte_writer().i32(dx).i32(dy).u16(buttons).take();
}

bytes build_mouse_position(std::uint32_t x, std::uint32_t y, std::uint16_t buttons, std::uint8_t display_id) {
  return byte_writer().u32(x).u32(y).u16(buttons).u8(display_id).take();
}

bytes build_mouse_press(std::uint8_t button, std::uint16_t buttons) {
  return byte_writer().u8(button).u16(buttons).take();
}

bytes build_mouse_release(std::uint8_t button, std::uint16_t buttons) {
  return byte_writer().u8(button).u16(buttons).take();
}

// ---------------------------------------------------------------- motion_pacer

motion_pacer::motion_pacer(std::size_t max_waiting_events) : max_waiting_events_(max_waiting_events) {}

motion_pacer::waiting_item motion_pacer::motion_item(kind what, std::uint16_t buttons) {
  waiting_item item;
  item.what = what;
  item.buttons = buttons;
  return item;
}

// Merges into waiting motion, if motion is the last thing waiting; a waiting
// motion of the other kind (the mouse mode changed) is moot and replaced.
motion_pacer::waiting_item* motion_pacer::waiting_motion(kind what) {
  if (waiting_.empty() || waiting_.back().what == kind::event)
    return nullptr;
  ++counters_.motion_coalesced;
  if (waiting_.back().what != what)
    waiting_.back() = motion_item(what, 0);
  return &waiting_.back();
}

void motion_pacer::relative(std::int32_t dx, std::int32_t dy, std::uint16_t buttons) {
  if (dx == 0 && dy == 0)
    return;
  waiting_item* motion = waiting_motion(kind::relative);
  if (motion == nullptr) {
    waiting_.push_back(motion_item(kind::relative, buttons));
    motion = &waiting_.back();
  }
  motion->dx += dx;
  motion->dy += dy;
  motion->buttons = buttons;
}

void motion_pacer::absolute(std::uint32_t x, std::uint32_t y, std::uint16_t buttons, std::uint8_t display_id) {
  waiting_item* motion = waiting_motion(kind::absolute);
  if (motion == nullptr) {
    waiting_.push_back(motion_item(kind::absolute, buttons));
    motion = &waiting_.back();
  }
  motion->x = x;
  motion->y = y;
  motion->buttons = buttons;
  motion->display_id = display_id;
}

bool motion_pacer::event(input_message message) {
  if (waiting_events_ >= max_waiting_events_) {
    ++counters_.events_refused;
    return false;
  }
  waiting_.push_back(motion_item(kind::event, 0));
  waiting_.back().message = std::move(message);
  ++waiting_events_;
  return true;
}

void motion_pacer::on_motion_ack() {
  const auto acknowledged = std::min(counters_.unacknowledged, acknowledged_per_ack);
  counters_.unacknowledged -= acknowledged;
  counters_.motion_acknowledged += acknowledged;
}

std::vector<input_message> motion_pacer::take_ready() {
  std::vector<input_message> ready;
  while (!waiting_.empty()) {
    auto& front = waiting_.front();
    if (front.what == kind::event) {
      ready.push_back(std::move(front.message));
      --waiting_events_;
    } else {
      if (counters_.unacknowledged >= max_unacknowledged)
        break;
      if (front.what == kind::relative)
        ready.push_back({SPICE_MSGC_INPUTS_MOUSE_MOTION,
                         build_mouse_motion(clamp_to_i32(front.dx), clamp_to_i32(front.dy), front.buttons)});
      else
        ready.push_back({SPICE_MSGC_INPUTS_MOUSE_POSITION,
                         build_mouse_position(front.x, front.y, front.buttons, front.display_id)});
      ++counters_.motion_sent;
      ++counters_.unacknowledged;
      counters_.peak_unacknowledged = std::max(counters_.peak_unacknowledged, counters_.unacknowledged);
    }
    waiting_.pop_front();
  }
  return ready;
}

motion_pacer::counters motion_pacer::stats() const {
  counters snapshot = counters_;
  snapshot.waiting = waiting_.size();
  return snapshot;
}

}  // namespace vigil::protocol
