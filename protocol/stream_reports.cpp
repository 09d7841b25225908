#include "protocol/stream_reports.hpp"

#include <algorithm>
#include <string>

namespace vigil::protocol {

result<bool> stream_report_tracker::activate(const stream_activate_report& request) {
  if (streams_.size() >= max_video_streams && streams_.count(request.stream_id) == 0)
    return parse_error{"DISPLAY_STREAM_ACTIVATE_REPORT: stream_id " + std::to_string(request.stream_id) +
                       " would be more than " + std::to_string(max_video_streams) + " reporting streams"};
  window fresh;
  fresh.unique_id = request.unique_id;
  fresh.max_window_size = std::max(request.max_window_size, min_report_window_frames);
  fresh.timeout_ms = std::clamp(request.timeout_ms, min_report_timeout_ms, max_report_timeout_ms);
  streams_[request.stream_id] = fresh;
  return true;
}

void stream_report_tracker::on_frame(std::uint32_t stream_id, std::uint32_t frame_mm_time, bool decoded_ok,
                                     std::uint32_t server_mm_time, std::uint64_t now_ms) {
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return;
  window& stream = found->second;
  if (stream.num_frames == 0) {
    stream.opened_ms = now_ms;
    stream.start_frame_mm_time = frame_mm_time;
  }
  ++stream.num_frames;
  stream.end_frame_mm_time = frame_mm_time;
  stream.last_frame_delay = static_cast<std::int32_t>(frame_mm_time - server_mm_time);
  if (decoded_ok) {
    stream.consecutive_drops = 0;
  } else {
    ++stream.num_drops;
    ++stream.consecutive_drops;
  }
}

void stream_report_tracker::on_destroy(std::uint32_t stream_id) { streams_.erase(stream_id); }

void stream_report_tracker::on_destroy_all() { streams_.clear(); }

std::optional<stream_report> stream_report_tracker::give_up(std::uint32_t stream_id) {
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return std::nullopt;
  stream_report report;
  report.stream_id = stream_id;
  report.unique_id = found->second.unique_id;
  report.num_frames = 0;
  report.num_drops = 0xffffffffu;
  streams_.erase(found);
  return report;
}

bool stream_report_tracker::is_due(const window& stream, std::uint64_t now_ms) {
  if (stream.num_frames == 0)
    return false;
  return stream.num_frames >= stream.max_window_size || now_ms - stream.opened_ms >= stream.timeout_ms ||
         stream.consecutive_drops >= report_after_consecutive_drops;
}

std::vector<stream_report> stream_report_tracker::due_reports(std::uint64_t now_ms) {
  std::vector<stream_report> reports;
  for (auto& [stream_id, stream] : streams_) {
    if (!is_due(stream, now_ms))
      continue;
    stream_report report;
    report.stream_id = stream_id;
    report.unique_id = stream.unique_id;
    report.start_frame_mm_time = stream.start_frame_mm_time;
    report.end_frame_mm_time = stream.end_frame_mm_time;
    report.num_frames = stream.num_frames;
    report.num_drops = stream.num_drops;
    report.last_frame_delay = stream.last_frame_delay;
    reports.push_back(report);  // audio_delay keeps "no audio playback": this client plays none
    stream.num_frames = 0;
    stream.num_drops = 0;
    stream.consecutive_drops = 0;
  }
  return reports;
}

std::optional<std::uint64_t> stream_report_tracker::next_deadline() const {
  std::optional<std::uint64_t> earliest;
  for (const auto& entry : streams_) {
    const window& stream = entry.second;
    if (stream.num_frames == 0)
      continue;
    const std::uint64_t deadline = stream.opened_ms + stream.timeout_ms;
    if (!earliest || deadline < *earliest)
      earliest = deadline;
  }
  return earliest;
}

}  // namespace vigil::protocol
