#include "protocol/agent_clipboard.hpp"

#include <spice/vd_agent.h>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

std::string clipboard_type_name(std::uint32_t type) {
  switch (type) {
    case VD_AGENT_CLIPBOARD_NONE: return "NONE";
    case VD_AGENT_CLIPBOARD_UTF8_TEXT: return "UTF8_TEXT";
    case VD_AGENT_CLIPBOARD_IMAGE_PNG: return "IMAGE_PNG";
    case VD_AGENT_CLIPBOARD_IMAGE_BMP: return "IMAGE_BMP";
    case VD_AGENT_CLIPBOARD_IMAGE_TIFF: return "IMAGE_TIFF";
    case VD_AGENT_CLIPBOARD_IMAGE_JPG: return "IMAGE_JPG";
    case VD_AGENT_CLIPBOARD_FILE_LIST: return "FILE_LIST";
    default: return "type " + std::to_string(type);
  }
}

const char* clipboard_image_mime(std::uint32_t type) {
  switch (type) {
    case VD_AGENT_CLIPBOARD_IMAGE_PNG: return "image/png";
    case VD_AGENT_CLIPBOARD_IMAGE_BMP: return "image/bmp";
    case VD_AGENT_CLIPBOARD_IMAGE_TIFF: return "image/tiff";
    case VD_AGENT_CLIPBOARD_IMAGE_JPG: return "image/jpeg";
    default: return nullptr;
  }
}

std::optional<std::uint32_t> clipboard_type_of_mime(std::string_view mime) {
  for (std::uint32_t type : {VD_AGENT_CLIPBOARD_IMAGE_PNG, VD_AGENT_CLIPBOARD_IMAGE_BMP, VD_AGENT_CLIPBOARD_IMAGE_TIFF,
                             VD_AGENT_CLIPBOARD_IMAGE_JPG})
    if (mime == clipboard_image_mime(type))
      return type;
  return std::nullopt;
}

std::string lf_to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
      out += '\r';
    out += text[i];
  }
  return out;
}

std::string crlf_to_lf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
      continue;
    out += text[i];
  }
  return out;
}

bytes build_max_clipboard(std::int32_t max) { return byte_writer{}.u32(static_cast<std::uint32_t>(max)).take(); }

result<std::int32_t> parse_max_clipboard(const bytes& data) {
  byte_reader in(data, "VDAgentMaxClipboard");
  auto max = in.i32("max");
  if (in.failed())
    return in.error();
  return max;
}

}  // namespace vigil::protocol
