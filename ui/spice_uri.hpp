// SPICE connection URIs as remote-viewer accepts them:
//   spice://host:port                  plain port
//   spice://host?port=P&tls-port=T     either or both ports (also password=)
//   spice+tls://host:port              TLS port
//   spice://[::1]:5900                 IPv6 literal
//   spice+unix:///run/x/spice.sock     a Unix socket (libvirt's local guests)
//   spice://user@host:port             a SASL user name
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vigil {

struct spice_uri {
  std::string host;
  std::uint16_t plain_port = 0;  // 0: none
  std::uint16_t tls_port = 0;    // 0: none
  std::string unix_path;         // spice+unix://: the socket's path; host and ports are unused
  std::optional<std::string> username;  // spice://user@host (SASL)
  std::optional<std::string> password;

  // The URI with the password left out, for logs and the health snapshot.
  std::string redacted() const;
};

struct spice_uri_result {
  std::optional<spice_uri> uri;
  std::string error;  // names what was wrong when uri is empty
};

spice_uri_result parse_spice_uri(const std::string& text);

}  // namespace vigil
