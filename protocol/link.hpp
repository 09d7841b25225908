// The link handshake of one SPICE channel connection, as a pure state machine:
// it produces the bytes to send and consumes the bytes received, and never
// touches a socket. Sequence (client side):
//   send SpiceLinkHeader + SpiceLinkMess + caps
//   recv SpiceLinkHeader + SpiceLinkReply + caps   (may arrive in pieces)
//   send [u32 auth mechanism, if both sides have AUTH_SELECTION]
//   send 128-byte RSA-OAEP ticket (always, even with ticketing disabled)
//     or, when both sides have AUTH_SASL: the SASL exchange, which the caller
//     runs (state sasl; protocol/sasl_messages.hpp) and ends with sasl_finished()
//   recv u32 link result
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/capabilities.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

struct link_request {
  std::uint32_t connection_id = 0;  // 0 for the first main channel, else INIT.session_id
  std::uint8_t channel_type = 0;    // SPICE_CHANNEL_*
  std::uint8_t channel_id = 0;
  capability_set common_caps;
  capability_set channel_caps;
};

// SpiceLinkHeader + SpiceLinkMess + capability words, ready to send.
bytes build_link_message(const link_request& request);

struct link_reply {
  std::uint32_t error = 0;  // SPICE_LINK_ERR_*
  bytes public_key_der;     // 162 bytes, DER SubjectPublicKeyInfo (RSA-1024)
  capability_set common_caps;
  capability_set channel_caps;
};

// Parses the SpiceLinkReply body (after the 16-byte SpiceLinkHeader).
result<link_reply> parse_link_reply_body(const std::uint8_t* data, std::size_t size);

// Human-readable name of a SPICE_LINK_ERR_* code, e.g. "PERMISSION_DENIED".
const char* link_error_name(std::uint32_t code);

// RSA-OAEP (SHA-1, MGF1-SHA-1, no label) of the password plus its NUL with the
// server's public key. Always 128 bytes for the RSA-1024 key SPICE uses.
// Fails on a password over 60 bytes or a key OpenSSL cannot read.
result<bytes> encrypt_ticket(const bytes& public_key_der, const std::string& password);

// What a finished handshake agreed on.
struct link_outcome {
  bool mini_header = false;  // both sides have SPICE_COMMON_CAP_MINI_HEADER
  capability_set server_common_caps;
  capability_set server_channel_caps;
};

class link_handshake {
public:
  enum class state { idle, awaiting_reply_header, awaiting_reply_body, sasl, awaiting_result, linked, failed };

  // Why a handshake failed, so callers can act on it (NEED_SECURED -> retry on
  // the TLS port; PERMISSION_DENIED -> "authentication failed").
  struct failure {
    std::uint32_t link_error = 0;  // SPICE_LINK_ERR_* when the server sent one, else 0
    std::string message;           // names the step and the field
  };

  link_handshake(link_request request, std::string password);

  // The first bytes to send. Moves idle -> awaiting_reply_header.
  bytes start();

  // Feeds received bytes. Appends anything to send to `to_send`. Bytes that
  // arrive after the link result belong to the framed message stream: they
  // are appended to `leftover`. Returns the state after consuming the bytes.
  state feed(const std::uint8_t* data, std::size_t size, bytes& to_send, bytes& leftover);

  // The caller's SASL exchange is over: the link result comes next. Bytes fed
  // during state sasl are not consumed: they go to `leftover`.
  void sasl_finished();

  state current() const { return state_; }
  bool uses_sasl() const { return uses_sasl_; }
  const std::optional<failure>& failed_because() const { return failure_; }
  const link_outcome& outcome() const { return outcome_; }  // valid once linked

private:
  void fail(std::uint32_t link_error, std::string message);

  link_request request_;
  std::string password_;
  state state_ = state::idle;
  bytes pending_;                 // bytes of the current step received so far
  std::size_t reply_size_ = 0;    // from the reply's SpiceLinkHeader
  bool uses_sasl_ = false;
  std::optional<failure> failure_;
  link_outcome outcome_;
};

}  // namespace vigil::protocol
