// The channel actors. Each owns one SPICE channel connection through a
// channel_endpoint and adds its channel's own messages.
//
// Every channel actor accepts:
//   (health_atom) -> channel_health
//   (shutdown_atom)              close the connection and quit
// and sends (channel_event_atom, channel_event) to its parent on state changes.
//
// main_channel also accepts:
//   (session_info_atom) -> session_info, answered once INIT and CHANNELS_LIST
//   have arrived (a response promise: no queue is left for anyone to drain).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/channel_endpoint.hpp"
#include "protocol/channel_messages.hpp"
#include "protocol/main_messages.hpp"

namespace vigil {

struct session_info {
  std::uint32_t session_id = 0;
  std::vector<protocol::channel_address> channels;
  std::string vm_name;  // empty until NAME arrives (it may come later)
  std::string vm_uuid;
};

caf::actor spawn_main_channel(caf::actor_system& system, channel_spec spec);
caf::actor spawn_display_channel(caf::actor_system& system, channel_spec spec,
                                 protocol::display_init_request display_init);
caf::actor spawn_inputs_channel(caf::actor_system& system, channel_spec spec);
caf::actor spawn_cursor_channel(caf::actor_system& system, channel_spec spec);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::protocol::display_init_request)
