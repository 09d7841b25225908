// Files sent to the guest's agent (FILE_XFER_*, protocol/agent_file_xfer.hpp):
// not an actor, a part of main_agent's state. The window asks for a path to
// be sent (a drop, the menu); this opens it, offers it with FILE_XFER_START,
// and once the agent says CAN_SEND_DATA reads it in 64 KiB pieces as the
// agent queue drains (at most `window_bytes` queued at a time, so a large
// file never fills agent.max_queued_bytes and clipboard messages still pass).
// Reads are small pread()s of a local file on main's worker: the same
// blocking a log write costs, never a wait on the network.
//
// Progress goes to the window as file_progress events (agent_events.hpp)
// when a transfer starts, every 1/64 of its size, and when it ends; main
// skips a report in between while the window's edge is full.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <spdlog/logger.h>

#include "actors/agent_events.hpp"
#include "protocol/agent_file_xfer.hpp"

namespace vigil {

class agent_file_transfers {
public:
  struct outputs {
    // Queues one agent message; false if the agent queue refused it.
    std::function<bool(std::uint32_t type, const protocol::bytes& data)> send_message;
    std::function<std::size_t()> queued_bytes;  // what waits in the agent queue now
    std::function<void(file_progress event)> to_frontend;
  };
  agent_file_transfers(outputs out, spdlog::logger& log) : out_(std::move(out)), log_(log) {}
  ~agent_file_transfers();
  agent_file_transfers(const agent_file_transfers&) = delete;
  agent_file_transfers& operator=(const agent_file_transfers&) = delete;

  // The window's request: offer `path` to the agent. Errors (no such file, a
  // directory, too many transfers) end the transfer at once, reported.
  void send_file(const std::string& path);
  void cancel(std::uint32_t id);
  // FILE_XFER_STATUS from the agent.
  void on_status(const protocol::bytes& data);
  // The agent queue drained a little: read and queue more data.
  void pump();
  // The agent went away: every transfer fails.
  void agent_gone();

  std::size_t active() const { return transfers_.size(); }
  std::uint64_t files_sent() const { return files_sent_; }
  std::uint64_t files_failed() const { return files_failed_; }

  static constexpr std::size_t max_transfers = 16;
  static constexpr std::size_t window_bytes = 2 * protocol::file_xfer_piece_max + 4096;

private:
  struct transfer {
    int fd = -1;
    std::string name;
    std::uint64_t size = 0;
    std::uint64_t sent = 0;
    std::uint64_t last_reported = 0;
    bool sending = false;  // the agent said CAN_SEND_DATA
  };
  void finish(std::uint32_t id, transfer& t, const std::string& outcome, bool ok);
  void report(std::uint32_t id, const transfer& t, bool finished, const std::string& outcome);
  void fail_early(const std::string& name, const std::string& why);

  outputs out_;
  spdlog::logger& log_;
  std::map<std::uint32_t, transfer> transfers_;
  std::uint32_t next_id_ = 1;
  std::uint64_t files_sent_ = 0;
  std::uint64_t files_failed_ = 0;
};

}  // namespace vigil
