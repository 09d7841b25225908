#include "agent_device.hpp"

#include <spice/vd_agent.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "agent_test_text.hpp"
#include "protocol/agent_clipboard.hpp"
#include "protocol/agent_file_xfer.hpp"
#include "content.hpp"
#include "char_device.hpp"
#include "stdout_lines.hpp"

namespace vigil::test_server {

namespace {

constexpr std::size_t chunk_header_size = 8;  // VDIChunkHeader {u32 port, u32 size}

std::uint32_t u32_at(const protocol::bytes& data, std::size_t at) {
  return data[at] | data[at + 1] << 8 | data[at + 2] << 16 | static_cast<std::uint32_t>(data[at + 3]) << 24;
}

void put_u32(protocol::bytes& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

// Printable and on one line: at most 64 characters, \n and " escaped.
std::string preview(const protocol::bytes& data) {
  std::string out;
  for (std::size_t i = 0; i < data.size() && i < 64; ++i) {
    char c = static_cast<char>(data[i]);
    if (c == '\n')
      out += "\\n";
    else if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else if (static_cast<unsigned char>(c) < 0x20)
      out += '?';
    else
      out += c;
  }
  return out;
}

}  // namespace

agent_device::agent_device(event_loop& loop, qxl_display& display, agent_options options)
    : loop_(loop), display_(display), options_(std::move(options)) {
  describe_char_device(interface_, instance_.instance, "vigil test server vdagent", "vdagent", nullptr, hook_state,
                       hook_write, hook_read);
  instance_.owner = this;
}

agent_device& agent_device::from(SpiceCharDeviceInstance* instance) {
  return *reinterpret_cast<owned_instance*>(instance)->owner;
}

void agent_device::attach(SpiceServer* server) {
  if (spice_server_add_interface(server, &instance_.instance.base) != 0)
    throw std::runtime_error("spice_server_add_interface(vdagent) failed");
  print_line("agent attached");
}

void agent_device::hook_state(SpiceCharDeviceInstance*, int) {}

int agent_device::hook_write(SpiceCharDeviceInstance* instance, const uint8_t* data, int size) {
  auto& self = from(instance);
  self.loop_.require_loop_thread("vdagent write");
  self.on_client_bytes(data, static_cast<std::size_t>(size));
  return size;
}

int agent_device::hook_read(SpiceCharDeviceInstance* instance, uint8_t* data, int size) {
  auto& self = from(instance);
  self.loop_.require_loop_thread("vdagent read");
  auto available = self.to_client_.size() - self.to_client_offset_;
  auto count = std::min<std::size_t>(available, static_cast<std::size_t>(size));
  std::memcpy(data, self.to_client_.data() + self.to_client_offset_, count);
  self.to_client_offset_ += count;
  if (self.to_client_offset_ == self.to_client_.size()) {
    self.to_client_.clear();
    self.to_client_offset_ = 0;
  }
  return static_cast<int>(count);
}

// spice-server writes VDIChunkHeader {port, size} + the AGENT_DATA body it got.
void agent_device::on_client_bytes(const uint8_t* data, std::size_t size) {
  from_client_.insert(from_client_.end(), data, data + size);
  while (from_client_.size() >= chunk_header_size) {
    auto chunk_size = u32_at(from_client_, 4);
    if (from_client_.size() < chunk_header_size + chunk_size)
      return;
    auto begin = from_client_.begin() + chunk_header_size;
    protocol::bytes chunk(begin, begin + chunk_size);
    from_client_.erase(from_client_.begin(), begin + chunk_size);
    if (auto error = reassembler_.feed(chunk)) {
      print_line("agent error \"%s\"", error->message.c_str());
      return;
    }
    while (auto message = reassembler_.next())
      on_message(*message);
  }
}

protocol::clipboard_layout agent_device::layout() const {
  return {client_caps_.has(VD_AGENT_CAP_CLIPBOARD_SELECTION), client_caps_.has(VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL)};
}

void agent_device::on_message(const protocol::agent_message& message) {
  switch (message.type) {
    case VD_AGENT_ANNOUNCE_CAPABILITIES: {
      auto caps = protocol::parse_announce_capabilities(message.data);
      if (!caps) {
        print_line("agent error \"%s\"", caps.error().message.c_str());
        return;
      }
      client_caps_ = *caps;
      print_line("agent client-capabilities request=%d by-demand=%d selection=%d grab-serial=%d monitors-config=%d",
                 caps->request ? 1 : 0, caps->has(VD_AGENT_CAP_CLIPBOARD_BY_DEMAND) ? 1 : 0,
                 caps->has(VD_AGENT_CAP_CLIPBOARD_SELECTION) ? 1 : 0,
                 caps->has(VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL) ? 1 : 0,
                 caps->has(VD_AGENT_CAP_MONITORS_CONFIG) ? 1 : 0);
      if (caps->request) {
        std::vector<unsigned> ours{VD_AGENT_CAP_MONITORS_CONFIG,      VD_AGENT_CAP_REPLY,
                                   VD_AGENT_CAP_CLIPBOARD_BY_DEMAND,  VD_AGENT_CAP_CLIPBOARD_SELECTION,
                                   VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL, VD_AGENT_CAP_MAX_CLIPBOARD,
                                   VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS};
        ours.push_back(options_.lineend_crlf ? VD_AGENT_CAP_GUEST_LINEEND_CRLF : VD_AGENT_CAP_GUEST_LINEEND_LF);
        send(VD_AGENT_ANNOUNCE_CAPABILITIES, protocol::build_announce_capabilities(false, ours));
      }
      if (!options_.clipboard_text.empty() && !grabbed_once_)
        grab_guest_clipboard();
      return;
    }
    case VD_AGENT_CLIPBOARD_GRAB: {
      auto grab = protocol::parse_clipboard_grab(message.data, layout());
      if (!grab) {
        print_line("agent error \"%s\"", grab.error().message.c_str());
        return;
      }
      std::string names;
      for (auto type : grab->types)
        names += (names.empty() ? "" : ",") + protocol::clipboard_type_name(type);
      print_line("agent clipboard-grab selection=%u serial=%u types=%zu names=%s", grab->selection, grab->serial,
                 grab->types.size(), names.c_str());
      // A guest application pastes at once: ask for the text, else the
      // first type offered.
      if (grab->types.empty())
        return;
      auto wanted = std::find(grab->types.begin(), grab->types.end(), VD_AGENT_CLIPBOARD_UTF8_TEXT) != grab->types.end()
                      ? std::uint32_t{VD_AGENT_CLIPBOARD_UTF8_TEXT}
                      : grab->types.front();
      send(VD_AGENT_CLIPBOARD_REQUEST, protocol::build_clipboard_request({grab->selection, wanted}, layout()));
      return;
    }
    case VD_AGENT_CLIPBOARD_REQUEST: {
      auto request = protocol::parse_clipboard_request(message.data, layout());
      if (!request) {
        print_line("agent error \"%s\"", request.error().message.c_str());
        return;
      }
      print_line("agent clipboard-request selection=%u type=%u", request->selection, request->type);
      protocol::bytes text(options_.clipboard_text.begin(), options_.clipboard_text.end());
      send(VD_AGENT_CLIPBOARD,
           protocol::build_clipboard_data({request->selection, request->type, std::move(text)}, layout()));
      return;
    }
    case VD_AGENT_CLIPBOARD: {
      auto data = protocol::parse_clipboard_data(message.data, layout());
      if (!data) {
        print_line("agent error \"%s\"", data.error().message.c_str());
        return;
      }
      print_line("agent clipboard-data selection=%u type=%u bytes=%zu fnv1a=%08x text=\"%s\"", data->selection,
                 data->type, data->data.size(), test_support::fnv1a(data->data.data(), data->data.size()), preview(data->data).c_str());
      return;
    }
    case VD_AGENT_CLIPBOARD_RELEASE: {
      auto release = protocol::parse_clipboard_release(message.data, layout());
      if (release)
        print_line("agent clipboard-release selection=%u", release->selection);
      return;
    }
    case VD_AGENT_MAX_CLIPBOARD: {
      auto max = protocol::parse_max_clipboard(message.data);
      if (max)
        print_line("agent max-clipboard bytes=%d", *max);
      else
        print_line("agent error \"%s\"", max.error().message.c_str());
      return;
    }
    case VD_AGENT_FILE_XFER_START:
      on_file_xfer_start(message.data);
      return;
    case VD_AGENT_FILE_XFER_DATA:
      on_file_xfer_data(message.data);
      return;
    case VD_AGENT_FILE_XFER_STATUS: {
      auto status = protocol::parse_file_xfer_status(message.data);
      if (!status) {
        print_line("agent error \"%s\"", status.error().message.c_str());
        return;
      }
      auto it = files_.find(status->id);
      print_line("agent file-xfer-status id=%u result=%u bytes=%zu", status->id, status->result,
                 it == files_.end() ? std::size_t{0} : it->second.data.size());
      if (it != files_.end())
        files_.erase(it);
      return;
    }
    case VD_AGENT_MONITORS_CONFIG: {
      auto config = protocol::parse_agent_monitors_config(message.data);
      if (!config || config->monitors.empty()) {
        print_line("agent error \"%s\"", config ? "MONITORS_CONFIG without monitors" : config.error().message.c_str());
        return;
      }
      const auto& first = config->monitors.front();
      std::string heads;
      std::vector<rect> areas;  // the enabled heads
      rect box;                 // their bounding box
      for (std::size_t i = 0; i < config->monitors.size(); ++i) {
        const auto& monitor = config->monitors[i];
        heads += (heads.empty() ? "" : ",") + std::to_string(i) + ":" + std::to_string(monitor.width) + "x" +
                 std::to_string(monitor.height) + "+" + std::to_string(monitor.x) + "+" + std::to_string(monitor.y);
        if (monitor.width == 0 || monitor.height == 0 || monitor.x < 0 || monitor.y < 0)
          continue;
        areas.push_back(rect{monitor.x, monitor.y, monitor.x + static_cast<int>(monitor.width),
                             monitor.y + static_cast<int>(monitor.height)});
        box.right = std::max(box.right, areas.back().right);
        box.bottom = std::max(box.bottom, areas.back().bottom);
      }
      print_line("agent monitors-config count=%zu size=%ux%u heads=%s", config->monitors.size(), first.width,
                 first.height, heads.c_str());
      send(VD_AGENT_REPLY, protocol::bytes{VD_AGENT_MONITORS_CONFIG, 0, 0, 0, VD_AGENT_SUCCESS, 0, 0, 0});
      // What a guest's driver would do: a new primary surface of that size,
      // within what the test server can draw (even widths keep rows simple).
      // With several heads: one primary as large as all of them, carrying each
      // (when they fit in what the test server draws; QXL guests do the same).
      const bool several = areas.size() > 1 && box.right <= 4096 && box.bottom <= 4096 && box.right % 2 == 0;
      int width = several ? box.right : std::clamp<int>(static_cast<int>(first.width & ~1u), 320, 4096);
      int height = several ? box.bottom : std::clamp<int>(static_cast<int>(first.height), 200, 4096);
      if (!several)
        areas.clear();
      if (options_.resize_on_monitors_config)
        loop_.post([this, width, height, areas] {
          resize_primary(width, height);
          if (!areas.empty())
            display_.set_heads(areas);
        });
      return;
    }
    default:
      print_line("agent message type=%s bytes=%zu", protocol::agent_message_name(message.type), message.data.size());
  }
}

// What a guest does on a mode change: a new primary surface, then it
// repaints its desktop (a dark fill and a photo tile in the middle).
void agent_device::resize_primary(int width, int height) {
  display_.recreate_primary(width, height);
  display_.fill(0, rect{0, 0, width, height}, 0x00143c28);
  display_.copy_image(0, width / 2 - 128, height / 2 - 128, photo_tile(256, 256, 11));
  print_line("agent redrew size=%dx%d", width, height);
}

void agent_device::grab_guest_clipboard() {
  grabbed_once_ = true;
  protocol::clipboard_grab grab{options_.selection, guest_serial_++, {options_.clipboard_type}};
  send(VD_AGENT_CLIPBOARD_GRAB, protocol::build_clipboard_grab(grab, layout()));
  print_line("agent guest-grab selection=%u type=%u bytes=%zu", options_.selection, options_.clipboard_type,
             options_.clipboard_text.size());
}

// A file offered by the client: taken (or refused as --agent-file-xfer says).
void agent_device::on_file_xfer_start(const protocol::bytes& data) {
  auto start = protocol::parse_file_xfer_start(data);
  if (!start) {
    print_line("agent error \"%s\"", start.error().message.c_str());
    return;
  }
  print_line("agent file-xfer-start id=%u name=\"%s\" size=%llu", start->id, preview(protocol::bytes(start->name.begin(), start->name.end())).c_str(),
             static_cast<unsigned long long>(start->size));
  protocol::file_xfer_status status{start->id, options_.file_xfer_result, {}, {}};
  if (status.result == VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE)
    status.free_space = 4096;
  if (status.result == VD_AGENT_FILE_XFER_STATUS_ERROR)
    status.error_code = 14;  // G_IO_ERROR_PERMISSION_DENIED
  if (status.result == VD_AGENT_FILE_XFER_STATUS_CAN_SEND_DATA)
    files_[start->id] = incoming_file{start->name, start->size, {}};
  send(VD_AGENT_FILE_XFER_STATUS, protocol::build_file_xfer_status(status));
}

void agent_device::on_file_xfer_data(const protocol::bytes& data) {
  auto piece = protocol::parse_file_xfer_data(data);
  if (!piece) {
    print_line("agent error \"%s\"", piece.error().message.c_str());
    return;
  }
  auto it = files_.find(piece->id);
  if (it == files_.end()) {
    print_line("agent error \"FILE_XFER_DATA for unknown transfer %u\"", piece->id);
    return;
  }
  auto& file = it->second;
  file.data.insert(file.data.end(), piece->data.begin(), piece->data.end());
  if (file.data.size() < file.size)
    return;
  print_line("agent file-xfer-done id=%u bytes=%zu fnv1a=%08x", piece->id, file.data.size(),
             test_support::fnv1a(file.data.data(), file.data.size()));
  if (options_.file_xfer_stall)
    return;
  send(VD_AGENT_FILE_XFER_STATUS,
       protocol::build_file_xfer_status({piece->id, file.data.size() == file.size
                                                      ? std::uint32_t{VD_AGENT_FILE_XFER_STATUS_SUCCESS}
                                                      : std::uint32_t{VD_AGENT_FILE_XFER_STATUS_ERROR},
                                         {}, {}}));
  files_.erase(it);
}

// To the client: each piece of at most 2048 bytes behind its VDIChunkHeader.
void agent_device::send(std::uint32_t type, const protocol::bytes& data) {
  for (const auto& chunk : protocol::split_agent_chunks(protocol::build_agent_message(type, data))) {
    put_u32(to_client_, VDP_CLIENT_PORT);
    put_u32(to_client_, static_cast<std::uint32_t>(chunk.size()));
    to_client_.insert(to_client_.end(), chunk.begin(), chunk.end());
  }
  // Not from inside spice-server's write hook: wake it from the loop.
  loop_.post([this] { spice_server_char_device_wakeup(&instance_.instance); });
}

}  // namespace vigil::test_server
