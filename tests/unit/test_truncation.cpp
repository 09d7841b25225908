// Every fixed-layout message, cut short at every byte, must fail with an
// error naming the message type and the field that did not fit.
#include <boost/test/unit_test.hpp>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "captured_stream.hpp"
#include "protocol/channel_messages.hpp"
#include "protocol/common_messages.hpp"
#include "protocol/link.hpp"
#include "protocol/main_messages.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

struct fixed_layout {
  const char* message;
  std::vector<std::pair<const char*, std::size_t>> fields;  // name, size in wire order
  std::function<std::optional<std::string>(const bytes&)> parse;  // error message, if any
};

template <class Parser>
std::function<std::optional<std::string>(const bytes&)> check(Parser parser) {
  return [parser](const bytes& body) -> std::optional<std::string> {
    auto parsed = parser(body);
    if (parsed.ok())
      return std::nullopt;
    return parsed.error().message;
  };
}

// Counted fields are laid out with count 0 so the whole body is fixed.
const std::vector<fixed_layout>& layouts() {
  static const std::vector<fixed_layout> all = {
      {"SET_ACK", {{"generation", 4}, {"window", 4}}, check(parse_set_ack)},
      {"PING", {{"id", 4}, {"timestamp", 8}}, check(parse_ping)},
      {"DISCONNECTING", {{"time_stamp", 8}, {"reason", 4}}, check(parse_disconnecting)},
      {"NOTIFY",
       {{"time_stamp", 8}, {"severity", 4}, {"visibility", 4}, {"what", 4}, {"message_len", 4}},
       check(parse_notify)},
      {"WAIT_FOR_CHANNELS", {{"wait_count", 1}}, check(parse_wait_for_channels)},
      {"MAIN_INIT",
       {{"session_id", 4}, {"display_channels_hint", 4}, {"supported_mouse_modes", 4},
        {"current_mouse_mode", 4}, {"agent_connected", 4}, {"agent_tokens", 4},
        {"multi_media_time", 4}, {"ram_hint", 4}},
       check(parse_main_init)},
      {"MAIN_CHANNELS_LIST", {{"num_of_channels", 4}}, check(parse_channels_list)},
      {"MAIN_MOUSE_MODE", {{"supported_modes", 2}, {"current_mode", 2}}, check(parse_mouse_mode)},
      {"MAIN_MULTI_MEDIA_TIME", {{"time", 4}}, check(parse_multi_media_time)},
      {"MAIN_AGENT_DISCONNECTED", {{"error_code", 4}}, check(parse_agent_disconnected)},
      {"MAIN_AGENT_TOKEN", {{"num_tokens", 4}}, check(parse_agent_token)},
      {"MAIN_AGENT_CONNECTED_TOKENS", {{"num_tokens", 4}}, check(parse_agent_connected_tokens)},
      {"MAIN_NAME", {{"name_len", 4}}, check(parse_name)},
      {"MAIN_UUID", {{"uuid", 16}}, check(parse_uuid)},
      {"INPUTS_INIT", {{"keyboard_modifiers", 2}}, check(parse_inputs_init)},
      {"INPUTS_KEY_MODIFIERS", {{"keyboard_modifiers", 2}}, check(parse_key_modifiers)},
      {"link reply",
       {{"error", 4}, {"pub_key", 162}, {"num_common_caps", 4}, {"num_channel_caps", 4}, {"caps_offset", 4}},
       [](const bytes& body) -> std::optional<std::string> {
         // A full-size fixed part needs a valid caps_offset (178) to parse.
         bytes copy = body;
         if (copy.size() == 178)
           copy[174] = 178;
         auto parsed = parse_link_reply_body(copy.data(), copy.size());
         return parsed.ok() ? std::nullopt : std::optional<std::string>(parsed.error().message);
       }},
  };
  return all;
}

std::size_t total_size(const fixed_layout& layout) {
  std::size_t size = 0;
  for (const auto& field : layout.fields)
    size += field.second;
  return size;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(truncation)

BOOST_AUTO_TEST_CASE(every_complete_fixed_body_parses) {
  for (const auto& layout : layouts()) {
    const auto error = layout.parse(bytes(total_size(layout), 0));
    BOOST_TEST(!error.has_value(), layout.message << ": " << error.value_or(""));
  }
}

BOOST_AUTO_TEST_CASE(every_truncated_body_names_message_field_offset_and_size) {
  for (const auto& layout : layouts()) {
    const std::size_t full = total_size(layout);
    for (std::size_t cut = 0; cut < full; ++cut) {
      // The field the cut falls in, and where it starts.
      std::size_t offset = 0;
      const std::pair<const char*, std::size_t>* field = nullptr;
      for (const auto& candidate : layout.fields) {
        if (cut < offset + candidate.second) {
          field = &candidate;
          break;
        }
        offset += candidate.second;
      }
      const std::string expected = std::string(layout.message) + ": field " + field->first +
                                   " truncated (need " + std::to_string(field->second) + " bytes at offset " +
                                   std::to_string(offset) + ", body is " + std::to_string(cut) + " bytes)";
      const auto error = layout.parse(bytes(cut, 0));
      BOOST_TEST_REQUIRE(error.has_value(), layout.message << " cut at " << cut << " parsed");
      BOOST_TEST(*error == expected);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
