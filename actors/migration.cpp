#include "actors/migration.hpp"

namespace vigil {

const char* to_string(migration_mode mode) {
  switch (mode) {
    case migration_mode::semi_seamless: return "semi-seamless";
    case migration_mode::seamless: return "seamless";
    case migration_mode::switch_host: return "switch-host";
  }
  return "?";
}

const char* to_string(migration_step step) {
  switch (step) {
    case migration_step::end: return "MIGRATE_END";
    case migration_step::cancel: return "MIGRATE_CANCEL";
    case migration_step::moved: return "moved";
    case migration_step::switch_host: return "SWITCH_HOST";
  }
  return "?";
}

std::optional<connection_settings> migration_destination(const connection_settings& source,
                                                         const protocol::migration_target& target, std::string& error) {
  const bool source_plain = source.plain_port != 0 || !source.unix_path.empty();
  const bool source_tls = source.tls_port != 0;
  connection_settings destination = source;
  destination.unix_path.clear();  // a migration always names a host
  destination.host = target.host;
  destination.plain_port = source_plain ? target.port : 0;
  destination.tls_port = source_tls ? target.tls_port : 0;
  destination.tls.host_subject = target.cert_subject;
  if (destination.plain_port == 0 && destination.tls_port == 0) {
    error = "the destination " + target.host + " offers " +
            (target.tls_port ? "only a TLS port (" + std::to_string(target.tls_port) + ") and this session has no TLS"
                             : "only a plain port (" + std::to_string(target.port) + ") and this session uses TLS only");
    return std::nullopt;
  }
  return destination;
}

std::string describe_destination(const connection_settings& destination) {
  if (!destination.unix_path.empty())
    return destination.unix_path;
  const auto host = destination.host.find(':') != std::string::npos ? "[" + destination.host + "]" : destination.host;
  if (destination.plain_port && destination.tls_port)
    return host + ":" + std::to_string(destination.plain_port) + " (TLS " + std::to_string(destination.tls_port) + ")";
  if (destination.tls_port)
    return host + ":" + std::to_string(destination.tls_port) + " (TLS)";
  return host + ":" + std::to_string(destination.plain_port);
}

}  // namespace vigil
