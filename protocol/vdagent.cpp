#include "protocol/vdagent.hpp"

#include <spice/vd_agent.h>

#include <algorithm>
#include <limits>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

bytes build_agent_message(std::uint32_t type, const bytes& data) {
  return byte_writer{}
    .u32(VD_AGENT_PROTOCOL)
    .u32(type)
    .u64(0)
    .u32(static_cast<std::uint32_t>(data.size()))
    .raw(data)
    .take();
}

std::vector<bytes> split_agent_chunks(const bytes& message) {
  std::vector<bytes> chunks;
  for (std::size_t at = 0; at < message.size(); at += agent_chunk_max) {
    auto end = std::min(message.size(), at + agent_chunk_max);
    chunks.emplace_back(message.begin() + static_cast<std::ptrdiff_t>(at),
                        message.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return chunks;
}

void agent_reassembler::fail(parse_error error) {
  error_ = std::move(error);
  pending_ = bytes{};
  read_pos_ = 0;
  charge_.release();
}

std::optional<parse_error> agent_reassembler::feed(const std::uint8_t* data, std::size_t size) {
  if (error_)
    return error_;
  // Drop what was consumed before growing: each byte moves O(1) times.
  if (read_pos_ > 0 && (read_pos_ >= pending_.size() - read_pos_ || pending_.size() + size > pending_.capacity())) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(read_pos_));
    read_pos_ = 0;
  }
  if (pending_.size() + size > pending_.capacity()) {
    const std::size_t capacity = std::max(pending_.size() + size, 2 * pending_.capacity());
    if (auto refused = account_.resize(charge_, capacity, "agent message reassembly buffer")) {
      fail(with_context("VDAgentMessage", *refused));
      return error_;
    }
    pending_.reserve(capacity);
  }
  pending_.insert(pending_.end(), data, data + size);
  while (pending_.size() - read_pos_ >= agent_message_header_size) {
    byte_reader header(pending_.data() + read_pos_, agent_message_header_size, "VDAgentMessage");
    auto protocol_version = header.u32("protocol");
    agent_message message;
    message.type = header.u32("type");
    message.opaque = header.u64("opaque");
    auto data_size = header.u32("size");
    if (protocol_version != VD_AGENT_PROTOCOL) {
      fail(parse_error{"VDAgentMessage: field protocol is " + std::to_string(protocol_version) + ", expected " +
                       std::to_string(VD_AGENT_PROTOCOL)});
      return error_;
    }
    if (data_size > max_message_size_) {
      fail(parse_error{std::string("VDAgentMessage ") + agent_message_name(message.type) + ": field size " +
                       std::to_string(data_size) + " is over the limit of " + std::to_string(max_message_size_) +
                       " bytes"});
      return error_;
    }
    if (pending_.size() - read_pos_ - agent_message_header_size < data_size)
      break;
    auto begin = pending_.begin() + static_cast<std::ptrdiff_t>(read_pos_ + agent_message_header_size);
    message.data.assign(begin, begin + data_size);
    read_pos_ += agent_message_header_size + data_size;
    complete_.push_back(std::move(message));
  }
  if (read_pos_ == pending_.size()) {
    pending_.clear();
    read_pos_ = 0;
  }
  return std::nullopt;
}

std::optional<agent_message> agent_reassembler::next() {
  if (complete_.empty())
    return std::nullopt;
  auto message = std::move(complete_.front());
  complete_.pop_front();
  return message;
}

void agent_reassembler::reset() {
  pending_ = bytes{};
  read_pos_ = 0;
  charge_.release();
  complete_.clear();
  error_.reset();
}

bytes build_announce_capabilities(bool request, const std::vector<unsigned>& caps) {
  std::vector<std::uint32_t> words(VD_AGENT_CAPS_SIZE, 0);
  for (unsigned cap : caps) {
    if (cap / 32 >= words.size())
      words.resize(cap / 32 + 1, 0);
    words[cap / 32] |= 1u << (cap % 32);
  }
  byte_writer out;
  out.u32(request ? 1 : 0);
  for (auto word : words)
    out.u32(word);
  return out.take();
}

result<agent_capabilities> parse_announce_capabilities(const bytes& data) {
  byte_reader in(data, "ANNOUNCE_CAPABILITIES");
  agent_capabilities caps;
  caps.request = in.u32("request") != 0;
  if (in.failed())
    return in.error();
  // Trailing bytes that do not make a whole word are ignored, as spice-gtk does.
  while (in.remaining() >= 4)
    caps.words.push_back(in.u32("caps"));
  return caps;
}

namespace {

void write_selection(byte_writer& out, std::uint8_t selection, clipboard_layout layout) {
  if (layout.selection)
    out.u8(selection).u8(0).u8(0).u8(0);
}

std::uint8_t read_selection(byte_reader& in, clipboard_layout layout) {
  if (!layout.selection)
    return VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD;
  auto selection = in.u8("selection");
  in.raw("reserved", 3);
  if (!in.failed() && selection > VD_AGENT_CLIPBOARD_SELECTION_SECONDARY)
    in.fail("field selection is " + std::to_string(selection) + ", not a known selection");
  return selection;
}

}  // namespace

bytes build_clipboard_grab(const clipboard_grab& grab, clipboard_layout layout) {
  byte_writer out;
  write_selection(out, grab.selection, layout);
  if (layout.grab_serial)
    out.u32(grab.serial);
  for (auto type : grab.types)
    out.u32(type);
  return out.take();
}

bytes build_clipboard_request(const clipboard_request& request, clipboard_layout layout) {
  byte_writer out;
  write_selection(out, request.selection, layout);
  out.u32(request.type);
  return out.take();
}

bytes build_clipboard_data(const clipboard_data& data, clipboard_layout layout) {
  byte_writer out;
  write_selection(out, data.selection, layout);
  out.u32(data.type).raw(data.data);
  return out.take();
}

bytes build_clipboard_release(const clipboard_release& release, clipboard_layout layout) {
  byte_writer out;
  write_selection(out, release.selection, layout);
  return out.take();
}

result<clipboard_grab> parse_clipboard_grab(const bytes& data, clipboard_layout layout) {
  byte_reader in(data, "CLIPBOARD_GRAB");
  clipboard_grab grab;
  grab.selection = read_selection(in, layout);
  if (layout.grab_serial)
    grab.serial = in.u32("serial");
  if (!in.failed() && in.remaining() % 4 != 0)
    in.fail("field types is " + std::to_string(in.remaining()) + " bytes, not a whole number of u32");
  while (!in.failed() && in.remaining() >= 4)
    grab.types.push_back(in.u32("types"));
  return in.finish(std::move(grab));
}

result<clipboard_request> parse_clipboard_request(const bytes& data, clipboard_layout layout) {
  byte_reader in(data, "CLIPBOARD_REQUEST");
  clipboard_request request;
  request.selection = read_selection(in, layout);
  request.type = in.u32("type");
  return in.finish(std::move(request));
}

result<clipboard_data> parse_clipboard_data(const bytes& data, clipboard_layout layout) {
  byte_reader in(data, "CLIPBOARD");
  clipboard_data out;
  out.selection = read_selection(in, layout);
  out.type = in.u32("type");
  if (in.failed())
    return in.error();
  auto rest = in.remaining();
  const auto* payload = in.raw("data", rest);
  if (rest > 0)
    out.data.assign(payload, payload + rest);
  return out;
}

result<clipboard_release> parse_clipboard_release(const bytes& data, clipboard_layout layout) {
  byte_reader in(data, "CLIPBOARD_RELEASE");
  clipboard_release release;
  release.selection = read_selection(in, layout);
  return in.finish(std::move(release));
}

bytes build_agent_monitors_config(const agent_monitors_config& config) {
  byte_writer out;
  out.u32(static_cast<std::uint32_t>(config.monitors.size())).u32(config.flags);
  for (const auto& monitor : config.monitors)
    out.u32(monitor.height).u32(monitor.width).u32(monitor.depth).i32(monitor.x).i32(monitor.y);
  return out.take();
}

result<agent_monitors_config> parse_agent_monitors_config(const bytes& data) {
  byte_reader in(data, "MONITORS_CONFIG");
  agent_monitors_config config;
  auto count = in.u32("num_of_monitors");
  config.flags = in.u32("flags");
  if (!in.failed() && !in.fits("num_of_monitors", count, 20))
    return in.error();
  for (std::uint32_t i = 0; i < count && !in.failed(); ++i) {
    agent_monitor monitor;
    monitor.height = in.u32("height");
    monitor.width = in.u32("width");
    monitor.depth = in.u32("depth");
    monitor.x = in.i32("x");
    monitor.y = in.i32("y");
    config.monitors.push_back(monitor);
  }
  return in.finish(std::move(config));
}

result<agent_reply> parse_agent_reply(const bytes& data) {
  byte_reader in(data, "REPLY");
  agent_reply reply;
  reply.type = in.u32("type");
  reply.error = in.u32("error");
  return in.finish(std::move(reply));
}

void agent_flow::add_server_tokens(std::uint32_t tokens) {
  auto sum = std::uint64_t{server_tokens_} + tokens;
  server_tokens_ = static_cast<std::uint32_t>(std::min<std::uint64_t>(sum, std::numeric_limits<std::uint32_t>::max()));
}

bool agent_flow::enqueue(std::vector<bytes> chunks) {
  std::size_t size = 0;
  for (const auto& chunk : chunks)
    size += chunk.size();
  if (queued_bytes_ + size > max_queued_bytes_) {
    ++messages_refused_;
    return false;
  }
  queued_bytes_ += size;
  for (auto& chunk : chunks)
    queue_.push_back(std::move(chunk));
  return true;
}

std::vector<bytes> agent_flow::take_sendable() {
  std::vector<bytes> out;
  while (!queue_.empty() && server_tokens_ > 0) {
    --server_tokens_;
    queued_bytes_ -= queue_.front().size();
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
    ++chunks_sent_;
  }
  return out;
}

bool agent_flow::on_server_data() {
  ++chunks_received_;
  ++consumed_unreturned_;
  return chunks_received_ <= granted_;
}

std::uint32_t agent_flow::tokens_to_return() {
  if (consumed_unreturned_ < std::max<std::uint32_t>(1, client_tokens_ / 2))
    return 0;
  auto give_back = consumed_unreturned_;
  consumed_unreturned_ = 0;
  granted_ += give_back;
  return give_back;
}

void agent_flow::reset() {
  queue_.clear();
  queued_bytes_ = 0;
  consumed_unreturned_ = 0;
  server_tokens_ = 0;
}

const char* agent_message_name(std::uint32_t type) {
  switch (type) {
    case VD_AGENT_MOUSE_STATE: return "MOUSE_STATE";
    case VD_AGENT_MONITORS_CONFIG: return "MONITORS_CONFIG";
    case VD_AGENT_REPLY: return "REPLY";
    case VD_AGENT_CLIPBOARD: return "CLIPBOARD";
    case VD_AGENT_DISPLAY_CONFIG: return "DISPLAY_CONFIG";
    case VD_AGENT_ANNOUNCE_CAPABILITIES: return "ANNOUNCE_CAPABILITIES";
    case VD_AGENT_CLIPBOARD_GRAB: return "CLIPBOARD_GRAB";
    case VD_AGENT_CLIPBOARD_REQUEST: return "CLIPBOARD_REQUEST";
    case VD_AGENT_CLIPBOARD_RELEASE: return "CLIPBOARD_RELEASE";
    case VD_AGENT_FILE_XFER_START: return "FILE_XFER_START";
    case VD_AGENT_FILE_XFER_STATUS: return "FILE_XFER_STATUS";
    case VD_AGENT_FILE_XFER_DATA: return "FILE_XFER_DATA";
    case VD_AGENT_CLIENT_DISCONNECTED: return "CLIENT_DISCONNECTED";
    case VD_AGENT_MAX_CLIPBOARD: return "MAX_CLIPBOARD";
    case VD_AGENT_AUDIO_VOLUME_SYNC: return "AUDIO_VOLUME_SYNC";
    case VD_AGENT_GRAPHICS_DEVICE_INFO: return "GRAPHICS_DEVICE_INFO";
    default: return "unknown agent message";
  }
}

}  // namespace vigil::protocol
