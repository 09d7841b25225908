#include "protocol/cursor_messages.hpp"

#include <spice/enums.h>

#include <algorithm>
#include <iterator>
#include <string>

#include "protocol/byte_reader.hpp"

namespace vigil::protocol {
namespace {

constexpr std::uint32_t opaque_black = 0xff000000;
constexpr std::uint32_t opaque_white = 0xffffffff;
constexpr std::uint32_t transparent = 0x00000000;

// Reads the Cursor field that ends INIT and SET: its data runs to the end.
cursor_field read_cursor_field(byte_reader& reader) {
  cursor_field cursor;
  cursor.flags = reader.u16("cursor.flags");
  if (!reader.failed() && !cursor.none()) {
    cursor.unique = reader.u64("cursor.unique");
    cursor.type = reader.u8("cursor.type");
    cursor.width = reader.u16("cursor.width");
    cursor.height = reader.u16("cursor.height");
    cursor.hot_x = reader.u16("cursor.hot_spot_x");
    cursor.hot_y = reader.u16("cursor.hot_spot_y");
  }
  const std::size_t rest = reader.remaining();
  if (const std::uint8_t* data = reader.raw("cursor.data", rest); data != nullptr && rest > 0)
    cursor.data.assign(data, data + rest);
  return cursor;
}

// One bit per pixel, rows padded to whole bytes, most significant bit first.
class bit_mask {
public:
  bit_mask(const std::uint8_t* bits, std::uint32_t width) : bits_(bits), stride_((width + 7) / 8) {}
  static std::uint64_t size(std::uint32_t width, std::uint32_t height) { return std::uint64_t{(width + 7) / 8} * height; }
  bool at(std::uint32_t x, std::uint32_t y) const {
    return (bits_[std::size_t{y} * stride_ + x / 8] & (0x80u >> (x % 8))) != 0;
  }

private:
  const std::uint8_t* bits_;
  std::uint32_t stride_;
};

std::uint32_t read_u32_le(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

std::uint32_t expand_5_bits(std::uint32_t value) { return (value << 3) | (value >> 2); }

// Bytes of colour data (pixels and palette) before the AND mask of a COLOR type.
std::uint64_t color_bytes(std::uint8_t type, std::uint32_t width, std::uint32_t height) {
  const std::uint64_t pixels = std::uint64_t{width} * height;
  switch (type) {
    case SPICE_CURSOR_TYPE_COLOR4: return std::uint64_t{(width + 1) / 2} * height + 16 * 4;
    case SPICE_CURSOR_TYPE_COLOR8: return pixels + 256 * 4;
    case SPICE_CURSOR_TYPE_COLOR16: return pixels * 2;
    case SPICE_CURSOR_TYPE_COLOR24: return pixels * 3;
    default: return pixels * 4;  // COLOR32
  }
}

std::uint64_t needed_bytes(std::uint8_t type, std::uint32_t width, std::uint32_t height) {
  switch (type) {
    case SPICE_CURSOR_TYPE_ALPHA: return std::uint64_t{width} * height * 4;
    case SPICE_CURSOR_TYPE_MONO: return 2 * bit_mask::size(width, height);
    default: return color_bytes(type, width, height) + bit_mask::size(width, height);
  }
}

// The xRGB colour of pixel (x, y) of a COLOR type.
std::uint32_t color_at(std::uint8_t type, const std::uint8_t* data, std::uint32_t width, std::uint32_t height,
                       std::uint32_t x, std::uint32_t y) {
  const std::size_t index = std::size_t{y} * width + x;
  switch (type) {
    case SPICE_CURSOR_TYPE_COLOR4: {
      const std::size_t stride = (width + 1) / 2;
      const std::uint8_t pair = data[y * stride + x / 2];
      const unsigned entry = (x % 2 == 0) ? pair >> 4 : pair & 0x0f;
      return read_u32_le(data + stride * height + entry * 4) & 0xffffff;
    }
    case SPICE_CURSOR_TYPE_COLOR8:
      return read_u32_le(data + std::size_t{width} * height + data[index] * 4u) & 0xffffff;
    case SPICE_CURSOR_TYPE_COLOR16: {
      const std::uint32_t pixel = data[index * 2] | std::uint32_t{data[index * 2 + 1]} << 8;
      return expand_5_bits((pixel >> 10) & 0x1f) << 16 | expand_5_bits((pixel >> 5) & 0x1f) << 8 |
             expand_5_bits(pixel & 0x1f);
    }
    case SPICE_CURSOR_TYPE_COLOR24: {
      const std::uint8_t* p = data + index * 3;
      return std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
    }
    default: return read_u32_le(data + index * 4) & 0xffffff;  // COLOR32
  }
}

void decode_pixels(const cursor_field& cursor, cursor_shape& shape) {
  const std::uint32_t width = cursor.width, height = cursor.height;
  const std::uint8_t* data = cursor.data.data();
  auto& pixels = shape.image.pixels;
  if (cursor.type == SPICE_CURSOR_TYPE_ALPHA) {
    for (std::size_t i = 0; i < pixels.size(); ++i)
      pixels[i] = read_u32_le(data + i * 4);
    return;
  }
  std::vector<bool> inverted(pixels.size(), false);
  bool any_inverted = false;
  auto mark_inverted = [&](std::size_t index) {
    pixels[index] = opaque_black;
    inverted[index] = true;
    any_inverted = true;
  };
  if (cursor.type == SPICE_CURSOR_TYPE_MONO) {
    const bit_mask and_mask(data, width);
    const bit_mask xor_mask(data + bit_mask::size(width, height), width);
    for (std::uint32_t y = 0; y < height; ++y)
      for (std::uint32_t x = 0; x < width; ++x) {
        const std::size_t index = std::size_t{y} * width + x;
        const bool xor_bit = xor_mask.at(x, y);
        if (!and_mask.at(x, y))
          pixels[index] = xor_bit ? opaque_white : opaque_black;
        else if (xor_bit)
          mark_inverted(index);
        else
          pixels[index] = transparent;
      }
  } else {
    const bit_mask and_mask(data + color_bytes(cursor.type, width, height), width);
    for (std::uint32_t y = 0; y < height; ++y)
      for (std::uint32_t x = 0; x < width; ++x) {
        const std::size_t index = std::size_t{y} * width + x;
        const std::uint32_t color = color_at(cursor.type, data, width, height, x, y);
        if (!and_mask.at(x, y))
          pixels[index] = 0xff000000 | color;
        else if (color == 0xffffff)
          mark_inverted(index);
        else
          pixels[index] = transparent;
      }
  }
  if (any_inverted)
    shape.inverted = std::move(inverted);
}

}  // namespace

const char* cursor_type_name(std::uint8_t type) {
  switch (type) {
    case SPICE_CURSOR_TYPE_ALPHA: return "ALPHA";
    case SPICE_CURSOR_TYPE_MONO: return "MONO";
    case SPICE_CURSOR_TYPE_COLOR4: return "COLOR4";
    case SPICE_CURSOR_TYPE_COLOR8: return "COLOR8";
    case SPICE_CURSOR_TYPE_COLOR16: return "COLOR16";
    case SPICE_CURSOR_TYPE_COLOR24: return "COLOR24";
    case SPICE_CURSOR_TYPE_COLOR32: return "COLOR32";
    default: return nullptr;
  }
}

bool cursor_field::none() const { return (flags & SPICE_CURSOR_FLAGS_NONE) != 0; }
bool cursor_field::cache_me() const { return (flags & SPICE_CURSOR_FLAGS_CACHE_ME) != 0; }
bool cursor_field::from_cache() const { return (flags & SPICE_CURSOR_FLAGS_FROM_CACHE) != 0; }

result<cursor_init> parse_cursor_init(const bytes& body) {
  byte_reader reader(body, "CURSOR_INIT");
  cursor_init init;
  init.x = reader.i16("position.x");
  init.y = reader.i16("position.y");
  init.trail_length = reader.u16("trail_length");
  init.trail_frequency = reader.u16("trail_frequency");
  init.visible = reader.u8("visible") != 0;
  init.cursor = read_cursor_field(reader);
  return reader.finish(std::move(init));
}

result<cursor_set> parse_cursor_set(const bytes& body) {
  byte_reader reader(body, "CURSOR_SET");
  cursor_set set;
  set.x = reader.i16("position.x");
  set.y = reader.i16("position.y");
  set.visible = reader.u8("visible") != 0;
  set.cursor = read_cursor_field(reader);
  return reader.finish(std::move(set));
}

result<cursor_move> parse_cursor_move(const bytes& body) {
  byte_reader reader(body, "CURSOR_MOVE");
  cursor_move move;
  move.x = reader.i16("position.x");
  move.y = reader.i16("position.y");
  return reader.finish(std::move(move));
}

result<cursor_trail> parse_cursor_trail(const bytes& body) {
  byte_reader reader(body, "CURSOR_TRAIL");
  cursor_trail trail;
  trail.length = reader.u16("length");
  trail.frequency = reader.u16("frequency");
  return reader.finish(std::move(trail));
}

result<cursor_inval_one> parse_cursor_inval_one(const bytes& body) {
  byte_reader reader(body, "CURSOR_INVAL_ONE");
  cursor_inval_one inval;
  inval.id = reader.u64("id");
  return reader.finish(std::move(inval));
}

result<cursor_shape> decode_cursor_shape(const cursor_field& cursor, const char* message) {
  const std::string prefix = std::string(message) + ": ";
  const char* type_name = cursor_type_name(cursor.type);
  if (type_name == nullptr)
    return parse_error{prefix + "field cursor.type " + std::to_string(cursor.type) +
                       " is not a cursor type (ALPHA 0 .. COLOR32 6)"};
  if (cursor.width > max_cursor_side || cursor.height > max_cursor_side)
    return parse_error{prefix + "cursor " + std::to_string(cursor.width) + "x" + std::to_string(cursor.height) +
                       " exceeds the limit of " + std::to_string(max_cursor_side) + " pixels a side"};
  const std::uint64_t needed = needed_bytes(cursor.type, cursor.width, cursor.height);
  if (cursor.data.size() < needed)
    return parse_error{prefix + "field cursor.data truncated (" + type_name + " " + std::to_string(cursor.width) +
                       "x" + std::to_string(cursor.height) + " needs " + std::to_string(needed) +
                       " bytes, have " + std::to_string(cursor.data.size()) + ")"};
  cursor_shape shape;
  shape.unique = cursor.unique;
  shape.type = cursor.type;
  shape.hot_x = std::min(cursor.hot_x, cursor.width);
  shape.hot_y = std::min(cursor.hot_y, cursor.height);
  shape.image.width = cursor.width;
  shape.image.height = cursor.height;
  shape.image.has_alpha = true;
  shape.image.pixels.assign(std::size_t{cursor.width} * cursor.height, transparent);
  decode_pixels(cursor, shape);
  return shape;
}

// ---------------------------------------------------------------- cursor_cache

cursor_cache::cursor_cache(std::size_t max_shapes, std::uint64_t max_pixels)
    : max_shapes_(std::max<std::size_t>(max_shapes, 1)), max_pixels_(max_pixels) {}

void cursor_cache::put(std::shared_ptr<const cursor_shape> shape) {
  if (!shape)
    return;
  remove(shape->unique);
  pixels_held_ += shape->image.pixels.size();
  order_.push_back(shape);
  by_unique_[shape->unique] = std::prev(order_.end());
  // The newest shape stays even if it alone is over the pixel limit: it is in use.
  while (order_.size() > 1 && (order_.size() > max_shapes_ || pixels_held_ > max_pixels_)) {
    erase(order_.begin());
    ++evictions_;
  }
}

std::shared_ptr<const cursor_shape> cursor_cache::find(std::uint64_t unique) const {
  const auto found = by_unique_.find(unique);
  return found == by_unique_.end() ? nullptr : *found->second;
}

void cursor_cache::remove(std::uint64_t unique) {
  const auto found = by_unique_.find(unique);
  if (found != by_unique_.end())
    erase(found->second);
}

void cursor_cache::erase(put_order::iterator position) {
  pixels_held_ -= (*position)->image.pixels.size();
  by_unique_.erase((*position)->unique);
  order_.erase(position);
}

void cursor_cache::clear() {
  order_.clear();
  by_unique_.clear();
  pixels_held_ = 0;
}

// ---------------------------------------------------------------- cursor_tracker

cursor_tracker::cursor_tracker(std::size_t max_cached_shapes, std::uint64_t max_cached_pixels)
    : cache_(max_cached_shapes, max_cached_pixels) {}

result<std::shared_ptr<const cursor_shape>> cursor_tracker::resolve(const cursor_field& cursor, bool fresh_cache,
                                                                    const char* message) {
  using shape_pointer = std::shared_ptr<const cursor_shape>;
  if (cursor.none())
    return shape_pointer{};
  if (cursor.from_cache()) {
    auto cached = fresh_cache ? nullptr : cache_.find(cursor.unique);
    if (!cached)
      return parse_error{std::string(message) + ": field cursor.unique " + std::to_string(cursor.unique) +
                         " is FROM_CACHE but not in the cursor cache"};
    return cached;
  }
  auto decoded = decode_cursor_shape(cursor, message);
  if (!decoded)
    return decoded.error();
  return shape_pointer{std::make_shared<const cursor_shape>(std::move(*decoded))};
}

result<bool> cursor_tracker::set_shape(const cursor_field& cursor, bool visible, bool fresh_cache,
                                       const char* message) {
  auto shape = resolve(cursor, fresh_cache, message);
  if (!shape)
    return shape.error();
  if (fresh_cache)
    cache_.clear();
  if (*shape && cursor.cache_me() && !cursor.from_cache())
    cache_.put(*shape);
  state_.shape = std::move(*shape);
  state_.visible = visible && state_.shape != nullptr;
  return true;
}

result<bool> cursor_tracker::apply(std::uint16_t type, const bytes& body) {
  switch (type) {
    case SPICE_MSG_CURSOR_INIT: {
      auto init = parse_cursor_init(body);
      if (!init)
        return init.error();
      // A new cursor session: earlier ids mean nothing any more.
      auto applied = set_shape(init->cursor, init->visible, true, "CURSOR_INIT");
      if (!applied)
        return applied;
      state_.x = init->x;
      state_.y = init->y;
      state_.trail_length = init->trail_length;
      state_.trail_frequency = init->trail_frequency;
      return true;
    }
    case SPICE_MSG_CURSOR_RESET:
      cache_.clear();
      state_ = cursor_state{};
      return true;
    case SPICE_MSG_CURSOR_SET: {
      auto set = parse_cursor_set(body);
      if (!set)
        return set.error();
      auto applied = set_shape(set->cursor, set->visible, false, "CURSOR_SET");
      if (!applied)
        return applied;
      state_.x = set->x;
      state_.y = set->y;
      return true;
    }
    case SPICE_MSG_CURSOR_MOVE: {
      auto move = parse_cursor_move(body);
      if (!move)
        return move.error();
      state_.x = move->x;
      state_.y = move->y;
      // spice-server's model: a moved cursor is shown.
      state_.visible = state_.shape != nullptr;
      return true;
    }
    case SPICE_MSG_CURSOR_HIDE:
      state_.visible = false;
      return true;
    case SPICE_MSG_CURSOR_TRAIL: {
      auto trail = parse_cursor_trail(body);
      if (!trail)
        return trail.error();
      state_.trail_length = trail->length;
      state_.trail_frequency = trail->frequency;
      return true;
    }
    case SPICE_MSG_CURSOR_INVAL_ONE: {
      auto inval = parse_cursor_inval_one(body);
      if (!inval)
        return inval.error();
      cache_.remove(inval->id);
      return true;
    }
    case SPICE_MSG_CURSOR_INVAL_ALL:
      cache_.clear();
      return true;
    default:
      return false;
  }
}

}  // namespace vigil::protocol
