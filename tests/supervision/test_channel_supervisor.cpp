// The channel supervisor's decisions in virtual time (virtual_time.hpp):
// restart delays, the flap guard, escalation, heartbeat misses, mailbox
// bounds, and what its health report keeps of a channel's errors.
#include <boost/test/unit_test.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "supervisors/channel_supervisor.hpp"
#include "virtual_time.hpp"

using namespace std::chrono_literals;

namespace vigil::virtual_time_test {

namespace {

// What the channel supervisor told its session.
struct heard_by_session {
  std::vector<std::string> escalated;  // labels
  std::vector<failure_kind> escalation_kinds;
  std::vector<std::size_t> all_up;
};

caf::behavior session_probe(caf::event_based_actor*, std::shared_ptr<heard_by_session> heard) {
  return {
    [heard](channel_escalation_atom, const std::string& label, const channel_failure& failure) {
      heard->escalated.push_back(label);
      heard->escalation_kinds.push_back(failure.kind);
    },
    [heard](all_channels_up_atom, std::size_t channels) { heard->all_up.push_back(channels); },
  };
}

supervision_settings test_settings() {
  supervision_settings settings;
  settings.watchdog.heartbeat_interval = 1000ms;
  settings.watchdog.heartbeat_deadline = 1000ms;
  settings.watchdog.mailbox_bound = 256;
  // No jitter: the delays are exactly 200, 400, 800 ms.
  settings.channel_restart = backoff_policy{200ms, 2.0, 5000ms, 0.0, 3, 30000ms};
  return settings;
}

struct supervised_channels : virtual_time {
  scripted_channels channels;
  std::shared_ptr<heard_by_session> heard = std::make_shared<heard_by_session>();
  channel_supervisor_actor supervisor = spawn_channel_supervisor(system(), test_settings());

  supervised_channels() {
    auto session = system().spawn(session_probe, heard);
    self()->send(supervisor, report_to_atom::value, caf::actor_cast<supervision_listener>(session));
    run();
  }

  ~supervised_channels() {
    self()->send(supervisor, shutdown_atom::value);  // its heartbeat timer would fire forever
    run();
  }

  void supervise(channel_key key, bool essential = false, bool watch_silence = false) {
    supervised_channel how;
    how.key = key;
    how.connection.host = "source.example";
    how.spawn = channels.spawner(system(), key);
    how.essential = essential;
    how.watch_silence = watch_silence;
    self()->send(supervisor, supervise_atom::value, std::move(how));
    run();
  }

  void fail_latest(channel_key key, failure_kind kind = failure_kind::connection_lost) {
    fail(*this, channels.latest(key).actor, kind);
  }

  // The supervisor's answer to a migration's migrate_connect.
  migration_link connect_for_migration(const std::string& host) {
    auto answer = std::make_shared<std::optional<migration_link>>();
    migration_order order;
    order.destination.host = host;
    // The supervisor is a spawn argument, not a capture: for an actor spawned
    // with no arguments CAF 0.17 binds a reference to a null tuple, which
    // UBSan reports (caf/detail/init_fun_factory.hpp; docs/testing.md).
    system().spawn(
      [answer, order](caf::event_based_actor* asker, const channel_supervisor_actor& asked) {
        asker->request(asked, 30s, migrate_connect_atom::value, order).then([answer](const migration_link& link) {
          *answer = link;
        });
      },
      supervisor);
    run();
    BOOST_REQUIRE_MESSAGE(answer->has_value(), "the channel supervisor did not answer migrate_connect");
    return **answer;
  }

  std::vector<channel_health> health() {
    auto report = std::make_shared<std::optional<std::vector<channel_health>>>();
    system().spawn(
      [report](caf::event_based_actor* asker, const channel_supervisor_actor& asked) {
        asker->request(asked, 1s, health_atom::value).then([report](std::vector<channel_health>& answer) {
          *report = std::move(answer);
        });
      },
      supervisor);
    run();
    BOOST_REQUIRE_MESSAGE(report->has_value(), "the channel supervisor did not answer the health request");
    return **report;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(channel_supervisor_in_virtual_time)

BOOST_FIXTURE_TEST_CASE(a_failed_channel_is_restarted_after_200_400_800_ms_then_escalated, supervised_channels) {
  supervise(display_key);
  BOOST_TEST(channels.incarnations(display_key) == 1u);
  BOOST_TEST(heard->all_up == std::vector<std::size_t>{1}, boost::test_tools::per_element());
  for (auto delay : {200ms, 400ms, 800ms}) {
    auto before = channels.incarnations(display_key);
    fail_latest(display_key);
    advance(delay - 1ms);
    BOOST_TEST(channels.incarnations(display_key) == before, "restarted before " << delay.count() << " ms");
    advance(1ms);
    BOOST_TEST(channels.incarnations(display_key) == before + 1, "not restarted at " << delay.count() << " ms");
  }
  BOOST_TEST(heard->escalated.empty());
  fail_latest(display_key);  // the fourth failure: out of its 3 restarts
  advance(60s);
  BOOST_TEST(channels.incarnations(display_key) == 4u);
  BOOST_TEST(heard->escalated == std::vector<std::string>{"display:0"}, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(the_restart_count_resets_only_after_the_channel_stayed_up_for_stable_after,
                        supervised_channels) {
  supervise(display_key);
  fail_latest(display_key);
  advance(200ms);
  BOOST_TEST(channels.incarnations(display_key) == 2u);
  advance(29s);  // up, but not for stable_after (30 s): a flap
  fail_latest(display_key);
  advance(399ms);
  BOOST_TEST(channels.incarnations(display_key) == 2u, "the second attempt must wait 400 ms");
  advance(1ms);
  BOOST_TEST(channels.incarnations(display_key) == 3u);
  advance(30s);  // stable: the count starts again
  fail_latest(display_key);
  advance(199ms);
  BOOST_TEST(channels.incarnations(display_key) == 3u);
  advance(1ms);
  BOOST_TEST(channels.incarnations(display_key) == 4u, "after a stable period the first delay is 200 ms again");
}

BOOST_FIXTURE_TEST_CASE(a_channel_that_stops_answering_heartbeats_is_stuck_within_interval_plus_deadline,
                        supervised_channels) {
  channels.script(display_key).answers_heartbeats = false;
  supervise(display_key);
  // The first probe goes out at 1 s; its deadline passes at 2 s; the restart follows 200 ms later.
  advance(1999ms);
  BOOST_TEST(channels.incarnations(display_key) == 1u);
  channels.script(display_key).answers_heartbeats = true;  // the next incarnation is healthy
  advance(200ms);
  BOOST_TEST(channels.incarnations(display_key) == 1u, "restarted before the heartbeat deadline and the backoff");
  advance(1ms);
  BOOST_TEST(channels.incarnations(display_key) == 2u);
  auto report = health();
  BOOST_REQUIRE(report.size() == 1u);
  BOOST_TEST(report[0].restarts == 1u);
  BOOST_TEST(report[0].errors.size() == 1u);
  BOOST_TEST(report[0].errors.at(0).rfind("stuck: no heartbeat reply", 0) == 0u, report[0].errors.at(0));
}

BOOST_FIXTURE_TEST_CASE(a_mailbox_deeper_than_its_bound_is_a_fault_and_a_restart, supervised_channels) {
  channels.script(display_key).mailbox_depth = 257;
  supervise(display_key);
  advance(1000ms);  // the first heartbeat reply shows it
  channels.script(display_key).mailbox_depth = 0;
  advance(199ms);
  BOOST_TEST(channels.incarnations(display_key) == 1u);
  advance(1ms);
  BOOST_TEST(channels.incarnations(display_key) == 2u);
  BOOST_TEST(health().at(0).mailbox_peak == 257u);
}

BOOST_FIXTURE_TEST_CASE(an_essential_channel_is_escalated_at_once_never_restarted, supervised_channels) {
  supervise(main_key, true);
  fail_latest(main_key);
  advance(60s);
  BOOST_TEST(channels.incarnations(main_key) == 1u);
  BOOST_TEST(heard->escalated == std::vector<std::string>{"main:0"}, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(errors_a_channel_repeats_in_every_heartbeat_are_kept_once, supervised_channels) {
  // A display channel that skipped one drawing reports that error in every
  // heartbeat reply; an hour of them must not become 3,600 copies.
  channels.script(display_key).errors = {"decode: FROM_CACHE miss"};
  supervise(display_key);
  advance(100s);
  auto report = health();
  BOOST_REQUIRE(report.size() == 1u);
  BOOST_TEST(report[0].errors == std::vector<std::string>{"decode: FROM_CACHE miss"}, boost::test_tools::per_element());

  // A restart keeps what the failed incarnation reported and the fault that
  // ended it, once, before the new incarnation's own errors.
  fail_latest(display_key);
  advance(100s);
  report = health();
  const std::vector<std::string> expected{"decode: FROM_CACHE miss", "connection_lost: scripted failure",
                                          "decode: FROM_CACHE miss"};
  BOOST_TEST(report[0].errors == expected, boost::test_tools::per_element());
}

// Live migration: while the session prepares one, the source may pause the
// VM (no server bytes) without a fault; once moved, restarts connect to the
// destination, and silence counts again.
BOOST_FIXTURE_TEST_CASE(a_migration_is_planned_work_silence_is_no_fault_and_restarts_follow_the_move,
                        supervised_channels) {
  supervise(main_key, true, true);
  supervise(display_key, false, true);
  BOOST_TEST(channels.latest(display_key).spec.connection.host == "source.example");
  const auto linked = connect_for_migration("destination.example");
  BOOST_TEST(linked.linked, linked.error);
  channels.script(main_key).silent_ms = 120000;  // the paused source: far beyond server_silence
  channels.script(display_key).silent_ms = 120000;
  advance(10s);
  BOOST_TEST(channels.incarnations(main_key) == 1u);
  BOOST_TEST(channels.incarnations(display_key) == 1u);
  BOOST_TEST(heard->escalated.empty());
  connection_settings destination;
  destination.host = "destination.example";
  self()->send(supervisor, migrate_switch_atom::value, destination);
  channels.script(main_key).silent_ms = 0;
  run();
  fail_latest(display_key);
  advance(200ms);
  BOOST_REQUIRE(channels.incarnations(display_key) == 2u);
  BOOST_TEST(channels.latest(display_key).spec.connection.host == "destination.example");
  advance(2s);  // the new incarnation is silent too, and no migration is prepared any more
  BOOST_TEST(channels.incarnations(display_key) == 3u, "a silent server is a fault again after the move");
  BOOST_TEST(heard->escalated.empty());
}

// Semi-seamless MIGRATE_END: main moves last. When main closes its source
// connection, spice-server drops the client's other connections to the
// source; a channel whose switch was still on its way then saw "server
// closed the connection" and was restarted (cursor, in 1 of 4 runs of
// semi_seamless_tls_password against the ASan client at load 12).
BOOST_FIXTURE_TEST_CASE(a_semi_seamless_switch_reaches_every_other_channel_before_main, supervised_channels) {
  supervise(main_key, true, true);
  supervise(display_key, false, true);
  supervise(cursor_key, false, true);
  BOOST_TEST(connect_for_migration("destination.example").linked);
  connection_settings destination;
  destination.host = "destination.example";
  self()->send(supervisor, migrate_switch_atom::value, destination);
  run();
  const std::vector<channel_key> expected{display_key, cursor_key, main_key};
  BOOST_TEST((channels.switched() == expected), "main must get the switch after every other channel");
}

BOOST_FIXTURE_TEST_CASE(a_channel_that_cannot_link_to_the_destination_fails_the_migration_by_name,
                        supervised_channels) {
  supervise(main_key, true, true);
  supervise(display_key, false, true);
  channels.script(display_key).links_destination = false;
  const auto linked = connect_for_migration("destination.example");
  BOOST_TEST(!linked.linked);
  BOOST_TEST(linked.error == "display:0: scripted refusal");
  self()->send(supervisor, migrate_abort_atom::value);
  advance(10s);
  BOOST_TEST(channels.incarnations(display_key) == 1u, "a refused migration restarts nothing");
  BOOST_TEST(channels.latest(display_key).spec.connection.host == "source.example");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace vigil::virtual_time_test
