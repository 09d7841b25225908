// The channel actors. Each owns one SPICE channel connection through a
// channel_endpoint and adds its channel's own messages.
//
// Every channel actor accepts:
//   (heartbeat_atom) -> channel_health   from its supervisor, answered at once
//   (shutdown_atom)              close the connection and quit
// and sends (channel_event_atom, channel_event) to its parent on state changes.
//
// main_channel also accepts:
//   (session_info_atom) -> session_info, answered once INIT and CHANNELS_LIST
//   have arrived (a response promise: no queue is left for anyone to drain);
//   (edge_ack_atom, main_status | agent_events, n) from its status listener;
//   (agent_atom, caf::message) window events for the agent (agent_events.hpp).
// and sends (main_status_atom, main_status) to its status listener whenever
// the status changes (every server PING at least) over a keep_latest
// bounded edge: a listener that stops reading costs main nothing; and
// (agent_event_atom, caf::message) for the window over a fault-policy edge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/channel_endpoint.hpp"
#include "actors/main_agent.hpp"
#include "actors/renderer.hpp"
#include "actors/video_settings.hpp"
#include "protocol/channel_messages.hpp"
#include "protocol/main_messages.hpp"
#include "protocol/mm_time.hpp"

namespace vigil {

struct session_info {
  std::uint32_t session_id = 0;
  std::vector<protocol::channel_address> channels;
  std::optional<protocol::mm_time_sync> mm_time;  // INIT's multimedia time and when it arrived
};

// What main knows about the VM and the session, as it changes.
struct main_status {
  std::string vm_name;  // empty until NAME arrives
  std::string vm_uuid;
  std::uint16_t mouse_mode = 0;  // SPICE_MOUSE_MODE_*
  std::uint32_t multi_media_time = 0;
  bool agent_connected = false;
  std::uint64_t pings_answered = 0;
};

struct main_channel_options {
  std::size_t status_edge_capacity = 4;
  bool request_client_mouse_mode = true;  // ask for absolute pointer positions when the server can take them
  agent_settings agent;
};

caf::actor spawn_main_channel(caf::actor_system& system, channel_spec spec, caf::actor status_listener,
                              main_channel_options options);
// `renderer` is offered the primary surface's frames (null: none are built).
// `video`: codecs to offer and prefer, the preferred image compression, how
// streams are decoded (actors/video_settings.hpp).
// `mm_time` (from main's INIT) lets it say how early video frames arrive
// (stream reports' last_frame_delay); without it the delay reported is 0.
caf::actor spawn_display_channel(caf::actor_system& system, channel_spec spec,
                                 protocol::display_init_request display_init, video_settings video,
                                 renderer_actor renderer, std::optional<protocol::mm_time_sync> mm_time = std::nullopt);
caf::actor spawn_inputs_channel(caf::actor_system& system, channel_spec spec);
// `renderer` receives the cursor (shape, hot spot, position, visibility)
// whenever it changes, over a keep_latest edge (null: nobody is told).
caf::actor spawn_cursor_channel(caf::actor_system& system, channel_spec spec, renderer_actor renderer);

struct playback_options {
  bool offer_opus = true;          // advertise SPICE_PLAYBACK_CAP_OPUS (false: the server sends raw PCM)
  std::size_t edge_capacity = 32;  // decoded packets in flight to the audio sink (drop_oldest)
};
// `sink` (actors/audio_sink.hpp) receives the decoded PCM.
caf::actor spawn_playback_channel(caf::actor_system& system, channel_spec spec, caf::actor sink,
                                  playback_options options);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::main_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::protocol::display_init_request)
