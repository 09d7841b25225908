#include "actors/file_block_store.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {

std::unique_ptr<file_block_store> file_block_store::open(const std::string& path, bool read_only, std::string& error) {
  int fd = ::open(path.c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open disk image " + path + (read_only ? " for reading: " : " for reading and writing: ") +
            std::strerror(errno);
    return nullptr;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    error = "disk image " + path + " is not a regular file";
    ::close(fd);
    return nullptr;
  }
  if (static_cast<std::uint64_t>(info.st_size) < protocol::usb::bot_device::block_size) {
    error = "disk image " + path + " is smaller than one 512-byte block";
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<file_block_store>(new file_block_store(fd, path, static_cast<std::uint64_t>(info.st_size)));
}

file_block_store::~file_block_store() {
  ::fdatasync(fd_);
  ::close(fd_);
}

bool file_block_store::read(std::uint64_t offset, std::uint8_t* out, std::size_t size) {
  while (size > 0) {
    auto n = ::pread(fd_, out, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      last_error_ = "read of " + path_ + " failed: " + (n == 0 ? "end of file" : std::strerror(errno));
      return false;
    }
    out += n;
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool file_block_store::write(std::uint64_t offset, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    auto n = ::pwrite(fd_, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      last_error_ = "write to " + path_ + " failed: " + std::strerror(errno);
      return false;
    }
    data += n;
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool file_block_store::flush() {
  if (::fdatasync(fd_) == 0)
    return true;
  last_error_ = "fdatasync of " + path_ + " failed: " + std::strerror(errno);
  return false;
}

}  // namespace vigil
