#include "protocol/main_messages.hpp"

#include <spice/enums.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

#include "protocol/byte_reader.hpp"
#include "protocol/common_messages.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {
namespace {

// The main channel has several bodies that are one u32; one reader for all.
result<std::uint32_t> parse_single_u32(const bytes& body, const char* message, const char* field) {
  byte_reader reader(body, message);
  const std::uint32_t value = reader.u32(field);
  return reader.finish(std::move(value));
}

}  // namespace

result<main_init> parse_main_init(const bytes& body) {
  byte_reader reader(body, "MAIN_INIT");
  main_init out;
  out.session_id = reader.u32("session_id");
  out.display_channels_hint = reader.u32("display_channels_hint");
  out.supported_mouse_modes = reader.u32("supported_mouse_modes");
  out.current_mouse_mode = reader.u32("current_mouse_mode");
  out.agent_connected = reader.u32("agent_connected");
  out.agent_tokens = reader.u32("agent_tokens");
  out.multi_media_time = reader.u32("multi_media_time");
  out.ram_hint = reader.u32("ram_hint");
  return reader.finish(std::move(out));
}

result<channels_list> parse_channels_list(const bytes& body) {
  byte_reader reader(body, "MAIN_CHANNELS_LIST");
  channels_list out;
  const std::uint32_t count = reader.u32("num_of_channels");
  if (reader.fits("num_of_channels", count, 2)) {
    out.channels.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
      channel_address address;
      address.type = reader.u8("channels.type");
      address.id = reader.u8("channels.id");
      out.channels.push_back(address);
    }
  }
  return reader.finish(std::move(out));
}

std::optional<parse_error> check_channels_list(const channels_list& list) {
  if (list.channels.size() > max_listed_channels)
    return parse_error{"MAIN_CHANNELS_LIST: " + std::to_string(list.channels.size()) + " channels, more than the " +
                       std::to_string(max_listed_channels) + " a server offers"};
  std::set<std::pair<std::uint8_t, std::uint8_t>> seen;
  for (const auto& channel : list.channels)
    if (!seen.emplace(channel.type, channel.id).second)
      return parse_error{std::string("MAIN_CHANNELS_LIST: channel ") + channel_type_name(channel.type) + ":" +
                         std::to_string(channel.id) + " is listed twice"};
  return std::nullopt;
}

result<mouse_mode> parse_mouse_mode(const bytes& body) {
  // spice.proto: flags16 supported_modes, flags16 current_mode.
  byte_reader reader(body, "MAIN_MOUSE_MODE");
  mouse_mode out;
  out.supported = reader.u16("supported_modes");
  out.current = reader.u16("current_mode");
  return reader.finish(std::move(out));
}

result<multi_media_time> parse_multi_media_time(const bytes& body) {
  auto time = parse_single_u32(body, "MAIN_MULTI_MEDIA_TIME", "time");
  if (!time)
    return time.error();
  return multi_media_time{*time};
}

result<agent_disconnected> parse_agent_disconnected(const bytes& body) {
  auto error = parse_single_u32(body, "MAIN_AGENT_DISCONNECTED", "error_code");
  if (!error)
    return error.error();
  return agent_disconnected{*error};
}

result<agent_token> parse_agent_token(const bytes& body) {
  auto tokens = parse_single_u32(body, "MAIN_AGENT_TOKEN", "num_tokens");
  if (!tokens)
    return tokens.error();
  return agent_token{*tokens};
}

result<agent_connected_tokens> parse_agent_connected_tokens(const bytes& body) {
  auto tokens = parse_single_u32(body, "MAIN_AGENT_CONNECTED_TOKENS", "num_tokens");
  if (!tokens)
    return tokens.error();
  return agent_connected_tokens{*tokens};
}

result<vm_name> parse_name(const bytes& body) {
  byte_reader reader(body, "MAIN_NAME");
  vm_name out;
  out.name = reader.counted_text("name_len", "name");
  return reader.finish(std::move(out));
}

result<vm_uuid> parse_uuid(const bytes& body) {
  byte_reader reader(body, "MAIN_UUID");
  vm_uuid out;
  if (const std::uint8_t* uuid = reader.raw("uuid", out.uuid.size()))
    std::copy(uuid, uuid + out.uuid.size(), out.uuid.begin());
  return reader.finish(std::move(out));
}

bytes build_attach_channels() { return {}; }

bytes build_mouse_mode_request(std::uint16_t mode) { return byte_writer().u16(mode).take(); }

bytes build_agent_start(std::uint32_t tokens) { return byte_writer().u32(tokens).take(); }

bytes build_agent_token(std::uint32_t tokens) { return byte_writer().u32(tokens).take(); }

std::string uuid_to_string(const vm_uuid& uuid) {
  std::string text;
  text.reserve(36);
  char hex[3];
  for (std::size_t i = 0; i < uuid.uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      text += '-';
    std::snprintf(hex, sizeof(hex), "%02x", uuid.uuid[i]);
    text += hex;
  }
  return text;
}

bool client_mouse_mode_requests::on_mode(std::uint32_t current, std::uint32_t supported) {
  const bool answer = awaiting_answer_;
  awaiting_answer_ = false;
  if (!wanted_ || current == SPICE_MOUSE_MODE_CLIENT || !(supported & SPICE_MOUSE_MODE_CLIENT))
    return false;
  if (answer)
    return false;  // our request was refused: wait for the server's next change
  awaiting_answer_ = true;
  return true;
}

}  // namespace vigil::protocol
