#include "supervisors/health_snapshot.hpp"

#include <sys/resource.h>

#include <nlohmann/json.hpp>

namespace vigil {

namespace {

nlohmann::json channel_json(const channel_health& channel) {
  nlohmann::json edges = nlohmann::json::array();
  for (const auto& edge : channel.edges)
    edges.push_back({{"name", edge.name},
                     {"policy", edge.policy},
                     {"capacity", edge.capacity},
                     {"in_flight", edge.in_flight},
                     {"waiting", edge.waiting},
                     {"sent", edge.sent},
                     {"coalesced", edge.coalesced},
                     {"dropped", edge.dropped},
                     {"refused", edge.refused}});
  nlohmann::json out = {
    {"channel", channel.channel},
    {"id", channel.id},
    {"state", to_string(channel.state)},
    {"server", channel.server},
    {"tls", channel.tls},
    {"messages_in", channel.messages_in},
    {"messages_out", channel.messages_out},
    {"bytes_in", channel.bytes_in},
    {"bytes_out", channel.bytes_out},
    {"pings_answered", channel.pings_answered},
    {"last_activity_age_ms", channel.last_activity_age_ms},
    {"mailbox_depth", channel.mailbox_depth},
    {"mailbox_peak", channel.mailbox_peak},
    {"restarts", channel.restarts},
    {"edges", edges},
    {"memory",
     {{"held_bytes", channel.memory.held_bytes},
      {"peak_bytes", channel.memory.peak_bytes},
      {"refusals", channel.memory.refusals},
      {"last_refusal", channel.memory.last_refusal}}},
    {"errors", channel.errors},
  };
  if (!channel.destination.empty())
    out["migration_destination"] = channel.destination;
  if (!channel.auth.empty()) {
    out["auth"] = {{"method", channel.auth}};
    if (channel.auth == "sasl") {
      out["auth"]["mechanism"] = channel.sasl_mechanism;
      out["auth"]["ssf"] = channel.sasl_ssf;
    }
  }
  if (channel.agent) {
    const auto& agent = *channel.agent;
    out["agent"] = {
      {"connected", agent.connected},
      {"started", agent.started},
      {"capabilities", agent.capabilities},
      {"monitors_config", agent.monitors_config},
      {"clipboard_selection", agent.clipboard_selection},
      {"grab_serial", agent.grab_serial},
      {"server_tokens", agent.server_tokens},
      {"queued_chunks", agent.queued_chunks},
      {"queued_bytes", agent.queued_bytes},
      {"chunks_in", agent.chunks_in},
      {"chunks_out", agent.chunks_out},
      {"messages_in", agent.messages_in},
      {"messages_out", agent.messages_out},
      {"messages_refused", agent.messages_refused},
      {"clipboard_owner", agent.clipboard_owner},
      {"primary_owner", agent.primary_owner},
      {"guest_max_clipboard", agent.guest_max_clipboard},
      {"file_transfers", agent.file_transfers},
      {"files_sent", agent.files_sent},
      {"files_failed", agent.files_failed},
      {"clipboard_bytes_from_guest", agent.clipboard_bytes_from_guest},
      {"clipboard_bytes_to_guest", agent.clipboard_bytes_to_guest},
      {"monitors_configs_sent", agent.monitors_configs_sent},
      {"last_monitors_config", agent.last_monitors_config},
      {"last_error", agent.last_error},
    };
  }
  if (channel.playback) {
    const auto& playback = *channel.playback;
    out["playback"] = {
      {"active", playback.active},
      {"mode", playback.mode},
      {"frequency", playback.frequency},
      {"channels", playback.channels},
      {"starts", playback.starts},
      {"packets", playback.packets},
      {"decoded_frames", playback.decoded_frames},
      {"decode_errors", playback.decode_errors},
      {"last_time", playback.last_time},
      {"volume", playback.volume},
      {"mute", playback.mute},
      {"latency_ms", playback.latency_ms},
    };
  }
  if (channel.record) {
    const auto& record = *channel.record;
    out["record"] = {
      {"active", record.active},
      {"mode", record.mode},
      {"frequency", record.frequency},
      {"channels", record.channels},
      {"starts", record.starts},
      {"device", record.device},
      {"device_error", record.device_error},
      {"capturing", record.capturing},
      {"captured_frames", record.captured_frames},
      {"dropped_frames", record.dropped_frames},
      {"packets_sent", record.packets_sent},
      {"bytes_sent", record.bytes_sent},
      {"encode_errors", record.encode_errors},
      {"volume", record.volume},
      {"mute", record.mute},
      {"microphone_muted", record.microphone_muted},
    };
  }
  if (channel.video) {
    const auto& video = *channel.video;
    out["video"] = {
      {"clock_synced", video.clock_synced},
      {"frames", video.frames},
      {"frames_drawn", video.frames_drawn},
      {"late_frames", video.late_frames},
      {"last_frame_delay_ms", video.last_frame_delay_ms},
      {"min_frame_delay_ms", video.min_frame_delay_ms},
      {"max_frame_delay_ms", video.max_frame_delay_ms},
      {"clock_source", video.clock_source},
      {"clock_resets", video.clock_resets},
      {"pictures_waiting", video.pictures_waiting},
      {"waiting_capacity", video.waiting_capacity},
      {"presented", video.presented},
      {"presented_unsynced", video.presented_unsynced},
      {"dropped_late", video.dropped_late},
      {"shown_early", video.shown_early},
    };
  }
  if (!channel.video_streams.empty()) {
    nlohmann::json streams = nlohmann::json::array();
    for (const auto& stream : channel.video_streams) {
      nlohmann::json entry = {
        {"stream_id", stream.stream_id},
        {"codec", stream.codec},
        {"width", stream.width},
        {"height", stream.height},
        {"backend", stream.backend},
        {"fps", stream.fps},
        {"frames", stream.frames},
        {"decoded", stream.decoded},
        {"presented", stream.presented},
        {"drops", stream.drops},
        {"decode_errors", stream.decode_errors},
        {"late", stream.late},
        {"overflow", stream.overflow},
        {"lost_in_restart", stream.lost_in_restart},
        {"decoder_restarts", stream.decoder_restarts},
        {"last_fault", stream.last_fault},
        {"queued", stream.queued},
        {"last_decode_us", stream.last_decode_us},
        {"max_decode_us", stream.max_decode_us},
      };
      entry["av_skew_ms"] = stream.has_av_skew ? nlohmann::json(stream.av_skew_ms) : nlohmann::json(nullptr);
      streams.push_back(std::move(entry));
    }
    out["video_streams"] = std::move(streams);
  }
  if (!channel.heads.empty()) {
    nlohmann::json heads = nlohmann::json::array();
    for (const auto& head : channel.heads)
      heads.push_back(
        {{"id", head.id}, {"x", head.x}, {"y", head.y}, {"width", head.width}, {"height", head.height}});
    out["heads"] = std::move(heads);
  }
  if (channel.usb) {
    const auto& usb = *channel.usb;
    out["usb"] = {
      {"device", usb.device},
      {"error", usb.error},
      {"peer", usb.peer},
      {"attached", usb.attached},
      {"configuration", usb.configuration},
      {"scsi_commands", usb.scsi_commands},
      {"failed_commands", usb.failed_commands},
      {"bytes_read", usb.bytes_read},
      {"bytes_written", usb.bytes_written},
      {"flushes", usb.flushes},
      {"refused_writes", usb.refused_writes},
      {"resets", usb.resets},
    };
  }
  return out;
}

nlohmann::json audio_json(const audio_health& audio) {
  return {
    {"device", audio.device},
    {"device_error", audio.device_error},
    {"output_latency_ms", audio.latency.ms},
    {"device_latency_ms", audio.latency.device_ms},
    {"latency_source", audio.latency.source},
    {"frequency", audio.frequency},
    {"channels", audio.channels},
    {"streams", audio.streams},
    {"stale_packets", audio.stale_packets},
    {"playing", audio.buffer.playing},
    {"buffer_ms", audio.buffer.depth_ms},
    {"target_ms", audio.target_ms},
    {"capacity_ms", audio.capacity_ms},
    {"packets_in", audio.buffer.packets_in},
    {"late_packets_dropped", audio.buffer.packets_late},
    {"late_frames_dropped", audio.buffer.frames_late},
    {"overflow_frames_dropped", audio.buffer.frames_overflow},
    {"standing_frames_dropped", audio.buffer.frames_shed},
    {"underruns", audio.buffer.underruns},
    {"frames_played", audio.buffer.frames_played},
    {"silence_frames", audio.buffer.frames_silence},
    {"volume", audio.volume},
    {"mute", audio.mute},
    {"dump", {{"path", audio.dump_path}, {"frames", audio.dump_frames}, {"error", audio.dump_error}}},
  };
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

}  // namespace

std::string health_snapshot_json(const session_health& health, const std::optional<exit_status>& exit) {
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& channel : health.channels)
    channels.push_back(channel_json(channel));
  nlohmann::json snapshot = {
    {"session",
     {
       {"state", to_string(health.state)},
       {"unanswered", health.unanswered},
       {"uptime_s", health.uptime_s},
       {"session_id", health.session_id},
       {"name", health.vm_name},
       {"uuid", health.vm_uuid},
       {"uri", health.uri},
       {"reconnects", health.reconnects},
       {"last_fault", health.last_fault},
       {"migrations", health.migrations},
       {"last_migration", {{"destination", health.last_migration_destination}, {"mode", health.last_migration_mode}}},
       {"memory",
        {{"limit_bytes", health.memory.limit_bytes},
         {"in_use_bytes", health.memory.in_use_bytes},
         {"peak_bytes", health.memory.peak_bytes},
         {"refusals", health.memory.refusals}}},
     }},
    {"channels", channels},
    {"renderer", {{"frames_rendered", health.frames_rendered}, {"frames_coalesced", health.frames_coalesced}}},
    {"process", {{"peak_rss_kb", peak_rss_kb()}}},
  };
  if (health.audio)
    snapshot["audio"] = audio_json(*health.audio);
  if (exit)
    snapshot["exit"] = {{"code", exit->code}, {"reason", exit->reason}};
  else
    snapshot["event"] = "snapshot";
  // Replace invalid UTF-8 (a VM name is server-controlled) instead of throwing.
  return snapshot.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vigil
