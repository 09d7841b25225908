// Fuzzes the cursor channel: message parsers, shape decoding and the tracker
// with its cache. Input: selector byte, then
//   0: u8 message type (mod 8, from CURSOR_INIT) + body, applied to a new tracker
//   1: u8 type, u8 width, u8 height, u8 hot_x, u8 hot_y + shape data, decoded
//   2: a session: repeated {u8 type (mod 9, the 9th unknown), u16 length, body}
// Seeds: the cursor messages of tests/data/cursor and tests/data/qemu.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <spice/enums.h>

#include "fuzz_check.hpp"
#include "protocol/cursor_messages.hpp"

using namespace vigil::protocol;

namespace {

void check_shape(const cursor_shape& shape, std::uint32_t width, std::uint32_t height) {
  FUZZ_CHECK(shape.image.width == width && shape.image.height == height);
  FUZZ_CHECK(shape.image.pixels.size() == std::size_t{width} * height);
  FUZZ_CHECK(shape.inverted.empty() || shape.inverted.size() == shape.image.pixels.size());
  FUZZ_CHECK(shape.hot_x <= width && shape.hot_y <= height);
}

void check_tracker(const cursor_tracker& tracker) {
  const auto& state = tracker.state();
  FUZZ_CHECK(!state.visible || state.shape != nullptr);
  if (state.shape)
    check_shape(*state.shape, state.shape->image.width, state.shape->image.height);
  FUZZ_CHECK(tracker.cache().size() <= cursor_cache::default_max_shapes);
}

std::uint64_t needed_bytes(std::uint8_t type, std::uint64_t width, std::uint64_t height) {
  const std::uint64_t mask = (width + 7) / 8 * height;
  switch (type) {
    case SPICE_CURSOR_TYPE_ALPHA: return width * height * 4;
    case SPICE_CURSOR_TYPE_MONO: return 2 * mask;
    case SPICE_CURSOR_TYPE_COLOR4: return (width + 1) / 2 * height + 64 + mask;
    case SPICE_CURSOR_TYPE_COLOR8: return width * height + 1024 + mask;
    case SPICE_CURSOR_TYPE_COLOR16: return width * height * 2 + mask;
    case SPICE_CURSOR_TYPE_COLOR24: return width * height * 3 + mask;
    default: return width * height * 4 + mask;
  }
}

void fuzz_one_message(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return;
  const auto type = static_cast<std::uint16_t>(SPICE_MSG_CURSOR_INIT + data[0] % 8);
  const bytes body(data + 1, data + size);
  cursor_tracker tracker;
  const auto applied = tracker.apply(type, body);
  if (applied.ok())
    FUZZ_CHECK(*applied);
  else
    FUZZ_CHECK(applied.error().message.rfind("CURSOR_", 0) == 0);
  switch (type) {
    case SPICE_MSG_CURSOR_MOVE:
    case SPICE_MSG_CURSOR_TRAIL: FUZZ_CHECK(applied.ok() == (body.size() >= 4)); break;
    case SPICE_MSG_CURSOR_INVAL_ONE: FUZZ_CHECK(applied.ok() == (body.size() >= 8)); break;
    case SPICE_MSG_CURSOR_RESET:
    case SPICE_MSG_CURSOR_HIDE:
    case SPICE_MSG_CURSOR_INVAL_ALL: FUZZ_CHECK(applied.ok()); break;
    default: break;
  }
  check_tracker(tracker);
}

void fuzz_shape(const std::uint8_t* data, std::size_t size) {
  if (size < 5)
    return;
  cursor_field field;
  field.type = data[0] % 8;
  field.width = data[1];
  field.height = data[2];
  field.hot_x = data[3];
  field.hot_y = data[4];
  field.data.assign(data + 5, data + size);
  const auto shape = decode_cursor_shape(field, "CURSOR_SET");
  const bool decodable = field.type <= SPICE_CURSOR_TYPE_COLOR32 &&
                         field.data.size() >= needed_bytes(field.type, field.width, field.height);
  FUZZ_CHECK(shape.ok() == decodable);
  if (shape.ok())
    check_shape(*shape, field.width, field.height);
}

void fuzz_session(const std::uint8_t* data, std::size_t size) {
  cursor_tracker tracker;
  std::size_t at = 0;
  while (size - at >= 3) {
    const auto type = static_cast<std::uint16_t>(SPICE_MSG_CURSOR_INIT + data[at] % 9);
    const std::size_t length = std::min<std::size_t>(data[at + 1] | data[at + 2] << 8, size - at - 3);
    const bytes body(data + at + 3, data + at + 3 + length);
    at += 3 + length;
    const auto before = tracker.state();
    const auto applied = tracker.apply(type, body);
    if (!applied.ok()) {
      // A failed message changes nothing.
      FUZZ_CHECK(tracker.state().shape == before.shape && tracker.state().x == before.x &&
                 tracker.state().visible == before.visible);
    } else {
      FUZZ_CHECK(*applied == (type != SPICE_MSG_END_CURSOR));
    }
    check_tracker(tracker);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  switch (data[0] % 3) {
    case 0: fuzz_one_message(data + 1, size - 1); break;
    case 1: fuzz_shape(data + 1, size - 1); break;
    default: fuzz_session(data + 1, size - 1); break;
  }
  return 0;
}
