// Supervisor tests in virtual time: CAF's test coordinator runs every actor
// on the test's own thread, one message at a time, and its clock only moves
// when the test moves it. Timers (heartbeat ticks, restart and reconnect
// backoffs, request deadlines, flap guards) fire exactly when they are due,
// so a test of minutes of supervision takes milliseconds.
//
// The channels are scripted actors (scripted_channels): what a supervisor
// needs of a channel is its events, its heartbeat replies and its silence,
// which the test decides; the real channels against real servers are the
// supervision scenarios' business (test_supervision_scenarios.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/channel_endpoint.hpp"
#include "actors/channel_supervision.hpp"
#include "actors/channels.hpp"

namespace vigil::virtual_time_test {

using fail_atom = caf::atom_constant<caf::atom("testfail")>;

struct coordinator_config : caf::actor_system_config {
  coordinator_config();
};

// One actor system on the test coordinator. A fixture must stop the actors
// that re-arm timers (supervisors' heartbeats) before it ends: the system's
// shutdown fires pending timers until none is left.
class virtual_time {
public:
  // VIGIL_TEST_LOG=1 keeps the actors' log lines (off otherwise).
  virtual_time();
  ~virtual_time();

  caf::actor_system& system() { return system_; }
  caf::scoped_actor& self() { return self_; }

  // Runs every actor until no message is left.
  void run();
  // Runs only the actors with these names (their states' `name`), leaving
  // the others' messages waiting: to order what real threads may interleave.
  void run_only(const std::vector<std::string>& names);
  // Fires the timers due within `duration` without running anyone.
  void advance_clock_only(std::chrono::milliseconds duration);
  // Moves the clock `duration` forward, firing each timer when it is due and
  // running the actors after each, as if that much time had passed.
  void advance(std::chrono::milliseconds duration);

private:
  coordinator_config config_;
  caf::actor_system system_;
  caf::scheduler::test_coordinator& scheduler_;
  caf::scoped_actor self_;
};

// What a scripted channel does; the test may change it at any time.
struct channel_script {
  bool comes_up = true;             // reports "up" as soon as it starts
  bool answers_heartbeats = true;   // false: stuck (its supervisor's deadline passes)
  std::vector<std::string> errors;  // in every heartbeat reply (a channel reports all of its errors each time)
  std::size_t mailbox_depth = 0;
  std::vector<protocol::channel_address> channel_list;  // main: the session info's channels
  std::int64_t silent_ms = 0;       // last_activity_age_ms in every heartbeat reply
  bool links_destination = true;    // its answer to a migration's migrate_connect
};

struct spawned_channel {
  channel_key key;
  channel_spec spec;
  caf::actor actor;
};

// The channels a session starts, as scripted actors; every spawn is recorded.
class scripted_channels {
public:
  // For session_options::channel_factory.
  std::function<caf::actor(caf::actor_system&, const channel_spec&)> factory();
  // For supervised_channel::spawn, when the test supervises a channel itself.
  std::function<caf::actor(const channel_parent&, unsigned, const connection_settings&)> spawner(caf::actor_system& system, channel_key key);

  channel_script& script(channel_key key) { return shared_->scripts[key]; }
  std::size_t incarnations(channel_key key) const;
  const spawned_channel& latest(channel_key key) const;
  // The channels a semi-seamless migrate_switch reached, in order.
  const std::vector<channel_key>& switched() const { return shared_->switched; }

  struct shared {
    std::map<channel_key, channel_script> scripts;
    std::vector<spawned_channel> spawned;
    std::vector<channel_key> switched;
  };

private:
  std::shared_ptr<shared> shared_ = std::make_shared<shared>();  // the actors read their scripts here
};

// Makes the channel report a failure of this kind to its supervisor.
void fail(virtual_time& time, const caf::actor& channel, failure_kind kind);

constexpr channel_key main_key{1, 0};     // SPICE_CHANNEL_MAIN
constexpr channel_key display_key{2, 0};  // SPICE_CHANNEL_DISPLAY
constexpr channel_key cursor_key{4, 0};   // SPICE_CHANNEL_CURSOR

}  // namespace vigil::virtual_time_test

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::failure_kind)
