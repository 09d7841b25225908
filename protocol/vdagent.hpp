// The vdagent protocol carried inside the main channel's AGENT_DATA messages
// (spice/vd_agent.h): VDAgentMessage framing, reassembly of messages split
// across AGENT_DATA chunks, capabilities, UTF-8 clipboard, monitors config,
// and the token accounting of AGENT_DATA in both directions.
//
// A VDAgentMessage is {u32 protocol = 1, u32 type, u64 opaque, u32 size} +
// `size` bytes; the sender cuts the whole message into AGENT_DATA bodies of
// at most 2048 bytes, and the receiver glues them back together. Nothing here
// does I/O: the main channel feeds bytes in and sends what comes out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "protocol/memory_budget.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

constexpr std::size_t agent_chunk_max = 2048;          // VD_AGENT_MAX_DATA_SIZE
constexpr std::size_t agent_message_header_size = 20;  // sizeof(VDAgentMessage)

struct agent_message {
  std::uint32_t type = 0;  // VD_AGENT_*
  std::uint64_t opaque = 0;
  bytes data;
};

// The whole message (header + data), before chunking.
bytes build_agent_message(std::uint32_t type, const bytes& data);
// Cuts a built message into AGENT_DATA bodies of at most agent_chunk_max bytes.
std::vector<bytes> split_agent_chunks(const bytes& message);

// Glues AGENT_DATA bodies back into messages. A header with a protocol other
// than 1 or a size over `max_message_size` is an error, after which the
// reassembler refuses everything (the stream has no resynchronisation point).
// Work is linear in the bytes fed (consumed bytes are dropped in one move once
// they are half the buffer); the buffer is charged to `account` before it
// grows (a refusal is a sticky error with budget_exceeded).
class agent_reassembler {
public:
  explicit agent_reassembler(std::size_t max_message_size, memory_account account = {})
      : max_message_size_(max_message_size), account_(std::move(account)) {}
  // Takes one chunk (any split is fine); returns the first error, sticky.
  std::optional<parse_error> feed(const std::uint8_t* data, std::size_t size);
  std::optional<parse_error> feed(const bytes& chunk) { return feed(chunk.data(), chunk.size()); }
  // The next complete message, if any.
  std::optional<agent_message> next();
  // The agent went away: what was half-received belongs to nobody.
  void reset();
  std::size_t buffered() const { return pending_.size() - read_pos_; }

private:
  void fail(parse_error error);

  std::size_t max_message_size_;
  memory_account account_;
  memory_charge charge_;
  bytes pending_;
  std::size_t read_pos_ = 0;  // pending_ before this is consumed
  std::deque<agent_message> complete_;
  std::optional<parse_error> error_;
};

// VD_AGENT_ANNOUNCE_CAPABILITIES {u32 request; u32 caps[]}.
struct agent_capabilities {
  bool request = false;  // the peer wants ours in return
  std::vector<std::uint32_t> words;
  bool has(unsigned cap) const { return cap / 32 < words.size() && (words[cap / 32] >> (cap % 32)) & 1u; }
};
bytes build_announce_capabilities(bool request, const std::vector<unsigned>& caps);
result<agent_capabilities> parse_announce_capabilities(const bytes& data);

// What both sides announced changes the clipboard messages' layout.
struct clipboard_layout {
  bool selection = false;    // VD_AGENT_CAP_CLIPBOARD_SELECTION: u8 selection + 3 reserved bytes first
  bool grab_serial = false;  // VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL: u32 serial in GRAB
};

struct clipboard_grab {
  std::uint8_t selection = 0;  // VD_AGENT_CLIPBOARD_SELECTION_*
  std::uint32_t serial = 0;
  std::vector<std::uint32_t> types;  // VD_AGENT_CLIPBOARD_*
};
struct clipboard_request {
  std::uint8_t selection = 0;
  std::uint32_t type = 0;
};
struct clipboard_data {
  std::uint8_t selection = 0;
  std::uint32_t type = 0;
  bytes data;
};
struct clipboard_release {
  std::uint8_t selection = 0;
};

bytes build_clipboard_grab(const clipboard_grab& grab, clipboard_layout layout);
bytes build_clipboard_request(const clipboard_request& request, clipboard_layout layout);
bytes build_clipboard_data(const clipboard_data& data, clipboard_layout layout);
bytes build_clipboard_release(const clipboard_release& release, clipboard_layout layout);
result<clipboard_grab> parse_clipboard_grab(const bytes& data, clipboard_layout layout);
result<clipboard_request> parse_clipboard_request(const bytes& data, clipboard_layout layout);
result<clipboard_data> parse_clipboard_data(const bytes& data, clipboard_layout layout);
result<clipboard_release> parse_clipboard_release(const bytes& data, clipboard_layout layout);

// VD_AGENT_MONITORS_CONFIG: {u32 n, u32 flags} then n x {u32 height, width,
// depth, i32 x, y}. Height comes first on the wire.
struct agent_monitor {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t depth = 32;
  std::int32_t x = 0;
  std::int32_t y = 0;
};
struct agent_monitors_config {
  std::uint32_t flags = 0;
  std::vector<agent_monitor> monitors;
};
bytes build_agent_monitors_config(const agent_monitors_config& config);
result<agent_monitors_config> parse_agent_monitors_config(const bytes& data);

// VD_AGENT_REPLY {u32 type, u32 error}: the agent's answer to MONITORS_CONFIG.
struct agent_reply {
  std::uint32_t type = 0;
  std::uint32_t error = 0;  // VD_AGENT_SUCCESS 1, VD_AGENT_ERROR 2
};
result<agent_reply> parse_agent_reply(const bytes& data);

// Token accounting for AGENT_DATA, both directions.
//
// Outgoing: each AGENT_DATA we send costs one of the server's tokens (INIT's
// agent_tokens or AGENT_CONNECTED_TOKENS to start, AGENT_TOKEN for more).
// Chunks wait here while there are none, up to `max_queued_bytes`; a message
// that would go past that is refused whole (the caller reports it).
// Incoming: we gave the server `client_tokens` in AGENT_START; every
// AGENT_DATA it sends uses one, and we give them back in batches of half
// the window as we consume them. A server may not send more than it was
// given: data beyond the tokens it holds is a protocol violation (a flood
// that never waited for tokens), as is a chunk over agent_chunk_max.
class agent_flow {
public:
  agent_flow(std::uint32_t client_tokens, std::size_t max_queued_bytes)
      : client_tokens_(client_tokens), max_queued_bytes_(max_queued_bytes) {}

  std::uint32_t client_tokens() const { return client_tokens_; }
  void set_server_tokens(std::uint32_t tokens) { server_tokens_ = tokens; }
  void add_server_tokens(std::uint32_t tokens);

  // Queues a message's chunks; false (nothing queued) past the bound.
  bool enqueue(std::vector<bytes> chunks);
  // The chunks that may go now; each spent one server token.
  std::vector<bytes> take_sendable();

  // We sent AGENT_START: the server may send client_tokens AGENT_DATA (more).
  void on_start() { granted_ += client_tokens_; }
  // One AGENT_DATA from the server arrived; false when the server had no
  // token left for it.
  bool on_server_data();
  // The number of tokens to return now in an AGENT_TOKEN (0: not yet): what
  // was consumed, in batches of half the window. They count as given.
  std::uint32_t tokens_to_return();

  // The agent went away: queued data is for an agent that no longer exists.
  void reset();

  std::uint32_t server_tokens() const { return server_tokens_; }
  std::size_t queued_chunks() const { return queue_.size(); }
  std::size_t queued_bytes() const { return queued_bytes_; }
  std::uint64_t chunks_sent() const { return chunks_sent_; }
  std::uint64_t chunks_received() const { return chunks_received_; }
  std::uint64_t messages_refused() const { return messages_refused_; }

private:
  std::uint32_t client_tokens_;
  std::size_t max_queued_bytes_;
  std::uint32_t server_tokens_ = 0;
  std::deque<bytes> queue_;
  std::size_t queued_bytes_ = 0;
  std::uint32_t consumed_unreturned_ = 0;
  std::uint64_t granted_ = 0;  // tokens the server has had from us, ever
  std::uint64_t chunks_sent_ = 0;
  std::uint64_t chunks_received_ = 0;
  std::uint64_t messages_refused_ = 0;
};

// "CLIPBOARD_GRAB" etc., for logs and errors.
const char* agent_message_name(std::uint32_t type);

}  // namespace vigil::protocol
