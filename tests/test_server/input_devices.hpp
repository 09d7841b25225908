// Keyboard, mouse and tablet devices for spice-server's inputs channel. Every
// event spice-server delivers is printed as an `input ...` line (README.md);
// the viewer tests compare those lines with what they sent.
#pragma once

#include <spice.h>

#include <cstdint>
#include <vector>

#include "event_loop.hpp"

namespace vigil::test_server {

class input_devices {
public:
  // `timestamps`: every input line ends with t=SECONDS (CLOCK_MONOTONIC, for latency measurements).
  input_devices(event_loop& loop, bool timestamps = false);
  input_devices(const input_devices&) = delete;
  input_devices& operator=(const input_devices&) = delete;

  // Without the tablet the session stays in server mouse mode.
  void attach(SpiceServer* server, bool with_tablet = true);

private:
  template <typename Instance>
  struct owned {
    Instance instance{};  // first: spice-server's pointer is also ours
    input_devices* owner = nullptr;
  };
  template <typename Instance>
  static input_devices& from(Instance* instance) {
    return *reinterpret_cast<owned<Instance>*>(instance)->owner;
  }

  static void keyboard_byte(SpiceKbdInstance* instance, uint8_t byte);
  static uint8_t keyboard_leds(SpiceKbdInstance* instance);
  static void mouse_motion(SpiceMouseInstance* instance, int dx, int dy, int dz, uint32_t buttons);
  static void mouse_buttons(SpiceMouseInstance* instance, uint32_t buttons);
  static void tablet_logical_size(SpiceTabletInstance* instance, int width, int height);
  static void tablet_position(SpiceTabletInstance* instance, int x, int y, uint32_t buttons);
  static void tablet_wheel(SpiceTabletInstance* instance, int motion, uint32_t buttons);
  static void tablet_buttons(SpiceTabletInstance* instance, uint32_t buttons);

  void on_scancode_byte(std::uint8_t byte);
  void toggle_lock_led(std::uint32_t scancode);

  void print_input(const char* format, ...) __attribute__((format(printf, 2, 3)));

  event_loop& loop_;
  bool timestamps_;
  SpiceKbdInterface keyboard_interface_{};
  SpiceMouseInterface mouse_interface_{};
  SpiceTabletInterface tablet_interface_{};
  owned<SpiceKbdInstance> keyboard_;
  owned<SpiceMouseInstance> mouse_;
  owned<SpiceTabletInstance> tablet_;
  std::vector<std::uint8_t> pending_prefix_;  // E0 / E1 bytes of a key still being assembled
  std::uint8_t leds_ = 0;                     // SPICE_KEYBOARD_MODIFIER_FLAGS_*
};

}  // namespace vigil::test_server
