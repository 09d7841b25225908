// The SASL exchange of the SPICE link (after the client chose
// SPICE_COMMON_CAP_AUTH_SASL as its auth mechanism), as spice-server and
// spice-gtk speak it. Pure: bytes in, messages out; the SASL library itself
// (mechanisms, credentials, the security layer) is actors/sasl_client.
//
//   S: u32 len, mechanism list (e.g. ",DIGEST-MD5,SCRAM-SHA-256,")
//   C: u32 len, mechanism name; u32 len, initial response + NUL (len 0: none)
//   S: u32 len, data + NUL (len 0: none); u8 complete
//   C: u32 len, response + NUL (len 0: none)          repeated until complete
//   S: u32 authentication result (plain; 0: OK)
//   then the security layer, if any, wraps everything both ways, starting
//   with the usual u32 link result (spice-gtk reads both)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/result.hpp"

namespace vigil::protocol {

// spice-gtk's limits: a longer mechanism list or step is refused.
constexpr std::uint32_t max_sasl_mechanism_list = 300;
constexpr std::uint32_t max_sasl_mechanism_name = 100;
constexpr std::uint32_t max_sasl_data = 1024 * 1024;

// The mechanism list split at ',' and ' ' (empty names dropped); an error
// when nothing is left.
result<std::vector<std::string>> parse_sasl_mechanism_list(const std::string& list);

struct sasl_server_step {
  std::optional<std::string> data;  // nothing: the server sent no data (length 0), not ""
  bool complete = false;
};

// Reads the server's side of the exchange as it arrives, in any pieces.
class sasl_server_reader {
public:
  enum class status { need_more, message, failed };

  // Appends received bytes; returns what is available now.
  status feed(const std::uint8_t* data, std::size_t size);
  // The first message is the mechanism list; every later one a step.
  const std::string& mechanism_list() const { return mechanism_list_; }
  const sasl_server_step& step() const { return step_; }
  // Moves on to the next message (after a `message`); may already have one.
  status next();
  // The authentication result after the last step: a plain u32, once 4
  // bytes beyond the last message have arrived (feed() appends them).
  std::optional<std::uint32_t> take_auth_result();
  // Bytes received beyond the last message the exchange expects (call once
  // the exchange is complete: they belong to the link result).
  bytes take_unread();
  const std::string& error() const { return error_; }

private:
  status parse();

  bytes pending_;
  bool have_list_ = false;
  bool have_message_ = false;
  std::string mechanism_list_;
  sasl_server_step step_;
  std::string error_;
};

// The client's first message: the chosen mechanism and its initial response.
result<bytes> build_sasl_start(const std::string& mechanism, const std::optional<std::string>& initial_response);
// A later response.
bytes build_sasl_step(const std::optional<std::string>& response);

}  // namespace vigil::protocol
