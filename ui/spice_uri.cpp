#include "ui/spice_uri.hpp"

#include "protocol/uri_parts.hpp"

#include <cctype>

namespace vigil {

namespace {

using protocol::percent_decode;

std::optional<std::uint16_t> parse_port(const std::string& text) { return protocol::parse_uri_port(text); }

spice_uri_result failure(std::string message) { return {std::nullopt, std::move(message)}; }

}  // namespace

spice_uri_result parse_spice_uri(const std::string& text) {
  auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos)
    return failure("URI '" + text + "' has no scheme: expected spice://host:port or spice+tls://host:port");
  std::string scheme = text.substr(0, scheme_end);
  bool tls_scheme = scheme == "spice+tls";
  bool unix_scheme = scheme == "spice+unix";
  if (scheme != "spice" && !tls_scheme && !unix_scheme)
    return failure("URI scheme '" + scheme + "' is not supported: expected spice://, spice+tls:// or spice+unix://");

  std::string rest = text.substr(scheme_end + 3);
  std::string query;
  if (auto question = rest.find('?'); question != std::string::npos) {
    query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  spice_uri uri;
  if (unix_scheme) {
    auto path = percent_decode(rest);
    if (!path || path->empty() || path->front() != '/')
      return failure("URI '" + text.substr(0, text.find('?')) +
                     "' names no socket: expected spice+unix:///absolute/path");
    uri.unix_path = *path;
  }
  if (!unix_scheme && !rest.empty() && rest.back() == '/')
    rest.pop_back();
  if (auto at = rest.rfind('@'); !unix_scheme && at != std::string::npos) {
    auto user = percent_decode(rest.substr(0, at));
    if (!user || user->empty() || user->find(':') != std::string::npos)
      return failure("URI user name before '@' is empty, has a bad %-escape or a ':' (passwords go in password=)");
    uri.username = *user;
    rest = rest.substr(at + 1);
  }

  std::string port_text;
  if (unix_scheme) {
  } else if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos)
      return failure("URI host '" + rest + "' has an unclosed '['");
    uri.host = rest.substr(1, close - 1);
    std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return failure("URI has unexpected text '" + after + "' after the host");
      port_text = after.substr(1);
    }
  } else {
    auto colon = rest.find(':');
    uri.host = rest.substr(0, colon);
    if (colon != std::string::npos)
      port_text = rest.substr(colon + 1);
  }
  if (uri.host.empty() && !unix_scheme)  // the query is left out of the message: it may hold the password
    return failure("URI '" + text.substr(0, text.find('?')) + "' has no host");
  if (!port_text.empty()) {
    auto port = parse_port(port_text);
    if (!port)
      return failure("URI port '" + port_text + "' is not a number from 1 to 65535");
    (tls_scheme ? uri.tls_port : uri.plain_port) = *port;
  }

  std::size_t start = 0;
  while (start < query.size()) {
    auto end = query.find('&', start);
    std::string pair = query.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? query.size() : end + 1;
    if (pair.empty())
      continue;
    auto equals = pair.find('=');
    std::string key = pair.substr(0, equals);
    auto value = percent_decode(equals == std::string::npos ? std::string{} : pair.substr(equals + 1));
    if (!value)
      return failure("URI parameter '" + key + "' has a bad %-escape");
    if (unix_scheme && key != "password") {
      return failure("URI parameter '" + key + "' does not apply to spice+unix:// (known: password)");
    } else if (key == "port" && tls_scheme) {
      // spice+tls:// never falls back to plain text (security review M7).
      return failure("URI parameter 'port' does not apply to spice+tls:// (TLS only; use spice:// with port= "
                     "and tls-port= for a server that has both)");
    } else if (key == "port" || key == "tls-port") {
      auto port = parse_port(*value);
      if (!port)
        return failure("URI parameter " + key + "='" + *value + "' is not a number from 1 to 65535");
      (key == "port" ? uri.plain_port : uri.tls_port) = *port;
    } else if (key == "password") {
      uri.password = *value;
    } else {
      return failure("URI parameter '" + key + "' is not supported (known: port, tls-port, password)");
    }
  }
  if (uri.plain_port == 0 && uri.tls_port == 0 && !unix_scheme) {
    spice_uri shown;
    shown.host = uri.host;
    return failure("URI '" + shown.redacted() + "' gives no port");
  }
  return {uri, {}};
}

std::string spice_uri::redacted() const {
  if (!unix_path.empty())
    return "spice+unix://" + unix_path;
  std::string host_text = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string text = "spice://" + host_text;
  std::string separator = "?";
  if (plain_port) {
    text += separator + "port=" + std::to_string(plain_port);
    separator = "&";
  }
  if (tls_port)
    text += separator + "tls-port=" + std::to_string(tls_port);
  return text;
}

}  // namespace vigil
