// The session orchestrator: one per SPICE session (a reconnect makes a new one).
//
// It links to the channel supervisor it is given (actors/channel_supervision.hpp;
// the session supervisor spawns both), has it start main, asks main once
// for the session id and the channel list (a request with a response promise:
// nothing is left queued if either side goes away), then has the supervisor
// start every listed channel it supports, with connection_id = session_id.
//
// Accepts:
//   (main_status_atom, main_status)      from main over a keep_latest edge; acknowledged
//   (all_channels_up_atom)               from the channel supervisor
//   (channel_escalation_atom, label, channel_failure)  the supervisor gave a channel up
//   (heartbeat_atom) -> std::size_t      from the session supervisor: mailbox depth
//   (health_atom) -> session_health      channel part from the channel supervisor
//                                        (its latest heartbeats, never a wait on a channel)
//   (dump_primary_atom, path) -> std::string   forwarded to display:0
//   (input_atom, caf::message)           passed to the channel supervisor (input_events.hpp)
//   (agent_atom, caf::message)           passed to the channel supervisor, for main (agent_events.hpp)
//   (agent_event_atom, caf::message)     from main over its fault-policy edge; acknowledged at
//                                        once and passed to the observer
//   (shutdown_atom)                      stops every channel and quits
// Sends to its observer (the session supervisor):
//   (session_up_atom)                    every channel is up (again)
//   (session_ended_atom, session_end)    once, when the session is over
//   (mouse_mode_atom, std::uint16_t)     the server's mouse mode, when it changes
//   (agent_event_atom, caf::message)     what the guest's agent said (agent_events.hpp)
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/audio_sink.hpp"
#include "actors/channel_endpoint.hpp"
#include "actors/channel_health.hpp"
#include "actors/channels.hpp"
#include "actors/main_agent.hpp"
#include "actors/usbredir_channel.hpp"
#include "actors/webdav_server.hpp"
#include "common/supervision_settings.hpp"
#include "protocol/channel_messages.hpp"

namespace vigil {

// Debug-only fault injection, for the supervision tests (hidden CLI option).
struct debug_faults {
  std::string channel;       // "display:0": that channel's first incarnation gets `fault`
  debug_fault fault;
  bool session_ignores_main_status = false;  // the K1 shape: a consumer that stops reading
  std::chrono::milliseconds renderer_delay_per_frame{0};  // a slow renderer: frames must coalesce
};

struct session_options {
  connection_settings connection;
  protocol::display_init_request display_init;
  video_settings video;  // [video] and the display preferences
  supervision_settings supervision;
  std::size_t main_status_edge_capacity = 4;
  bool client_mouse_mode = true;  // mouse.client_mode
  agent_settings agent;           // [agent]
  renderer_actor renderer;  // owned by the session supervisor: it outlives reconnects
  bool audio_enabled = true;         // audio.enabled: connect the playback channel
  playback_options playback;
  audio_sink_options audio_sink;     // how the session supervisor makes the sink
  caf::actor audio;                  // the audio sink (session supervisor): outlives reconnects
  usb_settings usb;                  // what goes over the usbredir channels (--usb-disk, --usb-redirect)
  shared_folder share;               // --share-dir: served over the webdav channel
  std::string uri;  // for logs and the snapshot; never contains the password
  std::chrono::milliseconds health_deadline{1000};
  debug_faults debug;
};

struct session_health {
  std::string state;        // connecting | up | reconnecting | ended | failed
  double uptime_s = 0;      // of the current session, since every channel came up
  std::uint32_t session_id = 0;
  std::string vm_name;
  std::string vm_uuid;
  std::string uri;
  std::uint32_t reconnects = 0;  // filled in by the session supervisor
  std::string last_fault;        // idem
  std::uint64_t frames_rendered = 0;   // idem, from the renderer
  std::uint64_t frames_coalesced = 0;  // idem: display updates folded into later frames
  std::vector<channel_health> channels;
  std::optional<audio_health> audio;   // idem, from the audio sink
};

struct session_end {
  bool was_up = false;                   // every channel had been up
  std::vector<channel_failure> failure;  // empty: ended on request
  std::string reason;
};

// `channel_supervisor` is fresh (one per session) and linked to the session:
// either going down takes the other with it.
caf::actor spawn_session(caf::actor_system& system, session_options options, caf::actor channel_supervisor,
                         caf::actor observer);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_options)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_health)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_end)
