// bounded_edge with real actors: a receiver that never acknowledges (the K1
// shape) and one that acknowledges everything.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/bounded_edge.hpp"
#include "waiting.hpp"

using namespace std::chrono_literals;
using vigil::bounded_edge;
using vigil::edge_stats;
using vigil::overflow_policy;

namespace {

using item_atom = caf::atom_constant<caf::atom("item")>;
using run_atom = caf::atom_constant<caf::atom("run")>;
constexpr std::uint32_t test_edge_id = 42;

// What the receiver saw: how many items, and the value of the last one.
struct received_items {
  std::atomic<int> count{0};
  std::atomic<int> last{-1};
};

// Counts items; acknowledges them only if `acknowledge` is set.
caf::behavior counting_receiver(caf::event_based_actor* self, bool acknowledge, std::shared_ptr<received_items> seen) {
  return {
    [=](item_atom, int value) {
      ++seen->count;
      seen->last = value;
      if (acknowledge)
        vigil::acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), test_edge_id);
    },
  };
}

// Sends `items` messages over an edge with the given policy in one handler (so
// no acknowledgement is processed meanwhile), then reports its stats.
caf::behavior edge_sender(caf::event_based_actor* self, caf::actor receiver, overflow_policy policy,
                          std::shared_ptr<bounded_edge> edge, std::shared_ptr<int> refusals) {
  *edge = bounded_edge{"test", test_edge_id, 4, policy};
  edge->connect(receiver);
  return {
    [=](run_atom, int items) {
      for (int i = 0; i < items; ++i)
        if (!edge->send_values(self, item_atom::value, i))
          ++*refusals;
      return true;
    },
    [=](vigil::edge_ack_atom, std::uint32_t, std::uint32_t count) { edge->on_ack(self, count); },
  };
}

struct edge_run {
  edge_stats stats;
  int received = 0;
  int last = -1;  // the last item the receiver got
  int refusals = 0;
};

// Runs the sender, then waits until the edge has settled: the receiver has
// every message the sender sent, and an acknowledging receiver has
// acknowledged them all (no fixed wait: the condition itself, 30 s at most).
edge_run run_edge(overflow_policy policy, bool receiver_acknowledges, int items) {
  caf::actor_system_config config;
  caf::actor_system system{config};
  auto seen = std::make_shared<received_items>();
  auto edge = std::make_shared<bounded_edge>("test", test_edge_id, 4, policy);
  auto refusals = std::make_shared<int>(0);
  auto receiver = system.spawn(counting_receiver, receiver_acknowledges, seen);
  auto sender = system.spawn(edge_sender, receiver, policy, edge, refusals);
  caf::scoped_actor self{system};
  self->request(sender, 5s, run_atom::value, items).receive([](bool) {}, [](const caf::error&) {});
  edge_run result;
  const bool settled = vigil::test_support::wait_until(
    [&] {
      // A round trip through the sender: its edge is safe to read afterwards.
      self->request(sender, 5s, run_atom::value, 0).receive([](bool) {}, [](const caf::error&) {});
      result = edge_run{edge->stats(), seen->count.load(), seen->last.load(), *refusals};
      return result.received == static_cast<int>(result.stats.sent) &&
             (!receiver_acknowledges || (result.stats.in_flight == 0 && result.stats.waiting == 0));
    },
    30s, 10ms);
  BOOST_TEST_REQUIRE(settled, "the edge did not settle: sent " << result.stats.sent << ", received " << result.received
                                                               << ", in flight " << result.stats.in_flight
                                                               << ", waiting " << result.stats.waiting);
  self->send_exit(sender, caf::exit_reason::user_shutdown);
  self->send_exit(receiver, caf::exit_reason::user_shutdown);
  return result;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bounded_edge_policies)

BOOST_AUTO_TEST_CASE(a_receiver_that_stops_reading_gets_at_most_capacity_messages) {
  auto run = run_edge(overflow_policy::keep_latest, false, 1000);
  BOOST_TEST(run.received == 4);
  BOOST_TEST(run.stats.in_flight == 4u);
  BOOST_TEST(run.stats.waiting == 1u);       // only the newest waits
  BOOST_TEST(run.stats.coalesced == 995u);   // the rest were superseded
  BOOST_TEST(run.refusals == 0);
}

BOOST_AUTO_TEST_CASE(drop_oldest_keeps_capacity_waiting_and_counts_the_drops) {
  auto run = run_edge(overflow_policy::drop_oldest, false, 1000);
  BOOST_TEST(run.received == 4);
  BOOST_TEST(run.stats.waiting == 4u);
  BOOST_TEST(run.stats.dropped == 992u);
}

BOOST_AUTO_TEST_CASE(fault_policy_refuses_beyond_capacity_and_says_so) {
  auto run = run_edge(overflow_policy::fault, false, 20);
  BOOST_TEST(run.received == 4);
  BOOST_TEST(run.stats.waiting == 4u);
  BOOST_TEST(run.refusals == 12);
  BOOST_TEST(run.stats.refused == 12u);
}

// The sender's loop runs ahead of every acknowledgement: 4 in flight, 4
// waiting, the other 992 refused; the 8 it accepted all arrive, in order.
BOOST_AUTO_TEST_CASE(every_accepted_must_not_lose_message_reaches_an_acknowledging_receiver) {
  auto run = run_edge(overflow_policy::fault, true, 1000);
  BOOST_TEST(run.refusals == 992);
  BOOST_TEST(run.stats.refused == 992u);
  BOOST_TEST(run.received == 1000 - run.refusals);
  BOOST_TEST(run.last == 7);  // the eighth accepted, the last before the refusals
  BOOST_TEST(run.stats.waiting == 0u);
  BOOST_TEST(run.stats.in_flight == 0u);
}

// 4 sent at once, then each newer item replaces the waiting one: the
// receiver gets items 0-3 and then the newest, 999.
BOOST_AUTO_TEST_CASE(keep_latest_with_an_acknowledging_receiver_delivers_the_newest) {
  auto run = run_edge(overflow_policy::keep_latest, true, 1000);
  BOOST_TEST(run.stats.waiting == 0u);
  BOOST_TEST(run.last == 999);
  BOOST_TEST(run.received == 5);
  BOOST_TEST(run.stats.coalesced == 995u);
  BOOST_TEST(static_cast<std::uint64_t>(run.received) + run.stats.coalesced == 1000u);
}

BOOST_AUTO_TEST_SUITE_END()
