// The vdagent side of the main channel: not an actor, the part of
// main_channel's state that speaks to the guest's agent through AGENT_*
// messages (protocol/vdagent.hpp does the bytes). main_channel hands it the
// AGENT_* frames and the window's agent_commands; it answers with frames to
// send and agent_events for the window (actors/agent_events.hpp).
//
// Order, as spice-gtk does it: once an agent is connected (INIT
// agent_connected, AGENT_CONNECTED[_TOKENS]) AGENT_START with our tokens, then
// ANNOUNCE_CAPABILITIES with request=1; the agent answers with its own. The
// clipboard and monitors config wait for the agent's capabilities.
//
// Clipboard: CLIPBOARD always, PRIMARY when the agent announced selections;
// text, PNG, BMP, TIFF and JPEG pass as they are, except that text for a
// guest that announced CRLF line ends is converted both ways. Our limit
// (max_message_bytes) goes to the agent as MAX_CLIPBOARD; the agent's own,
// if it sends one, is honoured: larger local data is answered empty.
// Files: agent_file_transfers.hpp.
//
// A server that breaks the agent's rules (AGENT_DATA over 2048 bytes, or
// beyond the tokens we gave it) is reported through outputs.violation: the
// main channel fails with protocol_violation. Consumed tokens are returned
// by return_tokens(), which main_channel calls once the socket data already
// queued has been handled, so a server that floods without waiting for them
// is noticed instead of being refilled as it goes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "actors/agent_events.hpp"
#include "actors/agent_file_transfers.hpp"
#include "actors/channel_health.hpp"
#include "protocol/memory_budget.hpp"
#include "protocol/result.hpp"
#include "protocol/vdagent.hpp"

namespace vigil {

// [agent] in config/vigil.toml. The last three are the window's.
struct agent_settings {
  std::uint32_t client_tokens = 10;            // AGENT_START: AGENT_DATA the server may send us unreturned
  std::size_t max_message_bytes = 1 << 20;     // largest agent message accepted (clipboard data included);
                                               // announced to the agent as MAX_CLIPBOARD
  std::size_t max_queued_bytes = 4 << 20;      // outgoing data waiting for server tokens
  bool clipboard = true;                       // share CLIPBOARD (and PRIMARY, below) with the guest
  bool primary = true;                         // ... PRIMARY too, when the agent has selections
  bool resize_guest = true;                    // window size -> MONITORS_CONFIG
  std::chrono::milliseconds resize_debounce{500};
};

class main_agent {
public:
  struct outputs {
    std::function<void(std::uint16_t type, const protocol::bytes& body)> send_frame;
    std::function<void(agent_event event)> to_frontend;
    std::function<void(const std::string& why)> violation;  // the server broke the agent's rules
  };
  // The reassembly buffer is charged to `memory` (the main channel's account).
  main_agent(agent_settings settings, outputs out, spdlog::logger& log, protocol::memory_account memory = {});

  void on_init(bool agent_connected, std::uint32_t server_tokens);
  // AGENT_CONNECTED_TOKENS, or AGENT_CONNECTED (keeps INIT's tokens).
  void on_connected(std::optional<std::uint32_t> server_tokens);
  void on_disconnected();
  void on_token(std::uint32_t tokens);
  // AGENT_DATA; false on a broken agent stream (the error is in last_error)
  // or a violation (reported through outputs.violation).
  bool on_data(const protocol::bytes& body);
  // Sends AGENT_TOKEN for what was consumed, once half the window is.
  void return_tokens();
  // What the window asks of the guest's agent.
  void on_frontend(const agent_command& command);

  agent_report report() const;

private:
  void start();
  bool send_message(std::uint32_t type, const protocol::bytes& data);
  void flush();
  void on_message(const protocol::agent_message& message);
  void set_error(const std::string& error);
  protocol::clipboard_layout layout() const;
  bool guest_crlf() const;
  bool selection_shared(std::uint8_t selection) const;
  void tell_state();

  agent_settings settings_;
  outputs out_;
  spdlog::logger& log_;
  protocol::agent_flow flow_;
  protocol::agent_reassembler reassembler_;
  protocol::agent_capabilities agent_caps_;
  bool connected_ = false;
  bool started_ = false;
  bool have_caps_ = false;
  std::uint32_t grab_serial_ = 0;  // ours, one per client grab
  // Per selection (CLIPBOARD, PRIMARY): "none" | "guest" | "client", and
  // the types the client's grab offered.
  std::string owner_[2] = {"none", "none"};
  std::vector<std::uint32_t> client_types_[2];
  std::int32_t guest_max_clipboard_ = 0;  // 0: the agent set no limit
  agent_file_transfers files_;
  std::uint64_t messages_in_ = 0;
  std::uint64_t messages_out_ = 0;
  std::uint64_t bytes_from_guest_ = 0;
  std::uint64_t bytes_to_guest_ = 0;
  std::uint64_t monitors_configs_sent_ = 0;
  std::string last_monitors_config_;
  std::string last_error_;
};

}  // namespace vigil
