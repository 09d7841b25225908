// Live migration messages: the destination a server names, checked field by
// field, and bogus hosts, ports and certificate subjects refused by name.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include <optional>

#include "captured_stream.hpp"
#include "check_contains.hpp"
#include "protocol/migration_messages.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

// DstInfo with its strings after the fixed fields (and `extra` bytes between).
bytes dst_info(std::uint16_t port, std::uint16_t sport, const std::string& host, const std::string& subject,
               std::optional<std::uint32_t> version = std::nullopt) {
  const std::uint32_t fixed = 20 + (version ? 4 : 0);
  const auto host_size = static_cast<std::uint32_t>(host.size() + 1);
  body_builder out;
  out.u16(port).u16(sport).u32(host_size).u32(fixed);
  if (subject.empty())
    out.u32(0).u32(0);
  else
    out.u32(static_cast<std::uint32_t>(subject.size() + 1)).u32(fixed + host_size);
  if (version)
    out.u32(*version);
  out.text(host).u8(0);
  if (!subject.empty())
    out.text(subject).u8(0);
  return out.out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(migration_messages)

BOOST_AUTO_TEST_CASE(begin_names_host_ports_and_subject) {
  auto target = parse_migrate_begin(dst_info(5930, 5931, "127.0.0.1", "C=IL, O=Vigil Test, CN=127.0.0.1"));
  BOOST_REQUIRE_MESSAGE(target, (target ? "" : target.error().message));
  BOOST_TEST(target->host == "127.0.0.1");
  BOOST_TEST(target->port == 5930);
  BOOST_TEST(target->tls_port == 5931);
  BOOST_TEST(target->cert_subject == "C=IL, O=Vigil Test, CN=127.0.0.1");
  auto plain = parse_migrate_switch_host(dst_info(5940, 0, "dst.example", ""));
  BOOST_REQUIRE(plain);
  BOOST_TEST(plain->cert_subject.empty());
  auto seamless = parse_migrate_begin_seamless(dst_info(0, 5941, "::1", "", 3u));
  BOOST_REQUIRE_MESSAGE(seamless, (seamless ? "" : seamless.error().message));
  BOOST_TEST(seamless->target.host == "::1");
  BOOST_TEST(seamless->source_version == 3u);
  BOOST_TEST(build_migrate_dst_do_seamless(3) == body_builder{}.u32(3).out, boost::test_tools::per_element());
}

// QEMU's client_migrate_info without tls-port: spice-server's -1 on the wire.
BOOST_AUTO_TEST_CASE(a_port_of_0xffff_is_no_port) {
  auto plain_only = parse_migrate_begin(dst_info(5930, 0xFFFF, "127.0.0.1", ""));
  BOOST_REQUIRE(plain_only);
  BOOST_TEST(plain_only->port == 5930);
  BOOST_TEST(plain_only->tls_port == 0);
  auto neither = parse_migrate_begin(dst_info(0xFFFF, 0xFFFF, "127.0.0.1", ""));
  BOOST_REQUIRE(!neither);
  VIGIL_CHECK_CONTAINS(neither.error().message, "neither a port nor a TLS port");
}

BOOST_AUTO_TEST_CASE(bogus_hosts_ports_and_subjects_are_refused_by_name) {
  struct bad {
    bytes body;
    std::string says;
  };
  bytes unterminated = dst_info(1, 0, "host", "");
  unterminated[20 + 4] = 'x';  // the host's NUL
  bytes past_end = dst_info(1, 0, "host", "");
  past_end[8] = 200;  // host_data offset
  const std::vector<bad> cases = {
    {dst_info(0, 0, "127.0.0.1", ""), "neither a port nor a TLS port"},
    {dst_info(1, 0, "", ""), "host size 1"},
    {dst_info(1, 0, "evil host;rm -rf", ""), "not a host name or IP address"},
    {dst_info(1, 0, std::string(300, 'a'), ""), "host size 301"},
    {dst_info(1, 0, "host", "CN=\x1b[2J"), "cert_subject has a character that is not printable"},
    {unterminated, "host is not one NUL-terminated string"},
    {past_end, "runs past the"},
    {body_builder{}.u16(1).out, "MAIN_MIGRATE_BEGIN"},
  };
  for (const auto& tried : cases) {
    auto target = parse_migrate_begin(tried.body);
    BOOST_TEST_CONTEXT(tried.says) {
      BOOST_REQUIRE(!target);
      VIGIL_CHECK_CONTAINS(target.error().message, tried.says);
      VIGIL_CHECK_CONTAINS(target.error().message, "MAIN_MIGRATE_BEGIN");
    }
  }
}

BOOST_AUTO_TEST_CASE(migrate_flags_within_the_mask) {
  auto flags = parse_migrate_flags(body_builder{}.u32(SPICE_MIGRATE_NEED_FLUSH | SPICE_MIGRATE_NEED_DATA_TRANSFER).out);
  BOOST_REQUIRE(flags);
  BOOST_TEST(*flags == 3u);
  BOOST_TEST(!parse_migrate_flags(body_builder{}.u32(8).out));
  BOOST_TEST(!parse_migrate_flags(body_builder{}.u16(1).out));
}

BOOST_AUTO_TEST_SUITE_END()
