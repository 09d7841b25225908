// Fuzzes the live-migration parsers (protocol/migration_messages.cpp): the
// destination a server (or whoever poses as one) tells the client to dial.
// Input: byte 0 selects the parser, the rest is the message body.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "protocol/migration_messages.hpp"

using namespace vigil::protocol;

namespace {

void check_target(const migration_target& target) {
  FUZZ_CHECK(!target.host.empty() && target.host.size() <= max_migration_host);
  FUZZ_CHECK(target.port != 0 || target.tls_port != 0);
  FUZZ_CHECK(target.cert_subject.size() <= max_migration_subject);
  for (char c : target.host)
    FUZZ_CHECK(c != '\0' && c != ' ' && c != '/' && c != '@');
  for (char c : target.cert_subject)
    FUZZ_CHECK(c >= 0x20 && c < 0x7f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const bytes body(data + 1, data + size);
  switch (data[0] % 4) {
    case 0: {
      auto parsed = parse_migrate_begin(body);
      if (parsed)
        check_target(*parsed);
      else
        FUZZ_CHECK(parsed.error().message.rfind("MAIN_MIGRATE_BEGIN", 0) == 0);
      break;
    }
    case 1: {
      auto parsed = parse_migrate_begin_seamless(body);
      if (parsed)
        check_target(parsed->target);
      else
        FUZZ_CHECK(!parsed.error().message.empty());
      break;
    }
    case 2: {
      auto parsed = parse_migrate_switch_host(body);
      if (parsed)
        check_target(*parsed);
      else
        FUZZ_CHECK(!parsed.error().message.empty());
      break;
    }
    default: {
      auto flags = parse_migrate_flags(body);
      FUZZ_CHECK(!flags || *flags <= 3u);
    }
  }
  return 0;
}
