// Fuzzes the vdagent layer (clipboard, MAX_CLIPBOARD, FILE_XFER included). Input: one config byte (bits 0-1: clipboard
// layout; bits 2-7: piece size seed), then an agent byte stream as AGENT_DATA
// would carry it. The stream is reassembled whole and in pieces (same
// messages, same error), and every message is handed to its parser; what
// parses must build back to the same bytes.
#include <cstddef>
#include <cstdint>

#include <spice/vd_agent.h>

#include "fuzz_check.hpp"
#include "protocol/agent_clipboard.hpp"
#include "protocol/agent_file_xfer.hpp"
#include "protocol/vdagent.hpp"

using namespace vigil::protocol;

namespace {

constexpr std::size_t max_message = 1 << 20;  // agent.max_message_bytes, as in production

std::vector<agent_message> drain(agent_reassembler& reassembler) {
  std::vector<agent_message> out;
  while (auto message = reassembler.next())
    out.push_back(std::move(*message));
  return out;
}

void check_message(const agent_message& message, clipboard_layout layout) {
  switch (message.type) {
    case VD_AGENT_ANNOUNCE_CAPABILITIES: {
      auto caps = parse_announce_capabilities(message.data);
      FUZZ_CHECK(caps.ok() == (message.data.size() >= 4));
      break;
    }
    case VD_AGENT_CLIPBOARD_GRAB: {
      auto grab = parse_clipboard_grab(message.data, layout);
      if (grab.ok())
        FUZZ_CHECK(build_clipboard_grab(*grab, layout) == message.data || layout.selection);
      break;
    }
    case VD_AGENT_CLIPBOARD_REQUEST: {
      auto request = parse_clipboard_request(message.data, layout);
      if (request.ok())
        FUZZ_CHECK(build_clipboard_request(*request, layout).size() <= message.data.size());
      break;
    }
    case VD_AGENT_CLIPBOARD: {
      auto data = parse_clipboard_data(message.data, layout);
      if (data.ok()) {
        FUZZ_CHECK(data->data.size() + 4 <= message.data.size());
        // Line ends: converting to CRLF and back is what converting back does.
        std::string text(data->data.begin(), data->data.end());
        FUZZ_CHECK(crlf_to_lf(lf_to_crlf(text)) == crlf_to_lf(text));
        FUZZ_CHECK(lf_to_crlf(text).size() <= 2 * text.size());
      }
      break;
    }
    case VD_AGENT_CLIPBOARD_RELEASE:
      (void)parse_clipboard_release(message.data, layout);
      break;
    case VD_AGENT_MONITORS_CONFIG: {
      auto config = parse_agent_monitors_config(message.data);
      if (config.ok())
        FUZZ_CHECK(8 + 20 * config->monitors.size() <= message.data.size());
      break;
    }
    case VD_AGENT_MAX_CLIPBOARD:
      FUZZ_CHECK(parse_max_clipboard(message.data).ok() == (message.data.size() >= 4));
      break;
    case VD_AGENT_FILE_XFER_START: {
      auto start = parse_file_xfer_start(message.data);
      if (start.ok()) {
        auto again = parse_file_xfer_start(build_file_xfer_start(*start));
        FUZZ_CHECK(again.ok() && again->id == start->id && again->name == start->name && again->size == start->size);
      }
      break;
    }
    case VD_AGENT_FILE_XFER_DATA: {
      auto piece = parse_file_xfer_data(message.data);
      if (piece.ok())
        FUZZ_CHECK(build_file_xfer_data(piece->id, piece->data.data(), piece->data.size()) == message.data);
      break;
    }
    case VD_AGENT_FILE_XFER_STATUS: {
      auto status = parse_file_xfer_status(message.data);
      FUZZ_CHECK(status.ok() == (message.data.size() >= 8));
      if (status.ok())
        FUZZ_CHECK(!describe_file_xfer_status(*status).empty());
      break;
    }
    case VD_AGENT_REPLY:
      FUZZ_CHECK(parse_agent_reply(message.data).ok() == (message.data.size() >= 8));
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  clipboard_layout layout{(data[0] & 1) != 0, (data[0] & 2) != 0};
  std::size_t piece = 1 + (data[0] >> 2) * 37;
  const std::uint8_t* stream = data + 1;
  std::size_t length = size - 1;

  agent_reassembler whole(max_message);
  auto whole_error = whole.feed(stream, length);
  auto whole_messages = drain(whole);

  agent_reassembler pieces(max_message);
  std::optional<parse_error> pieces_error;
  std::vector<agent_message> piece_messages;
  for (std::size_t at = 0; at < length; at += piece) {
    auto error = pieces.feed(stream + at, std::min(piece, length - at));
    if (error && !pieces_error)
      pieces_error = error;
    for (auto& message : drain(pieces))
      piece_messages.push_back(std::move(message));
  }
  FUZZ_CHECK(whole_error.has_value() == pieces_error.has_value());
  if (whole_error)
    FUZZ_CHECK(!whole_error->message.empty());
  FUZZ_CHECK(whole_messages.size() == piece_messages.size());
  for (std::size_t i = 0; i < whole_messages.size(); ++i) {
    FUZZ_CHECK(whole_messages[i].type == piece_messages[i].type);
    FUZZ_CHECK(whole_messages[i].data == piece_messages[i].data);
    check_message(whole_messages[i], layout);
    auto rebuilt = build_agent_message(whole_messages[i].type, whole_messages[i].data);
    for (const auto& chunk : split_agent_chunks(rebuilt))
      FUZZ_CHECK(chunk.size() <= agent_chunk_max && !chunk.empty());
  }
  return 0;
}
