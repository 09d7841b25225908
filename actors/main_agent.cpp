#include "actors/main_agent.hpp"

#include <spice/protocol.h>
#include <spice/vd_agent.h>

#include <algorithm>

#include "actors/agent_events.hpp"
#include "protocol/agent_clipboard.hpp"
#include "protocol/main_messages.hpp"

namespace vigil {

namespace {

// What we announce: the clipboard on demand, per selection, with grab
// serials and a size limit, monitors config, and detailed file transfer
// errors. The selection and serial layouts apply only when both sides
// announced them.
// Heads a monitors config names at most (spice-gtk's limit).
constexpr std::uint32_t max_agent_heads = 16;

const std::vector<unsigned> client_caps = {VD_AGENT_CAP_MONITORS_CONFIG,      VD_AGENT_CAP_REPLY,
                                           VD_AGENT_CAP_CLIPBOARD_BY_DEMAND,  VD_AGENT_CAP_CLIPBOARD_SELECTION,
                                           VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL, VD_AGENT_CAP_MAX_CLIPBOARD,
                                           VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS};

std::string text_of(const protocol::bytes& data) { return std::string(data.begin(), data.end()); }

// The clipboard types the window can hand to X clients.
bool shareable_type(std::uint32_t type) {
  return type == VD_AGENT_CLIPBOARD_UTF8_TEXT || protocol::clipboard_image_mime(type) != nullptr;
}

}  // namespace

main_agent::main_agent(agent_settings settings, outputs out, spdlog::logger& log, protocol::memory_account memory)
    : settings_(settings),
      out_(std::move(out)),
      log_(log),
      flow_(settings.client_tokens, settings.max_queued_bytes),
      reassembler_(settings.max_message_bytes, std::move(memory)),
      files_({[this](std::uint32_t type, const protocol::bytes& data) { return send_message(type, data); },
              [this] { return flow_.queued_bytes(); }, [this](file_progress event) { out_.to_frontend(std::move(event)); }},
             log) {}

void main_agent::on_init(bool agent_connected, std::uint32_t server_tokens) {
  flow_.set_server_tokens(server_tokens);
  if (agent_connected) {
    connected_ = true;
    start();
  }
}

void main_agent::on_connected(std::optional<std::uint32_t> server_tokens) {
  if (server_tokens)
    flow_.set_server_tokens(*server_tokens);
  connected_ = true;
  started_ = false;  // a new agent: start it again
  start();
}

void main_agent::on_disconnected() {
  connected_ = false;
  started_ = false;
  have_caps_ = false;
  agent_caps_ = {};
  flow_.reset();
  reassembler_.reset();
  grab_serial_ = 0;  // a new agent counts from 0
  guest_max_clipboard_ = 0;
  for (std::uint8_t selection = 0; selection < 2; ++selection) {
    if (owner_[selection] == "guest")
      out_.to_frontend(clipboard_release{selection});
    owner_[selection] = "none";
    client_types_[selection].clear();
  }
  files_.agent_gone();
  tell_state();
}

void main_agent::on_token(std::uint32_t tokens) {
  flow_.add_server_tokens(tokens);
  flush();
  files_.pump();
}

void main_agent::start() {
  if (started_)
    return;
  started_ = true;
  out_.send_frame(SPICE_MSGC_MAIN_AGENT_START, protocol::build_agent_start(flow_.client_tokens()));
  flow_.on_start();
  send_message(VD_AGENT_ANNOUNCE_CAPABILITIES, protocol::build_announce_capabilities(true, client_caps));
  log_.info("agent started ({} client tokens, {} server tokens)", flow_.client_tokens(), flow_.server_tokens());
  tell_state();
}

bool main_agent::on_data(const protocol::bytes& body) {
  if (body.size() > protocol::agent_chunk_max) {
    out_.violation("AGENT_DATA of " + std::to_string(body.size()) + " bytes, more than the " +
                   std::to_string(protocol::agent_chunk_max) + " a chunk may have");
    return false;
  }
  if (!flow_.on_server_data()) {
    out_.violation("AGENT_DATA beyond the tokens the server was given (" + std::to_string(flow_.chunks_received()) +
                   " received, AGENT_START gave " + std::to_string(flow_.client_tokens()) + ")");
    return false;
  }
  if (auto error = reassembler_.feed(body)) {
    set_error(error->message);
    return false;
  }
  while (auto message = reassembler_.next())
    on_message(*message);
  return true;
}

void main_agent::return_tokens() {
  if (auto returned = flow_.tokens_to_return())
    out_.send_frame(SPICE_MSGC_MAIN_AGENT_TOKEN, protocol::build_agent_token(returned));
}

protocol::clipboard_layout main_agent::layout() const {
  return {agent_caps_.has(VD_AGENT_CAP_CLIPBOARD_SELECTION), agent_caps_.has(VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL)};
}

bool main_agent::guest_crlf() const { return agent_caps_.has(VD_AGENT_CAP_GUEST_LINEEND_CRLF); }

// CLIPBOARD always; PRIMARY when both sides speak selections and it is on.
bool main_agent::selection_shared(std::uint8_t selection) const {
  if (selection == VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD)
    return true;
  return selection == VD_AGENT_CLIPBOARD_SELECTION_PRIMARY && settings_.primary && layout().selection;
}

void main_agent::set_error(const std::string& error) {
  last_error_ = error;
  log_.warn("agent: {}", error);
}

void main_agent::tell_state() {
  out_.to_frontend(agent_state{connected_, have_caps_ && agent_caps_.has(VD_AGENT_CAP_MONITORS_CONFIG)});
}

void main_agent::on_message(const protocol::agent_message& message) {
  ++messages_in_;
  switch (message.type) {
    case VD_AGENT_ANNOUNCE_CAPABILITIES: {
      auto caps = protocol::parse_announce_capabilities(message.data);
      if (!caps)
        return set_error(caps.error().message);
      agent_caps_ = *caps;
      have_caps_ = true;
      log_.info("agent capabilities: monitors config {}, clipboard by demand {}, selection {}, grab serial {}, "
                "max clipboard {}, CRLF line ends {}",
                caps->has(VD_AGENT_CAP_MONITORS_CONFIG), caps->has(VD_AGENT_CAP_CLIPBOARD_BY_DEMAND),
                caps->has(VD_AGENT_CAP_CLIPBOARD_SELECTION), caps->has(VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL),
                caps->has(VD_AGENT_CAP_MAX_CLIPBOARD), caps->has(VD_AGENT_CAP_GUEST_LINEEND_CRLF));
      if (caps->request)
        send_message(VD_AGENT_ANNOUNCE_CAPABILITIES, protocol::build_announce_capabilities(false, client_caps));
      if (caps->has(VD_AGENT_CAP_MAX_CLIPBOARD))
        send_message(VD_AGENT_MAX_CLIPBOARD,
                     protocol::build_max_clipboard(static_cast<std::int32_t>(
                       std::min<std::size_t>(settings_.max_message_bytes - 8, INT32_MAX))));
      tell_state();
      return;
    }
    case VD_AGENT_MAX_CLIPBOARD: {
      auto max = protocol::parse_max_clipboard(message.data);
      if (!max)
        return set_error(max.error().message);
      guest_max_clipboard_ = std::max(*max, 0);
      log_.info("agent: the guest takes clipboard data up to {} bytes", guest_max_clipboard_);
      return;
    }
    case VD_AGENT_FILE_XFER_STATUS:
      files_.on_status(message.data);
      return;
    case VD_AGENT_CLIPBOARD_GRAB: {
      auto grab = protocol::parse_clipboard_grab(message.data, layout());
      if (!grab)
        return set_error(grab.error().message);
      // The next client grab must carry the serial after the guest's.
      if (layout().grab_serial)
        grab_serial_ = grab->serial + 1;
      std::vector<std::uint32_t> types;
      for (auto type : grab->types)
        if (shareable_type(type) && std::find(types.begin(), types.end(), type) == types.end())
          types.push_back(type);
      log_.info("agent: guest grabbed selection {} (serial {}, {} type(s), {} shared)", grab->selection, grab->serial,
                grab->types.size(), types.size());
      if (types.empty() || !selection_shared(grab->selection))
        return;
      owner_[grab->selection] = "guest";
      out_.to_frontend(clipboard_grab{grab->selection, std::move(types)});
      return;
    }
    case VD_AGENT_CLIPBOARD_REQUEST: {
      auto request = protocol::parse_clipboard_request(message.data, layout());
      if (!request)
        return set_error(request.error().message);
      auto selection = request->selection;
      bool ours = selection < 2 && owner_[selection] == "client" &&
                  std::find(client_types_[selection].begin(), client_types_[selection].end(), request->type) !=
                    client_types_[selection].end();
      if (!ours) {
        // Nothing of that kind here: an empty answer, so the guest does not wait.
        send_message(VD_AGENT_CLIPBOARD, protocol::build_clipboard_data({selection, request->type, {}}, layout()));
        return;
      }
      out_.to_frontend(clipboard_request{selection, request->type});
      return;
    }
    case VD_AGENT_CLIPBOARD: {
      auto data = protocol::parse_clipboard_data(message.data, layout());
      if (!data)
        return set_error(data.error().message);
      bytes_from_guest_ += data->data.size();
      log_.info("agent: {} bytes of {} from the guest (selection {})", data->data.size(),
                protocol::clipboard_type_name(data->type), data->selection);
      if (!shareable_type(data->type) || !selection_shared(data->selection))
        return;
      auto content = text_of(data->data);
      if (data->type == VD_AGENT_CLIPBOARD_UTF8_TEXT && guest_crlf())
        content = protocol::crlf_to_lf(content);
      out_.to_frontend(clipboard_data{data->selection, data->type, std::move(content)});
      return;
    }
    case VD_AGENT_CLIPBOARD_RELEASE: {
      auto release = protocol::parse_clipboard_release(message.data, layout());
      if (!release)
        return set_error(release.error().message);
      if (release->selection < 2 && owner_[release->selection] == "guest")
        owner_[release->selection] = "none";
      out_.to_frontend(clipboard_release{release->selection});
      return;
    }
    case VD_AGENT_REPLY: {
      auto reply = protocol::parse_agent_reply(message.data);
      if (!reply)
        return set_error(reply.error().message);
      log_.info("agent reply to {}: {}", protocol::agent_message_name(reply->type),
                reply->error == VD_AGENT_SUCCESS ? "success" : "error");
      return;
    }
    default:
      log_.debug("agent: ignoring {} ({} bytes)", protocol::agent_message_name(message.type), message.data.size());
  }
}

void main_agent::on_frontend(const agent_command& command) {
  if (!started_ || !have_caps_) {
    log_.debug("agent: window event dropped, the agent is not ready");
    return;
  }
  const auto clipboard_layout = layout();
  struct visitor {
    main_agent& agent;
    const protocol::clipboard_layout& layout;
    void operator()(const clipboard_grab& grab) const {
      if (!agent.selection_shared(grab.selection) || grab.types.empty())
        return;
      agent.owner_[grab.selection] = "client";
      agent.client_types_[grab.selection] = grab.types;
      protocol::clipboard_grab message{grab.selection, agent.grab_serial_++, grab.types};
      agent.send_message(VD_AGENT_CLIPBOARD_GRAB, protocol::build_clipboard_grab(message, layout));
    }
    void operator()(const clipboard_release& release) const {
      auto selection = release.selection;
      if (selection < 2 && agent.owner_[selection] == "client") {
        agent.owner_[selection] = "none";
        agent.client_types_[selection].clear();
        agent.send_message(VD_AGENT_CLIPBOARD_RELEASE, protocol::build_clipboard_release({selection}, layout));
      }
    }
    void operator()(const clipboard_request& request) const {
      if (!agent.selection_shared(request.selection))
        return;
      agent.send_message(VD_AGENT_CLIPBOARD_REQUEST,
                         protocol::build_clipboard_request({request.selection, request.type}, layout));
    }
    void operator()(const clipboard_data& data) const {
      std::string converted =
        data.type == VD_AGENT_CLIPBOARD_UTF8_TEXT && agent.guest_crlf() ? protocol::lf_to_crlf(data.data) : data.data;
      auto max = agent.guest_max_clipboard_;
      if (max > 0 && converted.size() > static_cast<std::size_t>(max)) {
        agent.set_error("local clipboard data of " + std::to_string(converted.size()) +
                        " bytes is over the guest's MAX_CLIPBOARD of " + std::to_string(max) + ": an empty answer sent");
        converted.clear();
      }
      agent.bytes_to_guest_ += converted.size();
      protocol::bytes bytes(converted.begin(), converted.end());
      agent.send_message(VD_AGENT_CLIPBOARD,
                         protocol::build_clipboard_data({data.selection, data.type, std::move(bytes)}, layout));
    }
    void operator()(const file_send& file) const { agent.files_.send_file(file.path); }
    void operator()(const file_cancel& cancel) const { agent.files_.cancel(cancel.id); }
    void operator()(const monitors_config& wanted) const {
      if (!agent.agent_caps_.has(VD_AGENT_CAP_MONITORS_CONFIG) || wanted.heads.empty())
        return;
      // The agent's array is indexed by head id; a gap is a disabled head (0x0).
      protocol::agent_monitors_config config;
      std::string described;
      for (const auto& head : wanted.heads) {
        if (head.id >= max_agent_heads)
          continue;
        if (config.monitors.size() <= head.id)
          config.monitors.resize(head.id + 1, protocol::agent_monitor{0, 0, 32, 0, 0});
        config.monitors[head.id] = {head.width, head.height, 32, head.x, head.y};
        described += (described.empty() ? "" : ",") + std::to_string(head.width) + "x" + std::to_string(head.height);
        if (wanted.heads.size() > 1 || head.x != 0 || head.y != 0)
          described += "+" + std::to_string(head.x) + "+" + std::to_string(head.y);
      }
      ++agent.monitors_configs_sent_;
      agent.last_monitors_config_ = described;
      agent.log_.info("agent: monitors config {}", agent.last_monitors_config_);
      agent.send_message(VD_AGENT_MONITORS_CONFIG, protocol::build_agent_monitors_config(config));
    }
  };
  std::visit(visitor{*this, clipboard_layout}, command);
}

bool main_agent::send_message(std::uint32_t type, const protocol::bytes& data) {
  auto message = protocol::build_agent_message(type, data);
  if (data.size() > settings_.max_message_bytes || !flow_.enqueue(protocol::split_agent_chunks(message))) {
    set_error(std::string(protocol::agent_message_name(type)) + " of " + std::to_string(data.size()) +
              " bytes refused: over agent.max_queued_bytes or agent.max_message_bytes");
    return false;
  }
  ++messages_out_;
  flush();
  return true;
}

void main_agent::flush() {
  for (const auto& chunk : flow_.take_sendable())
    out_.send_frame(SPICE_MSGC_MAIN_AGENT_DATA, chunk);
}

agent_report main_agent::report() const {
  agent_report report;
  report.connected = connected_;
  report.started = started_;
  report.capabilities = have_caps_;
  report.monitors_config = agent_caps_.has(VD_AGENT_CAP_MONITORS_CONFIG);
  report.clipboard_selection = layout().selection;
  report.grab_serial = layout().grab_serial;
  report.server_tokens = flow_.server_tokens();
  report.queued_chunks = flow_.queued_chunks();
  report.queued_bytes = flow_.queued_bytes();
  report.chunks_in = flow_.chunks_received();
  report.chunks_out = flow_.chunks_sent();
  report.messages_in = messages_in_;
  report.messages_out = messages_out_;
  report.messages_refused = flow_.messages_refused();
  report.clipboard_owner = owner_[VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD];
  report.primary_owner = owner_[VD_AGENT_CLIPBOARD_SELECTION_PRIMARY];
  report.guest_max_clipboard = guest_max_clipboard_;
  report.files_sent = files_.files_sent();
  report.files_failed = files_.files_failed();
  report.file_transfers = files_.active();
  report.clipboard_bytes_from_guest = bytes_from_guest_;
  report.clipboard_bytes_to_guest = bytes_to_guest_;
  report.monitors_configs_sent = monitors_configs_sent_;
  report.last_monitors_config = last_monitors_config_;
  report.last_error = last_error_;
  return report;
}

}  // namespace vigil
