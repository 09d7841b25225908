// Messages every SPICE channel shares (SPICE_MSG_SET_ACK .. SPICE_MSG_LIST on
// the server side, SPICE_MSGC_ACK_SYNC .. SPICE_MSGC_DISCONNECTING on ours),
// and the ACK window bookkeeping.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/result.hpp"

namespace vigil::protocol {

struct set_ack { std::uint32_t generation = 0; std::uint32_t window = 0; };
struct ping { std::uint32_t id = 0; std::uint64_t timestamp = 0; std::size_t padding = 0; };
struct disconnecting { std::uint64_t timestamp = 0; std::uint32_t reason = 0; };
struct notify {
  std::uint64_t timestamp = 0;
  std::uint32_t severity = 0;    // SPICE_NOTIFY_SEVERITY_*
  std::uint32_t visibility = 0;  // SPICE_NOTIFY_VISIBILITY_*
  std::uint32_t what = 0;
  std::string text;
};
struct wait_for_channels {
  struct wait_item { std::uint8_t channel_type = 0; std::uint8_t channel_id = 0; std::uint64_t message_serial = 0; };
  std::vector<wait_item> items;
};

result<set_ack> parse_set_ack(const bytes& body);
result<ping> parse_ping(const bytes& body);
result<disconnecting> parse_disconnecting(const bytes& body);
result<notify> parse_notify(const bytes& body);
result<wait_for_channels> parse_wait_for_channels(const bytes& body);

class byte_reader;
// The wait list of WAIT_FOR_CHANNELS and DISPLAY_INVAL_ALL_PIXMAPS (a u8
// count, then channel type, id and message serial per item), read at the
// reader's position; failures stay in the reader.
wait_for_channels read_wait_list(byte_reader& reader);

bytes build_ack_sync(std::uint32_t generation);
bytes build_ack();
bytes build_pong(const ping& answered);  // echoes id and timestamp, no padding
bytes build_disconnecting(std::uint64_t timestamp, std::uint32_t reason);

// Server-driven flow control: after SET_ACK the client sends ACK_SYNC and then
// one ACK per `window` messages received (the server stops at 2 x window unacked).
class ack_window {
public:
  // Call on SET_ACK. Returns the ACK_SYNC body to send.
  bytes on_set_ack(const set_ack& request);
  // Call once per message received (SET_ACK included, as the server counts it).
  // True when an ACK is due now.
  bool on_message_received();
  std::uint32_t window() const { return window_; }

private:
  std::uint32_t window_ = 0;  // 0: no ACKs requested
  std::uint32_t received_since_ack_ = 0;
};

// "main", "display", "inputs", "cursor", "playback", ... or "channel-N".
const char* channel_type_name(std::uint8_t channel_type);
// "PING", "MAIN_INIT", ... for log lines and errors; "type-N" when unknown.
std::string message_type_name(std::uint8_t channel_type, std::uint16_t message_type);

}  // namespace vigil::protocol
