#include "protocol/webdav_mux.hpp"

#include <algorithm>

namespace vigil::protocol {

namespace {

void put_header(bytes& out, std::int64_t client, std::uint16_t size) {
  auto id = static_cast<std::uint64_t>(client);
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<std::uint8_t>(id >> (8 * i)));
  out.push_back(static_cast<std::uint8_t>(size));
  out.push_back(static_cast<std::uint8_t>(size >> 8));
}

}  // namespace

std::optional<parse_error> webdav_demux::feed(const std::uint8_t* data, std::size_t size) {
  pending_.insert(pending_.end(), data, data + size);
  std::size_t at = 0;
  while (pending_.size() - at >= webdav_record_header) {
    const std::uint8_t* header = pending_.data() + at;
    std::uint64_t id = 0;
    for (int i = 0; i < 8; ++i)
      id |= static_cast<std::uint64_t>(header[i]) << (8 * i);
    std::size_t length = header[8] | header[9] << 8;
    if (pending_.size() - at < webdav_record_header + length)
      break;
    webdav_record record;
    record.client = static_cast<std::int64_t>(id);
    record.data.assign(header + webdav_record_header, header + webdav_record_header + length);
    records_bytes_ += length;
    records_.push_back(std::move(record));
    at += webdav_record_header + length;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(at));
  if (buffered() > max_buffered_)
    return parse_error{"WEBDAV: " + std::to_string(buffered()) + " bytes of records waiting, more than the bound of " +
                       std::to_string(max_buffered_)};
  return std::nullopt;
}

std::optional<webdav_record> webdav_demux::next() {
  if (records_.empty())
    return std::nullopt;
  auto record = std::move(records_.front());
  records_.pop_front();
  records_bytes_ -= record.data.size();
  return record;
}

bytes build_webdav_records(std::int64_t client, const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return build_webdav_close(client);
  bytes out;
  out.reserve(size + webdav_record_header * (size / webdav_max_record_data + 1));
  for (std::size_t at = 0; at < size; at += webdav_max_record_data) {
    auto length = std::min(webdav_max_record_data, size - at);
    put_header(out, client, static_cast<std::uint16_t>(length));
    out.insert(out.end(), data + at, data + at + length);
  }
  return out;
}

bytes build_webdav_close(std::int64_t client) {
  bytes out;
  put_header(out, client, 0);
  return out;
}

}  // namespace vigil::protocol
