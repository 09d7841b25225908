// The webdav channel's own framing (spice-webdavd in the guest, spice-gtk's
// channel-webdav on the client): every WebDAV connection the guest opens to
// the shared folder travels in one port channel's SPICEVMC_DATA stream as
// records of
//   i64 client id (little endian), u16 size, size bytes of HTTP
// both ways. A record of size 0 says that side closed the connection. The
// client answers each guest connection with its own connection to the local
// WebDAV server (libphodav). Pure: bytes in, records out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "protocol/result.hpp"

namespace vigil::protocol {

struct webdav_record {
  std::int64_t client = 0;
  bytes data;  // empty: `client` closed its connection
  bool closes() const { return data.empty(); }
};

constexpr std::size_t webdav_record_header = 10;
constexpr std::size_t webdav_max_record_data = 0xffff;

// Splits the guest's stream into records, across any message boundaries.
// Holds at most one record's bytes plus what is already complete, so it
// never needs more than `max_buffered` (the caller drains with next()).
class webdav_demux {
public:
  explicit webdav_demux(std::size_t max_buffered = 4 * (webdav_record_header + webdav_max_record_data))
      : max_buffered_(max_buffered) {}

  // Error: more than max_buffered bytes of complete records were left undrained.
  std::optional<parse_error> feed(const std::uint8_t* data, std::size_t size);
  std::optional<webdav_record> next();
  std::size_t buffered() const { return pending_.size() + records_bytes_; }

private:
  std::size_t max_buffered_;
  bytes pending_;  // an incomplete record
  std::deque<webdav_record> records_;
  std::size_t records_bytes_ = 0;
};

// One record per 65,535 bytes of `data` (a close when `data` is empty).
bytes build_webdav_records(std::int64_t client, const std::uint8_t* data, std::size_t size);
bytes build_webdav_close(std::int64_t client);

}  // namespace vigil::protocol
