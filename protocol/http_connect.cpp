#include "protocol/http_connect.hpp"

#include "protocol/uri_parts.hpp"

#include <cctype>
#include <cstring>

namespace vigil::protocol {

namespace {

std::string base64(const std::string& text) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  auto byte = [&](std::size_t at) { return static_cast<unsigned>(static_cast<unsigned char>(text[at])); };
  for (; i + 3 <= text.size(); i += 3) {
    unsigned n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], alphabet[n & 63]};
  }
  if (text.size() - i == 1) {
    unsigned n = byte(i) << 16;
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], '=', '='};
  } else if (text.size() - i == 2) {
    unsigned n = byte(i) << 16 | byte(i + 1) << 8;
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], '='};
  }
  return out;
}

// Printable ASCII only, so a hostile proxy cannot write escapes to a terminal.
std::string printable(const std::uint8_t* data, std::size_t size, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < size && out.size() < limit; ++i)
    out += std::isprint(data[i]) ? static_cast<char>(data[i]) : '?';
  if (size > limit)
    out += "...";
  return out;
}

bool host_is_safe(const std::string& host) {
  for (unsigned char c : host)
    if (!std::isgraph(c) || c == '@' || c == '/')
      return false;
  return !host.empty();
}

}  // namespace

std::string proxy_address::redacted() const {
  std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + shown_host + ":" + std::to_string(port);
}

result<proxy_address> parse_proxy_url(const std::string& text) {
  auto scheme_end = text.find("://");
  std::string rest = text;
  if (scheme_end != std::string::npos) {
    std::string scheme = text.substr(0, scheme_end);
    for (auto& c : scheme)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "http")
      return parse_error{"proxy URL scheme '" + printable(reinterpret_cast<const std::uint8_t*>(scheme.data()),
                                                          scheme.size(), 20) +
                         "' is not supported: expected http://[user:password@]host[:port]"};
    rest = text.substr(scheme_end + 3);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos)
    rest = rest.substr(0, slash);
  proxy_address proxy;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password = percent_decode(colon == std::string::npos ? std::string{} : userinfo.substr(colon + 1));
    if (!user || !password)
      return parse_error{"proxy URL has a bad %-escape in its user or password"};
    proxy.user = *user;
    proxy.password = *password;
    if (proxy.user.empty())
      return parse_error{"proxy URL has credentials but no user name"};
  }
  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos)
      return parse_error{"proxy URL host has an unclosed '['"};
    proxy.host = rest.substr(1, close - 1);
    std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return parse_error{"proxy URL has unexpected text after the host"};
      port_text = after.substr(1);
    }
  } else {
    auto colon = rest.find(':');
    proxy.host = rest.substr(0, colon);
    if (colon != std::string::npos)
      port_text = rest.substr(colon + 1);
  }
  if (!host_is_safe(proxy.host))
    return parse_error{"proxy URL has no host (expected http://[user:password@]host[:port])"};
  if (!port_text.empty()) {
    auto port = parse_uri_port(port_text);
    if (!port)
      return parse_error{"proxy URL port '" +
                         printable(reinterpret_cast<const std::uint8_t*>(port_text.data()), port_text.size(), 10) +
                         "' is not a number from 1 to 65535"};
    proxy.port = *port;
  }
  return proxy;
}

std::string build_connect_request(const proxy_address& proxy, const std::string& host, std::uint16_t port) {
  std::string target = host + ":" + std::to_string(port);
  std::string request = "CONNECT " + target + " HTTP/1.0\r\nHost: " + target + "\r\n";
  if (!proxy.user.empty())
    request += "Proxy-Authorization: Basic " + base64(proxy.user + ":" + proxy.password) + "\r\n";
  request += "\r\n";
  return request;
}

result<std::optional<connect_reply>> parse_connect_reply(const std::uint8_t* data, std::size_t size) {
  static const char prefix[] = "HTTP/1.";
  const std::size_t prefix_size = sizeof(prefix) - 1;
  // A reply that does not start like HTTP is refused as soon as it differs.
  for (std::size_t i = 0; i < prefix_size && i < size; ++i)
    if (data[i] != static_cast<std::uint8_t>(prefix[i]))
      return parse_error{"proxy reply is not HTTP: '" + printable(data, size, 60) + "'"};
  std::size_t line_end = 0;
  while (line_end < size && data[line_end] != '\n')
    ++line_end;
  if (line_end == size) {
    if (size > max_connect_reply_bytes)
      return parse_error{"proxy reply status line is longer than " + std::to_string(max_connect_reply_bytes) +
                         " bytes"};
    return std::optional<connect_reply>{};
  }
  std::size_t text_end = line_end > 0 && data[line_end - 1] == '\r' ? line_end - 1 : line_end;
  connect_reply reply;
  reply.status_line = printable(data, text_end, 120);
  // "HTTP/1.x NNN reason": the version digit, a space, three digits.
  if (text_end < prefix_size + 5 || !std::isdigit(data[prefix_size]) || data[prefix_size + 1] != ' ' ||
      !std::isdigit(data[prefix_size + 2]) || !std::isdigit(data[prefix_size + 3]) ||
      !std::isdigit(data[prefix_size + 4]) || (text_end > prefix_size + 5 && data[prefix_size + 5] != ' '))
    return parse_error{"proxy reply status line is malformed: '" + reply.status_line + "'"};
  reply.status = (data[prefix_size + 2] - '0') * 100 + (data[prefix_size + 3] - '0') * 10 + (data[prefix_size + 4] - '0');
  // Headers until an empty line ("\r\n\r\n" or "\n\n").
  std::size_t pos = line_end + 1;
  while (true) {
    std::size_t next = pos;
    while (next < size && data[next] != '\n')
      ++next;
    if (next == size)
      break;
    bool empty = next == pos || (next == pos + 1 && data[pos] == '\r');
    pos = next + 1;
    if (empty) {
      reply.length = pos;
      return std::optional<connect_reply>{reply};
    }
  }
  if (size > max_connect_reply_bytes)
    return parse_error{"proxy reply headers are longer than " + std::to_string(max_connect_reply_bytes) + " bytes"};
  return std::optional<connect_reply>{};
}

}  // namespace vigil::protocol
