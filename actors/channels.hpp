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
//   (edge_ack_atom, main_status | agent_events | mouse_mode, n);
//   (agent_atom, agent_command) from the window, for the agent (agent_events.hpp).
// and sends (main_status_atom, main_status) to its status listener whenever
// the status changes (every server PING at least) over a keep_latest
// bounded edge: a listener that stops reading costs main nothing; and the
// frontend its agent events and mouse mode over bounded edges (frontend.hpp).
// inputs_channel also accepts (input_atom, input_event) (input_events.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/audio_capture.hpp"
#include "actors/audio_sink.hpp"
#include "actors/channel_endpoint.hpp"
#include "actors/frontend.hpp"
#include "actors/main_agent.hpp"
#include "actors/migration.hpp"
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
  // The session, which carries out live migrations (actors/migration.hpp);
  // null: main refuses them (MIGRATE_CONNECT_ERROR) and stays.
  migration_coordinator migration;
  media_clock_ptr clock;  // INIT and MULTI_MEDIA_TIME set it (null: none)
};

// Who hears main's status (the session), over a keep_latest edge.
using main_status_listener = caf::typed_actor<caf::reacts_to<main_status_atom, main_status>>;

// `frontend` (null: none) hears of main (for the agent), its mouse mode and the agent's events.
caf::actor spawn_main_channel(caf::actor_system& system, channel_spec spec, main_status_listener status_listener,
                              frontend_actor frontend, main_channel_options options);
// `renderer` is offered the primary surface's frames (null: none are built).
// `video`: codecs to offer and prefer, the preferred image compression, how
// streams are decoded (actors/video_settings.hpp).
// `mm_time` (from main's INIT) lets it say how early video frames arrive
// (stream reports' last_frame_delay); without it the delay reported is 0.
caf::actor spawn_display_channel(caf::actor_system& system, channel_spec spec,
                                 protocol::display_init_request display_init, video_settings video,
                                 renderer_actor renderer, std::optional<protocol::mm_time_sync> mm_time = std::nullopt);
// The display channel's dump of its primary surface as a binary PPM
// ("" on success, else the error), which the supervisors delegate to display:0.
using primary_dump_actor = caf::typed_actor<caf::replies_to<dump_primary_atom, std::string>::with<std::string>>;

// Once up, the inputs channel announces itself to `frontend` (null: nobody).
caf::actor spawn_inputs_channel(caf::actor_system& system, channel_spec spec, frontend_actor frontend);
// `renderer` receives the cursor (shape, hot spot, position, visibility)
// whenever it changes, over a keep_latest edge (null: nobody is told).
caf::actor spawn_cursor_channel(caf::actor_system& system, channel_spec spec, renderer_actor renderer);

struct playback_options {
  bool offer_opus = true;          // advertise SPICE_PLAYBACK_CAP_OPUS (false: the server sends raw PCM)
  std::size_t edge_capacity = 32;  // decoded packets in flight to the audio sink (drop_oldest)
};
// `sink` (actors/audio_sink.hpp) receives the decoded PCM.
caf::actor spawn_playback_channel(caf::actor_system& system, channel_spec spec, audio_sink_actor sink,
                                  playback_options options);

// The microphone for the guest (actors/audio_capture.hpp says what is
// captured when); `mm_time` dates the packets by the server's clock.
caf::actor spawn_record_channel(caf::actor_system& system, channel_spec spec, record_options options,
                                std::optional<protocol::mm_time_sync> mm_time = std::nullopt);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::main_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::protocol::display_init_request)
