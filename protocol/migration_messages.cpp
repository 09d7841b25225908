#include "protocol/migration_messages.hpp"

#include <spice/enums.h>

#include <cctype>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

namespace {

// A NUL-terminated string at `offset` of `size` bytes (NUL included).
std::string terminated_text(byte_reader& reader, const bytes& body, const char* field, std::uint32_t offset,
                            std::uint32_t size, std::size_t limit) {
  if (reader.failed())
    return {};
  const std::string name = field;
  if (size < 2 || size - 1 > limit) {
    reader.fail(name + " size " + std::to_string(size) + " is not 2.." + std::to_string(limit + 1) +
                " (text and its NUL)");
    return {};
  }
  if (offset > body.size() || body.size() - offset < size) {
    reader.fail(name + " at offset " + std::to_string(offset) + " with size " + std::to_string(size) +
                " runs past the " + std::to_string(body.size()) + "-byte message");
    return {};
  }
  std::string text(body.begin() + offset, body.begin() + offset + size - 1);
  if (body[offset + size - 1] != 0 || text.find('\0') != std::string::npos) {
    reader.fail(name + " is not one NUL-terminated string");
    return {};
  }
  return text;
}

// spice-server keeps a port QEMU was not given as -1 and sends it as a u16.
constexpr std::uint16_t unset_port = 0xFFFF;
std::uint16_t port_or_none(std::uint16_t port) { return port == unset_port ? 0 : port; }

bool host_character(unsigned char c) { return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '_'; }

result<migration_target> read_target(byte_reader& reader, const bytes& body) {
  migration_target target;
  target.port = port_or_none(reader.u16("port"));
  target.tls_port = port_or_none(reader.u16("sport"));
  const std::uint32_t host_size = reader.u32("host_size");
  const std::uint32_t host_offset = reader.u32("host_data");
  const std::uint32_t subject_size = reader.u32("cert_subject_size");
  const std::uint32_t subject_offset = reader.u32("cert_subject_data");
  if (reader.failed())
    return reader.error();
  target.host = terminated_text(reader, body, "host", host_offset, host_size, max_migration_host);
  if (reader.failed())
    return reader.error();
  for (unsigned char c : target.host)
    if (!host_character(c)) {
      reader.fail("host is not a host name or IP address (it has a character other than letters, digits, '.', "
                  "'-', ':', '_')");
      return reader.error();
    }
  if (target.port == 0 && target.tls_port == 0) {
    reader.fail("destination " + target.host + " has neither a port nor a TLS port");
    return reader.error();
  }
  if (subject_offset != 0 && subject_size > 1) {
    target.cert_subject = terminated_text(reader, body, "cert_subject", subject_offset, subject_size,
                                          max_migration_subject);
    if (reader.failed())
      return reader.error();
    for (unsigned char c : target.cert_subject)
      if (!std::isprint(c)) {
        reader.fail("cert_subject has a character that is not printable");
        return reader.error();
      }
  }
  return target;
}

}  // namespace

result<migration_target> parse_migrate_begin(const bytes& body) {
  byte_reader reader(body, "MAIN_MIGRATE_BEGIN");
  return read_target(reader, body);
}

result<migrate_begin_seamless> parse_migrate_begin_seamless(const bytes& body) {
  byte_reader reader(body, "MAIN_MIGRATE_BEGIN_SEAMLESS");
  auto target = read_target(reader, body);
  if (!target)
    return target.error();
  // The version follows the DstInfo's fixed fields (the strings are behind offsets).
  reader.seek("src_mig_version", 20);
  const std::uint32_t version = reader.u32("src_mig_version");
  if (reader.failed())
    return reader.error();
  return migrate_begin_seamless{*target, version};
}

result<migration_target> parse_migrate_switch_host(const bytes& body) {
  byte_reader reader(body, "MAIN_MIGRATE_SWITCH_HOST");
  return read_target(reader, body);
}

result<std::uint32_t> parse_migrate_flags(const bytes& body) {
  byte_reader reader(body, "MIGRATE");
  const std::uint32_t flags = reader.u32("flags");
  if (reader.failed())
    return reader.error();
  if (flags & ~static_cast<std::uint32_t>(SPICE_MIGRATE_FLAGS_MASK)) {
    reader.fail("flags " + std::to_string(flags) + " has bits beyond NEED_FLUSH and NEED_DATA_TRANSFER");
    return reader.error();
  }
  return flags;
}

bytes build_migrate_dst_do_seamless(std::uint32_t source_version) {
  byte_writer out;
  out.u32(source_version);
  return out.take();
}

}  // namespace vigil::protocol
