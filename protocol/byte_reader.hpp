// Internal: bounds-checked little-endian reading of one message body. Every
// parser in protocol/ decodes through this class, so truncation and count
// checks are written once and their errors all read the same way.
//
// The first failure is sticky: later reads return zero and change nothing, so
// a parser reads all its fields and checks `failed()` once; the error names
// the message and the first field that did not fit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/result.hpp"

namespace vigil::protocol {

class byte_reader {
public:
  // `message_name` must outlive the reader (a string literal in practice).
  byte_reader(const std::uint8_t* data, std::size_t size, const char* message_name);
  byte_reader(const bytes& body, const char* message_name);

  std::uint8_t u8(const char* field);
  std::uint16_t u16(const char* field);
  std::uint32_t u32(const char* field);
  std::uint64_t u64(const char* field);
  std::int16_t i16(const char* field);
  std::int32_t i32(const char* field);
  std::int64_t i64(const char* field);

  // `count` raw bytes; nullptr (and failed) when they do not fit.
  const std::uint8_t* raw(const char* field, std::size_t count);

  // A u32 length then that many bytes of text, as in NOTIFY and MAIN_NAME.
  // The server counts the C string's NUL, so trailing NULs are dropped.
  std::string counted_text(const char* length_field, const char* text_field);

  // Checks that `count` elements of `element_size` bytes fit in what is left,
  // before the caller allocates anything for them.
  bool fits(const char* count_field, std::uint64_t count, std::size_t element_size);

  // Moves to an absolute offset taken from a field (e.g. caps_offset).
  bool seek(const char* offset_field, std::uint64_t offset);

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return size_ - offset_; }
  bool failed() const { return !error_.empty(); }
  parse_error error() const { return parse_error{error_}; }

  // Records a semantic failure (bad magic, bad enum) in the same format.
  void fail(const std::string& what);

  // A parser's last line: what it read, or the first failure.
  template <class T>
  result<T> finish(T value) const {
    if (failed())
      return error();
    return value;
  }

private:
  template <class T> T read_le(const char* field);

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
  const char* message_name_;
  std::string error_;
};

}  // namespace vigil::protocol
