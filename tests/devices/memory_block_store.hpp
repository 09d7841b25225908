// A block store in memory for the mass-storage tests, with counters and an
// injectable I/O error.
#pragma once

#include <cstring>
#include <vector>

#include "protocol/usb/mass_storage.hpp"

namespace vigil::test {

class memory_block_store : public protocol::usb::block_store {
public:
  explicit memory_block_store(std::size_t size) : data(size, 0) {}

  std::uint64_t size_bytes() const override { return data.size(); }
  bool read(std::uint64_t offset, std::uint8_t* out, std::size_t size) override {
    if (fail_io || offset + size > data.size())
      return false;
    std::memcpy(out, data.data() + offset, size);
    return true;
  }
  bool write(std::uint64_t offset, const std::uint8_t* in, std::size_t size) override {
    if (fail_io || offset + size > data.size())
      return false;
    std::memcpy(data.data() + offset, in, size);
    return true;
  }
  bool flush() override {
    ++flushes;
    return !fail_io;
  }

  std::vector<std::uint8_t> data;
  int flushes = 0;
  bool fail_io = false;
};

}  // namespace vigil::test
