// The few display, inputs and cursor messages the session core needs; the
// display pipeline and the viewer add the rest in their own files.
#pragma once

#include <cstdint>

#include "protocol/result.hpp"

namespace vigil::protocol {

// SPICE_MSGC_DISPLAY_INIT {u8 pixmap_cache_id, i64 pixmap_cache_size (pixels),
// u8 glz_dictionary_id, i32 glz_window (pixels)}
struct display_init_request {
  std::uint8_t pixmap_cache_id = 1;
  std::int64_t pixmap_cache_size = 0;
  std::uint8_t glz_dictionary_id = 0;
  std::int32_t glz_window_size = 0;
};
bytes build_display_init(const display_init_request& request);

// SPICE_MSG_INPUTS_INIT and SPICE_MSG_INPUTS_KEY_MODIFIERS {u16 modifiers}
struct keyboard_modifiers { std::uint16_t modifiers = 0; };  // SCROLL 1, NUM 2, CAPS 4
result<keyboard_modifiers> parse_inputs_init(const bytes& body);
result<keyboard_modifiers> parse_key_modifiers(const bytes& body);

}  // namespace vigil::protocol
