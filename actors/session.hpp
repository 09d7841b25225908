// The session orchestrator: one per SPICE session.
//
// It spawns and links the main channel, asks it for the session id and the
// channel list (one request with a response promise: nothing is left queued
// if either side goes away), then spawns and links every listed channel it
// supports, with connection_id = session_id.
//
// Accepts:
//   (channel_event_atom, channel_event)  from its channels
//   (health_atom) -> session_health      fans out to every live channel under
//                                        a deadline; a silent channel shows as
//                                        "unresponsive" rather than blocking
//   (shutdown_atom)                      closes every channel and quits
// Sends to its observer (the headless runner, later the window):
//   (session_up_atom)                    once every channel is up
//   (session_ended_atom, session_end)    once, when the session is over
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/channel_endpoint.hpp"
#include "actors/channel_health.hpp"
#include "protocol/channel_messages.hpp"

namespace vigil {

struct session_options {
  connection_settings connection;
  protocol::display_init_request display_init;
  std::string uri;  // for logs and the snapshot; never contains the password
  std::chrono::milliseconds health_deadline{1000};
};

struct session_health {
  std::string state;  // connecting | up | ended
  double uptime_s = 0;  // since every channel came up; 0 if it never did
  std::uint32_t session_id = 0;
  std::string vm_name;
  std::string vm_uuid;
  std::string uri;
  std::vector<channel_health> channels;
};

struct session_end {
  bool was_up = false;                   // every channel had been up
  std::vector<channel_failure> failure;  // empty: ended on request
  std::string reason;
};

caf::actor spawn_session(caf::actor_system& system, session_options options, caf::actor observer);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_options)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_health)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_end)
