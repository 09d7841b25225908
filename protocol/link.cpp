#include "protocol/link.hpp"

#include <spice/protocol.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {
namespace {

constexpr std::size_t link_header_size = sizeof(SpiceLinkHeader);       // 16
constexpr std::size_t link_mess_size = sizeof(SpiceLinkMess);           // 18
constexpr std::size_t link_reply_size = sizeof(SpiceLinkReply);         // 178
constexpr std::size_t link_result_size = sizeof(std::uint32_t);
// spice-server refuses larger link messages; a reply claiming more is corrupt.
constexpr std::uint32_t max_link_reply_size = 4096;

static_assert(link_header_size == 16 && link_mess_size == 18 && link_reply_size == 178,
              "spice-protocol's packed link structs changed size");

std::vector<std::uint32_t> read_cap_words(byte_reader& reader, const char* count_field,
                                          std::uint32_t count) {
  std::vector<std::uint32_t> words;
  if (!reader.fits(count_field, count, sizeof(std::uint32_t)))
    return words;
  words.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i)
    words.push_back(reader.u32("caps word"));
  return words;
}

std::uint32_t word_count(const capability_set& caps) {
  return static_cast<std::uint32_t>(caps.words().size());
}

// The SpiceLinkHeader in front of the reply: returns the reply body size.
result<std::uint32_t> parse_reply_header(const bytes& header) {
  byte_reader reader(header, "link reply");
  const std::uint32_t magic = reader.u32("magic");
  const std::uint32_t major = reader.u32("major_version");
  reader.u32("minor_version");  // informational; only the major must match
  const std::uint32_t size = reader.u32("size");
  if (reader.failed())
    return reader.error();
  if (magic != SPICE_MAGIC) {
    char text[64];
    std::snprintf(text, sizeof(text), "link reply: magic 0x%08x is not REDQ", magic);
    return parse_error{text};
  }
  if (major != SPICE_VERSION_MAJOR)
    return parse_error{"link reply: major_version " + std::to_string(major) + " is not " +
                       std::to_string(SPICE_VERSION_MAJOR)};
  if (size > max_link_reply_size)
    return parse_error{"link reply: size " + std::to_string(size) + " exceeds the " +
                       std::to_string(max_link_reply_size) + "-byte limit"};
  if (size < link_reply_size)
    return parse_error{"link reply: size " + std::to_string(size) +
                       " is smaller than SpiceLinkReply (" + std::to_string(link_reply_size) +
                       " bytes)"};
  return size;
}

}  // namespace

bytes build_link_message(const link_request& request) {
  const std::uint32_t common_words = word_count(request.common_caps);
  const std::uint32_t channel_words = word_count(request.channel_caps);
  const auto body_size =
      static_cast<std::uint32_t>(link_mess_size + 4 * (common_words + channel_words));
  byte_writer out;
  out.u32(SPICE_MAGIC).u32(SPICE_VERSION_MAJOR).u32(SPICE_VERSION_MINOR).u32(body_size);
  out.u32(request.connection_id)
      .u8(request.channel_type)
      .u8(request.channel_id)
      .u32(common_words)
      .u32(channel_words)
      .u32(static_cast<std::uint32_t>(link_mess_size));
  for (std::uint32_t word : request.common_caps.words())
    out.u32(word);
  for (std::uint32_t word : request.channel_caps.words())
    out.u32(word);
  return out.take();
}

result<link_reply> parse_link_reply_body(const std::uint8_t* data, std::size_t size) {
  byte_reader reader(data, size, "link reply");
  link_reply reply;
  reply.error = reader.u32("error");
  if (reader.failed())
    return reader.error();
  // A refusal (e.g. NEED_SECURED) comes with the key and caps zeroed
  // (caps_offset 0, seen from QEMU 7.2): only the error code means anything.
  if (reply.error != SPICE_LINK_ERR_OK)
    return reply;
  if (const std::uint8_t* key = reader.raw("pub_key", SPICE_TICKET_PUBKEY_BYTES))
    reply.public_key_der.assign(key, key + SPICE_TICKET_PUBKEY_BYTES);
  const std::uint32_t common_count = reader.u32("num_common_caps");
  const std::uint32_t channel_count = reader.u32("num_channel_caps");
  const std::uint32_t caps_offset = reader.u32("caps_offset");
  if (reader.failed())
    return reader.error();
  if (caps_offset < link_reply_size)
    return parse_error{"link reply: caps_offset " + std::to_string(caps_offset) +
                       " overlaps the fixed fields (" + std::to_string(link_reply_size) +
                       " bytes)"};
  reader.seek("caps_offset", caps_offset);
  reply.common_caps = capability_set::from_words(read_cap_words(reader, "num_common_caps", common_count));
  reply.channel_caps = capability_set::from_words(read_cap_words(reader, "num_channel_caps", channel_count));
  return reader.finish(std::move(reply));
}

const char* link_error_name(std::uint32_t code) {
  switch (code) {
    case SPICE_LINK_ERR_OK: return "OK";
    case SPICE_LINK_ERR_ERROR: return "ERROR";
    case SPICE_LINK_ERR_INVALID_MAGIC: return "INVALID_MAGIC";
    case SPICE_LINK_ERR_INVALID_DATA: return "INVALID_DATA";
    case SPICE_LINK_ERR_VERSION_MISMATCH: return "VERSION_MISMATCH";
    case SPICE_LINK_ERR_NEED_SECURED: return "NEED_SECURED";
    case SPICE_LINK_ERR_NEED_UNSECURED: return "NEED_UNSECURED";
    case SPICE_LINK_ERR_PERMISSION_DENIED: return "PERMISSION_DENIED";
    case SPICE_LINK_ERR_BAD_CONNECTION_ID: return "BAD_CONNECTION_ID";
    case SPICE_LINK_ERR_CHANNEL_NOT_AVAILABLE: return "CHANNEL_NOT_AVAILABLE";
    default: return "UNKNOWN_LINK_ERROR";
  }
}

link_handshake::link_handshake(link_request request, std::string password)
    : request_(std::move(request)), password_(std::move(password)) {}

bytes link_handshake::start() {
  if (state_ != state::idle)
    return {};  // already started: nothing new to send
  state_ = state::awaiting_reply_header;
  return build_link_message(request_);
}

void link_handshake::fail(std::uint32_t link_error, std::string message) {
  state_ = state::failed;
  pending_.clear();
  failure_ = failure{link_error, std::move(message)};
}

link_handshake::state link_handshake::feed(const std::uint8_t* data, std::size_t size,
                                           bytes& to_send, bytes& leftover) {
  if (data == nullptr)
    size = 0;
  if (state_ == state::idle && size > 0) {
    fail(0, "link: received " + std::to_string(size) + " bytes before the link message was sent");
    return state_;
  }
  std::size_t pos = 0;
  while (pos < size && (state_ == state::awaiting_reply_header ||
                        state_ == state::awaiting_reply_body ||
                        state_ == state::awaiting_result)) {
    const std::size_t step_size = state_ == state::awaiting_reply_header ? link_header_size
                                  : state_ == state::awaiting_reply_body ? reply_size_
                                                                         : link_result_size;
    const std::size_t take = std::min(step_size - pending_.size(), size - pos);
    pending_.insert(pending_.end(), data + pos, data + pos + take);
    pos += take;
    if (pending_.size() < step_size)
      break;  // the step's bytes are still arriving

    if (state_ == state::awaiting_reply_header) {
      auto reply_size = parse_reply_header(pending_);
      if (!reply_size) {
        fail(0, reply_size.error().message);
        break;
      }
      reply_size_ = *reply_size;
      state_ = state::awaiting_reply_body;
    } else if (state_ == state::awaiting_reply_body) {
      auto reply = parse_link_reply_body(pending_.data(), pending_.size());
      if (!reply) {
        fail(0, reply.error().message);
        break;
      }
      if (reply->error != SPICE_LINK_ERR_OK) {
        fail(reply->error, std::string("server refused the link: ") + link_error_name(reply->error));
        break;
      }
      outcome_.mini_header = request_.common_caps.has(SPICE_COMMON_CAP_MINI_HEADER) &&
                             reply->common_caps.has(SPICE_COMMON_CAP_MINI_HEADER);
      outcome_.server_common_caps = reply->common_caps;
      outcome_.server_channel_caps = reply->channel_caps;
      if (request_.common_caps.has(SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION) &&
          reply->common_caps.has(SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION)) {
        // With auth selection the server only accepts a ticket after we name
        // the mechanism, and only if it offered SPICE tickets. Like spice-gtk,
        // SASL is preferred whenever both sides offer it.
        if (request_.common_caps.has(SPICE_COMMON_CAP_AUTH_SASL) &&
            reply->common_caps.has(SPICE_COMMON_CAP_AUTH_SASL)) {
          byte_writer mechanism;
          mechanism.u32(SPICE_COMMON_CAP_AUTH_SASL);
          const bytes mechanism_bytes = mechanism.take();
          to_send.insert(to_send.end(), mechanism_bytes.begin(), mechanism_bytes.end());
          uses_sasl_ = true;
          state_ = state::sasl;
          pending_.clear();
          break;
        }
        if (!reply->common_caps.has(SPICE_COMMON_CAP_AUTH_SPICE)) {
          fail(0, "link reply: server offers neither SPICE ticket nor SASL authentication");
          break;
        }
        byte_writer mechanism;
        mechanism.u32(SPICE_COMMON_CAP_AUTH_SPICE);
        const bytes mechanism_bytes = mechanism.take();
        to_send.insert(to_send.end(), mechanism_bytes.begin(), mechanism_bytes.end());
      }
      auto ticket = encrypt_ticket(reply->public_key_der, password_);
      if (!ticket) {
        fail(0, ticket.error().message);
        break;
      }
      to_send.insert(to_send.end(), ticket->begin(), ticket->end());
      state_ = state::awaiting_result;
    } else {
      byte_reader reader(pending_, "link result");
      const std::uint32_t link_result = reader.u32("result");
      if (link_result == SPICE_LINK_ERR_PERMISSION_DENIED) {
        fail(link_result, "authentication failed: server answered the ticket with PERMISSION_DENIED "
                          "(wrong or missing password)");
        break;
      }
      if (link_result != SPICE_LINK_ERR_OK) {
        fail(link_result, std::string("link result: server rejected the link: ") +
                              link_error_name(link_result));
        break;
      }
      state_ = state::linked;
    }
    pending_.clear();
  }
  if ((state_ == state::linked || state_ == state::sasl) && pos < size)
    leftover.insert(leftover.end(), data + pos, data + size);
  return state_;
}

void link_handshake::sasl_finished() {
  if (state_ == state::sasl) {
    state_ = state::awaiting_result;
    pending_.clear();
  }
}

}  // namespace vigil::protocol
