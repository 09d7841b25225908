// Main channel messages (SPICE_MSG_MAIN_* / SPICE_MSGC_MAIN_*).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/result.hpp"

namespace vigil::protocol {

struct main_init {
  std::uint32_t session_id = 0;
  std::uint32_t display_channels_hint = 0;
  std::uint32_t supported_mouse_modes = 0;
  std::uint32_t current_mouse_mode = 0;
  std::uint32_t agent_connected = 0;
  std::uint32_t agent_tokens = 0;
  std::uint32_t multi_media_time = 0;
  std::uint32_t ram_hint = 0;
};

struct channel_address {
  std::uint8_t type = 0;
  std::uint8_t id = 0;
  bool operator==(const channel_address& other) const { return type == other.type && id == other.id; }
};

struct channels_list { std::vector<channel_address> channels; };
struct mouse_mode { std::uint16_t supported = 0; std::uint16_t current = 0; };  // SPICE_MOUSE_MODE_*
struct multi_media_time { std::uint32_t time = 0; };
struct agent_disconnected { std::uint32_t error = 0; };
struct agent_token { std::uint32_t tokens = 0; };
struct agent_connected_tokens { std::uint32_t tokens = 0; };
struct vm_name { std::string name; };
struct vm_uuid { std::array<std::uint8_t, 16> uuid{}; };

result<main_init> parse_main_init(const bytes& body);
result<channels_list> parse_channels_list(const bytes& body);

// A server lists each of its channels once; QEMU offers a few dozen at most
// (displays, inputs, cursors, sound, USB redirection, ports).
constexpr std::size_t max_listed_channels = 64;
// Whether a parsed list keeps the protocol's rules: at most
// max_listed_channels entries, no channel twice. The error names the
// offending entry; the main channel fails with it (protocol_violation).
std::optional<parse_error> check_channels_list(const channels_list& list);
result<mouse_mode> parse_mouse_mode(const bytes& body);
result<multi_media_time> parse_multi_media_time(const bytes& body);
result<agent_disconnected> parse_agent_disconnected(const bytes& body);
result<agent_token> parse_agent_token(const bytes& body);
result<agent_connected_tokens> parse_agent_connected_tokens(const bytes& body);
result<vm_name> parse_name(const bytes& body);
result<vm_uuid> parse_uuid(const bytes& body);

bytes build_attach_channels();
bytes build_mouse_mode_request(std::uint16_t mode);
bytes build_agent_start(std::uint32_t tokens);
bytes build_agent_token(std::uint32_t tokens);

// "1a2b3c4d-..." canonical text form.
std::string uuid_to_string(const vm_uuid& uuid);

// When to ask for client mouse mode (absolute pointer positions, no grab),
// as spice-gtk does: at INIT and at every MOUSE_MODE that leaves the session
// in server mode while the server could do client mode (e.g. a guest reboot
// took its tablet away and brought it back). The server answers a request
// with a MOUSE_MODE; when that answer still says server mode, the client does
// not ask again before the next MOUSE_MODE, so a server that refuses cannot
// make it loop: at most one request per two MOUSE_MODE messages.
class client_mouse_mode_requests {
public:
  explicit client_mouse_mode_requests(bool wanted) : wanted_(wanted) {}
  // INIT's or a MOUSE_MODE's modes (SPICE_MOUSE_MODE_*); true: send
  // MOUSE_MODE_REQUEST(client) now.
  bool on_mode(std::uint32_t current, std::uint32_t supported);

private:
  bool wanted_;
  bool awaiting_answer_ = false;
};

}  // namespace vigil::protocol
