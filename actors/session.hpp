// The session orchestrator: one per SPICE session (a reconnect makes a new one).
//
// It links to the channel supervisor it is given (actors/channel_supervision.hpp;
// the session supervisor spawns both), has it start main, asks main once
// for the session id and the channel list (a request with a response promise:
// nothing is left queued if either side goes away), then has the supervisor
// start every listed channel it supports, with connection_id = session_id.
// It tells its listener (the session supervisor) when every channel is up,
// with the VM's name, and once, when the session is over.
//
// Live migration (actors/migration.hpp): main asks it to link every channel
// to the destination (through the channel supervisor) and tells it END,
// CANCEL, SWITCH_HOST or that main has moved; the session has the channels
// move or drop their destination links, and tells its listener where the
// session is now (session_migrated_atom): the session supervisor reconnects
// there from then on, and relinks there at once after SWITCH_HOST. A
// destination this session cannot use is refused with the reason.
//
// Bounds: main's status arrives over a keep_latest edge the session
// acknowledges; everything else is one message per state change or a
// request with a deadline. Input, agent traffic, mouse mode and frames do
// not pass through the session: they go between the channels and the
// frontend (actors/frontend.hpp) or the renderer.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/audio_sink.hpp"
#include "actors/channel_endpoint.hpp"
#include "actors/channel_health.hpp"
#include "actors/channel_supervision.hpp"
#include "actors/channels.hpp"
#include "actors/frontend.hpp"
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
  bool session_ignores_main_status = false;  // a consumer that stops reading main's status
  std::chrono::milliseconds renderer_delay_per_frame{0};  // a slow renderer: frames must coalesce
  std::string media_trace_path;  // --debug-media-trace: actors/media_clock.hpp
};

// Display channels a session connects at most (QEMU guests have up to 4 QXL heads).
constexpr std::uint32_t max_display_channels = 4;

struct session_options {
  // The session's memory budget, shared by every channel of every
  // incarnation (the session supervisor makes it from memory_limits if unset).
  std::shared_ptr<protocol::memory_pool> memory;
  protocol::memory_limits memory_limits;  // [memory]
  connection_settings connection;
  protocol::display_init_request display_init;
  video_settings video;  // [video] and the display preferences
  supervision_settings supervision;
  std::size_t main_status_edge_capacity = 4;
  bool client_mouse_mode = true;  // mouse.client_mode
  agent_settings agent;           // [agent]
  renderer_actor renderer;  // owned by the session supervisor: it outlives reconnects
  // display:1.. ([id - 1]), the window's (one window per head); none: only display:0 is shown.
  std::vector<renderer_actor> display_renderers;
  frontend_actor frontend;  // the window or the headless runner: outlives reconnects (null: none)
  bool audio_enabled = true;         // audio.enabled: connect the playback channel
  playback_options playback;
  audio_sink_options audio_sink;     // how the session supervisor makes the sink
  audio_sink_actor audio;            // the audio sink (session supervisor): outlives reconnects
  usb_settings usb;                  // what goes over the usbredir channels (--usb-disk, --usb-redirect)
  shared_folder share;               // --share-dir: served over the webdav channel
  record_options record;             // [record]: the microphone (actors/audio_capture.hpp)
  std::string uri;  // for logs and the snapshot; never contains the password
  std::chrono::milliseconds health_deadline{1000};
  debug_faults debug;
  // Null: the real channels. Tests put scripted channel actors here (one
  // function for every channel type; the spec says which).
  std::function<caf::actor(caf::actor_system&, const channel_spec&)> channel_factory;
};

// Where a session is, as the session supervisor and the window show it
// (waiting: --wait, the server is not there yet).
enum class session_phase { waiting, connecting, up, reconnecting, ended, failed };
const char* to_string(session_phase phase);
// The session's memory budget as the snapshot shows it (each channel's
// share is in its channel_health.memory).
struct session_memory_health {
  std::uint64_t limit_bytes = 0;
  std::uint64_t in_use_bytes = 0;
  std::uint64_t peak_bytes = 0;
  std::uint64_t refusals = 0;
};

struct session_health {
  session_phase state = session_phase::connecting;
  std::vector<std::string> unanswered;  // parts that did not answer the health request in time
  double uptime_s = 0;      // of the current session, since every channel came up
  std::uint32_t session_id = 0;
  std::string vm_name;
  std::string vm_uuid;
  std::string uri;
  std::uint32_t reconnects = 0;  // filled in by the session supervisor
  std::string last_fault;        // idem
  std::uint32_t migrations = 0;              // idem: live migrations followed (SWITCH_HOST included)
  std::string last_migration_destination;    // idem: "HOST:PORT (TLS ...)"; empty: none yet
  std::string last_migration_mode;           // idem: seamless | semi-seamless | switch-host
  session_memory_health memory;
  std::uint64_t frames_rendered = 0;   // idem, from the renderer
  std::uint64_t frames_coalesced = 0;  // idem: display updates folded into later frames
  std::vector<channel_health> channels;  // idem, from the channel supervisor
  std::optional<audio_health> audio;   // idem, from the audio sink
};

struct session_end {
  bool was_up = false;                   // every channel had been up
  std::vector<channel_failure> failure;  // empty: ended on request
  std::string reason;
  bool ticket_expired = false;  // refused (auth_failed) after the session had been up
};

// The session as its supervisor sees it: every channel is up (again), with
// the VM's name ("" when the server has not said it); the session is over.
// The session has moved to a migration's destination (or must relink there:
// mode switch_host).
using session_listener = caf::typed_actor<caf::reacts_to<session_up_atom, std::string>,
                                          caf::reacts_to<session_ended_atom, session_end>,
                                          caf::reacts_to<session_migrated_atom, migration_report>>;

// The session: heartbeat -> its mailbox depth; health -> its own part of the
// snapshot (state, uptime, ids, VM name); shutdown stops every channel and
// quits. Its channel supervisor and main channel talk to it too.
using session_actor = caf::typed_actor<caf::replies_to<heartbeat_atom>::with<std::size_t>,
                                       caf::replies_to<health_atom>::with<session_health>,
                                       caf::reacts_to<shutdown_atom>,
                                       caf::reacts_to<main_status_atom, main_status>,
                                       caf::reacts_to<channel_escalation_atom, std::string, channel_failure>,
                                       caf::reacts_to<all_channels_up_atom, std::size_t>>::extend_with<migration_coordinator>;

// `channel_supervisor` is fresh (one per session) and linked to the session:
// either going down takes the other with it.
session_actor spawn_session(caf::actor_system& system, session_options options,
                            channel_supervisor_actor channel_supervisor, session_listener listener);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_options)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_health)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::session_end)
