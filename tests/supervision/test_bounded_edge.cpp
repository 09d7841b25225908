// bounded_edge with real actors: a receiver that never acknowledges (the K1
// shape) and one that acknowledges everything.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/bounded_edge.hpp"

using namespace std::chrono_literals;
using vigil::bounded_edge;
using vigil::edge_stats;
using vigil::overflow_policy;

namespace {

using item_atom = caf::atom_constant<caf::atom("item")>;
using run_atom = caf::atom_constant<caf::atom("run")>;
constexpr std::uint32_t test_edge_id = 42;

// Counts items; acknowledges them only if `acknowledge` is set.
caf::behavior counting_receiver(caf::event_based_actor* self, bool acknowledge, std::shared_ptr<std::atomic<int>> count) {
  return {
    [=](item_atom, int) {
      ++*count;
      if (acknowledge)
        vigil::acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), test_edge_id);
    },
  };
}

// Sends `items` messages over an edge with the given policy, then reports its stats.
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
  int refusals = 0;
};

edge_run run_edge(overflow_policy policy, bool receiver_acknowledges, int items) {
  caf::actor_system_config config;
  caf::actor_system system{config};
  auto count = std::make_shared<std::atomic<int>>(0);
  auto edge = std::make_shared<bounded_edge>("test", test_edge_id, 4, policy);
  auto refusals = std::make_shared<int>(0);
  auto receiver = system.spawn(counting_receiver, receiver_acknowledges, count);
  auto sender = system.spawn(edge_sender, receiver, policy, edge, refusals);
  caf::scoped_actor self{system};
  self->request(sender, 5s, run_atom::value, items).receive([](bool) {}, [](const caf::error&) {});
  std::this_thread::sleep_for(300ms);  // let acknowledgements and flushes settle
  self->request(sender, 5s, run_atom::value, 0).receive([](bool) {}, [](const caf::error&) {});
  edge_run result{edge->stats(), count->load(), *refusals};
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

BOOST_AUTO_TEST_CASE(every_accepted_must_not_lose_message_reaches_an_acknowledging_receiver) {
  auto run = run_edge(overflow_policy::fault, true, 1000);
  BOOST_TEST(run.refusals <= 996);  // the sender runs ahead of the acks, but nothing it accepted is lost
  BOOST_TEST(run.received == 1000 - run.refusals);
  BOOST_TEST(run.stats.waiting == 0u);
  BOOST_TEST(run.stats.in_flight == 0u);
}

BOOST_AUTO_TEST_CASE(keep_latest_with_an_acknowledging_receiver_delivers_the_newest) {
  auto run = run_edge(overflow_policy::keep_latest, true, 1000);
  BOOST_TEST(run.stats.waiting == 0u);
  BOOST_TEST(static_cast<std::uint64_t>(run.received) + run.stats.coalesced == 1000u);
}

BOOST_AUTO_TEST_SUITE_END()
