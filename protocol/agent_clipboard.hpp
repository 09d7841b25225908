// What the clipboard needs besides vdagent's framing (protocol/vdagent.hpp):
// the clipboard types' names and MIME types, line-end conversion for guests
// that announced CRLF (Windows), and VD_AGENT_MAX_CLIPBOARD. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace vigil::protocol {

// "UTF8_TEXT", "IMAGE_PNG", ... for logs; "type N" past the known ones.
std::string clipboard_type_name(std::uint32_t type);
// The X target of a clipboard type ("image/png"); nullptr for text (X has
// several text targets) and for types without one.
const char* clipboard_image_mime(std::uint32_t type);
// The clipboard type an image MIME type maps to.
std::optional<std::uint32_t> clipboard_type_of_mime(std::string_view mime);

// Text for a guest that announced VD_AGENT_CAP_GUEST_LINEEND_CRLF: every
// "\n" not already after "\r" becomes "\r\n"; and back: every "\r\n" -> "\n"
// (a lone "\r" stays).
std::string lf_to_crlf(std::string_view text);
std::string crlf_to_lf(std::string_view text);

// VD_AGENT_MAX_CLIPBOARD {i32 max}: the largest clipboard data the sender
// accepts; a negative or zero max means "no limit".
bytes build_max_clipboard(std::int32_t max);
result<std::int32_t> parse_max_clipboard(const bytes& data);

}  // namespace vigil::protocol
