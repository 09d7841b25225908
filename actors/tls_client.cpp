#include "actors/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <cctype>

namespace vigil {

namespace {

std::string openssl_error_queue() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!text.empty())
      text += "; ";
    text += buffer;
  }
  return text;
}

std::string trim(const std::string& text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
    ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  return text.substr(begin, end - begin);
}

// Parses "C=IL, L=Raanana, O=Red Hat, CN=my server" the way remote-viewer's
// host-subject is written (comma separated, backslash escapes a comma).
X509_NAME* parse_subject(const std::string& subject, std::string& error) {
  X509_NAME* name = X509_NAME_new();
  std::string component;
  auto add_component = [&]() -> bool {
    std::string entry = trim(component);
    component.clear();
    if (entry.empty())
      return true;
    auto equals = entry.find('=');
    if (equals == std::string::npos) {
      error = "host subject component '" + entry + "' has no '='";
      return false;
    }
    std::string key = trim(entry.substr(0, equals));
    std::string value = trim(entry.substr(equals + 1));
    if (!X509_NAME_add_entry_by_txt(name, key.c_str(), MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0)) {
      error = "host subject component '" + key + "' is not a known attribute";
      return false;
    }
    return true;
  };
  for (std::size_t i = 0; i < subject.size(); ++i) {
    if (subject[i] == '\\' && i + 1 < subject.size()) {
      component += subject[++i];
    } else if (subject[i] == ',') {
      if (!add_component()) {
        X509_NAME_free(name);
        return nullptr;
      }
    } else {
      component += subject[i];
    }
  }
  if (!add_component()) {
    X509_NAME_free(name);
    return nullptr;
  }
  // "," parses to no entry at all, which matches any certificate whose
  // subject is empty (security review L11).
  if (X509_NAME_entry_count(name) == 0) {
    error = "host subject names no attribute";
    X509_NAME_free(name);
    return nullptr;
  }
  return name;
}

std::string one_line(X509_NAME* name) {
  char buffer[512];
  X509_NAME_oneline(name, buffer, sizeof(buffer));
  return buffer;
}

// Adds every certificate in `pem` to `store` (none: only checks), counting
// them in `added`; returns what went wrong, if anything.
std::optional<std::string> add_pem_certificates(const std::string& pem, X509_STORE* store, int& added) {
  added = 0;
  BIO* input = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!input)
    return "cannot allocate a memory BIO";
  STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read_bio(input, nullptr, nullptr, nullptr);
  BIO_free(input);
  if (!infos)
    return "not PEM certificates: " + openssl_error_queue();
  std::optional<std::string> problem;
  for (int i = 0; i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (!info->x509)
      continue;
    if (store && X509_STORE_add_cert(store, info->x509) != 1) {
      problem = "cannot add a certificate: " + openssl_error_queue();
      break;
    }
    ++added;
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  if (!problem && added == 0)
    problem = "no certificate in it";
  return problem;
}

bool is_ip_address(const std::string& host) {
  unsigned char scratch[16];
  return inet_pton(AF_INET, host.c_str(), scratch) == 1 || inet_pton(AF_INET6, host.c_str(), scratch) == 1;
}

}  // namespace

std::optional<std::string> ca_pem_problem(const std::string& pem) {
  ERR_clear_error();
  int added = 0;
  return add_pem_certificates(pem, nullptr, added);
}

struct tls_client::openssl_state {
  SSL_CTX* context = nullptr;
  SSL* ssl = nullptr;
  BIO* network_in = nullptr;   // ciphertext we received, read by OpenSSL
  BIO* network_out = nullptr;  // ciphertext OpenSSL produced, for the socket
  std::vector<std::uint8_t> pending_plaintext;  // written before the handshake finished

  ~openssl_state() {
    if (ssl)
      SSL_free(ssl);  // frees both BIOs
    if (context)
      SSL_CTX_free(context);
  }
};

tls_client::tls_client(const tls_options& options, const std::string& server_host)
    : ssl_(std::make_unique<openssl_state>()), options_(options), server_host_(server_host) {
  ERR_clear_error();
  ssl_->context = SSL_CTX_new(TLS_client_method());
  if (!ssl_->context) {
    fail("TLS: cannot create a context: " + openssl_error_queue());
    return;
  }
  SSL_CTX_set_min_proto_version(ssl_->context, TLS1_2_VERSION);
  SSL_CTX_set_verify(ssl_->context, SSL_VERIFY_PEER, nullptr);
  if (!options_.ca_file.empty() &&
      SSL_CTX_load_verify_locations(ssl_->context, options_.ca_file.c_str(), nullptr) != 1) {
    fail("TLS: cannot load CA file '" + options_.ca_file + "': " + openssl_error_queue());
    return;
  }
  int added = 0;
  if (!options_.ca_pem.empty()) {
    if (auto problem = add_pem_certificates(options_.ca_pem, SSL_CTX_get_cert_store(ssl_->context), added)) {
      fail("TLS: cannot use the connection file's CA: " + *problem);
      return;
    }
  }
  // Given CAs replace the system store: a connection file's CA pins its server.
  bool own_cas = !options_.ca_file.empty() || !options_.ca_pem.empty();
  if (!own_cas && SSL_CTX_set_default_verify_paths(ssl_->context) != 1) {
    fail("TLS: cannot load the system CA store: " + openssl_error_queue());
    return;
  }
  ssl_->ssl = SSL_new(ssl_->context);
  ssl_->network_in = BIO_new(BIO_s_mem());
  ssl_->network_out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl_->ssl, ssl_->network_in, ssl_->network_out);
  SSL_set_connect_state(ssl_->ssl);
  if (!is_ip_address(server_host_))
    SSL_set_tlsext_host_name(ssl_->ssl, server_host_.c_str());
  if (options_.host_subject.empty()) {
    // Let OpenSSL check the SAN (or CN) against the host name or IP we dialled.
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_->ssl);
    if (is_ip_address(server_host_))
      X509_VERIFY_PARAM_set1_ip_asc(param, server_host_.c_str());
    else
      X509_VERIFY_PARAM_set1_host(param, server_host_.c_str(), 0);
  }
}

tls_client::~tls_client() = default;

void tls_client::fail(std::string message) {
  status_ = status::failed;
  error_ = std::move(message);
}

void tls_client::feed_ciphertext(const std::uint8_t* data, std::size_t size) {
  if (status_ != status::failed && size > 0)
    BIO_write(ssl_->network_in, data, static_cast<int>(size));
}

bool tls_client::check_host_subject() {
  if (options_.host_subject.empty())
    return true;
  X509* peer = SSL_get1_peer_certificate(ssl_->ssl);
  if (!peer) {
    fail("TLS: server sent no certificate");
    return false;
  }
  std::string parse_error;
  X509_NAME* expected = parse_subject(options_.host_subject, parse_error);
  bool matches = false;
  if (!expected) {
    fail("TLS: cannot use host subject '" + options_.host_subject + "': " + parse_error);
  } else {
    matches = X509_NAME_cmp(expected, X509_get_subject_name(peer)) == 0;
    if (!matches)
      fail("TLS: server certificate subject '" + one_line(X509_get_subject_name(peer)) +
           "' does not match the host subject '" + options_.host_subject + "'");
    X509_NAME_free(expected);
  }
  X509_free(peer);
  return matches;
}

tls_client::status tls_client::pump(std::vector<std::uint8_t>& plaintext) {
  if (status_ == status::failed)
    return status_;
  ERR_clear_error();
  if (status_ == status::handshaking) {
    int rc = SSL_do_handshake(ssl_->ssl);
    if (rc != 1) {
      int reason = SSL_get_error(ssl_->ssl, rc);
      if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE)
        return status_;
      long verify = SSL_get_verify_result(ssl_->ssl);
      if (verify != X509_V_OK) {
        fail(std::string("TLS handshake failed: certificate verify failed (") +
             X509_verify_cert_error_string(verify) + ")");
      } else {
        std::string detail = openssl_error_queue();
        fail("TLS handshake failed: " + (detail.empty() ? std::string("connection closed by server") : detail));
      }
      return status_;
    }
    if (!check_host_subject())
      return status_;
    status_ = status::established;
    if (!ssl_->pending_plaintext.empty()) {
      auto pending = std::move(ssl_->pending_plaintext);
      write_plaintext(pending.data(), pending.size());
    }
  }
  std::uint8_t buffer[16384];
  for (;;) {
    int n = SSL_read(ssl_->ssl, buffer, sizeof(buffer));
    if (n > 0) {
      plaintext.insert(plaintext.end(), buffer, buffer + n);
      continue;
    }
    int reason = SSL_get_error(ssl_->ssl, n);
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE)
      break;
    if (reason == SSL_ERROR_ZERO_RETURN) {
      fail("TLS: server closed the session");
      break;
    }
    fail("TLS read failed: " + openssl_error_queue());
    break;
  }
  return status_;
}

void tls_client::write_plaintext(const std::uint8_t* data, std::size_t size) {
  if (status_ == status::failed || size == 0)
    return;
  if (status_ == status::handshaking) {
    ssl_->pending_plaintext.insert(ssl_->pending_plaintext.end(), data, data + size);
    return;
  }
  // Memory BIOs grow as needed, so SSL_write never reports WANT_WRITE here.
  int n = SSL_write(ssl_->ssl, data, static_cast<int>(size));
  if (n <= 0)
    fail("TLS write failed: " + openssl_error_queue());
}

std::vector<std::uint8_t> tls_client::take_ciphertext() {
  std::vector<std::uint8_t> out;
  std::size_t available = BIO_ctrl_pending(ssl_->network_out);
  if (available == 0)
    return out;
  out.resize(available);
  int n = BIO_read(ssl_->network_out, out.data(), static_cast<int>(available));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

std::string tls_client::describe() const {
  if (!ssl_->ssl || status_ != status::established)
    return {};
  return std::string(SSL_get_version(ssl_->ssl)) + " " + SSL_get_cipher_name(ssl_->ssl);
}

}  // namespace vigil
