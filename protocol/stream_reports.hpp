// Video stream reports (display cap STREAM_REPORT): what the client tells the
// server about each video stream so its encoder can adapt the bit rate.
//
// After SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT the client reports on that
// stream in windows: a window opens at the first frame after activation or
// after the previous report and closes, producing one
// SPICE_MSGC_DISPLAY_STREAM_REPORT, when it holds max_window_size frames, when
// timeout_ms have passed since it opened (checked by the caller's clock, so it
// also closes while frames have stopped), or after a run of drops (the server
// should hear about trouble at once). A window with no frames is never
// reported: num_frames 0 with num_drops 0xffffffff tells spice-server the
// client cannot play the stream at all.
//
// Pure: the caller passes a monotonic millisecond count as `now_ms`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "protocol/display_messages.hpp"
#include "protocol/display_pipeline.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// A window closes early after this many dropped frames in a row.
constexpr std::uint32_t report_after_consecutive_drops = 3;

// The server's window parameters are clamped to these, so a server cannot
// make the client report every frame (max_window_size 0 or 1, timeout_ms 0)
// nor switch reporting off with a window that never times out. spice-server
// itself asks for 5 frames or 1000 ms.
constexpr std::uint32_t min_report_window_frames = 2;
constexpr std::uint32_t min_report_timeout_ms = 100;
constexpr std::uint32_t max_report_timeout_ms = 10000;

class stream_report_tracker {
public:
  // Starts (or restarts, with the new unique_id and an empty window) reporting
  // on a stream: true. Fails when `max_video_streams` other streams already report.
  result<bool> activate(const stream_activate_report& request);

  // A frame of `stream_id` arrived at `now_ms`; `decoded_ok` false when it was
  // not shown (bad data, unsupported codec). `server_mm_time` is the client's
  // estimate of the server clock when the frame arrived: the report's
  // last_frame_delay is frame_mm_time minus it (negative: the frame was late).
  // Ignored for streams not reporting.
  void on_frame(std::uint32_t stream_id, std::uint32_t frame_mm_time, bool decoded_ok, std::uint32_t server_mm_time,
                std::uint64_t now_ms);

  void on_destroy(std::uint32_t stream_id);
  void on_destroy_all();

  // The client cannot play the stream: the report that says so (num_frames 0,
  // num_drops 0xffffffff; spice-server then stops encoding it and sends its
  // frames as images), after which the stream is no longer reported on.
  // nullopt when the stream does not report.
  std::optional<stream_report> give_up(std::uint32_t stream_id);

  // The reports to send now (window full, timed out or a run of drops), each
  // closing its window. Streams in ascending id order.
  std::vector<stream_report> due_reports(std::uint64_t now_ms);

  // When the earliest open window times out (a `now_ms` value); nullopt when no
  // window is open. The caller arms its timer for it.
  std::optional<std::uint64_t> next_deadline() const;

  std::size_t reporting_streams() const { return streams_.size(); }

private:
  struct window {
    std::uint32_t unique_id = 0;
    std::uint32_t max_window_size = 0;
    std::uint32_t timeout_ms = 0;
    // The open window; num_frames 0 means none is open.
    std::uint64_t opened_ms = 0;
    std::uint32_t start_frame_mm_time = 0;
    std::uint32_t end_frame_mm_time = 0;
    std::uint32_t num_frames = 0;
    std::uint32_t num_drops = 0;
    std::uint32_t consecutive_drops = 0;
    std::int32_t last_frame_delay = 0;
  };

  static bool is_due(const window& stream, std::uint64_t now_ms);

  std::map<std::uint32_t, window> streams_;
};

}  // namespace vigil::protocol
