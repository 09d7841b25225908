// Fuzzes the SPICE URI parser (ui/spice_uri.cpp, compiled in: pure text in,
// values out): the command line's URI is user input, and so is a URI a
// browser or a script hands over. Input: the URI text.
// Checks: a URI or an error, never both; a URI has a host and a port (or a
// socket path); a spice+tls:// URI never has a plain port; the redacted form
// does not depend on the password.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "ui/spice_uri.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto parsed = vigil::parse_spice_uri(text);
  FUZZ_CHECK(parsed.uri.has_value() != !parsed.error.empty());
  if (!parsed.uri) {
    FUZZ_CHECK(parsed.error.size() < 600 + size);
    return 0;
  }
  const auto& uri = *parsed.uri;
  FUZZ_CHECK(!uri.unix_path.empty() || (!uri.host.empty() && (uri.plain_port != 0 || uri.tls_port != 0)));
  if (text.rfind("spice+tls://", 0) == 0)
    FUZZ_CHECK(uri.plain_port == 0);
  // The redacted form does not depend on the password at all (a socket
  // path may itself contain the word "password").
  if (uri.password) {
    auto without = uri;
    without.password.reset();
    FUZZ_CHECK(uri.redacted() == without.redacted());
  }
  return 0;
}
