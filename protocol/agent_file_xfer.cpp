#include "protocol/agent_file_xfer.hpp"

#include <spice/vd_agent.h>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

namespace {

constexpr std::string_view group_line = "[vdagent-file-xfer]";

// GKeyFile's value escapes: backslash, newline, tab, carriage return, and a
// leading space.
std::string escape_value(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (c == ' ' && i == 0)
      out += "\\s";
    else
      out += c;
  }
  return out;
}

std::optional<std::string> unescape_value(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\') {
      out += value[i];
      continue;
    }
    if (++i == value.size())
      return std::nullopt;
    switch (value[i]) {
      case '\\': out += '\\'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 's': out += ' '; break;
      default: return std::nullopt;
    }
  }
  return out;
}

parse_error start_error(const std::string& what) { return parse_error{"FILE_XFER_START: " + what}; }

}  // namespace

bytes build_file_xfer_start(const file_xfer_start& start) {
  std::string key_file = std::string(group_line) + "\nname=" + escape_value(start.name) +
                         "\nsize=" + std::to_string(start.size) + "\n";
  byte_writer out;
  out.u32(start.id);
  out.raw(reinterpret_cast<const std::uint8_t*>(key_file.data()), key_file.size());
  out.u8(0);
  return out.take();
}

result<file_xfer_start> parse_file_xfer_start(const bytes& data) {
  byte_reader in(data, "FILE_XFER_START");
  file_xfer_start start;
  start.id = in.u32("id");
  if (in.failed())
    return in.error();
  std::string_view text(reinterpret_cast<const char*>(data.data()) + 4, data.size() - 4);
  if (auto nul = text.find('\0'); nul != std::string_view::npos)
    text = text.substr(0, nul);
  bool in_group = false, have_name = false, have_size = false;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.empty() || line[0] == '#')
      continue;
    if (line[0] == '[') {
      in_group = line == group_line;
      continue;
    }
    auto equals = line.find('=');
    if (!in_group || equals == std::string_view::npos)
      continue;
    auto key = line.substr(0, equals);
    auto value = line.substr(equals + 1);
    if (key == "name") {
      auto name = unescape_value(value);
      if (!name)
        return start_error("field name has a bad escape");
      start.name = std::move(*name);
      have_name = true;
    } else if (key == "size") {
      if (value.empty() || value.size() > 20)
        return start_error("field size is not a number");
      std::uint64_t size = 0;
      for (char c : value) {
        if (c < '0' || c > '9' || size > (UINT64_MAX - 9) / 10)
          return start_error("field size is not a number");
        size = size * 10 + static_cast<std::uint64_t>(c - '0');
      }
      start.size = size;
      have_size = true;
    }
  }
  if (!have_name || !have_size)
    return start_error(std::string("the key file has no ") + (have_name ? "size" : "name"));
  return start;
}

bytes build_file_xfer_data(std::uint32_t id, const std::uint8_t* data, std::size_t size) {
  return byte_writer{}.u32(id).u64(size).raw(data, size).take();
}

result<file_xfer_data> parse_file_xfer_data(const bytes& data) {
  byte_reader in(data, "FILE_XFER_DATA");
  file_xfer_data out;
  out.id = in.u32("id");
  auto size = in.u64("size");
  if (!in.failed() && size != in.remaining())
    in.fail("field size " + std::to_string(size) + " does not match the " + std::to_string(in.remaining()) +
            " bytes that follow");
  if (in.failed())
    return in.error();
  out.data.assign(data.begin() + static_cast<std::ptrdiff_t>(in.offset()), data.end());
  return out;
}

bytes build_file_xfer_status(const file_xfer_status& status) {
  byte_writer out;
  out.u32(status.id).u32(status.result);
  if (status.result == VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE && status.free_space)
    out.u64(*status.free_space);
  if (status.result == VD_AGENT_FILE_XFER_STATUS_ERROR && status.error_code)
    out.u8(VD_AGENT_FILE_XFER_STATUS_ERROR_GLIB_IO).u32(*status.error_code);
  return out.take();
}

result<file_xfer_status> parse_file_xfer_status(const bytes& data) {
  byte_reader in(data, "FILE_XFER_STATUS");
  file_xfer_status status;
  status.id = in.u32("id");
  status.result = in.u32("result");
  if (in.failed())
    return in.error();
  // The details are optional: present only when the agent has them and the
  // message is long enough.
  if (status.result == VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE && in.remaining() >= 8)
    status.free_space = in.u64("disk_free_space");
  if (status.result == VD_AGENT_FILE_XFER_STATUS_ERROR && in.remaining() >= 5) {
    auto type = in.u8("error_type");
    auto code = in.u32("error_code");
    if (type == VD_AGENT_FILE_XFER_STATUS_ERROR_GLIB_IO)
      status.error_code = code;
  }
  return status;
}

std::string describe_file_xfer_status(const file_xfer_status& status) {
  switch (status.result) {
    case VD_AGENT_FILE_XFER_STATUS_CAN_SEND_DATA: return "the guest accepts the file";
    case VD_AGENT_FILE_XFER_STATUS_CANCELLED: return "cancelled by the guest";
    case VD_AGENT_FILE_XFER_STATUS_ERROR:
      return status.error_code ? "the guest could not write the file (I/O error " + std::to_string(*status.error_code) + ")"
                               : std::string("the guest could not write the file");
    case VD_AGENT_FILE_XFER_STATUS_SUCCESS: return "saved in the guest";
    case VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE:
      return status.free_space ? "not enough space in the guest (" + std::to_string(*status.free_space) + " bytes free)"
                               : std::string("not enough space in the guest");
    case VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED: return "the guest's session is locked";
    case VD_AGENT_FILE_XFER_STATUS_VDAGENT_NOT_CONNECTED: return "no agent runs in the guest's session";
    case VD_AGENT_FILE_XFER_STATUS_DISABLED: return "file transfer is disabled in the guest";
    default: return "unknown status " + std::to_string(status.result) + " from the guest";
  }
}

}  // namespace vigil::protocol
