#include "ui/window_agent.hpp"

#include <spice/vd_agent.h>

#include <algorithm>

#include "actors/agent_events.hpp"
#include "common/log.hpp"
#include "ui/monitor_layout.hpp"
#include "ui/clipboard_image.hpp"

namespace vigil {

namespace {

// The one type fetched from the guest on its grab: text, else PNG, else BMP
// (offered locally as PNG), else the first.
std::uint32_t preferred_type(const std::vector<std::uint32_t>& types) {
  for (std::uint32_t wanted : {VD_AGENT_CLIPBOARD_UTF8_TEXT, VD_AGENT_CLIPBOARD_IMAGE_PNG, VD_AGENT_CLIPBOARD_IMAGE_BMP})
    if (std::find(types.begin(), types.end(), wanted) != types.end())
      return wanted;
  return types.front();
}

}  // namespace

window_agent::window_agent(const agent_settings& settings, unsigned long window, send_function send)
    : settings_(settings), send_(std::move(send)) {
  if (settings_.clipboard)
    clipboard_ = std::make_unique<x11_clipboard>(settings_.max_message_bytes, settings_.primary);
  if (window != 0)
    drop_ = std::make_unique<x11_file_drop>(window);
}

void window_agent::on_agent_event(const agent_event& event) {
  struct visitor {
    window_agent& agent;
    void operator()(const agent_state& state) const {
      agent.monitors_config_ = state.connected && state.monitors_config;
      named_logger("viewer")->info("agent {}{}", state.connected ? "connected" : "absent",
                                   agent.monitors_config_ ? ", takes monitors config" : "");
    }
    void operator()(const clipboard_grab& grab) const {
      if (!agent.clipboard_ || !agent.clipboard_->available() || grab.types.empty())
        return;
      auto type = preferred_type(grab.types);
      // A BMP (Windows guests) is offered as the PNG it becomes on arrival.
      std::uint32_t offered = type == VD_AGENT_CLIPBOARD_IMAGE_BMP ? std::uint32_t{VD_AGENT_CLIPBOARD_IMAGE_PNG} : type;
      agent.clipboard_->own_for_guest(grab.selection, offered);
      agent.send_(clipboard_request{grab.selection, type});
    }
    void operator()(const clipboard_data& data) const {
      if (!agent.clipboard_)
        return;
      if (data.type != VD_AGENT_CLIPBOARD_IMAGE_BMP)
        return agent.clipboard_->set_guest_data(data.selection, data.type, data.data);
      auto png = data.data.empty() ? std::optional<std::string>() : bmp_to_png(data.data);
      if (!png && !data.data.empty())
        named_logger("viewer")->warn("clipboard: the guest's BMP of {} bytes is not a picture this window can "
                                     "convert to PNG: local clients get nothing", data.data.size());
      agent.clipboard_->set_guest_data(data.selection, VD_AGENT_CLIPBOARD_IMAGE_PNG, png ? *png : std::string());
    }
    void operator()(const clipboard_release& release) const {
      if (agent.clipboard_)
        agent.clipboard_->guest_released(release.selection);
    }
    void operator()(const clipboard_request& request) const {
      if (agent.clipboard_ && agent.clipboard_->available())
        agent.clipboard_->request_local(request.selection, request.type, std::chrono::steady_clock::now());
      else
        agent.send_(clipboard_data{request.selection, request.type, {}});
    }
    void operator()(const file_progress& progress) const {
      if (!progress.finished) {
        auto before = agent.transfers_.count(progress.id) ? agent.transfers_[progress.id].sent : 0;
        auto tenth = [&](std::uint64_t sent) { return progress.size ? sent * 10 / progress.size : 10; };
        if (!agent.transfers_.count(progress.id) || tenth(progress.sent) != tenth(before))
          agent.file_notice_ = "Sending " + progress.name + ": " + std::to_string(tenth(progress.sent) * 10) + " % of " +
                               std::to_string(progress.size) + " bytes";
        agent.transfers_[progress.id] = progress;
        return;
      }
      agent.transfers_.erase(progress.id);
      agent.last_finished_ = progress;
      agent.file_notice_ = progress.name + ": " + progress.outcome;
      named_logger("viewer")->info("file {}: {}", progress.name, progress.outcome);
    }
  };
  std::visit(visitor{*this}, event);
}

void window_agent::send_file(const std::string& path) {
  named_logger("viewer")->info("sending {} to the guest", path);
  send_(file_send{path});
}

void window_agent::cancel_file(std::uint32_t id) { send_(file_cancel{id}); }

void window_agent::set_heads(const std::vector<protocol::monitor_head>& heads) {
  heads_.clear();
  for (const auto& head : heads)
    heads_.push_back({head.monitor_id, static_cast<std::int32_t>(head.x), static_cast<std::int32_t>(head.y),
                      head.width, head.height});
}

void window_agent::window_resized(sf::Vector2u size, sf::Vector2u guest_size) {
  // Before the first frame the window has only its opening size, which the
  // guest did not ask for and should not get.
  if (guest_size.x == 0)
    return;
  pending_guest_size_ = size;
  guest_size_due_ = std::chrono::steady_clock::now() + settings_.resize_debounce;
}

void window_agent::heads_resized(std::vector<monitor_placement> wanted, const std::vector<monitor_placement>& current) {
  const auto same = [](const monitor_placement& a, const monitor_placement& b) {
    return a.id == b.id && a.x == b.x && a.y == b.y && a.width == b.width && a.height == b.height;
  };
  pending_guest_size_.reset();
  if (std::equal(wanted.begin(), wanted.end(), current.begin(), current.end(), same)) {
    pending_layout_.reset();
    return;
  }
  pending_layout_ = std::move(wanted);
  guest_size_due_ = std::chrono::steady_clock::now() + settings_.resize_debounce;
}

std::vector<int> window_agent::connection_fds() const {
  return {clipboard_ ? clipboard_->connection_fd() : -1, drop_ ? drop_->connection_fd() : -1};
}

bool window_agent::events_waiting() const {
  const bool clipboard_events = clipboard_ && clipboard_->events_waiting();
  return (drop_ && drop_->events_waiting()) || clipboard_events;  // both asked: each sends what it buffered
}

std::optional<std::chrono::steady_clock::time_point> window_agent::next_deadline() const {
  std::optional<std::chrono::steady_clock::time_point> next;
  auto consider = [&](std::optional<std::chrono::steady_clock::time_point> t) {
    if (t && (!next || *t < *next))
      next = t;
  };
  if (clipboard_)
    consider(clipboard_->next_deadline());
  if (drop_)
    consider(drop_->next_deadline());
  if (pending_guest_size_ || pending_layout_)
    consider(guest_size_due_);
  return next;
}

void window_agent::pump(std::chrono::steady_clock::time_point now, sf::Vector2u guest_size,
                        const readable_fds& readable) {
  if (clipboard_) {
    for (auto& action : clipboard_->pump(now, readable.has(clipboard_->connection_fd()))) {
      switch (action.what) {
        case x11_clipboard::action::kind::grab:
          send_(clipboard_grab{action.selection, std::move(action.types)});
          break;
        case x11_clipboard::action::kind::release:
          send_(clipboard_release{action.selection});
          break;
        case x11_clipboard::action::kind::data:
          send_(clipboard_data{action.selection, action.type, std::move(action.data)});
          break;
      }
    }
  }
  if (drop_)
    for (const auto& path : drop_->pump(now, readable.has(drop_->connection_fd())))
      send_file(path);
  if (pending_layout_ && now >= guest_size_due_) {
    auto layout = std::move(*pending_layout_);
    pending_layout_.reset();
    if (settings_.resize_guest && monitors_config_) {
      named_logger("viewer")->info("a head's window was resized: asking the guest for {} heads", layout.size());
      send_(monitors_config{std::move(layout)});
    }
  }
  if (!pending_guest_size_ || now < guest_size_due_)
    return;
  auto size = *pending_guest_size_;
  pending_guest_size_.reset();
  if (!settings_.resize_guest || !monitors_config_ || size == guest_size || size.x == 0 || size.y == 0)
    return;
  // One window shows every head: each is scaled with it (ui/monitor_layout.hpp).
  monitors_config config{fit_heads(heads_, size.x, size.y)};
  named_logger("viewer")->info("window resized: asking the guest for {}x{} ({} head(s))", size.x, size.y,
                               config.heads.size());
  send_(std::move(config));
}

}  // namespace vigil
