// Finds the request heads in one HTTP/1.1 connection's byte stream (what a
// guest's WebDAV client sends through the webdav channel), so the client can
// check every request's path before the WebDAV server sees any of it:
// request line and headers up to the blank line, then a body of
// Content-Length bytes, then the next request. Pure: bytes in, pieces out.
//
// A chunked request body is not followed (no DAV client Vigil met sends one):
// its head is reported with `chunked` set and the caller refuses it (411).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/result.hpp"

namespace vigil::protocol {

struct http_request_head {
  std::string method;
  std::string path;         // the target's path, percent-decoded; empty when it does not decode
  std::string destination;  // MOVE/COPY: the Destination header's path, percent-decoded ("" if none)
  bool destination_given = false;
  std::uint64_t content_length = 0;
  bool chunked = false;
};

// Percent-decodes a URL path; nullopt for a bad escape or a NUL byte.
std::optional<std::string> decode_url_path(const std::string& text);
// The path of a request target or Destination: "/a%20b" or "http://host/a%20b?q" -> "/a b".
std::optional<std::string> url_path_of(const std::string& target);

class http_request_stream {
public:
  struct piece {
    std::optional<http_request_head> head;  // set: `data` starts with this request's head
    bytes data;                             // bytes to pass on, in order
  };

  explicit http_request_stream(std::size_t max_head = 16 * 1024) : max_head_(max_head) {}

  // Error: a head longer than max_head, or one that does not parse.
  std::optional<parse_error> feed(const std::uint8_t* data, std::size_t size, std::vector<piece>& out);

private:
  std::size_t max_head_;
  bytes head_;                   // an incomplete head
  std::uint64_t body_left_ = 0;  // bytes of the current request's body still to pass on
};

}  // namespace vigil::protocol
