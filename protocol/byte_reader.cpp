#include "protocol/byte_reader.hpp"

#include <type_traits>

namespace vigil::protocol {

byte_reader::byte_reader(const std::uint8_t* data, std::size_t size, const char* message_name)
    : data_(data), size_(data == nullptr ? 0 : size), message_name_(message_name) {}

byte_reader::byte_reader(const bytes& body, const char* message_name)
    : byte_reader(body.data(), body.size(), message_name) {}

void byte_reader::fail(const std::string& what) {
  if (error_.empty())
    error_ = std::string(message_name_) + ": " + what;
}

const std::uint8_t* byte_reader::raw(const char* field, std::size_t count) {
  if (failed())
    return nullptr;
  if (count > remaining()) {
    fail("field " + std::string(field) + " truncated (need " + std::to_string(count) +
         " bytes at offset " + std::to_string(offset_) + ", body is " + std::to_string(size_) +
         " bytes)");
    return nullptr;
  }
  const std::uint8_t* start = data_ + offset_;
  offset_ += count;
  return start;
}

template <class T>
T byte_reader::read_le(const char* field) {
  using unsigned_t = std::make_unsigned_t<T>;
  const std::uint8_t* p = raw(field, sizeof(T));
  if (p == nullptr)
    return 0;
  unsigned_t value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    value = static_cast<unsigned_t>(value | (static_cast<unsigned_t>(p[i]) << (8 * i)));
  return static_cast<T>(value);
}

std::uint8_t byte_reader::u8(const char* field) { return read_le<std::uint8_t>(field); }
std::uint16_t byte_reader::u16(const char* field) { return read_le<std::uint16_t>(field); }
std::uint32_t byte_reader::u32(const char* field) { return read_le<std::uint32_t>(field); }
std::uint64_t byte_reader::u64(const char* field) { return read_le<std::uint64_t>(field); }
std::int16_t byte_reader::i16(const char* field) { return read_le<std::int16_t>(field); }
std::int32_t byte_reader::i32(const char* field) { return read_le<std::int32_t>(field); }
std::int64_t byte_reader::i64(const char* field) { return read_le<std::int64_t>(field); }

bool byte_reader::fits(const char* count_field, std::uint64_t count, std::size_t element_size) {
  if (failed())
    return false;
  // count < 2^32 and element_size is a small struct size in every caller, but
  // guard the multiplication anyway so a fuzzer cannot wrap it.
  const std::uint64_t limit = remaining();
  if (element_size != 0 && count > limit / element_size) {
    fail(std::string(count_field) + " " + std::to_string(count) + " exceeds body (" +
         std::to_string(count) + " x " + std::to_string(element_size) + " bytes needed at offset " +
         std::to_string(offset_) + ", body is " + std::to_string(size_) + " bytes)");
    return false;
  }
  return true;
}

std::string byte_reader::counted_text(const char* length_field, const char* text_field) {
  const std::uint32_t length = u32(length_field);
  if (!fits(length_field, length, 1))
    return {};
  const std::uint8_t* text = raw(text_field, length);
  std::size_t size = length;
  while (size > 0 && text[size - 1] == 0)
    --size;
  return std::string(reinterpret_cast<const char*>(text), size);
}

bool byte_reader::seek(const char* offset_field, std::uint64_t offset) {
  if (failed())
    return false;
  if (offset > size_) {
    fail(std::string(offset_field) + " " + std::to_string(offset) + " points past the body (" +
         std::to_string(size_) + " bytes)");
    return false;
  }
  offset_ = static_cast<std::size_t>(offset);
  return true;
}

}  // namespace vigil::protocol
