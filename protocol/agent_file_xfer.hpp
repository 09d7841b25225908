// vdagent file transfer (spice/vd_agent.h): the client offers a file with
// FILE_XFER_START, the agent answers FILE_XFER_STATUS CAN_SEND_DATA (or a
// refusal), the client sends FILE_XFER_DATA pieces and the agent ends with
// SUCCESS or an error; either side cancels with a CANCELLED status. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/result.hpp"

namespace vigil::protocol {

// Data per FILE_XFER_DATA, as spice-gtk sends it (32 agent chunks).
constexpr std::size_t file_xfer_piece_max = 64 * 1024;

// FILE_XFER_START {u32 id} + a key file, NUL-terminated:
// "[vdagent-file-xfer]\nname=NAME\nsize=N\n" (NAME escaped as GKeyFile does).
struct file_xfer_start {
  std::uint32_t id = 0;
  std::string name;  // the file's base name
  std::uint64_t size = 0;
};
bytes build_file_xfer_start(const file_xfer_start& start);
result<file_xfer_start> parse_file_xfer_start(const bytes& data);

// FILE_XFER_DATA {u32 id, u64 size} + size bytes.
bytes build_file_xfer_data(std::uint32_t id, const std::uint8_t* data, std::size_t size);
struct file_xfer_data {
  std::uint32_t id = 0;
  bytes data;
};
result<file_xfer_data> parse_file_xfer_data(const bytes& data);

// FILE_XFER_STATUS {u32 id, u32 result} + details with
// VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS: NOT_ENOUGH_SPACE {u64 free},
// ERROR {u8 error_type, u32 error_code}.
struct file_xfer_status {
  std::uint32_t id = 0;
  std::uint32_t result = 0;  // VD_AGENT_FILE_XFER_STATUS_*
  std::optional<std::uint64_t> free_space;
  std::optional<std::uint32_t> error_code;  // a GIO error number (error_type GLIB_IO)
};
bytes build_file_xfer_status(const file_xfer_status& status);
result<file_xfer_status> parse_file_xfer_status(const bytes& data);

// A sentence for the user: "the guest's disk has 1024 bytes free", ...
std::string describe_file_xfer_status(const file_xfer_status& status);

}  // namespace vigil::protocol
