// The RSA-OAEP ticket: 128 bytes for the server's RSA-1024 key, decrypting to
// the password plus its NUL.
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <spice/protocol.h>

#include <memory>

#include "captured_stream.hpp"
#include "protocol/link.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

struct pkey_deleter { void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); } };
struct ctx_deleter { void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); } };
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;
using ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, ctx_deleter>;

// A local key pair, so the test can decrypt what encrypt_ticket produced.
struct local_rsa_key {
  pkey_ptr key;
  bytes public_der;

  explicit local_rsa_key(unsigned bits) : key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{bits})) {
    BOOST_TEST_REQUIRE(static_cast<bool>(key));
    const int size = i2d_PUBKEY(key.get(), nullptr);
    BOOST_TEST_REQUIRE(size > 0);
    public_der.resize(static_cast<std::size_t>(size));
    unsigned char* out = public_der.data();
    i2d_PUBKEY(key.get(), &out);
  }

  bytes decrypt(const bytes& ticket) const {
    ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    BOOST_TEST_REQUIRE(EVP_PKEY_decrypt_init(ctx.get()) > 0);
    BOOST_TEST_REQUIRE(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) > 0);
    BOOST_TEST_REQUIRE(EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha1()) > 0);
    BOOST_TEST_REQUIRE(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha1()) > 0);
    std::size_t size = 0;
    BOOST_TEST_REQUIRE(EVP_PKEY_decrypt(ctx.get(), nullptr, &size, ticket.data(), ticket.size()) > 0);
    bytes plain(size);
    BOOST_TEST_REQUIRE(EVP_PKEY_decrypt(ctx.get(), plain.data(), &size, ticket.data(), ticket.size()) > 0);
    plain.resize(size);
    return plain;
  }
};

bytes captured_server_key() {
  const bytes body = link_reply_body_of(read_capture("main.in.bin"));
  return bytes(body.begin() + 4, body.begin() + 4 + SPICE_TICKET_PUBKEY_BYTES);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ticket)

BOOST_AUTO_TEST_CASE(ticket_for_captured_qemu_key_is_128_bytes) {
  const auto ticket = encrypt_ticket(captured_server_key(), "secret");
  BOOST_TEST_REQUIRE(ticket.ok(), error_text(ticket));
  BOOST_TEST(ticket->size() == 128u);
}

BOOST_AUTO_TEST_CASE(ticket_is_sent_even_for_an_empty_password) {
  const auto ticket = encrypt_ticket(captured_server_key(), "");
  BOOST_TEST_REQUIRE(ticket.ok(), error_text(ticket));
  BOOST_TEST(ticket->size() == 128u);
}

BOOST_AUTO_TEST_CASE(ticket_decrypts_to_the_password_and_its_nul) {
  const local_rsa_key key(1024);
  const auto ticket = encrypt_ticket(key.public_der, "secret");
  BOOST_TEST_REQUIRE(ticket.ok(), error_text(ticket));
  const bytes expected{'s', 'e', 'c', 'r', 'e', 't', '\0'};
  BOOST_TEST(key.decrypt(*ticket) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sixty_byte_password_is_accepted) {
  const local_rsa_key key(1024);
  const std::string password(60, 'p');
  const auto ticket = encrypt_ticket(key.public_der, password);
  BOOST_TEST_REQUIRE(ticket.ok(), error_text(ticket));
  BOOST_TEST(key.decrypt(*ticket).size() == 61u);
}

BOOST_AUTO_TEST_CASE(sixty_one_byte_password_is_refused) {
  const auto ticket = encrypt_ticket(captured_server_key(), std::string(61, 'p'));
  BOOST_TEST_REQUIRE(!ticket.ok());
  VIGIL_CHECK_CONTAINS(ticket.error().message, "password is 61 bytes");
}

BOOST_AUTO_TEST_CASE(key_that_is_not_der_is_refused) {
  const auto ticket = encrypt_ticket(bytes(162, 0x42), "secret");
  BOOST_TEST_REQUIRE(!ticket.ok());
  VIGIL_CHECK_CONTAINS(ticket.error().message, "ticket: server public key is not a DER");
}

BOOST_AUTO_TEST_CASE(rsa_key_other_than_1024_bits_is_refused) {
  const local_rsa_key key(2048);
  const auto ticket = encrypt_ticket(key.public_der, "secret");
  BOOST_TEST_REQUIRE(!ticket.ok());
  VIGIL_CHECK_CONTAINS(ticket.error().message, "2048 bits");
}

BOOST_AUTO_TEST_SUITE_END()
