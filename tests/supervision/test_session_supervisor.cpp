// The session supervisor, the session and its channel supervisor together,
// in virtual time (virtual_time.hpp), over scripted channels: reconnect
// delays, the flap guard, giving up, and a channel restart that comes due
// after its session has quit.
#include <boost/test/unit_test.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spice/enums.h>

#include <caf/event_based_actor.hpp>

#include "supervisors/session_supervisor.hpp"
#include "virtual_time.hpp"

using namespace std::chrono_literals;

namespace vigil::virtual_time_test {

namespace {

// What the session supervisor told the frontend.
struct seen_by_frontend {
  std::vector<session_phase> phases;
  std::vector<std::string> up_with_names;
  std::optional<session_end> ended;
};

caf::behavior frontend_probe(caf::event_based_actor*, std::shared_ptr<seen_by_frontend> seen) {
  return {
    [seen](session_up_atom, const std::string& vm_name) { seen->up_with_names.push_back(vm_name); },
    [seen](session_status_atom, session_phase phase, const std::string&) { seen->phases.push_back(phase); },
    [seen](session_ended_atom, const session_end& end) { seen->ended = end; },
  };
}

// Longer than std::string's in-place buffer: a copy read after the string
// was destroyed would show it.
const std::string server_host = "a-spice-server-whose-name-is-longer-than-a-small-string.example";

struct supervised_session : virtual_time {
  scripted_channels channels;
  std::shared_ptr<seen_by_frontend> seen = std::make_shared<seen_by_frontend>();
  session_supervisor_actor supervisor;

  supervised_session() {
    channels.script(main_key).channel_list = {{SPICE_CHANNEL_DISPLAY, 0}};
    session_options options;
    options.connection.host = server_host;
    options.connection.plain_port = 5900;
    options.uri = "spice://" + server_host + ":5900";
    options.supervision.watchdog.heartbeat_interval = 1000ms;
    options.supervision.watchdog.heartbeat_deadline = 1000ms;
    options.supervision.channel_restart = backoff_policy{200ms, 2.0, 5000ms, 0.0, 3, 30000ms};
    options.supervision.reconnect = backoff_policy{500ms, 2.0, 30000ms, 0.0, 3, 30000ms};
    options.channel_factory = channels.factory();
    auto frontend = system().spawn(frontend_probe, seen);
    supervisor = spawn_session_supervisor(system(), options, caf::actor_cast<session_observer>(frontend));
    run();
  }

  ~supervised_session() {
    self()->send(supervisor, shutdown_atom::value);  // its heartbeat timer would fire forever
    run();
  }

  std::size_t sessions() const { return channels.incarnations(main_key); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(session_supervisor_in_virtual_time)

BOOST_FIXTURE_TEST_CASE(a_session_comes_up_once_main_and_every_listed_channel_are_up, supervised_session) {
  BOOST_TEST(channels.incarnations(display_key) == 1u);
  BOOST_TEST(seen->up_with_names.size() == 1u);
  BOOST_TEST((seen->phases == std::vector<session_phase>{session_phase::up}));  // it starts as connecting
  // Every channel was given the session's connection settings and id.
  BOOST_TEST(channels.latest(display_key).spec.connection.host == server_host);
  BOOST_TEST(channels.latest(display_key).spec.connection_id == 7u);
}

BOOST_FIXTURE_TEST_CASE(a_lost_session_is_reconnected_after_500_then_1000_ms, supervised_session) {
  fail(*this, channels.latest(main_key).actor, failure_kind::connection_lost);
  BOOST_TEST((seen->phases.back() == session_phase::reconnecting));
  advance(499ms);
  BOOST_TEST(sessions() == 1u);
  advance(1ms);
  BOOST_TEST(sessions() == 2u);
  BOOST_TEST(seen->up_with_names.size() == 2u, "the new session came up");

  fail(*this, channels.latest(main_key).actor, failure_kind::connection_lost);  // a flap: up for no time
  advance(999ms);
  BOOST_TEST(sessions() == 2u);
  advance(1ms);
  BOOST_TEST(sessions() == 3u);
  BOOST_TEST(!seen->ended.has_value());
}

BOOST_FIXTURE_TEST_CASE(a_session_that_stayed_up_for_stable_after_reconnects_after_500_ms_again,
                        supervised_session) {
  fail(*this, channels.latest(main_key).actor, failure_kind::connection_lost);
  advance(500ms);
  BOOST_TEST(sessions() == 2u);
  advance(30s);  // the flap guard passes
  fail(*this, channels.latest(main_key).actor, failure_kind::connection_lost);
  advance(499ms);
  BOOST_TEST(sessions() == 2u);
  advance(1ms);
  BOOST_TEST(sessions() == 3u);
}

BOOST_FIXTURE_TEST_CASE(the_supervisor_gives_up_after_its_attempts_and_says_so, supervised_session) {
  for (auto delay : {500ms, 1000ms, 2000ms}) {
    fail(*this, channels.latest(main_key).actor, failure_kind::connection_lost);
    advance(delay);
  }
  BOOST_TEST(sessions() == 4u);
  fail(*this, channels.latest(main_key).actor, failure_kind::connection_lost);
  advance(60s);
  BOOST_TEST(sessions() == 4u);
  BOOST_REQUIRE(seen->ended.has_value());
  BOOST_TEST(seen->ended->reason.find("gave up after 3 reconnect attempts") != std::string::npos, seen->ended->reason);
  BOOST_TEST((seen->phases.back() == session_phase::failed));
}

BOOST_FIXTURE_TEST_CASE(a_permanent_failure_is_not_retried, supervised_session) {
  fail(*this, channels.latest(main_key).actor, failure_kind::tls_failed);
  advance(60s);
  BOOST_TEST(sessions() == 1u);
  BOOST_REQUIRE(seen->ended.has_value());
  BOOST_TEST((seen->ended->failure.at(0).kind == failure_kind::tls_failed));
}

BOOST_FIXTURE_TEST_CASE(a_channel_restart_due_after_its_session_quit_spawns_from_copied_settings,
                        supervised_session) {
  // display:0 fails; its restart comes due in 200 ms.
  fail(*this, channels.latest(display_key).actor, failure_kind::connection_lost);
  // The restart reaches the channel supervisor's mailbox; before it runs,
  // the run is shut down and the session quits (its state is destroyed).
  advance_clock_only(200ms);
  self()->send(supervisor, shutdown_atom::value);
  run_only({"session_supervisor", "session"});
  // Now the channel supervisor handles the restart, then the shutdown: the
  // new incarnation is made from the settings the session copied into it.
  run();
  BOOST_REQUIRE(channels.incarnations(display_key) == 2u);
  BOOST_TEST(channels.latest(display_key).spec.connection.host == server_host);
  BOOST_TEST(channels.latest(display_key).spec.connection_id == 7u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace vigil::virtual_time_test
