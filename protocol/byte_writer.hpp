// Internal: little-endian building of outbound bodies, the mirror of
// byte_reader, so every builder lays out fields the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "protocol/result.hpp"

namespace vigil::protocol {

class byte_writer {
public:
  byte_writer& u8(std::uint8_t v) { return put(v, 1); }
  byte_writer& u16(std::uint16_t v) { return put(v, 2); }
  byte_writer& u32(std::uint32_t v) { return put(v, 4); }
  byte_writer& u64(std::uint64_t v) { return put(v, 8); }
  byte_writer& i32(std::int32_t v) { return put(static_cast<std::uint32_t>(v), 4); }
  byte_writer& i64(std::int64_t v) { return put(static_cast<std::uint64_t>(v), 8); }
  byte_writer& raw(const std::uint8_t* data, std::size_t size) {
    out_.insert(out_.end(), data, data + size);
    return *this;
  }
  byte_writer& raw(const bytes& data) { return raw(data.data(), data.size()); }

  bytes take() { return std::move(out_); }

private:
  byte_writer& put(std::uint64_t v, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i)
      out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }

  bytes out_;
};

}  // namespace vigil::protocol
