// HTTP CONNECT proxies (RFC 9110 section 9.3.6), as spice-gtk uses them: the
// `.vv` file's `proxy` key, `SPICE_PROXY`, `--spice-proxy`. Pure: the proxy
// URL, the CONNECT request and the proxy's reply as text and bytes; the
// dialer (actors/tcp_dialer.cpp) does the I/O.
//
//   C: CONNECT <host>:<port> HTTP/1.0          host verbatim: a Proxmox pseudo
//      Host: <host>:<port>                     host such as pvespiceproxy:...::9a8b
//      [Proxy-Authorization: Basic <base64>]   is never resolved or bracketed
//   S: HTTP/1.x 200 <reason>\r\n <headers> \r\n  then the tunnel
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/result.hpp"

namespace vigil::protocol {

struct proxy_address {
  std::string host;
  std::uint16_t port = 3128;  // spice-gtk's (and squid's) default
  std::string user;           // empty: no Proxy-Authorization
  std::string password;

  // "http://host:port": never the credentials (for logs, errors, the snapshot).
  std::string redacted() const;
};

// "http://[user[:password]@]host[:port]" (user and password %-decoded; an
// IPv6 host in brackets). An error names what was wrong and never repeats the
// password.
result<proxy_address> parse_proxy_url(const std::string& text);

// The CONNECT request for `host`:`port`, with Basic authentication when the
// proxy has a user.
std::string build_connect_request(const proxy_address& proxy, const std::string& host, std::uint16_t port);

struct connect_reply {
  int status = 0;           // e.g. 200, 403, 407
  std::string status_line;  // "HTTP/1.0 403 Forbidden", printable ASCII, at most 120 characters
  std::size_t length = 0;   // bytes of the reply up to and including the blank line
  bool established() const { return status >= 200 && status < 300; }
};

// Replies longer than this without their blank line are refused.
constexpr std::size_t max_connect_reply_bytes = 16 * 1024;

// Reads the proxy's reply from the bytes received so far: nothing while the
// status line and headers are incomplete, the reply once the blank line has
// arrived, or an error when the bytes are not an HTTP reply (or too long).
result<std::optional<connect_reply>> parse_connect_reply(const std::uint8_t* data, std::size_t size);

}  // namespace vigil::protocol
