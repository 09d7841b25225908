// Fuzzes the display/inputs/cursor messages the session core parses or
// builds. Input: selector byte, then the body. Seeds: captured INPUTS_INIT.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_check.hpp"
#include "protocol/channel_messages.hpp"

using namespace vigil::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const bytes body(data + 1, data + size);
  switch (data[0] % 3) {
    case 0: {
      auto parsed = parse_inputs_init(body);
      FUZZ_CHECK(parsed.ok() == (body.size() >= 2));
      if (parsed.ok())
        FUZZ_CHECK(parsed->modifiers == (body[0] | body[1] << 8));
      break;
    }
    case 1: FUZZ_CHECK(parse_key_modifiers(body).ok() == (body.size() >= 2)); break;
    default: {
      if (body.size() < 14)
        break;
      display_init_request request;
      request.pixmap_cache_id = body[0];
      std::memcpy(&request.pixmap_cache_size, body.data() + 1, 8);
      request.glz_dictionary_id = body[9];
      std::memcpy(&request.glz_window_size, body.data() + 10, 4);
      // The wire layout is the packed little-endian struct, byte for byte
      // (x86 is little-endian, as SPICE itself assumes).
      const bytes built = build_display_init(request);
      FUZZ_CHECK(built.size() == 14);
      FUZZ_CHECK(std::memcmp(built.data(), body.data(), 14) == 0);
      break;
    }
  }
  return 0;
}
