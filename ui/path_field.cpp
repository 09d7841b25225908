#include "ui/path_field.hpp"

namespace vigil {

void path_field::type(std::uint32_t unicode) {
  if (unicode < 0x20 || unicode == 0x7f || unicode > 0x10ffff || (unicode >= 0xd800 && unicode <= 0xdfff))
    return;
  std::string encoded;
  if (unicode < 0x80) {
    encoded += static_cast<char>(unicode);
  } else if (unicode < 0x800) {
    encoded += static_cast<char>(0xc0 | (unicode >> 6));
    encoded += static_cast<char>(0x80 | (unicode & 0x3f));
  } else if (unicode < 0x10000) {
    encoded += static_cast<char>(0xe0 | (unicode >> 12));
    encoded += static_cast<char>(0x80 | ((unicode >> 6) & 0x3f));
    encoded += static_cast<char>(0x80 | (unicode & 0x3f));
  } else {
    encoded += static_cast<char>(0xf0 | (unicode >> 18));
    encoded += static_cast<char>(0x80 | ((unicode >> 12) & 0x3f));
    encoded += static_cast<char>(0x80 | ((unicode >> 6) & 0x3f));
    encoded += static_cast<char>(0x80 | (unicode & 0x3f));
  }
  if (text_.size() + encoded.size() <= max_bytes)
    text_ += encoded;
}

path_field::outcome path_field::key(protocol::pc_key key) {
  switch (key) {
    case protocol::pc_key::backspace:
      // One character: the last byte and the continuation bytes before it.
      while (!text_.empty() && (static_cast<unsigned char>(text_.back()) & 0xc0) == 0x80)
        text_.pop_back();
      if (!text_.empty())
        text_.pop_back();
      return outcome::editing;
    case protocol::pc_key::enter:
    case protocol::pc_key::kp_enter:
      return text_.empty() ? outcome::editing : outcome::submitted;
    case protocol::pc_key::escape:
      return outcome::cancelled;
    default:
      return outcome::editing;
  }
}

}  // namespace vigil
