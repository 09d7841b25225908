#include "actors/main_agent.hpp"

#include <spice/protocol.h>
#include <spice/vd_agent.h>

#include "actors/agent_events.hpp"
#include "protocol/main_messages.hpp"

namespace vigil {

namespace {

// What we announce: text clipboard on demand, per selection, with grab
// serials, and monitors config. The selection and serial layouts apply only
// when both sides announced them.
const std::vector<unsigned> client_caps = {VD_AGENT_CAP_MONITORS_CONFIG, VD_AGENT_CAP_REPLY,
                                           VD_AGENT_CAP_CLIPBOARD_BY_DEMAND, VD_AGENT_CAP_CLIPBOARD_SELECTION,
                                           VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL};

std::string text_of(const protocol::bytes& data) { return std::string(data.begin(), data.end()); }

}  // namespace

main_agent::main_agent(agent_settings settings, outputs out, spdlog::logger& log)
    : settings_(settings),
      out_(std::move(out)),
      log_(log),
      flow_(settings.client_tokens, settings.max_queued_bytes),
      reassembler_(settings.max_message_bytes) {}

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
  if (clipboard_owner_ == "guest")
    out_.to_frontend(clipboard_release{VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD});
  clipboard_owner_ = "none";
  tell_state();
}

void main_agent::on_token(std::uint32_t tokens) {
  flow_.add_server_tokens(tokens);
  flush();
}

void main_agent::start() {
  if (started_)
    return;
  started_ = true;
  out_.send_frame(SPICE_MSGC_MAIN_AGENT_START, protocol::build_agent_start(flow_.client_tokens()));
  send_message(VD_AGENT_ANNOUNCE_CAPABILITIES, protocol::build_announce_capabilities(true, client_caps));
  log_.info("agent started ({} client tokens, {} server tokens)", flow_.client_tokens(), flow_.server_tokens());
  tell_state();
}

bool main_agent::on_data(const protocol::bytes& body) {
  if (auto returned = flow_.on_server_data())
    out_.send_frame(SPICE_MSGC_MAIN_AGENT_TOKEN, protocol::build_agent_token(returned));
  if (auto error = reassembler_.feed(body)) {
    set_error(error->message);
    return false;
  }
  while (auto message = reassembler_.next())
    on_message(*message);
  return true;
}

protocol::clipboard_layout main_agent::layout() const {
  return {agent_caps_.has(VD_AGENT_CAP_CLIPBOARD_SELECTION), agent_caps_.has(VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL)};
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
      log_.info("agent capabilities: monitors config {}, clipboard by demand {}, selection {}, grab serial {}",
                caps->has(VD_AGENT_CAP_MONITORS_CONFIG), caps->has(VD_AGENT_CAP_CLIPBOARD_BY_DEMAND),
                caps->has(VD_AGENT_CAP_CLIPBOARD_SELECTION), caps->has(VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
      if (caps->request)
        send_message(VD_AGENT_ANNOUNCE_CAPABILITIES, protocol::build_announce_capabilities(false, client_caps));
      tell_state();
      return;
    }
    case VD_AGENT_CLIPBOARD_GRAB: {
      auto grab = protocol::parse_clipboard_grab(message.data, layout());
      if (!grab)
        return set_error(grab.error().message);
      // The next client grab must carry the serial after the guest's.
      if (layout().grab_serial)
        grab_serial_ = grab->serial + 1;
      bool text = false;
      for (auto type : grab->types)
        text = text || type == VD_AGENT_CLIPBOARD_UTF8_TEXT;
      log_.info("agent: guest grabbed selection {} (serial {}, {} type(s){})", grab->selection, grab->serial,
                grab->types.size(), text ? ", text" : ", no text");
      if (!text || grab->selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD)
        return;
      clipboard_owner_ = "guest";
      out_.to_frontend(clipboard_grab{grab->selection});
      return;
    }
    case VD_AGENT_CLIPBOARD_REQUEST: {
      auto request = protocol::parse_clipboard_request(message.data, layout());
      if (!request)
        return set_error(request.error().message);
      if (request->type != VD_AGENT_CLIPBOARD_UTF8_TEXT || clipboard_owner_ != "client") {
        // Nothing of that kind here: an empty answer, so the guest does not wait.
        send_message(VD_AGENT_CLIPBOARD,
                     protocol::build_clipboard_data({request->selection, request->type, {}}, layout()));
        return;
      }
      out_.to_frontend(clipboard_request{request->selection});
      return;
    }
    case VD_AGENT_CLIPBOARD: {
      auto data = protocol::parse_clipboard_data(message.data, layout());
      if (!data)
        return set_error(data.error().message);
      bytes_from_guest_ += data->data.size();
      log_.info("agent: {} bytes of clipboard text from the guest", data->data.size());
      if (data->type == VD_AGENT_CLIPBOARD_UTF8_TEXT)
        out_.to_frontend(clipboard_data{data->selection, text_of(data->data)});
      return;
    }
    case VD_AGENT_CLIPBOARD_RELEASE: {
      auto release = protocol::parse_clipboard_release(message.data, layout());
      if (!release)
        return set_error(release.error().message);
      if (clipboard_owner_ == "guest")
        clipboard_owner_ = "none";
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
      agent.clipboard_owner_ = "client";
      protocol::clipboard_grab message{grab.selection, agent.grab_serial_++, {VD_AGENT_CLIPBOARD_UTF8_TEXT}};
      agent.send_message(VD_AGENT_CLIPBOARD_GRAB, protocol::build_clipboard_grab(message, layout));
    }
    void operator()(const clipboard_release& release) const {
      if (agent.clipboard_owner_ == "client") {
        agent.clipboard_owner_ = "none";
        agent.send_message(VD_AGENT_CLIPBOARD_RELEASE, protocol::build_clipboard_release({release.selection}, layout));
      }
    }
    void operator()(const clipboard_request& request) const {
      agent.send_message(VD_AGENT_CLIPBOARD_REQUEST,
                         protocol::build_clipboard_request({request.selection, VD_AGENT_CLIPBOARD_UTF8_TEXT}, layout));
    }
    void operator()(const clipboard_data& data) const {
      agent.bytes_to_guest_ += data.text.size();
      protocol::bytes bytes(data.text.begin(), data.text.end());
      agent.send_message(VD_AGENT_CLIPBOARD, protocol::build_clipboard_data(
                                               {data.selection, VD_AGENT_CLIPBOARD_UTF8_TEXT, std::move(bytes)}, layout));
    }
    void operator()(const monitors_config& size) const {
      if (!agent.agent_caps_.has(VD_AGENT_CAP_MONITORS_CONFIG))
        return;
      protocol::agent_monitors_config config;
      config.monitors.push_back({size.width, size.height, 32, 0, 0});
      ++agent.monitors_configs_sent_;
      agent.last_monitors_config_ = std::to_string(size.width) + "x" + std::to_string(size.height);
      agent.log_.info("agent: monitors config {}", agent.last_monitors_config_);
      agent.send_message(VD_AGENT_MONITORS_CONFIG, protocol::build_agent_monitors_config(config));
    }
  };
  std::visit(visitor{*this, clipboard_layout}, command);
}

void main_agent::send_message(std::uint32_t type, const protocol::bytes& data) {
  auto message = protocol::build_agent_message(type, data);
  if (data.size() > settings_.max_message_bytes || !flow_.enqueue(protocol::split_agent_chunks(message))) {
    set_error(std::string(protocol::agent_message_name(type)) + " of " + std::to_string(data.size()) +
              " bytes refused: over agent.max_queued_bytes or agent.max_message_bytes");
    return;
  }
  ++messages_out_;
  flush();
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
  report.clipboard_owner = clipboard_owner_;
  report.clipboard_bytes_from_guest = bytes_from_guest_;
  report.clipboard_bytes_to_guest = bytes_to_guest_;
  report.monitors_configs_sent = monitors_configs_sent_;
  report.last_monitors_config = last_monitors_config_;
  report.last_error = last_error_;
  return report;
}

}  // namespace vigil
