// Fuzzes the parsers every channel shares. Input: selector byte, then the
// message body. Seeds: captured bodies behind their selector.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "protocol/common_messages.hpp"

using namespace vigil::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const bytes body(data + 1, data + size);
  switch (data[0] % 6) {
    case 0: {
      auto parsed = parse_set_ack(body);
      if (parsed.ok()) {
        ack_window window;
        FUZZ_CHECK(window.on_set_ack(*parsed).size() == 4);
        std::size_t acks = 0;
        for (int i = 0; i < 100; ++i)
          acks += window.on_message_received() ? 1 : 0;
        FUZZ_CHECK(parsed->window == 0 ? acks == 0 : acks == 100 / parsed->window);
      }
      break;
    }
    case 1: {
      auto parsed = parse_ping(body);
      if (parsed.ok()) {
        FUZZ_CHECK(parsed->padding == body.size() - 12);
        auto echoed = parse_ping(build_pong(*parsed));  // PONG has PING's layout, no padding
        FUZZ_CHECK(echoed.ok() && echoed->id == parsed->id && echoed->timestamp == parsed->timestamp);
      }
      break;
    }
    case 2: {
      auto parsed = parse_disconnecting(body);
      if (parsed.ok())
        FUZZ_CHECK(build_disconnecting(parsed->timestamp, parsed->reason).size() == 12);
      break;
    }
    case 3: {
      auto parsed = parse_notify(body);
      if (parsed.ok())
        FUZZ_CHECK(parsed->text.size() + 24 <= body.size());
      break;
    }
    case 4: {
      auto parsed = parse_wait_for_channels(body);
      if (parsed.ok())
        FUZZ_CHECK(1 + parsed->items.size() * 10 <= body.size());
      break;
    }
    default:
      if (size >= 3) {
        const auto type = static_cast<std::uint16_t>(data[1] | data[2] << 8);
        FUZZ_CHECK(!message_type_name(data[1], type).empty());
        FUZZ_CHECK(channel_type_name(data[2]) != nullptr);
      }
      break;
  }
  return 0;
}
