// The one bound on messages between actors (CAF 0.17 mailboxes are unbounded).
//
// A bounded_edge is the sending side of one stream of one kind of message to
// one receiver. At most `capacity` messages are in flight (sent, not yet
// acknowledged with (edge_ack_atom, edge_id) by the receiver); the rest wait
// here, and the overflow policy decides what waiting means:
//   keep_latest   state that supersedes itself (frames, status): only the
//                 newest waits; older ones are replaced (counted as coalesced)
//   drop_oldest   telemetry: up to `capacity` wait; beyond that the oldest is
//                 dropped (counted)
//   fault         must-not-lose (key events, replies): up to `capacity` wait;
//                 beyond that the message is refused and send() returns false,
//                 which the owner reports as a health fault (restart)
//   backpressure  must-not-lose from a producer that can stop producing (the
//                 socket broker halts reads once full()): nothing is refused;
//                 what the producer made before it stopped waits here. The
//                 producer bounds that overshoot, not the edge.
// send() never blocks and never waits: the sender keeps running whatever the
// receiver does. A receiver that dies or stops reading costs at most
// 2 x capacity messages of memory.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/atom.hpp>
#include <caf/check_typed_input.hpp>
#include <caf/detail/implicit_conversions.hpp>
#include <caf/detail/type_list.hpp>
#include <caf/local_actor.hpp>
#include <caf/message.hpp>
#include <caf/message_id.hpp>
#include <caf/response_type.hpp>

namespace vigil {

// (edge_ack_atom, std::uint32_t edge_id, std::uint32_t count): receiver -> sender
using edge_ack_atom = caf::atom_constant<caf::atom("edgeack")>;

enum class overflow_policy { keep_latest, drop_oldest, fault, backpressure };
const char* to_string(overflow_policy policy);

struct edge_stats {
  std::uint64_t sent = 0;       // delivered to the receiver's mailbox
  std::uint64_t coalesced = 0;  // replaced by a newer message (keep_latest)
  std::uint64_t dropped = 0;    // thrown away (drop_oldest)
  std::uint64_t refused = 0;    // overflow faults (fault)
  std::size_t in_flight = 0;    // sent, not acknowledged
  std::size_t waiting = 0;      // held here
  std::size_t peak_in_flight = 0;
};

class bounded_edge {
public:
  bounded_edge(std::string name, std::uint32_t edge_id, std::size_t capacity, overflow_policy policy);

  // Points the edge at a (new) receiver; what was in flight to the old one is forgotten.
  void connect(caf::actor receiver);

  // Messages go out as sent by `sender`, whose mailbox gets the receiver's
  // acknowledgements, instead of by the actor calling send(): for a thread
  // that receives through another actor (the UI's inbox, ui/ui_inbox.hpp).
  void send_as(caf::actor sender) { sender_ = std::move(sender); }

  // Sends or holds `message` under the policy. False only on a fault-policy overflow.
  bool send(caf::local_actor* self, caf::message message);

  template <class... Ts>
  bool send_values(caf::local_actor* self, Ts&&... values) {
    return send(self, caf::make_message(std::forward<Ts>(values)...));
  }

  // The receiver acknowledged `count` messages: send what waits, as credit allows.
  void on_ack(caf::local_actor* self, std::uint32_t count);

  // No credit left: a backpressure producer should stop producing.
  bool full() const { return stats_.in_flight + waiting_.size() >= capacity_; }

  std::uint32_t id() const { return edge_id_; }
  const std::string& name() const { return name_; }
  std::size_t capacity() const { return capacity_; }
  overflow_policy policy() const { return policy_; }
  edge_stats stats() const;

private:
  void flush(caf::local_actor* self);
  void deliver(caf::local_actor* self, caf::message message);

  std::string name_;
  std::uint32_t edge_id_;
  std::size_t capacity_;
  overflow_policy policy_;
  caf::actor receiver_;
  caf::actor sender_;  // null: the actor calling send()
  std::deque<caf::message> waiting_;
  edge_stats stats_;
};

// A bounded_edge to a receiver with a typed interface: connect() takes that
// handle, and send_values() does not compile for a message the receiver does
// not accept.
template <class Handle>
class typed_edge : public bounded_edge {
public:
  using bounded_edge::bounded_edge;

  void connect(const Handle& receiver) { bounded_edge::connect(caf::actor_cast<caf::actor>(receiver)); }

  template <class... Ts>
  bool send_values(caf::local_actor* self, Ts&&... values) {
    using message_types = caf::detail::type_list<caf::detail::strip_and_convert_t<Ts>...>;
    static_assert(caf::response_type_unbox<caf::signatures_of_t<Handle>, message_types>::valid,
                  "the edge's receiver does not accept this message");
    return bounded_edge::send_values(self, std::forward<Ts>(values)...);
  }
};

struct edge_report;
// The edge's numbers for a health report.
edge_report edge_report_of(const bounded_edge& edge);

// Sends `message` from `self` (any actor kind, brokers included: caf::local_actor
// itself has no send()) so the receiver sees `self` as the sender.
inline void send_from(caf::local_actor* self, const caf::actor& receiver, caf::message message) {
  if (receiver)
    receiver->eq_impl(caf::make_message_id(), self->ctrl(), self->context(), std::move(message));
}

// What a receiver sends back after handling one message of edge `edge_id`.
inline void acknowledge_edge(caf::local_actor* self, const caf::actor& sender, std::uint32_t edge_id,
                             std::uint32_t count = 1) {
  send_from(self, sender, caf::make_message(edge_ack_atom::value, edge_id, count));
}

}  // namespace vigil
