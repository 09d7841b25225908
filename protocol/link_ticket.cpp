// The ticket is the only use of OpenSSL in protocol/, kept in its own file.
#include "protocol/link.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <spice/protocol.h>

#include <climits>
#include <memory>

namespace vigil::protocol {
namespace {

struct pkey_deleter { void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); } };
struct pkey_ctx_deleter { void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); } };

// Drains OpenSSL's thread-local error queue so a failure here does not show up
// in some unrelated later OpenSSL call (the TLS code shares the queue).
parse_error ticket_error(std::string what) {
  const unsigned long code = ERR_get_error();
  if (code != 0) {
    char reason[256];
    ERR_error_string_n(code, reason, sizeof(reason));
    what += " (" + std::string(reason) + ")";
  }
  ERR_clear_error();
  return parse_error{"ticket: " + what};
}

}  // namespace

result<bytes> encrypt_ticket(const bytes& public_key_der, const std::string& password) {
  if (password.size() > SPICE_MAX_PASSWORD_LENGTH)
    return parse_error{"ticket: password is " + std::to_string(password.size()) +
                       " bytes, SPICE allows at most " +
                       std::to_string(SPICE_MAX_PASSWORD_LENGTH)};
  if (public_key_der.empty() || public_key_der.size() > LONG_MAX)
    return parse_error{"ticket: server public key is empty"};

  const unsigned char* cursor = public_key_der.data();
  std::unique_ptr<EVP_PKEY, pkey_deleter> key(
      d2i_PUBKEY(nullptr, &cursor, static_cast<long>(public_key_der.size())));
  if (!key)
    return ticket_error("server public key is not a DER SubjectPublicKeyInfo");
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
    return ticket_error("server public key is not RSA");
  // The server reads exactly SPICE_TICKET_KEY_PAIR_LENGTH/8 bytes of ticket.
  constexpr int ticket_size = SPICE_TICKET_KEY_PAIR_LENGTH / 8;
  if (EVP_PKEY_get_size(key.get()) != ticket_size)
    return ticket_error("server public key is " + std::to_string(EVP_PKEY_get_bits(key.get())) +
                        " bits, SPICE tickets need RSA-" +
                        std::to_string(SPICE_TICKET_KEY_PAIR_LENGTH));

  std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_deleter> ctx(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha1()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha1()) <= 0)
    return ticket_error("cannot set up RSA-OAEP (SHA-1)");

  // The server compares a C string: the password plus its terminating NUL.
  const auto* plaintext = reinterpret_cast<const unsigned char*>(password.c_str());
  const std::size_t plaintext_size = password.size() + 1;
  std::size_t out_size = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &out_size, plaintext, plaintext_size) <= 0)
    return ticket_error("cannot size the encrypted ticket");
  bytes ticket(out_size);
  if (EVP_PKEY_encrypt(ctx.get(), ticket.data(), &out_size, plaintext, plaintext_size) <= 0)
    return ticket_error("RSA-OAEP encryption failed");
  ticket.resize(out_size);
  if (ticket.size() != static_cast<std::size_t>(ticket_size))
    return ticket_error("encrypted ticket is " + std::to_string(ticket.size()) + " bytes, not " +
                        std::to_string(ticket_size));
  return ticket;
}

}  // namespace vigil::protocol
