// The virtual USB disk's blocks in an image file (--usb-disk FILE[,ro]):
// pread/pwrite at the offsets the SCSI commands name, fdatasync on
// SYNCHRONIZE CACHE and when the disk is closed. Calls block: only the
// usbredir channel that owns the disk uses it, on its own thread.
#pragma once

#include <memory>
#include <string>

#include "protocol/usb/mass_storage.hpp"

namespace vigil {

class file_block_store : public protocol::usb::block_store {
public:
  // nullptr and `error` set ("cannot open disk image X: reason") when the
  // file cannot be opened as asked or is smaller than one block.
  static std::unique_ptr<file_block_store> open(const std::string& path, bool read_only, std::string& error);
  ~file_block_store() override;

  std::uint64_t size_bytes() const override { return size_; }
  bool read(std::uint64_t offset, std::uint8_t* out, std::size_t size) override;
  bool write(std::uint64_t offset, const std::uint8_t* data, std::size_t size) override;
  bool flush() override;

  const std::string& path() const { return path_; }
  // The last I/O error since the previous call (empty: none).
  std::string take_error() { return std::move(last_error_); }

private:
  file_block_store(int fd, std::string path, std::uint64_t size) : fd_(fd), path_(std::move(path)), size_(size) {}

  int fd_;
  std::string path_;
  std::uint64_t size_;
  std::string last_error_;
};

}  // namespace vigil
