#include "input_devices.hpp"

#include <time.h>

#include <cstdarg>
#include <cstdio>
#include <stdexcept>

#include "stdout_lines.hpp"

namespace vigil::test_server {
namespace {

// spice-server hands devices QEMU's button order (left 1, right 2, middle 4,
// side buttons one bit higher); print the client's SPICE_MOUSE_BUTTON_MASK_*
// order again (left 1, middle 2, right 4, side 0x20...), as the client sent it.
unsigned wire_buttons(uint32_t device_buttons) {
  return (device_buttons & 1u) | ((device_buttons & 2u) << 1) | ((device_buttons & 4u) >> 1) |
         ((device_buttons & ~0x3fu) >> 1);
}

}  // namespace

input_devices::input_devices(event_loop& loop, bool timestamps) : loop_(loop), timestamps_(timestamps) {
  keyboard_interface_.base.type = SPICE_INTERFACE_KEYBOARD;
  keyboard_interface_.base.description = "vigil test server keyboard";
  keyboard_interface_.base.major_version = SPICE_INTERFACE_KEYBOARD_MAJOR;
  keyboard_interface_.base.minor_version = SPICE_INTERFACE_KEYBOARD_MINOR;
  keyboard_interface_.push_scan_freg = keyboard_byte;
  keyboard_interface_.get_leds = keyboard_leds;
  keyboard_.instance.base.sif = &keyboard_interface_.base;
  keyboard_.owner = this;

  mouse_interface_.base.type = SPICE_INTERFACE_MOUSE;
  mouse_interface_.base.description = "vigil test server mouse";
  mouse_interface_.base.major_version = SPICE_INTERFACE_MOUSE_MAJOR;
  mouse_interface_.base.minor_version = SPICE_INTERFACE_MOUSE_MINOR;
  mouse_interface_.motion = mouse_motion;
  mouse_interface_.buttons = mouse_buttons;
  mouse_.instance.base.sif = &mouse_interface_.base;
  mouse_.owner = this;

  tablet_interface_.base.type = SPICE_INTERFACE_TABLET;
  tablet_interface_.base.description = "vigil test server tablet";
  tablet_interface_.base.major_version = SPICE_INTERFACE_TABLET_MAJOR;
  tablet_interface_.base.minor_version = SPICE_INTERFACE_TABLET_MINOR;
  tablet_interface_.set_logical_size = tablet_logical_size;
  tablet_interface_.position = tablet_position;
  tablet_interface_.wheel = tablet_wheel;
  tablet_interface_.buttons = tablet_buttons;
  tablet_.instance.base.sif = &tablet_interface_.base;
  tablet_.owner = this;
}

void input_devices::attach(SpiceServer* server, bool with_tablet) {
  if (spice_server_add_interface(server, &keyboard_.instance.base) != 0 ||
      spice_server_add_interface(server, &mouse_.instance.base) != 0 ||
      (with_tablet && spice_server_add_interface(server, &tablet_.instance.base) != 0))
    throw std::runtime_error("spice_server_add_interface(keyboard/mouse/tablet) failed");
}

void input_devices::print_input(const char* format, ...) {
  char text[256];
  va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(text, sizeof(text), format, arguments);
  va_end(arguments);
  if (!timestamps_) {
    print_line("%s", text);
    return;
  }
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  print_line("%s t=%lld.%06ld", text, static_cast<long long>(now.tv_sec), now.tv_nsec / 1000);
}

// spice-server forwards PC/AT set-1 bytes one at a time; E0 and E1 prefixes
// belong to the following byte(s). Printed as one code: 0x1e, 0xe048, 0xe11d45.
void input_devices::on_scancode_byte(std::uint8_t byte) {
  const bool extended_start = pending_prefix_.empty() && (byte == 0xe0 || byte == 0xe1);
  const bool pause_middle = pending_prefix_.size() == 1 && pending_prefix_[0] == 0xe1;
  if (extended_start || pause_middle) {
    pending_prefix_.push_back(byte);
    return;
  }
  // In a Pause sequence (E1 1D 45, released as E1 9D C5) every byte carries
  // the release bit; report the press code for both.
  if (pending_prefix_.size() == 2)
    pending_prefix_[1] &= 0x7f;
  std::uint32_t code = 0;
  for (const std::uint8_t prefix : pending_prefix_)
    code = (code << 8) | prefix;
  code = (code << 8) | (byte & 0x7fu);
  const bool release = (byte & 0x80) != 0;
  pending_prefix_.clear();
  print_input("input %s scancode=0x%x", release ? "key-up" : "key-down", code);
  if (!release)
    toggle_lock_led(code);
}

// Like a guest keyboard driver: lock keys toggle the LEDs, which spice-server
// reports to the client as KEY_MODIFIERS. The LEDs are reported later, from
// the loop, as a guest does: spice-server does not expect them from inside
// push_scan (it would count the toggle twice).
void input_devices::toggle_lock_led(std::uint32_t scancode) {
  std::uint8_t led = 0;
  if (scancode == 0x3a)
    led = SPICE_KEYBOARD_MODIFIER_FLAGS_CAPS_LOCK;
  else if (scancode == 0x45)
    led = SPICE_KEYBOARD_MODIFIER_FLAGS_NUM_LOCK;
  else if (scancode == 0x46)
    led = SPICE_KEYBOARD_MODIFIER_FLAGS_SCROLL_LOCK;
  if (led == 0)
    return;
  leds_ ^= led;
  print_line("input leds scroll=%d num=%d caps=%d", (leds_ & SPICE_KEYBOARD_MODIFIER_FLAGS_SCROLL_LOCK) ? 1 : 0,
             (leds_ & SPICE_KEYBOARD_MODIFIER_FLAGS_NUM_LOCK) ? 1 : 0,
             (leds_ & SPICE_KEYBOARD_MODIFIER_FLAGS_CAPS_LOCK) ? 1 : 0);
  loop_.post([this] { spice_server_kbd_leds(&keyboard_.instance, leds_); });
}

void input_devices::keyboard_byte(SpiceKbdInstance* instance, uint8_t byte) { from(instance).on_scancode_byte(byte); }

uint8_t input_devices::keyboard_leds(SpiceKbdInstance* instance) { return from(instance).leds_; }

void input_devices::mouse_motion(SpiceMouseInstance*, int dx, int dy, int dz, uint32_t buttons) {
  const unsigned wire = wire_buttons(buttons);
  // A button press in server mouse mode arrives as a motion of zero.
  if (dx == 0 && dy == 0 && dz == 0)
    print_line("input mouse-buttons buttons=%u", wire);
  if (dx != 0 || dy != 0)
    print_line("input mouse-motion dx=%d dy=%d buttons=%u", dx, dy, wire);
  if (dz != 0)
    print_line("input wheel device=mouse dz=%d buttons=%u", dz, wire);
}

void input_devices::mouse_buttons(SpiceMouseInstance*, uint32_t buttons) {
  print_line("input mouse-buttons buttons=%u", wire_buttons(buttons));
}

void input_devices::tablet_logical_size(SpiceTabletInstance*, int width, int height) {
  print_line("input tablet-size width=%d height=%d", width, height);
}

void input_devices::tablet_position(SpiceTabletInstance*, int x, int y, uint32_t buttons) {
  print_line("input tablet-position x=%d y=%d buttons=%u", x, y, wire_buttons(buttons));
}

// A button press in client mouse mode arrives as a wheel motion of zero.
void input_devices::tablet_wheel(SpiceTabletInstance*, int motion, uint32_t buttons) {
  if (motion == 0)
    print_line("input tablet-buttons buttons=%u", wire_buttons(buttons));
  else
    print_line("input wheel device=tablet dz=%d buttons=%u", motion, wire_buttons(buttons));
}

void input_devices::tablet_buttons(SpiceTabletInstance*, uint32_t buttons) {
  print_line("input tablet-buttons buttons=%u", wire_buttons(buttons));
}

}  // namespace vigil::test_server
