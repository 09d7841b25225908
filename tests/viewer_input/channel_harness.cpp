#include "channel_harness.hpp"

#include <spice/enums.h>

#include <sstream>
#include <stdexcept>

#include <caf/io/middleman.hpp>

namespace vigil::viewer_input_test {
namespace {

using namespace std::chrono_literals;

constexpr auto start_timeout = 10s;
constexpr auto request_timeout = 5s;

}  // namespace

harness_config::harness_config() {
  load<caf::io::middleman>();
  set("logger.verbosity", caf::atom("quiet"));
}

namespace {

// Main as the tests want it: no client mouse mode asked for, no migration, no clock.
main_channel_options harness_main_options() {
  main_channel_options options;
  options.request_client_mouse_mode = false;
  return options;
}

}  // namespace

channel_harness::channel_harness(std::uint16_t port) : system_(config_), self_(system_) {
  connection_.host = "127.0.0.1";
  connection_.plain_port = port;
  // The harness is main's status listener and its frontend (agent events), as the session and the window are.
  auto main = wait_until_up(spawn_main_channel(system_, spec_for(SPICE_CHANNEL_MAIN),
                                               caf::actor_cast<main_status_listener>(self_),
                                               caf::actor_cast<frontend_actor>(self_), harness_main_options()),
                            SPICE_CHANNEL_MAIN);
  std::string failure;
  self_->request(main, start_timeout, session_info_atom::value)
    .receive([&](const session_info& info) { session_id_ = info.session_id; },
             [&](const caf::error& error) { failure = system_.render(error); });
  if (!failure.empty())
    throw std::runtime_error("main channel gave no session info: " + failure);
}

channel_harness::~channel_harness() {
  for (const auto& channel : channels_)
    self_->send(channel, shutdown_atom::value);
}

channel_spec channel_harness::spec_for(std::uint8_t type) const {
  channel_spec spec;
  spec.type = type;
  spec.connection_id = type == SPICE_CHANNEL_MAIN ? 0 : session_id_;
  spec.connection = connection_;
  spec.parent = caf::actor_cast<channel_parent>(self_);
  return spec;
}

caf::actor channel_harness::start_inputs() {
  return wait_until_up(spawn_inputs_channel(system_, spec_for(SPICE_CHANNEL_INPUTS), frontend_actor{}), SPICE_CHANNEL_INPUTS);
}

caf::actor channel_harness::start_cursor() {
  return wait_until_up(spawn_cursor_channel(system_, spec_for(SPICE_CHANNEL_CURSOR), renderer_actor{}), SPICE_CHANNEL_CURSOR);
}

caf::actor channel_harness::start_display() {
  protocol::display_init_request display_init;
  display_init.pixmap_cache_size = 5242880;
  display_init.glz_window_size = 8388608;
  return wait_until_up(spawn_display_channel(system_, spec_for(SPICE_CHANNEL_DISPLAY), display_init, video_settings{},
                                             renderer_actor{}),
                       SPICE_CHANNEL_DISPLAY);
}

caf::actor channel_harness::wait_until_up(caf::actor channel, std::uint8_t type) {
  channels_.push_back(channel);
  const auto deadline = std::chrono::steady_clock::now() + start_timeout;
  std::string failure;
  bool up = false;
  while (!up && failure.empty() && std::chrono::steady_clock::now() < deadline) {
    self_->receive(
      [&](channel_event_atom, const channel_event& event) {
        if (event.health.type != type)
          return;
        if (event.health.state == channel_state::up)
          up = true;
        else if (event.health.state == channel_state::failed)
          failure = event.failure.empty() ? "failed" : event.failure.front().message;
      },
      [](main_status_atom, const main_status&) {}, caf::after(std::chrono::milliseconds(100)) >> [] {});
  }
  if (!up)
    throw std::runtime_error(std::string("channel ") + protocol::channel_type_name(type) + " did not come up: " +
                             (failure.empty() ? "timed out" : failure));
  return channel;
}

channel_health channel_harness::health(const caf::actor& channel) {
  channel_health health;
  std::string failure;
  self_->request(channel, request_timeout, heartbeat_atom::value)
    .receive([&](const channel_health& reply) { health = reply; },
             [&](const caf::error& error) { failure = system_.render(error); });
  if (!failure.empty())
    throw std::runtime_error("no heartbeat reply: " + failure);
  return health;
}

edge_report channel_harness::pointer_motion(const caf::actor& inputs) {
  for (const auto& edge : health(inputs).edges)
    if (edge.name == "pointer motion")
      return edge;
  throw std::runtime_error("the inputs channel reports no \"pointer motion\" edge");
}

protocol::cursor_state channel_harness::cursor(const caf::actor& cursor_channel) {
  protocol::cursor_state cursor;
  std::string failure;
  self_->request(cursor_channel, request_timeout, cursor_state_atom::value)
    .receive([&](const protocol::cursor_state& reply) { cursor = reply; },
             [&](const caf::error& error) { failure = system_.render(error); });
  if (!failure.empty())
    throw std::runtime_error("no cursor state reply: " + failure);
  return cursor;
}

}  // namespace vigil::viewer_input_test
