// HTTP CONNECT proxies: the proxy URL, the request line and the proxy's reply.
#include <boost/test/unit_test.hpp>

#include <string>

#include "protocol/http_connect.hpp"

using namespace vigil::protocol;

namespace {

result<std::optional<connect_reply>> parse(const std::string& text) {
  return parse_connect_reply(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_connect)

BOOST_AUTO_TEST_CASE(proxy_url_with_credentials_port_and_default_port) {
  auto proxy = parse_proxy_url("http://al%40ice:p%3Ass@proxy.example:8080");
  BOOST_REQUIRE(proxy);
  BOOST_TEST(proxy->host == "proxy.example");
  BOOST_TEST(proxy->port == 8080);
  BOOST_TEST(proxy->user == "al@ice");
  BOOST_TEST(proxy->password == "p:ss");
  BOOST_TEST(proxy->redacted() == "http://proxy.example:8080");

  auto bare = parse_proxy_url("node1");
  BOOST_REQUIRE(bare);
  BOOST_TEST(bare->host == "node1");
  BOOST_TEST(bare->port == 3128);
  BOOST_TEST(bare->user.empty());

  auto v6 = parse_proxy_url("http://[::1]:3128/");
  BOOST_REQUIRE(v6);
  BOOST_TEST(v6->host == "::1");
  BOOST_TEST(v6->redacted() == "http://[::1]:3128");
}

BOOST_AUTO_TEST_CASE(bad_proxy_urls_are_refused_without_repeating_the_password) {
  for (const std::string text : {"socks5://h:1080", "http://", "http://user:secret@", "http://h:0", "http://h:99999",
                                 "http://h:port", "http://[::1", "http://:secret@h", "http://u:%zz@h"}) {
    auto proxy = parse_proxy_url(text);
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(!proxy);
      if (!proxy) {
        BOOST_TEST(!proxy.error().message.empty());
        BOOST_TEST(proxy.error().message.find("secret") == std::string::npos);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(connect_request_passes_a_pseudo_host_verbatim_with_basic_auth) {
  proxy_address proxy;
  proxy.host = "node1";
  const std::string pseudo = "pvespiceproxy:66f0c0de:100:node1::9a8b7c6d5e4f";
  BOOST_TEST(build_connect_request(proxy, pseudo, 61000) ==
             "CONNECT " + pseudo + ":61000 HTTP/1.0\r\nHost: " + pseudo + ":61000\r\n\r\n");
  proxy.user = "Aladdin";
  proxy.password = "open sesame";  // RFC 7617's example
  BOOST_TEST(build_connect_request(proxy, "10.0.0.1", 5900) ==
             "CONNECT 10.0.0.1:5900 HTTP/1.0\r\nHost: 10.0.0.1:5900\r\n"
             "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(established_reply_and_its_length) {
  const std::string reply = "HTTP/1.0 200 Connection established\r\nProxy-agent: tinyproxy/1.11.1\r\n\r\n";
  auto parsed = parse(reply);
  BOOST_REQUIRE(parsed);
  BOOST_REQUIRE(*parsed);
  BOOST_TEST((*parsed)->status == 200);
  BOOST_TEST((*parsed)->established());
  BOOST_TEST((*parsed)->status_line == "HTTP/1.0 200 Connection established");
  BOOST_TEST((*parsed)->length == reply.size());
  // Bare "\n" line ends, no headers.
  auto bare = parse("HTTP/1.1 200 OK\n\nextra");
  BOOST_REQUIRE(bare);
  BOOST_REQUIRE(*bare);
  BOOST_TEST((*bare)->length == 17u);
}

BOOST_AUTO_TEST_CASE(reply_arriving_in_pieces_is_incomplete_until_the_blank_line) {
  const std::string reply = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n";
  for (std::size_t cut = 0; cut < reply.size(); ++cut) {
    auto parsed = parse(reply.substr(0, cut));
    BOOST_TEST_CONTEXT("cut at " << cut) {
      BOOST_REQUIRE(parsed);
      BOOST_TEST(!*parsed);
    }
  }
  auto whole = parse(reply);
  BOOST_REQUIRE(whole);
  BOOST_REQUIRE(*whole);
  BOOST_TEST((*whole)->status == 407);
  BOOST_TEST(!(*whole)->established());
  BOOST_TEST((*whole)->status_line == "HTTP/1.1 407 Proxy Authentication Required");
}

BOOST_AUTO_TEST_CASE(garbage_and_malformed_status_lines_are_errors_naming_what_came) {
  auto garbage = parse("SSH-2.0-OpenSSH_9.2\r\n");
  BOOST_REQUIRE(!garbage);
  BOOST_TEST(garbage.error().message.find("not HTTP") != std::string::npos);
  BOOST_TEST(garbage.error().message.find("SSH-2.0") != std::string::npos);
  // Refused at the first byte that differs, without waiting for a line end.
  BOOST_TEST(!parse("X"));
  for (const std::string text : {"HTTP/1.0 2x0 OK\r\n\r\n", "HTTP/1.0  200\r\n\r\n", "HTTP/1.0 200OK\r\n\r\n",
                                 "HTTP/1.\r\n\r\n"}) {
    auto parsed = parse(text);
    BOOST_TEST_CONTEXT(text) {
      BOOST_REQUIRE(!parsed);
      BOOST_TEST(parsed.error().message.find("malformed") != std::string::npos);
    }
  }
  // Escapes never reach the message.
  auto escaped = parse("HTTP/1.0 403 \x1b[31mred\r\n\r\n");
  BOOST_REQUIRE(escaped);
  BOOST_REQUIRE(*escaped);
  BOOST_TEST((*escaped)->status_line.find('\x1b') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(endless_headers_are_refused) {
  std::string reply = "HTTP/1.0 200 OK\r\n";
  while (reply.size() <= max_connect_reply_bytes)
    reply += "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
  auto parsed = parse(reply);
  BOOST_REQUIRE(!parsed);
  BOOST_TEST(parsed.error().message.find("longer than") != std::string::npos);
  auto endless_line = parse("HTTP/1.0 200 " + std::string(max_connect_reply_bytes + 1, 'a'));
  BOOST_TEST(!endless_line);
}

BOOST_AUTO_TEST_SUITE_END()
