#include <boost/test/unit_test.hpp>

#include "ui/spice_uri.hpp"

using vigil::parse_spice_uri;

BOOST_AUTO_TEST_SUITE(spice_uri)

BOOST_AUTO_TEST_CASE(host_and_port_give_a_plain_port) {
  auto parsed = parse_spice_uri("spice://127.0.0.1:5930");
  BOOST_REQUIRE(parsed.uri);
  BOOST_TEST(parsed.uri->host == "127.0.0.1");
  BOOST_TEST(parsed.uri->plain_port == 5930);
  BOOST_TEST(parsed.uri->tls_port == 0);
  BOOST_TEST(!parsed.uri->password);
}

BOOST_AUTO_TEST_CASE(tls_scheme_gives_a_tls_port) {
  auto parsed = parse_spice_uri("spice+tls://vm.example:5931");
  BOOST_REQUIRE(parsed.uri);
  BOOST_TEST(parsed.uri->plain_port == 0);
  BOOST_TEST(parsed.uri->tls_port == 5931);
}

// Security review M7: spice+tls://h:5901?port=5900 tried the plain port first.
BOOST_AUTO_TEST_CASE(tls_scheme_refuses_a_plain_port) {
  auto parsed = parse_spice_uri("spice+tls://vm.example:5931?port=5930");
  BOOST_TEST(!parsed.uri);
  BOOST_TEST(parsed.error.find("URI parameter 'port' does not apply to spice+tls://") == 0u, parsed.error);
  BOOST_TEST(parse_spice_uri("spice+tls://vm.example?tls-port=5931").uri.has_value());
}

BOOST_AUTO_TEST_CASE(query_gives_both_ports_and_a_decoded_password) {
  auto parsed = parse_spice_uri("spice://host?port=5900&tls-port=5901&password=s%20ecret");
  BOOST_REQUIRE(parsed.uri);
  BOOST_TEST(parsed.uri->plain_port == 5900);
  BOOST_TEST(parsed.uri->tls_port == 5901);
  BOOST_TEST(*parsed.uri->password == "s ecret");
}

BOOST_AUTO_TEST_CASE(ipv6_literal_in_brackets) {
  auto parsed = parse_spice_uri("spice://[::1]:5900/");
  BOOST_REQUIRE(parsed.uri);
  BOOST_TEST(parsed.uri->host == "::1");
  BOOST_TEST(parsed.uri->plain_port == 5900);
}

BOOST_AUTO_TEST_CASE(redacted_form_never_shows_the_password) {
  auto parsed = parse_spice_uri("spice://host?port=5900&password=hunter2");
  BOOST_REQUIRE(parsed.uri);
  BOOST_TEST(parsed.uri->redacted() == "spice://host?port=5900");
}

BOOST_AUTO_TEST_CASE(errors_never_show_the_password) {
  for (const char* uri : {"spice://?port=5900&password=hunter2", "spice://host?password=hunter2",
                          "spice://host?password=hunter2&port=x"}) {
    auto parsed = parse_spice_uri(uri);
    BOOST_REQUIRE(!parsed.uri);
    BOOST_TEST(parsed.error.find("hunter2") == std::string::npos, parsed.error);
  }
}

BOOST_AUTO_TEST_CASE(bad_uris_are_refused_with_a_reason) {
  struct bad_case { const char* uri; const char* named; };
  for (auto [uri, named] : {bad_case{"ftp://host:21", "scheme 'ftp'"}, bad_case{"host:5900", "no scheme"},
                            bad_case{"spice://:5900", "no host"}, bad_case{"spice://host", "no port"},
                            bad_case{"spice://host:99999", "port '99999'"}, bad_case{"spice://host:12ab", "port '12ab'"},
                            bad_case{"spice://host?port=1&colour=red", "'colour'"},
                            bad_case{"spice://host?port=1&password=%zz", "bad %-escape"}}) {
    auto parsed = parse_spice_uri(uri);
    BOOST_TEST(!parsed.uri, uri);
    BOOST_TEST(parsed.error.find(named) != std::string::npos, uri << " -> " << parsed.error);
  }
}

BOOST_AUTO_TEST_CASE(unix_scheme_gives_a_socket_path) {
  auto parsed = parse_spice_uri("spice+unix:///run/libvirt/qemu/vm1%20a.sock");
  BOOST_REQUIRE(parsed.uri);
  BOOST_TEST(parsed.uri->unix_path == "/run/libvirt/qemu/vm1 a.sock");
  BOOST_TEST(parsed.uri->plain_port == 0);
  BOOST_TEST(parsed.uri->redacted() == "spice+unix:///run/libvirt/qemu/vm1 a.sock");
  BOOST_TEST(!parse_spice_uri("spice+unix://relative/path").uri);
  BOOST_TEST(!parse_spice_uri("spice+unix://").uri);
  BOOST_TEST(!parse_spice_uri("spice+unix:///s.sock?port=5900").uri);
}

BOOST_AUTO_TEST_CASE(user_before_the_host_is_the_sasl_user_name) {
  auto parsed = parse_spice_uri("spice://alice@127.0.0.1:5930");
  BOOST_REQUIRE(parsed.uri);
  BOOST_TEST(*parsed.uri->username == "alice");
  BOOST_TEST(parsed.uri->host == "127.0.0.1");
  BOOST_TEST(parsed.uri->plain_port == 5930);
  BOOST_TEST(parsed.uri->redacted().find("alice") == std::string::npos);
  auto with_password = parse_spice_uri("spice://alice:secret@h:1");
  BOOST_REQUIRE(!with_password.uri);
  BOOST_TEST(with_password.error.find("secret") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
