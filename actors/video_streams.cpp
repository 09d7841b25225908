#include "actors/video_streams.hpp"

#include <algorithm>

#include <spice/enums.h>

#include <caf/exit_reason.hpp>

#include "actors/video_hardware.hpp"
#include "protocol/codecs/video_backend.hpp"

namespace vigil {

const char* to_string(video_fault fault) {
  switch (fault) {
    case video_fault::decoder_failed: return "decoder_failed";
    case video_fault::decoder_stalled: return "decoder_stalled";
  }
  return "unknown";
}

video_streams::video_streams(caf::event_based_actor* self, std::string channel_name,
                             std::shared_ptr<spdlog::logger> log, video_decoding_settings settings)
    : self_(self), channel_name_(std::move(channel_name)), log_(std::move(log)), settings_(std::move(settings)) {}

video_streams::~video_streams() { end_all(); }

void video_streams::spawn_decoder(std::uint32_t stream_id, stream& s) {
  stream_decoder_spec spec;
  spec.stream_id = stream_id;
  spec.decoder = next_incarnation_++;
  spec.codec = s.codec;
  // libavcodec (a plugin) and the VA-API device are loaded by the first
  // stream that needs them, not before: a session without such a stream
  // never maps them (protocol/codecs/video_backend.hpp).
  if (protocol::is_libav_codec(s.codec)) {
    route_libav_logging();
    if (settings_.hardware)
      spec.options.hardware = shared_video_hardware().device;
  }
  spec.options.threads = settings_.threads;
  // SIZED_STREAM frames may differ from the announced size; twice each side
  // is room for that and still refuses a forged giant picture.
  spec.options.max_pixels = std::max<std::uint64_t>(std::uint64_t{s.width} * s.height * 4, 64 * 64);
  spec.pool_pictures = settings_.pool_pictures;
  spec.factory = settings_.factory;
  s.decoder_incarnation = spec.decoder;
  s.decoder = nullptr;
  s.inline_decoder.reset();
  if (s.codec == SPICE_VIDEO_CODEC_TYPE_MJPEG && !spec.factory && spec.options.max_pixels <= inline_mjpeg_max_pixels)
    s.inline_decoder = std::make_unique<stream_frame_decoder>(spec);
  else
    s.decoder = spawn_stream_decoder(self_->system(), caf::actor_cast<caf::actor>(self_), std::move(spec));
}

void video_streams::start(std::uint32_t stream_id, std::uint8_t codec, std::uint32_t width, std::uint32_t height) {
  end(stream_id);
  stream& s = streams_[stream_id];
  s.codec = codec;
  s.width = width;
  s.height = height;
  s.health.stream_id = stream_id;
  s.health.codec = protocol::video_codec_name(codec);
  s.health.width = width;
  s.health.height = height;
  s.decodable = protocol::can_decode_video(codec);
  if (!s.decodable) {
    s.health.backend = "none";
    log_->warn("stream {}: codec {} cannot be decoded here (the server chose it against our capabilities): its "
               "frames are dropped",
               stream_id, s.health.codec);
    return;
  }
  spawn_decoder(stream_id, s);
  log_->info("stream {}: {} {}x{}{}", stream_id, s.health.codec, width, height,
             s.inline_decoder ? ", decoded on the display channel" : "");
}

void video_streams::end(std::uint32_t stream_id) {
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return;
  if (found->second.decoder)
    self_->send_exit(found->second.decoder, caf::exit_reason::user_shutdown);
  streams_.erase(found);
}

void video_streams::end_all() {
  while (!streams_.empty())
    end(streams_.begin()->first);
}

video_frame_header video_streams::next_header(std::uint32_t stream_id, stream& s, std::uint32_t mm_time,
                                              const std::optional<protocol::rect>& sized_dest) {
  return video_frame_header{stream_id, s.decoder_incarnation, s.next_sequence++, mm_time, sized_dest};
}

video_streams::submitted video_streams::submit(std::uint32_t stream_id, std::uint32_t mm_time,
                                               const std::optional<protocol::rect>& sized_dest,
                                               const std::uint8_t* data, std::size_t size, std::uint64_t now_ms) {
  const frame_outcome dropped{stream_id, mm_time, now_ms, false};
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return {{dropped}, std::nullopt};
  stream& s = found->second;
  ++s.health.frames;
  if (!s.decodable) {
    ++s.health.drops;
    s.health.decode_errors += s.given_up ? 0 : 1;
    return {{dropped}, std::nullopt};
  }
  if (s.inline_decoder)
    return {{}, ready_picture{stream_id, mm_time, now_ms, sized_dest, nullptr,
                              std::make_shared<const std::vector<std::uint8_t>>(data, data + size)}};
  if (s.in_flight.size() >= settings_.queue_frames) {
    ++s.health.drops;
    ++s.health.overflow;
    // The frames still queued will be decoded too late, and the frame not
    // sent breaks the chain of references: start over at the next key frame.
    auto lost = restart(stream_id, s, video_fault::decoder_stalled,
                        std::to_string(s.in_flight.size()) + " frames queued (bound " +
                          std::to_string(settings_.queue_frames) + ")");
    lost.push_back(dropped);
    return {std::move(lost), std::nullopt};
  }
  encoded_video_frame frame;
  static_cast<video_frame_header&>(frame) = next_header(stream_id, s, mm_time, sized_dest);
  frame.data.assign(data, data + size);
  s.in_flight.push_back(in_flight_frame{frame.sequence, mm_time, now_ms});
  self_->send(s.decoder, video_frame_atom::value, std::move(frame));
  return {};
}

video_streams::answer_effect video_streams::on_picture(decoded_video_frame& answer, std::uint64_t now_ms) {
  answer_effect effect;
  auto found = streams_.find(answer.stream_id);
  if (found == streams_.end() || found->second.decoder_incarnation != answer.decoder)
    return effect;  // the stream ended or its decoder was replaced: already counted
  stream& s = found->second;
  // Frames are answered in order; anything before this one was lost.
  std::uint64_t arrived_ms = now_ms;
  while (!s.in_flight.empty() && s.in_flight.front().sequence <= answer.sequence) {
    if (s.in_flight.front().sequence == answer.sequence)
      arrived_ms = s.in_flight.front().sent_ms;
    s.in_flight.pop_front();
  }
  s.health.queued = s.in_flight.size();
  effect.outcome = frame_outcome{answer.stream_id, answer.mm_time, arrived_ms, answer.picture != nullptr};
  if (count_answer(s, answer, effect))
    effect.picture = ready_picture{answer.stream_id, answer.mm_time, arrived_ms, answer.sized_dest,
                                   std::move(answer.picture), nullptr};
  return effect;
}

video_streams::answer_effect video_streams::decode_when_shown(const ready_picture& frame,
                                                              const std::optional<protocol::pixel_rows>& rows) {
  answer_effect effect;
  auto found = streams_.find(frame.stream_id);
  if (found == streams_.end() || !frame.encoded)
    return effect;  // the stream ended: its frames were counted then
  stream& s = found->second;
  if (!s.inline_decoder) {  // given up since the frame came
    ++s.health.drops;
    return effect;
  }
  decoded_video_frame answer;
  answer.stream_id = frame.stream_id;
  answer.mm_time = frame.mm_time;
  const std::uint8_t* data = frame.encoded->data();
  if (!rows || !s.inline_decoder->decode_onto(data, frame.encoded->size(), *rows, answer))
    s.inline_decoder->decode(data, frame.encoded->size(), answer);
  effect.drawn = answer.drawn;
  if (!answer.backend.empty())
    answer.backend += " on the display channel";
  if (count_answer(s, answer, effect)) {
    effect.picture = frame;
    effect.picture->picture = std::move(answer.picture);
    effect.picture->encoded.reset();
  }
  return effect;
}

bool video_streams::count_answer(stream& s, const decoded_video_frame& answer, answer_effect& effect) {
  if (!answer.backend.empty())
    s.health.backend = answer.backend;
  s.health.last_decode_us = answer.decode_us;
  s.health.max_decode_us = std::max(s.health.max_decode_us, answer.decode_us);
  if (!answer.error.empty()) {
    ++s.health.drops;
    ++s.health.decode_errors;
    if (s.health.decode_errors <= 3)
      log_->warn("stream {}: {}", answer.stream_id, answer.error);
    if (!s.awaiting_picture && ++s.errors_in_a_row >= settings_.error_limit)
      effect.lost = restart(answer.stream_id, s, video_fault::decoder_failed,
                            std::to_string(s.errors_in_a_row) + " frames in a row did not decode, the last: " +
                              answer.error);
    else if (s.awaiting_picture && s.restarted && ++s.errors_awaiting >= settings_.error_limit)
      effect.give_up = give_up(answer.stream_id, s, answer.error);
    return false;
  }
  s.errors_in_a_row = 0;
  if (!answer.picture && !answer.drawn)
    return false;  // buffered by the codec: not a drop
  s.awaiting_picture = false;
  s.restarted = false;
  ++s.health.decoded;
  return true;
}

bool video_streams::give_up(std::uint32_t stream_id, stream& s, const std::string& last_error) {
  ++s.health.decoder_restarts;
  s.health.last_fault = std::string(to_string(video_fault::decoder_failed)) + ": a fresh decoder failed " +
                        std::to_string(s.errors_awaiting) + " frames too, the last: " + last_error;
  log_->warn("fault {} stream {} {}; action: tell the server the stream cannot be played (it sends the area as "
             "images instead)",
             channel_name_, stream_id, s.health.last_fault);
  drop_in_flight(stream_id, s);
  if (s.decoder)
    self_->send_exit(s.decoder, caf::exit_reason::user_shutdown);
  s.decoder = nullptr;
  s.inline_decoder.reset();
  s.decodable = false;  // later frames, until the server stops streaming, are drops
  s.given_up = true;
  s.health.backend = "none (given up)";
  return true;
}

std::vector<frame_outcome> video_streams::drop_in_flight(std::uint32_t stream_id, stream& s) {
  std::vector<frame_outcome> lost;
  for (const auto& frame : s.in_flight)
    lost.push_back(frame_outcome{stream_id, frame.mm_time, frame.sent_ms, false});
  s.health.drops += lost.size();
  s.health.lost_in_restart += lost.size();
  s.in_flight.clear();
  s.health.queued = 0;
  return lost;
}

std::vector<frame_outcome> video_streams::restart(std::uint32_t stream_id, stream& s, video_fault fault,
                                                  const std::string& evidence) {
  ++restarts_;
  ++s.health.decoder_restarts;
  s.health.last_fault = std::string(to_string(fault)) + ": " + evidence;
  log_->warn("fault {} stream {} {}: {}; action: restart the stream's decoder (restart {} of this stream)",
             channel_name_, stream_id, to_string(fault), evidence, s.health.decoder_restarts);
  auto lost = drop_in_flight(stream_id, s);
  if (s.decoder)
    self_->send_exit(s.decoder, caf::exit_reason::user_shutdown);
  s.errors_in_a_row = 0;
  s.awaiting_picture = true;
  s.restarted = true;
  s.errors_awaiting = 0;
  spawn_decoder(stream_id, s);
  return lost;
}

std::vector<frame_outcome> video_streams::check_stalls(std::uint64_t now_ms) {
  std::vector<frame_outcome> lost;
  const auto limit = static_cast<std::uint64_t>(settings_.stall_timeout.count());
  for (auto& [stream_id, s] : streams_) {
    if (s.in_flight.empty() || now_ms - s.in_flight.front().sent_ms < limit)
      continue;
    auto more = restart(stream_id, s, video_fault::decoder_stalled,
                        "no picture for " + std::to_string(now_ms - s.in_flight.front().sent_ms) + " ms with " +
                          std::to_string(s.in_flight.size()) + " frames queued");
    lost.insert(lost.end(), more.begin(), more.end());
  }
  return lost;
}

bool video_streams::frames_in_flight() const {
  return std::any_of(streams_.begin(), streams_.end(), [](const auto& entry) { return !entry.second.in_flight.empty(); });
}

void video_streams::count_presented(std::uint32_t stream_id, std::uint64_t now_ms) {
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return;
  ++found->second.health.presented;
  auto& times = found->second.presented_ms;
  times.push_back(now_ms);
  while (!times.empty() && now_ms - times.front() > 1000)
    times.pop_front();
}

void video_streams::count_late(std::uint32_t stream_id) {
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return;
  ++found->second.health.late;
  ++found->second.health.drops;
}

void video_streams::note_av_skew(std::uint32_t stream_id, std::int32_t skew_ms) {
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return;
  found->second.health.av_skew_ms = skew_ms;
  found->second.health.has_av_skew = true;
}

std::vector<video_stream_health> video_streams::health(std::uint64_t now_ms) const {
  std::vector<video_stream_health> out;
  for (const auto& [stream_id, s] : streams_) {
    video_stream_health health = s.health;
    const auto recent = std::count_if(s.presented_ms.begin(), s.presented_ms.end(),
                                      [now_ms](std::uint64_t t) { return now_ms - t <= 1000; });
    health.fps = static_cast<double>(recent);
    health.queued = s.in_flight.size();
    out.push_back(std::move(health));
  }
  return out;
}

}  // namespace vigil
