#include "protocol/http_requests.hpp"

#include <algorithm>
#include <cctype>

namespace vigil::protocol {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos)
    return {};
  auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::optional<http_request_head> parse_head(const std::string& text) {
  http_request_head head;
  auto line_end = text.find("\r\n");
  auto request_line = text.substr(0, line_end);
  auto first_space = request_line.find(' ');
  auto second_space = request_line.find(' ', first_space == std::string::npos ? 0 : first_space + 1);
  if (first_space == std::string::npos || second_space == std::string::npos)
    return std::nullopt;
  head.method = request_line.substr(0, first_space);
  auto target = request_line.substr(first_space + 1, second_space - first_space - 1);
  head.path = url_path_of(target).value_or("");
  std::size_t at = line_end + 2;
  while (at < text.size()) {
    auto end = text.find("\r\n", at);
    if (end == std::string::npos)
      end = text.size();
    auto line = text.substr(at, end - at);
    at = end + 2;
    auto colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    auto name = lower(trim(line.substr(0, colon)));
    auto value = trim(line.substr(colon + 1));
    if (name == "content-length") {
      if (value.empty() || value.size() > 18 || !std::all_of(value.begin(), value.end(), ::isdigit))
        return std::nullopt;
      head.content_length = std::stoull(value);
    } else if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos) {
      head.chunked = true;
    } else if (name == "destination") {
      head.destination_given = true;
      head.destination = url_path_of(value).value_or("");
    }
  }
  return head;
}

}  // namespace

std::optional<std::string> decode_url_path(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size())
        return std::nullopt;
      int high = hex_digit(text[i + 1]), low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0)
        return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (c == '\0')
      return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::optional<std::string> url_path_of(const std::string& target) {
  std::string path = target;
  auto scheme = path.find("://");
  if (scheme != std::string::npos && path.find('/') > scheme) {
    auto slash = path.find('/', scheme + 3);
    path = slash == std::string::npos ? "/" : path.substr(slash);
  }
  auto query = path.find_first_of("?#");
  if (query != std::string::npos)
    path.erase(query);
  if (path.empty() || path[0] != '/')
    return std::nullopt;
  return decode_url_path(path);
}

std::optional<parse_error> http_request_stream::feed(const std::uint8_t* data, std::size_t size,
                                                     std::vector<piece>& out) {
  std::size_t at = 0;
  while (at < size) {
    if (body_left_ > 0) {
      auto take = static_cast<std::size_t>(std::min<std::uint64_t>(body_left_, size - at));
      if (out.empty() || out.back().head)
        out.push_back(piece{});
      out.back().data.insert(out.back().data.end(), data + at, data + at + take);
      body_left_ -= take;
      at += take;
      continue;
    }
    // Collect the head up to its blank line.
    head_.push_back(data[at++]);
    auto n = head_.size();
    bool complete = n >= 4 && head_[n - 4] == '\r' && head_[n - 3] == '\n' && head_[n - 2] == '\r' && head_[n - 1] == '\n';
    if (n == 2 && head_[0] == '\r' && head_[1] == '\n') {
      // A stray CRLF between requests (RFC 9112 2.2): passed on, not a head.
      if (out.empty() || out.back().head)
        out.push_back(piece{});
      out.back().data.insert(out.back().data.end(), head_.begin(), head_.end());
      head_.clear();
      continue;
    }
    if (!complete) {
      if (n > max_head_)
        return parse_error{"HTTP request head longer than " + std::to_string(max_head_) + " bytes"};
      continue;
    }
    auto head = parse_head(std::string(head_.begin(), head_.end()));
    if (!head)
      return parse_error{"HTTP request head does not parse"};
    body_left_ = head->chunked ? 0 : head->content_length;
    out.push_back(piece{std::move(head), std::move(head_)});
    head_.clear();
  }
  return std::nullopt;
}

}  // namespace vigil::protocol
