#include "actors/bounded_edge.hpp"

#include <algorithm>

#include "actors/channel_health.hpp"

namespace vigil {

const char* to_string(overflow_policy policy) {
  switch (policy) {
    case overflow_policy::keep_latest: return "keep_latest";
    case overflow_policy::drop_oldest: return "drop_oldest";
    case overflow_policy::fault: return "fault";
    case overflow_policy::backpressure: return "backpressure";
  }
  return "unknown";
}

bounded_edge::bounded_edge(std::string name, std::uint32_t edge_id, std::size_t capacity, overflow_policy policy)
    : name_(std::move(name)), edge_id_(edge_id), capacity_(std::max<std::size_t>(capacity, 1)), policy_(policy) {}

void bounded_edge::connect(caf::actor receiver) {
  receiver_ = std::move(receiver);
  stats_.in_flight = 0;
}

bool bounded_edge::send(caf::local_actor* self, caf::message message) {
  if (!receiver_)
    return true;  // nobody listens yet: nothing to bound
  if (stats_.in_flight < capacity_ && waiting_.empty()) {
    deliver(self, std::move(message));
    ++stats_.sent;
    stats_.peak_in_flight = std::max(stats_.peak_in_flight, ++stats_.in_flight);
    return true;
  }
  switch (policy_) {
    case overflow_policy::keep_latest:
      stats_.coalesced += waiting_.size();
      waiting_.clear();
      waiting_.push_back(std::move(message));
      return true;
    case overflow_policy::drop_oldest:
      if (waiting_.size() >= capacity_) {
        waiting_.pop_front();
        ++stats_.dropped;
      }
      waiting_.push_back(std::move(message));
      return true;
    case overflow_policy::fault:
      if (waiting_.size() >= capacity_) {
        ++stats_.refused;
        return false;
      }
      waiting_.push_back(std::move(message));
      return true;
    case overflow_policy::backpressure:
      waiting_.push_back(std::move(message));
      return true;
  }
  return true;
}

void bounded_edge::on_ack(caf::local_actor* self, std::uint32_t count) {
  stats_.in_flight -= std::min<std::size_t>(count, stats_.in_flight);
  flush(self);
}

void bounded_edge::flush(caf::local_actor* self) {
  while (receiver_ && stats_.in_flight < capacity_ && !waiting_.empty()) {
    deliver(self, std::move(waiting_.front()));
    waiting_.pop_front();
    ++stats_.sent;
    stats_.peak_in_flight = std::max(stats_.peak_in_flight, ++stats_.in_flight);
  }
}

void bounded_edge::deliver(caf::local_actor* self, caf::message message) {
  if (!sender_) {
    send_from(self, receiver_, std::move(message));
    return;
  }
  receiver_->eq_impl(caf::make_message_id(), caf::actor_cast<caf::strong_actor_ptr>(sender_), self->context(),
                     std::move(message));
}

edge_stats bounded_edge::stats() const {
  edge_stats snapshot = stats_;
  snapshot.waiting = waiting_.size();
  return snapshot;
}

}  // namespace vigil

namespace vigil {

edge_report edge_report_of(const bounded_edge& edge) {
  auto stats = edge.stats();
  edge_report report;
  report.name = edge.name();
  report.policy = to_string(edge.policy());
  report.capacity = edge.capacity();
  report.in_flight = stats.in_flight;
  report.waiting = stats.waiting;
  report.sent = stats.sent;
  report.coalesced = stats.coalesced;
  report.dropped = stats.dropped;
  report.refused = stats.refused;
  return report;
}

}  // namespace vigil
