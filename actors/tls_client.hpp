// A TLS client over OpenSSL memory BIOs: it never touches a socket, so the
// socket broker that owns it stays non-blocking. Ciphertext goes in and out as
// buffers; plaintext likewise. Certificate verification is always on: the
// chain against the CA file (or the system store), then either the expected
// host subject (like remote-viewer's host-subject) or the host name / IP.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct tls_options {
  std::string ca_file;       // PEM; empty (and no ca_pem): the system's default CA store
  std::string ca_pem;        // CA certificate(s) as PEM text (a .vv file's "ca"); used with ca_file if both are set
  std::string host_subject;  // e.g. "C=IL, L=Raanana, O=Red Hat, CN=my server"; empty: check host name
};

// Why `pem` cannot serve as CA certificates (no certificate in it, or one
// OpenSSL cannot parse), or nothing when it can.
std::optional<std::string> ca_pem_problem(const std::string& pem);

class tls_client {
public:
  enum class status { handshaking, established, failed };

  // Fails (status failed, error() set) when the CA file cannot be loaded.
  tls_client(const tls_options& options, const std::string& server_host);
  ~tls_client();
  tls_client(const tls_client&) = delete;
  tls_client& operator=(const tls_client&) = delete;

  // Ciphertext received from the network.
  void feed_ciphertext(const std::uint8_t* data, std::size_t size);
  // Advances the handshake and decrypts what it can into `plaintext`.
  status pump(std::vector<std::uint8_t>& plaintext);
  // Queues plaintext for encryption (only once established).
  void write_plaintext(const std::uint8_t* data, std::size_t size);
  // Ciphertext to send to the network (handshake records or data).
  std::vector<std::uint8_t> take_ciphertext();

  status current() const { return status_; }
  // Why the connection failed, in OpenSSL's words plus our context, e.g.
  // "TLS handshake failed: certificate verify failed (unable to get local issuer certificate)".
  const std::string& error() const { return error_; }
  // "TLSv1.3 TLS_AES_256_GCM_SHA384" once established.
  std::string describe() const;

private:
  void fail(std::string message);
  bool check_host_subject();

  struct openssl_state;
  std::unique_ptr<openssl_state> ssl_;
  tls_options options_;
  std::string server_host_;
  status status_ = status::handshaking;
  std::string error_;
};

}  // namespace vigil
