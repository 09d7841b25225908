// Fuzzes the HTTP CONNECT proxy code (protocol/http_connect.cpp): the proxy's
// reply is whatever a proxy (or something posing as one) sends, and the proxy
// URL comes from a connection file or the environment.
// Input: byte 0 selects: even = a proxy reply (also fed in growing prefixes,
// as it arrives), odd = a proxy URL.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "protocol/http_connect.hpp"

using namespace vigil::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const std::uint8_t* body = data + 1;
  const std::size_t body_size = size - 1;
  if (data[0] % 2 == 1) {
    const std::string text(reinterpret_cast<const char*>(body), body_size);
    auto proxy = parse_proxy_url(text);
    if (proxy) {
      FUZZ_CHECK(!proxy->host.empty());
      FUZZ_CHECK(proxy->port != 0);
      const auto redacted = proxy->redacted();
      FUZZ_CHECK(redacted.rfind("http://", 0) == 0);
      // Host and port only: never the user or the password.
      const std::string host = proxy->host.find(':') != std::string::npos ? "[" + proxy->host + "]" : proxy->host;
      FUZZ_CHECK(redacted == "http://" + host + ":" + std::to_string(proxy->port));
      const auto request = build_connect_request(*proxy, "pvespiceproxy:1:2::3", 61000);
      FUZZ_CHECK(request.rfind("CONNECT pvespiceproxy:1:2::3:61000 HTTP/1.0\r\n", 0) == 0);
    } else {
      FUZZ_CHECK(!proxy.error().message.empty());
    }
    return 0;
  }
  auto whole = parse_connect_reply(body, body_size);
  if (whole && *whole) {
    const auto& reply = **whole;
    FUZZ_CHECK(reply.length > 0 && reply.length <= body_size);
    FUZZ_CHECK(reply.status >= 0 && reply.status <= 999);
    FUZZ_CHECK(reply.status_line.size() <= 123);
    for (char c : reply.status_line)
      FUZZ_CHECK(c >= 0x20 && c < 0x7f);
    // The reply is complete at exactly `length` bytes, and not before.
    auto exact = parse_connect_reply(body, reply.length);
    FUZZ_CHECK(exact && *exact && (*exact)->length == reply.length);
    if (reply.length > 1) {
      auto shorter = parse_connect_reply(body, reply.length - 1);
      FUZZ_CHECK(!shorter || !*shorter);
    }
  } else if (!whole) {
    FUZZ_CHECK(!whole.error().message.empty());
    FUZZ_CHECK(whole.error().message.size() < 300);
  } else {
    // Incomplete: so was every prefix (an error in a prefix is an error in the whole).
    for (std::size_t cut = 0; cut < body_size && cut < 64; ++cut) {
      auto prefix = parse_connect_reply(body, cut);
      FUZZ_CHECK(prefix && !*prefix);
    }
  }
  return 0;
}
