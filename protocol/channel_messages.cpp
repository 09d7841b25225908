#include "protocol/channel_messages.hpp"

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {
namespace {

result<keyboard_modifiers> parse_modifiers(const bytes& body, const char* message) {
  byte_reader reader(body, message);
  keyboard_modifiers out;
  out.modifiers = reader.u16("keyboard_modifiers");
  return reader.finish(std::move(out));
}

}  // namespace

bytes build_display_init(const display_init_request& request) {
  return byte_writer()
      .u8(request.pixmap_cache_id)
      .i64(request.pixmap_cache_size)
      .u8(request.glz_dictionary_id)
      .i32(request.glz_window_size)
      .take();
}

result<keyboard_modifiers> parse_inputs_init(const bytes& body) {
  return parse_modifiers(body, "INPUTS_INIT");
}

result<keyboard_modifiers> parse_key_modifiers(const bytes& body) {
  return parse_modifiers(body, "INPUTS_KEY_MODIFIERS");
}

}  // namespace vigil::protocol
