// playback_channel: the server's audio. It parses the playback messages
// (protocol/playback_messages.hpp), decodes each DATA packet (raw S16 or
// Opus, protocol/codecs/audio_decoder.hpp) and hands the PCM to the audio
// sink, which buffers and plays it (actors/audio_sink.hpp). It advertises
// SPICE_PLAYBACK_CAP_VOLUME, _LATENCY and (unless turned off) _OPUS.
//
// Accepts: socket messages (see channel_endpoint.hpp), (heartbeat_atom) ->
//   channel_health (with a `playback` part), (shutdown_atom),
//   (edge_ack_atom, playback_audio | playback_volume, n) from the sink.
// Sends: (channel_event_atom, channel_event) to its parent;
//   (audio_atom, audio_packet) to the sink over a drop_oldest bounded edge
//   (capacity audio.edge_capacity): a sink that falls behind loses the
//   oldest packets, counted as the edge's `dropped`, and never slows the
//   channel; (audio_volume_atom, audio_volume) over a keep_latest edge of 1.
// A message that does not parse, or a START in a format we cannot decode, is
// a protocol_error (the channel restarts). A packet that does not decode is
// counted and skipped: one bad packet is a click, not a reason to reconnect.
#include <spice/enums.h>
#include <spice/protocol.h>

#include <optional>

#include <caf/stateful_actor.hpp>

#include "actors/audio_sink.hpp"
#include "actors/channels.hpp"
#include "protocol/playback_messages.hpp"

namespace vigil {

namespace {

struct playback_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  typed_edge<audio_sink_actor> to_sink{"playback->audio", edge_ids::playback_audio, 32, overflow_policy::drop_oldest};
  typed_edge<audio_sink_actor> volume_to_sink{"playback->audio volume", edge_ids::playback_volume, 1,
                                              overflow_policy::keep_latest};
  std::uint16_t mode = SPICE_AUDIO_DATA_MODE_RAW;  // until MODE says otherwise
  std::optional<protocol::audio_format> format;    // between START and STOP
  std::optional<protocol::audio_decoder> decoder;
  std::uint32_t stream = 0;
  playback_health health;
  static inline const char* name = "playback_channel";
};

using playback_actor = caf::stateful_actor<playback_channel_state>;

// A decoder for the current mode and format; the error names what is wrong.
std::optional<std::string> make_decoder(playback_actor* self) {
  auto& state = self->state;
  state.decoder.reset();
  if (!state.format)
    return std::nullopt;
  auto decoder = protocol::audio_decoder::create(state.mode, *state.format);
  if (!decoder)
    return decoder.error().message;
  state.decoder.emplace(std::move(*decoder));
  return std::nullopt;
}

void send_packet(playback_actor* self, audio_packet::kind what, std::uint32_t time, std::vector<std::int16_t> samples) {
  auto& state = self->state;
  audio_packet packet;
  packet.what = what;
  packet.stream = state.stream;
  packet.format = state.format.value_or(protocol::audio_format{});
  packet.time = time;
  packet.latency_ms = state.health.latency_ms;  // the sink's buffer applies it
  packet.samples = std::move(samples);
  state.to_sink.send_values(self, audio_atom::value, std::move(packet));
}

void send_volume(playback_actor* self) {
  auto& health = self->state.health;
  self->state.volume_to_sink.send_values(self, audio_volume_atom::value, audio_volume{health.volume, health.mute});
}

void on_data(playback_actor* self, const protocol::playback_data& data) {
  auto& state = self->state;
  ++state.health.packets;
  if (!state.decoder) {
    ++state.health.decode_errors;  // DATA outside START..STOP
    return;
  }
  auto samples = state.decoder->decode(data.data.data(), data.data.size());
  if (!samples) {
    if (state.health.decode_errors++ == 0)
      state.endpoint->log().warn("{}; further decode errors are only counted", samples.error().message);
    return;
  }
  state.health.decoded_frames += samples->size() / state.format->channels;
  state.health.last_time = data.time;
  send_packet(self, audio_packet::kind::data, data.time, std::move(*samples));
}

template <class T>
std::optional<T> parsed_or_fail(playback_actor* self, protocol::result<T> parsed) {
  if (parsed)
    return std::move(*parsed);
  self->state.endpoint->fail(failure_kind::protocol_error, parsed.error().message);
  return std::nullopt;
}

void on_playback_message(playback_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  auto& log = state.endpoint->log();
  switch (frame.type) {
    case SPICE_MSG_PLAYBACK_DATA:
      if (auto data = parsed_or_fail(self, protocol::parse_playback_data(frame.body)))
        on_data(self, *data);
      return;
    case SPICE_MSG_PLAYBACK_MODE:
      if (auto mode = parsed_or_fail(self, protocol::parse_playback_mode(frame.body))) {
        state.mode = mode->mode;
        state.health.mode = protocol::audio_mode_name(mode->mode);
        log.info("mode {}", state.health.mode);
        if (auto problem = make_decoder(self))
          state.endpoint->fail(failure_kind::protocol_error, "PLAYBACK_MODE: " + *problem);
      }
      return;
    case SPICE_MSG_PLAYBACK_START:
      if (auto start = parsed_or_fail(self, protocol::parse_playback_start(frame.body))) {
        state.format = protocol::audio_format{start->frequency, start->channels};
        ++state.stream;
        state.health.active = true;
        state.health.frequency = start->frequency;
        state.health.channels = start->channels;
        ++state.health.starts;
        log.info("START: {} Hz, {} channels, {}", start->frequency, start->channels, protocol::audio_mode_name(state.mode));
        if (auto problem = make_decoder(self)) {
          state.endpoint->fail(failure_kind::protocol_error, "PLAYBACK_START: " + *problem);
          return;
        }
        send_packet(self, audio_packet::kind::start, start->time, {});
      }
      return;
    case SPICE_MSG_PLAYBACK_STOP:
      state.health.active = false;
      state.format.reset();
      state.decoder.reset();
      log.info("STOP");
      send_packet(self, audio_packet::kind::stop, 0, {});
      return;
    case SPICE_MSG_PLAYBACK_VOLUME:
      if (auto volume = parsed_or_fail(self, protocol::parse_playback_volume(frame.body))) {
        state.health.volume = volume->volume;
        send_volume(self);
      }
      return;
    case SPICE_MSG_PLAYBACK_MUTE:
      if (auto mute = parsed_or_fail(self, protocol::parse_playback_mute(frame.body))) {
        state.health.mute = mute->mute;
        send_volume(self);
      }
      return;
    case SPICE_MSG_PLAYBACK_LATENCY:
      if (auto latency = parsed_or_fail(self, protocol::parse_playback_latency(frame.body)))
        state.health.latency_ms = latency->latency_ms;
      return;
    default:
      log.warn("ignoring unknown playback message type {} ({} bytes)", frame.type, frame.body.size());
  }
}

caf::behavior playback_channel(playback_actor* self, channel_spec spec, audio_sink_actor sink,
                               playback_options options) {
  auto& state = self->state;
  state.to_sink = typed_edge<audio_sink_actor>{"playback->audio", edge_ids::playback_audio, options.edge_capacity,
                               overflow_policy::drop_oldest};
  state.to_sink.connect(sink);
  state.volume_to_sink.connect(sink);
  state.health.mode = protocol::audio_mode_name(state.mode);
  spec.channel_caps = {SPICE_PLAYBACK_CAP_VOLUME, SPICE_PLAYBACK_CAP_LATENCY};
  if (options.offer_opus)
    spec.channel_caps.set(SPICE_PLAYBACK_CAP_OPUS);
  channel_endpoint::hooks hooks;
  hooks.on_message = [self](const protocol::frame& frame) { on_playback_message(self, frame); };
  hooks.add_health = [self](channel_health& health) {
    health.edges.push_back(edge_report_of(self->state.to_sink));
    health.edges.push_back(edge_report_of(self->state.volume_to_sink));
    health.playback = self->state.health;
  };
  state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  state.endpoint->start();
  return caf::behavior{state.endpoint->handlers().or_else([self](edge_ack_atom, std::uint32_t edge_id, std::uint32_t count) {
    if (edge_id == edge_ids::playback_audio)
      self->state.to_sink.on_ack(self, count);
    else if (edge_id == edge_ids::playback_volume)
      self->state.volume_to_sink.on_ack(self, count);
  })};
}

}  // namespace

caf::actor spawn_playback_channel(caf::actor_system& system, channel_spec spec, audio_sink_actor sink,
                                  playback_options options) {
  return system.spawn(playback_channel, std::move(spec), std::move(sink), options);
}

}  // namespace vigil
