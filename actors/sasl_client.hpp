// SASL authentication of one channel connection with Debian's cyrus libsasl2,
// and afterwards its security layer. Like tls_client it never touches a
// socket: server bytes go in, client bytes come out. The wire framing is
// protocol/sasl_messages; the mechanisms, credentials and the layer are the
// library's.
//
// Security properties follow spice-gtk: over TLS any mechanism the server
// offers (SCRAM-SHA-256 with QEMU) and no layer; over plain TCP no plaintext
// or anonymous mechanism, and a negotiated SSF of at least 56 (DIGEST-MD5
// with QEMU), whose layer then wraps every byte after the link result, both
// ways (channel_endpoint applies it, so the channel actors never see it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocol/sasl_messages.hpp"

namespace vigil {

struct sasl_credentials {
  std::string username;  // empty: not given
  std::string password;  // empty: not given
};

class sasl_client {
public:
  enum class status { running, done, failed };

  // `server_host`: the name the SASL service principal uses (the URI's host).
  sasl_client(const std::string& server_host, sasl_credentials credentials, bool over_tls);
  ~sasl_client();
  sasl_client(const sasl_client&) = delete;
  sasl_client& operator=(const sasl_client&) = delete;

  // Server bytes of the exchange; appends what to send to `to_send`.
  status feed(const std::uint8_t* data, std::size_t size, std::vector<std::uint8_t>& to_send);
  status current() const { return status_; }
  // Bytes after the exchange and its authentication result (the link
  // result, through the layer if there is one, and beyond), once done.
  std::vector<std::uint8_t> take_unread() { return reader_.take_unread(); }

  // Why it failed, naming the step (never a credential).
  const std::string& error() const { return error_; }
  // The mechanism needed a user name or password that was not given.
  bool credentials_missing() const { return credentials_missing_; }
  // The server refused the credentials (an authentication result other than OK).
  bool credentials_refused() const { return credentials_refused_; }
  const std::string& mechanism() const { return mechanism_; }
  unsigned ssf() const { return ssf_; }
  // A security layer wraps the stream after the link result.
  bool has_layer() const { return status_ == status::done && ssf_ > 0; }

  // The layer: plaintext to wire bytes and back. False (with error()) on failure.
  bool encode(const std::uint8_t* data, std::size_t size, std::vector<std::uint8_t>& out);
  bool decode(const std::uint8_t* data, std::size_t size, std::vector<std::uint8_t>& out);

private:
  status fail(std::string message);
  status on_mechanism_list(std::vector<std::uint8_t>& to_send);
  status on_step(std::vector<std::uint8_t>& to_send);
  // Runs one sasl_client_start/step, answering its prompts from the credentials.
  template <class Call>
  int interact(Call call);
  status finish();
  status read_auth_result();

  struct library_state;
  std::unique_ptr<library_state> sasl_;
  sasl_credentials credentials_;
  bool over_tls_ = false;
  protocol::sasl_server_reader reader_;
  status status_ = status::running;
  bool started_ = false;
  bool stepped_since_reply_ = false;  // a response was sent and its reply is awaited
  bool awaiting_auth_result_ = false; // the exchange is over: the server's plain u32 result comes next
  int last_result_ = 0;
  std::string mechanism_;
  unsigned ssf_ = 0;
  unsigned max_output_ = 0;
  bool credentials_missing_ = false;
  bool credentials_refused_ = false;
  std::string error_;
};

}  // namespace vigil
