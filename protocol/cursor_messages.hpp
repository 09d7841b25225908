// The cursor channel: its messages, the cursor shapes they carry (decoded to
// ARGB), the cache of shapes the server refers to by id, and the tracker that
// keeps the cursor a client should show.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <unordered_map>
#include <vector>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// The Cursor field of INIT and SET, as on the wire: u16 flags (NONE 1,
// CACHE_ME 2, FROM_CACHE 4); unless NONE a header {u64 unique, u8 type,
// u16 width, height, hot_spot_x, hot_spot_y}; then the shape data to the end
// of the message.
struct cursor_field {
  std::uint16_t flags = 0;
  std::uint64_t unique = 0;
  std::uint8_t type = 0;  // SPICE_CURSOR_TYPE_*: ALPHA 0, MONO 1, COLOR4 2, COLOR8 3, COLOR16 4, COLOR24 5, COLOR32 6
  std::uint16_t width = 0;
  std::uint16_t height = 0;
  std::uint16_t hot_x = 0;
  std::uint16_t hot_y = 0;
  bytes data;

  bool none() const;        // no cursor at all: no header follows
  bool cache_me() const;    // keep the decoded shape under `unique`
  bool from_cache() const;  // the shape is the cached one under `unique`; no data
};

// SPICE_MSG_CURSOR_INIT {i16 x, y, u16 trail_length, trail_frequency, u8 visible, Cursor}
struct cursor_init {
  std::int16_t x = 0;
  std::int16_t y = 0;
  std::uint16_t trail_length = 0;
  std::uint16_t trail_frequency = 0;
  bool visible = false;
  cursor_field cursor;
};
// SPICE_MSG_CURSOR_SET {i16 x, y, u8 visible, Cursor}
struct cursor_set {
  std::int16_t x = 0;
  std::int16_t y = 0;
  bool visible = false;
  cursor_field cursor;
};
// SPICE_MSG_CURSOR_MOVE {i16 x, y}
struct cursor_move {
  std::int16_t x = 0;
  std::int16_t y = 0;
};
// SPICE_MSG_CURSOR_TRAIL {u16 length, u16 frequency}
struct cursor_trail {
  std::uint16_t length = 0;
  std::uint16_t frequency = 0;
};
// SPICE_MSG_CURSOR_INVAL_ONE {u64 id}
struct cursor_inval_one {
  std::uint64_t id = 0;
};
// RESET, HIDE and INVAL_ALL have no body.

result<cursor_init> parse_cursor_init(const bytes& body);
result<cursor_set> parse_cursor_set(const bytes& body);
result<cursor_move> parse_cursor_move(const bytes& body);
result<cursor_trail> parse_cursor_trail(const bytes& body);
result<cursor_inval_one> parse_cursor_inval_one(const bytes& body);

// A cursor shape ready to draw: the pixel under (hot_x, hot_y) is the one at
// the cursor position.
struct cursor_shape {
  std::uint64_t unique = 0;
  std::uint8_t type = 0;    // SPICE_CURSOR_TYPE_* it was decoded from
  std::uint16_t hot_x = 0;  // within the image: a hot spot outside it is moved to its edge
  std::uint16_t hot_y = 0;
  decoded_image image;      // 0xAARRGGBB, straight (not premultiplied) alpha; has_alpha = true
  // One flag per pixel when any pixel inverts the screen under it (MONO with
  // AND and XOR set; a COLOR type's white pixel under a set AND bit), else
  // empty. The image has such pixels opaque black, for a window that cannot
  // draw with XOR.
  std::vector<bool> inverted;
};

// "ALPHA", "MONO", "COLOR4" ... "COLOR32"; nullptr for any other type.
const char* cursor_type_name(std::uint8_t type);

// The largest width or height accepted (spice-gtk and QEMU use at most 256).
constexpr std::uint16_t max_cursor_side = 1024;

// The shape data of each type (rows top-down; masks 1 bit per pixel, most
// significant bit first, rows padded to whole bytes):
//   ALPHA    width x height u32 0xAARRGGBB
//   MONO     AND mask, then XOR mask: AND 0: XOR 0 black, 1 white;
//            AND 1: XOR 0 transparent, 1 inverted
//   COLOR4   4-bit indices (high nibble first, rows padded to bytes), 16 u32 palette, AND mask
//   COLOR8   8-bit indices, 256 u32 palette, AND mask
//   COLOR16  u16 x1r5g5b5, AND mask
//   COLOR24  3 bytes B, G, R, AND mask
//   COLOR32  u32 xRGB, AND mask
// For the COLOR types AND 0 is the opaque colour; AND 1 is transparent, or
// inverted where the colour is white (as spice-gtk draws them).
// `message` names the message in errors ("CURSOR_SET: ...").
result<cursor_shape> decode_cursor_shape(const cursor_field& cursor, const char* message);

// The shapes the server told the client to keep (CACHE_ME), found again by
// their unique id (FROM_CACHE), dropped by INVAL_ONE, INVAL_ALL, INIT and
// RESET. spice-server keeps its side within 256 shapes; this side is bounded
// anyway, by count and by pixels, evicting the oldest first.
class cursor_cache {
public:
  static constexpr std::size_t default_max_shapes = 256;
  static constexpr std::uint64_t default_max_pixels = 4u * 1024 * 1024;

  explicit cursor_cache(std::size_t max_shapes = default_max_shapes,
                        std::uint64_t max_pixels = default_max_pixels);
  // The index holds iterators into the list: moving keeps them valid, copying would not.
  cursor_cache(const cursor_cache&) = delete;
  cursor_cache& operator=(const cursor_cache&) = delete;
  cursor_cache(cursor_cache&&) = default;
  cursor_cache& operator=(cursor_cache&&) = default;

  // Stores or replaces the shape under shape->unique.
  void put(std::shared_ptr<const cursor_shape> shape);
  std::shared_ptr<const cursor_shape> find(std::uint64_t unique) const;
  void remove(std::uint64_t unique);
  void clear();

  std::size_t size() const { return by_unique_.size(); }
  std::uint64_t pixels_held() const { return pixels_held_; }
  std::uint64_t evictions() const { return evictions_; }

private:
  using put_order = std::list<std::shared_ptr<const cursor_shape>>;  // oldest first
  void erase(put_order::iterator position);

  std::size_t max_shapes_;
  std::uint64_t max_pixels_;
  std::uint64_t pixels_held_ = 0;
  std::uint64_t evictions_ = 0;
  put_order order_;
  std::unordered_map<std::uint64_t, put_order::iterator> by_unique_;
};

// The cursor as the server last described it.
struct cursor_state {
  std::shared_ptr<const cursor_shape> shape;  // null: no cursor (NONE, before INIT, after RESET)
  std::int16_t x = 0;  // where the hot spot is, in guest screen coordinates
  std::int16_t y = 0;
  bool visible = false;  // there is a shape and the server shows it
  std::uint16_t trail_length = 0;
  std::uint16_t trail_frequency = 0;
};

// Applies the cursor channel's messages to a cursor_state and the cache.
class cursor_tracker {
public:
  explicit cursor_tracker(std::size_t max_cached_shapes = cursor_cache::default_max_shapes,
                          std::uint64_t max_cached_pixels = cursor_cache::default_max_pixels);

  // One message of the cursor channel (SPICE_MSG_CURSOR_*). True when it was
  // applied, false for a type that is not a cursor message (nothing changes).
  // An error (a field that does not fit, an undecodable shape, FROM_CACHE of
  // an id not in the cache) leaves the state as it was.
  result<bool> apply(std::uint16_t type, const bytes& body);

  const cursor_state& state() const { return state_; }
  const cursor_cache& cache() const { return cache_; }

private:
  // INIT starts with an empty cache (`fresh_cache`), so it cannot use FROM_CACHE.
  result<std::shared_ptr<const cursor_shape>> resolve(const cursor_field& cursor, bool fresh_cache,
                                                      const char* message);
  result<bool> set_shape(const cursor_field& cursor, bool visible, bool fresh_cache, const char* message);

  cursor_cache cache_;
  cursor_state state_;
};

}  // namespace vigil::protocol
