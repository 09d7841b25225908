// What a channel reports about itself: its state, traffic counters, liveness
// and errors. Supervisors and the health snapshot read these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/record_health.hpp"
#include "actors/video_health.hpp"

namespace vigil {

enum class channel_state { connecting, linking, up, closed, failed };
const char* to_string(channel_state state);

// Every named fault: why a channel stopped, found by the channel itself or by
// its supervisor. The supervisor picks the recovery from it.
enum class failure_kind {
  connect_failed,      // TCP refused, unreachable, timed out
  tls_failed,          // TLS handshake or certificate verification
  auth_failed,         // link result PERMISSION_DENIED: wrong password
  link_refused,        // any other link error from the server
  protocol_error,      // a message we could not parse, or framing broke
  connection_lost,     // the socket closed after the channel was up
  link_timeout,        // the link did not finish in time
  stuck,               // missed a heartbeat deadline (supervisor)
  mailbox_over_bound,  // mailbox deeper than its bound (supervisor)
  server_silent,       // no server traffic beyond the keepalive window (supervisor)
  edge_overflow,       // a must-not-lose edge overflowed (supervisor)
  memory_budget,       // the server asked for more memory than the session's budget or a cap allows
  protocol_violation,  // the server broke a rule of the protocol (a channel listed twice, agent data beyond its tokens)
};
const char* to_string(failure_kind kind);
// Failures that another attempt cannot fix (wrong password, bad certificate).
bool is_permanent(failure_kind kind);

struct channel_failure {
  failure_kind kind = failure_kind::protocol_error;
  std::string message;
  bool sasl = false;  // auth_failed in a SASL exchange: a user name is asked for too
};

// One outgoing bounded edge of an actor (see bounded_edge.hpp).
struct edge_report {
  std::string name;
  std::string policy;
  std::size_t capacity = 0;
  std::size_t in_flight = 0;
  std::size_t waiting = 0;
  std::uint64_t sent = 0;
  std::uint64_t coalesced = 0;
  std::uint64_t dropped = 0;
  std::uint64_t refused = 0;
};

// The vdagent as main sees it (only main's health has one).
struct agent_report {
  bool connected = false;      // the server says an agent is there
  bool started = false;        // AGENT_START sent
  bool capabilities = false;   // the agent announced its capabilities
  bool monitors_config = false;      // ... including MONITORS_CONFIG
  bool clipboard_selection = false;  // both sides: CLIPBOARD_SELECTION
  bool grab_serial = false;          // both sides: CLIPBOARD_GRAB_SERIAL
  std::uint32_t server_tokens = 0;   // AGENT_DATA we may send now
  std::size_t queued_chunks = 0;     // waiting for server tokens
  std::size_t queued_bytes = 0;
  std::uint64_t chunks_in = 0;
  std::uint64_t chunks_out = 0;
  std::uint64_t messages_in = 0;
  std::uint64_t messages_out = 0;
  std::uint64_t messages_refused = 0;  // over the outgoing queue's bound
  std::string clipboard_owner = "none";  // CLIPBOARD: none | guest | client
  std::string primary_owner = "none";    // PRIMARY, the same
  std::int32_t guest_max_clipboard = 0;  // the agent's MAX_CLIPBOARD (0: none)
  std::uint64_t files_sent = 0;          // file transfers the agent saved
  std::uint64_t files_failed = 0;        // ... that failed or were cancelled
  std::size_t file_transfers = 0;        // running now
  std::uint64_t clipboard_bytes_from_guest = 0;
  std::uint64_t clipboard_bytes_to_guest = 0;
  std::uint64_t monitors_configs_sent = 0;
  std::string last_monitors_config;  // "WxH" (one head at 0,0), else "WxH+X+Y,..." per head
  std::string last_error;
};

// The playback channel's own numbers (actors/playback_channel.cpp); what
// happens to the audio after it (jitter buffer, device) is the audio sink's.
struct playback_health {
  bool active = false;           // between START and STOP
  std::string mode;              // raw | opus (from PLAYBACK_MODE)
  std::uint32_t frequency = 0;   // from the last START
  std::uint32_t channels = 0;
  std::uint64_t starts = 0;
  std::uint64_t packets = 0;         // DATA messages
  std::uint64_t decoded_frames = 0;  // PCM frames handed to the sink
  std::uint64_t decode_errors = 0;   // packets that did not decode (skipped)
  std::uint32_t last_time = 0;       // server multimedia time of the last decoded packet
  std::vector<std::uint16_t> volume; // from PLAYBACK_VOLUME; empty: none received
  bool mute = false;
  std::uint32_t latency_ms = 0;      // from PLAYBACK_LATENCY
};

// How early video stream frames arrive, against the server's multimedia
// time (actors/display_channel.cpp, protocol/mm_time.hpp).
struct video_timing_health {
  bool clock_synced = false;          // main's INIT gave the server's mm_time
  std::uint64_t frames = 0;           // STREAM_DATA frames timed
  std::uint64_t frames_drawn = 0;     // decoded and drawn (the display pipeline's count)
  std::uint64_t late_frames = 0;      // arrived after their mm_time (dropped unless unsynced)
  std::int32_t last_frame_delay_ms = 0;
  std::int32_t min_frame_delay_ms = 0;
  std::int32_t max_frame_delay_ms = 0;
  // Presentation at mm_time by the session's media clock (actors/video_presenter.hpp).
  std::string clock_source;             // none | main | audio (video follows the audio heard)
  std::uint64_t clock_resets = 0;       // the clock jumped (> 500 ms, or back)
  std::size_t pictures_waiting = 0;     // decoded, waiting for their time
  std::size_t waiting_capacity = 0;     // video.presentation_queue_frames
  std::uint64_t presented = 0;          // shown at their time
  std::uint64_t presented_unsynced = 0; // shown at once: no clock, or far ahead of it
  std::uint64_t dropped_late = 0;       // behind the clock when decoded, or superseded
  std::uint64_t shown_early = 0;        // shown before their time: too many waiting
};

// A usbredir channel's device (actors/usbredir_channel.cpp).
struct usb_health {
  std::string device;             // "disk IMAGE", "disk IMAGE (read-only)", "host device 0781:5567"
  std::string error;              // why the device is not (or no longer) redirected
  std::string peer;               // the guest side's usbredir version
  bool attached = false;          // device_connect sent and not refused or unplugged
  std::uint8_t configuration = 0;
  std::uint64_t scsi_commands = 0;
  std::uint64_t failed_commands = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t flushes = 0;         // SYNCHRONIZE CACHE, each an fdatasync
  std::uint64_t refused_writes = 0;  // writes to a read-only disk
  std::uint64_t resets = 0;          // USB port resets and BOT resets
};

// What a channel holds of the session's memory budget (memory_budget.hpp).
struct channel_memory {
  std::uint64_t held_bytes = 0;
  std::uint64_t peak_bytes = 0;
  std::uint64_t refusals = 0;  // charges the budget or a cap refused
  std::string last_refusal;
};

// One head of a display channel's primary surface, as the server's last
// DISPLAY_MONITORS_CONFIG placed it.
struct display_head {
  std::uint32_t id = 0;
  std::uint32_t x = 0;
  std::uint32_t y = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

struct channel_health {
  std::string channel;  // "main", "display", ...
  std::uint8_t type = 0;
  std::uint8_t id = 0;
  channel_state state = channel_state::connecting;
  std::string server;       // where the current connection goes: "HOST:PORT" or the Unix socket
  std::uint32_t migrations = 0;  // moves to a migration's destination (this incarnation)
  std::string destination;  // a live migration's second link: "linking|ready|failed HOST:PORT ..."; empty: none
  bool tls = false;
  std::string auth;            // "spice-ticket" or "sasl" once linked
  std::string sasl_mechanism;  // e.g. "DIGEST-MD5", "SCRAM-SHA-256"
  unsigned sasl_ssf = 0;       // the SASL layer's security strength (0: none; TLS protects the stream)
  std::uint64_t messages_in = 0;
  std::uint64_t messages_out = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t pings_answered = 0;
  std::int64_t last_activity_age_ms = -1;  // -1: no traffic yet
  std::size_t mailbox_depth = 0;           // as the actor saw it when answering
  std::size_t mailbox_peak = 0;            // deepest seen in any heartbeat (supervisor)
  std::uint32_t restarts = 0;              // filled in by the supervisor
  std::vector<edge_report> edges;
  channel_memory memory;
  std::vector<std::string> errors;
  std::optional<agent_report> agent;  // main only
  std::optional<playback_health> playback;  // the playback channel only
  std::optional<record_health> record;      // the record channel only
  std::optional<video_timing_health> video;  // display channels that received video frames
  std::vector<video_stream_health> video_streams;  // display channels: one per live stream
  std::vector<display_head> heads;  // display channels: the last MONITORS_CONFIG's heads
  std::optional<usb_health> usb;             // usbredir channels
};

// Sent by a channel to its parent (the channel supervisor) on every state change.
struct channel_event {
  channel_health health;                 // as of the change
  std::vector<channel_failure> failure;  // one entry when state == failed
  caf::actor socket;                     // the channel's socket broker, if any
};

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::channel_health)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::channel_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::channel_failure)
