#include "actors/agent_file_transfers.hpp"

#include <fcntl.h>
#include <spice/vd_agent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "actors/agent_events.hpp"

namespace vigil {

namespace {

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

agent_file_transfers::~agent_file_transfers() {
  for (auto& [id, t] : transfers_)
    if (t.fd >= 0)
      ::close(t.fd);
}

void agent_file_transfers::report(std::uint32_t id, const transfer& t, bool finished, const std::string& outcome) {
  out_.to_frontend(file_progress{id, t.name, t.sent, t.size, finished, outcome});
}

void agent_file_transfers::fail_early(const std::string& name, const std::string& why) {
  ++files_failed_;
  log_.warn("file transfer of {}: {}", name, why);
  transfer none;
  none.name = name;
  report(0, none, true, why);
}

void agent_file_transfers::send_file(const std::string& path) {
  auto name = base_name(path);
  if (transfers_.size() >= max_transfers)
    return fail_early(name, "refused: " + std::to_string(max_transfers) + " transfers are already running");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return fail_early(name, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail_early(name, path + " is not a regular file (folders are shared with --share-dir)");
  }
  auto id = next_id_++;
  transfer t;
  t.fd = fd;
  t.name = name;
  t.size = static_cast<std::uint64_t>(st.st_size);
  if (!out_.send_message(VD_AGENT_FILE_XFER_START, protocol::build_file_xfer_start({id, t.name, t.size}))) {
    ::close(fd);
    return fail_early(name, "refused: the agent queue is full");
  }
  log_.info("file transfer {}: offering {} ({} bytes) to the guest", id, path, t.size);
  auto& stored = transfers_[id] = std::move(t);
  report(id, stored, false, "");
}

void agent_file_transfers::cancel(std::uint32_t id) {
  auto it = transfers_.find(id);
  if (it == transfers_.end())
    return;
  protocol::file_xfer_status status{id, VD_AGENT_FILE_XFER_STATUS_CANCELLED, {}, {}};
  out_.send_message(VD_AGENT_FILE_XFER_STATUS, protocol::build_file_xfer_status(status));
  finish(id, it->second, "cancelled", false);
  transfers_.erase(it);
}

void agent_file_transfers::on_status(const protocol::bytes& data) {
  auto status = protocol::parse_file_xfer_status(data);
  if (!status) {
    log_.warn("agent: {}", status.error().message);
    return;
  }
  auto it = transfers_.find(status->id);
  if (it == transfers_.end()) {
    log_.debug("agent: FILE_XFER_STATUS for unknown transfer {}", status->id);
    return;
  }
  auto& t = it->second;
  if (status->result == VD_AGENT_FILE_XFER_STATUS_CAN_SEND_DATA) {
    t.sending = true;
    pump();
    return;
  }
  bool ok = status->result == VD_AGENT_FILE_XFER_STATUS_SUCCESS;
  if (ok && t.sent != t.size) {
    finish(status->id, t, "the guest reported success before it had all the data", false);
  } else {
    finish(status->id, t, protocol::describe_file_xfer_status(*status), ok);
  }
  transfers_.erase(it);
}

void agent_file_transfers::pump() {
  std::vector<std::uint8_t> piece(protocol::file_xfer_piece_max);
  for (auto it = transfers_.begin(); it != transfers_.end();) {
    auto& [id, t] = *it;
    bool failed = false;
    while (t.sending && t.sent < t.size && out_.queued_bytes() < window_bytes) {
      auto want = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), t.size - t.sent));
      auto got = ::pread(t.fd, piece.data(), want, static_cast<off_t>(t.sent));
      if (got <= 0) {
        auto why = got < 0 ? std::string(std::strerror(errno)) : std::string("the file got shorter");
        protocol::file_xfer_status status{id, VD_AGENT_FILE_XFER_STATUS_CANCELLED, {}, {}};
        out_.send_message(VD_AGENT_FILE_XFER_STATUS, protocol::build_file_xfer_status(status));
        finish(id, t, "reading the file failed: " + why, false);
        failed = true;
        break;
      }
      if (!out_.send_message(VD_AGENT_FILE_XFER_DATA,
                             protocol::build_file_xfer_data(id, piece.data(), static_cast<std::size_t>(got))))
        break;  // the queue is full after all: try again when it drains
      t.sent += static_cast<std::uint64_t>(got);
      if (t.sent == t.size || t.sent - t.last_reported >= std::max<std::uint64_t>(t.size / 64, 1)) {
        t.last_reported = t.sent;
        report(id, t, false, "");
      }
    }
    it = failed ? transfers_.erase(it) : std::next(it);
  }
}

void agent_file_transfers::agent_gone() {
  for (auto& [id, t] : transfers_)
    finish(id, t, "the guest's agent went away", false);
  transfers_.clear();
}

void agent_file_transfers::finish(std::uint32_t id, transfer& t, const std::string& outcome, bool ok) {
  if (t.fd >= 0)
    ::close(t.fd);
  t.fd = -1;
  ok ? ++files_sent_ : ++files_failed_;
  if (ok)
    log_.info("file transfer {}: {} ({} bytes) {}", id, t.name, t.sent, outcome);
  else
    log_.warn("file transfer {}: {} after {} of {} bytes: {}", id, t.name, t.sent, t.size, outcome);
  report(id, t, true, outcome);
}

}  // namespace vigil
