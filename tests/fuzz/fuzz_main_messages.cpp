// Fuzzes the main channel parsers. Input: selector byte, then the message
// body. Seeds: captured main channel bodies behind their selector.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "protocol/main_messages.hpp"

using namespace vigil::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const bytes body(data + 1, data + size);
  switch (data[0] % 9) {
    case 0: {
      auto parsed = parse_main_init(body);
      FUZZ_CHECK(parsed.ok() == (body.size() >= 32));
      break;
    }
    case 1: {
      auto parsed = parse_channels_list(body);
      if (parsed.ok())
        FUZZ_CHECK(4 + 2 * parsed->channels.size() <= body.size());
      break;
    }
    case 2: {
      auto parsed = parse_mouse_mode(body);
      FUZZ_CHECK(parsed.ok() == (body.size() >= 4));
      if (parsed.ok())
        FUZZ_CHECK(build_mouse_mode_request(parsed->current).size() == 2);
      break;
    }
    case 3: FUZZ_CHECK(parse_multi_media_time(body).ok() == (body.size() >= 4)); break;
    case 4: FUZZ_CHECK(parse_agent_disconnected(body).ok() == (body.size() >= 4)); break;
    case 5: FUZZ_CHECK(parse_agent_token(body).ok() == (body.size() >= 4)); break;
    case 6: FUZZ_CHECK(parse_agent_connected_tokens(body).ok() == (body.size() >= 4)); break;
    case 7: {
      auto parsed = parse_name(body);
      if (parsed.ok())
        FUZZ_CHECK(parsed->name.size() + 4 <= body.size());
      break;
    }
    default: {
      auto parsed = parse_uuid(body);
      FUZZ_CHECK(parsed.ok() == (body.size() >= 16));
      if (parsed.ok())
        FUZZ_CHECK(uuid_to_string(*parsed).size() == 36);
      break;
    }
  }
  return 0;
}
