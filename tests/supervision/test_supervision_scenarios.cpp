// The supervision scenarios, each against a real server over real
// sockets, each printing the figures it measured.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <regex>

#include <spice/enums.h>

#include "client_run.hpp"
#include "fault_proxy.hpp"
#include "qemu_server.hpp"
#include "scene_server.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

namespace {

const nlohmann::json& require_clean_run(const client_run& run) {
  BOOST_TEST_MESSAGE("client: " << run.process.describe());
  BOOST_REQUIRE_MESSAGE(run.snapshot.has_value(), "no JSON snapshot: " << run.snapshot_problem << run.context());
  return *run.snapshot;
}

// The bytes display must have read in the flood scenario's 12 s. The plain
// client reads all the server sends (7.7-8.2 MB); a display that wedged or
// stopped reading gets at most its broker's 8 unconsumed 64 KiB chunks. Under
// ThreadSanitizer the reader (QUIC decoding, ~5x slower), not the server,
// sets the pace, and on a loaded machine it read 3.0-3.9 MB:
// scripts/sanitize.sh thread sets VIGIL_SANITIZER_FLOOD_FLOOR_MB to a lower
// floor (docs/testing.md), as it sets the RSS allowance for ASan.
double flood_floor_bytes() {
  const char* mb = std::getenv("VIGIL_SANITIZER_FLOOD_FLOOR_MB");
  return (mb && *mb ? std::stod(mb) : 5.0) * 1e6;
}

}  // namespace

BOOST_AUTO_TEST_CASE(stuck_display_actor_is_detected_within_two_heartbeats_and_restarted_alone, *boost::unit_test::label("qemu")) {
  qemu_server server(plain_spice());
  temp_directory work("vigil-stuck-display");
  // The heartbeat the bound is stated in: a heartbeat every period, each
  // answered within one period.
  constexpr double period_s = 1.0;
  auto config = write_config(work, "[watchdog]\nheartbeat_interval_ms = 1000\nheartbeat_deadline_ms = 1000\n");
  // display:0 blocks its handler 3 s after linking, for 15 s: a real stuck actor.
  auto run = run_vigil({"--headless", "--duration", "12", "--log-supervisor", "--config", config, "--debug-fault",
                         "display:0:stall:3000:15000", plain_uri(server.port())},
                        60s);
  const auto& snapshot = require_clean_run(run);
  const auto& log = run.process.stderr_text;
  auto blocked = lines_with(log, "debug fault: blocking");
  auto detected = lines_with(log, "fault display:0 stuck");
  auto relinked = lines_with(log, "display:0 linking -> up");
  BOOST_REQUIRE_EQUAL(blocked.size(), 1u);
  BOOST_REQUIRE_GE(detected.size(), 1u);
  BOOST_REQUIRE_EQUAL(relinked.size(), 2u);  // first link, then the restart
  double detection = *log_line_time(detected[0]) - *log_line_time(blocked[0]);
  double recovery = *log_line_time(relinked[1]) - *log_line_time(detected[0]);
  std::printf("stuck display: detected %.3f s (%.2f heartbeat periods) after it blocked, up again %.3f s later\n",
              detection, detection / period_s, recovery);
  // At most one period to the next heartbeat, one for its deadline; one more
  // period of slack for a loaded machine's timers. Never before a deadline
  // could pass.
  BOOST_TEST(detection / period_s <= 2.0 + 1.0,
             "detected " << detection << " s = " << detection / period_s << " heartbeat periods after the block ("
                         << blocked[0] << " / " << detected[0] << ")");
  BOOST_TEST(detection / period_s >= 1.0, "detected after " << detection << " s: before a heartbeat deadline passed");
  BOOST_TEST(run.process.exit_code.value_or(-1) == 0);  // the session itself never went down
  BOOST_TEST(snapshot["session"]["reconnects"] == 0);
  BOOST_TEST((*run.channel("display"))["restarts"] == 1);
  BOOST_TEST((*run.channel("display"))["state"] == "up");
  BOOST_TEST((*run.channel("main"))["restarts"] == 0);
}

BOOST_AUTO_TEST_CASE(frozen_main_connection_is_a_silent_server_and_the_session_reconnects, *boost::unit_test::label("qemu")) {
  qemu_server server(plain_spice());
  fault_proxy proxy(server.port());
  temp_directory work("vigil-frozen-main");
  // QEMU pings main every 15 s, so 20 s of silence means the connection is dead.
  constexpr double silence_s = 20.0;
  constexpr double period_s = 1.0;  // heartbeat: silence is checked on each
  auto config = write_config(work,
                             "[watchdog]\nserver_silence_s = 20\nheartbeat_interval_ms = 1000\n"
                             "[reconnect]\ninitial_delay_ms = 1000\n");
  // --duration is the session's length, not a wait: long enough for the
  // freeze, 20 s of silence and a reconnect on a loaded machine.
  background_client client({"--headless", "--duration", "60", "--log-supervisor", "--config", config,
                            plain_uri(proxy.port())});
  BOOST_REQUIRE_MESSAGE(client.wait_for_log("session connecting -> up", 120s), client.log());
  proxy.freeze(SPICE_CHANNEL_MAIN);
  const double frozen_at = wall_time_of_day();
  BOOST_REQUIRE_MESSAGE(client.wait_for_log("session connecting -> up", 120s, 2), client.log());
  auto run = client.finish(90s);
  const auto& snapshot = require_clean_run(run);
  const auto& log = run.process.stderr_text;
  auto silent = lines_with(log, "fault main:0 server_silent");
  auto reconnect = lines_with(log, "fault session server_silent");
  auto up_again = lines_with(log, "session connecting -> up");
  BOOST_REQUIRE_GE(silent.size(), 1u);
  BOOST_REQUIRE_GE(reconnect.size(), 1u);
  BOOST_REQUIRE_GE(up_again.size(), 2u);
  // Detection, measured from the freeze: the last byte came at most one
  // QEMU ping interval (15 s) before it, so the silence window ends between
  // 5 s and 20 s after it; the heartbeat that sees it comes within a period
  // (two more of slack for a loaded machine: a freeze right after the
  // session came up is detected about 20.6 s after it on an idle one).
  const double detected_after = *log_line_time(silent[0]) - frozen_at;
  std::printf("frozen main: %s\n  detected %.2f s after the freeze (window %.0f s, heartbeat %.1f s); reconnected "
              "%.2f s after the fault; main connections through the proxy: %zu\n",
              silent[0].c_str(), detected_after, silence_s, period_s,
              *log_line_time(up_again[1]) - *log_line_time(reconnect[0]), proxy.connections_seen(SPICE_CHANNEL_MAIN));
  BOOST_TEST(detected_after <= silence_s + 3 * period_s,
             "silence detected " << detected_after << " s after the freeze; the window is " << silence_s
                                 << " s and the heartbeat " << period_s << " s: " << silent[0]);
  BOOST_TEST(detected_after >= silence_s - 15.0, "silence detected only " << detected_after
                                                                          << " s after the freeze: " << silent[0]);
  BOOST_TEST(snapshot["session"]["reconnects"] >= 1);
  BOOST_TEST(snapshot["session"]["state"] == "up");
  BOOST_TEST(run.process.exit_code.value_or(-1) == 6);  // up at the end, after a reconnect
  BOOST_TEST(proxy.connections_seen(SPICE_CHANNEL_MAIN) >= 2u);
}

BOOST_AUTO_TEST_CASE(server_killed_and_restarted_three_times_is_reconnected_within_the_backoff_policy, *boost::unit_test::label("qemu")) {
  qemu_server server(plain_spice());
  temp_directory work("vigil-qemu-restarts");
  // Every planned delay is checked against its attempt's nominal delay, so
  // it does not matter whether the flap guard reset the count between
  // outages; enough attempts that a slow QEMU start never exhausts them.
  auto config = write_config(work,
                             "[reconnect]\ninitial_delay_ms = 500\nmultiplier = 2.0\nmax_delay_ms = 4000\n"
                             "jitter = 0.2\nmax_attempts = 30\nstable_after_s = 3\n");
  background_client client({"--headless", "--log-supervisor", "--config", config, plain_uri(server.port())});
  // Each outage starts once the session is up again, and the server comes
  // back once the client has planned a reconnect to the dead one.
  for (std::size_t outage = 0; outage < 3; ++outage) {
    BOOST_REQUIRE_MESSAGE(client.wait_for_log("session connecting -> up", 120s, outage + 1),
                          "session not up before outage " << outage + 1 << ":\n" << client.log());
    const auto planned = lines_with(client.log(), "action: reconnect (attempt").size();
    server.kill();
    BOOST_REQUIRE_MESSAGE(client.wait_for_log("action: reconnect (attempt", 60s, planned + 1),
                          "no reconnect planned after outage " << outage + 1 << ":\n" << client.log());
    server.start_again();
  }
  BOOST_REQUIRE_MESSAGE(client.wait_for_log("session connecting -> up", 120s, 4), client.log());
  BOOST_REQUIRE(client.wait_for_snapshot([](const nlohmann::json& now) { return now["session"]["state"] == "up"; },
                                         60s));
  auto run = client.stop();
  const auto& snapshot = require_clean_run(run);
  const auto& log = run.process.stderr_text;
  std::regex plan(R"(reconnect \(attempt (\d+)/(\d+), in ([0-9.]+) s; nominal ([0-9.]+) s\))");
  auto plans = lines_with(log, "action: reconnect (attempt");
  BOOST_REQUIRE_GE(plans.size(), 3u);
  std::printf("server restarts: reconnect delays (policy: 0.5 s x 2^(n-1), cap 4 s, jitter 20%%)\n");
  for (const auto& line : plans) {
    std::smatch match;
    BOOST_REQUIRE(std::regex_search(line, match, plan));
    unsigned attempt = std::stoul(match[1]);
    double delay = std::stod(match[3]);
    double nominal = std::min(4.0, 0.5 * (1u << (attempt - 1)));
    std::printf("  attempt %u: %.2f s (nominal %.2f s)\n", attempt, delay, nominal);
    BOOST_TEST(std::stod(match[4]) == nominal, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(delay >= nominal * 0.8 - 0.011);
    BOOST_TEST(delay <= nominal * 1.2 + 0.011);
  }
  auto ups = lines_with(log, "session connecting -> up");
  std::printf("  session up %zu times, reconnects %d, exit: %s\n", ups.size(),
              snapshot["session"]["reconnects"].get<int>(), run.process.describe().c_str());
  BOOST_TEST(ups.size() == 4u);  // the first connection and one per outage
  BOOST_TEST(snapshot["session"]["reconnects"] >= 3);
  BOOST_TEST(snapshot["session"]["state"] == "up");
  BOOST_TEST(run.process.exit_code.value_or(-1) == 0);  // stopped by SIGTERM, up
}

BOOST_AUTO_TEST_CASE(a_consumer_that_stops_reading_cannot_block_main_which_keeps_answering_pings, *boost::unit_test::label("qemu")) {
  qemu_server server(plain_spice());
  // The K1 shape: the session stops reading main's per-PING status stream.
  auto run = run_vigil({"--headless", "--duration", "35", "--debug-fault", "session:ignore-main-status",
                         plain_uri(server.port())},
                        90s);
  require_clean_run(run);
  const auto* main = run.channel("main");
  BOOST_REQUIRE(main);
  const auto& edge = (*main)["edges"][0];
  std::printf("K1 shape: main answered %d pings; its status edge to the stalled session: capacity %d, in flight %d, "
              "waiting %d, coalesced %d\n",
              (*main)["pings_answered"].get<int>(), edge["capacity"].get<int>(), edge["in_flight"].get<int>(),
              edge["waiting"].get<int>(), edge["coalesced"].get<int>());
  BOOST_TEST(run.process.exit_code.value_or(-1) == 0);
  BOOST_TEST(edge["name"] == "main->session status");
  BOOST_TEST(edge["in_flight"] == edge["capacity"]);  // the consumer stopped acknowledging...
  BOOST_TEST(edge["waiting"] <= 1);                   // ...yet only the newest status waits
  BOOST_TEST(edge["coalesced"] > 0);
  // Three net-test pings at connect, then QEMU's keepalive pair at 15 s and 30 s.
  BOOST_TEST((*main)["pings_answered"] >= 7);
  BOOST_TEST((*main)["last_activity_age_ms"] < 16000);
}

BOOST_AUTO_TEST_CASE(a_flood_against_slow_consumers_stays_bounded_and_counts_what_it_coalesces, *boost::unit_test::label("server")) {
  // Full-screen-rate video as QUIC images (no stream): the heaviest traffic the test server makes.
  scene_server server({"--scene", "video", "--streaming", "off", "--compression", "quic"});
  // Both consumers are slow: display takes 40 ms per socket chunk, the renderer 300 ms per frame.
  auto run = run_vigil({"--headless", "--duration", "12", "--debug-fault", "display:0:slow:40", "--debug-fault",
                         "renderer:slow:300", plain_uri(server.port())},
                        60s);
  const auto& snapshot = require_clean_run(run);
  const auto* display = run.channel("display");
  BOOST_REQUIRE(display);
  const auto& renderer = snapshot["renderer"];
  auto peak_rss_kb = snapshot["process"]["peak_rss_kb"].get<long>();
  std::printf("flood: display received %.1f MB in %d messages (floor %.1f MB), last read %lld ms before "
              "the snapshot; mailbox peak %d (bound 256); frames rendered %d, coalesced %d; peak RSS %.1f MB\n",
              (*display)["bytes_in"].get<double>() / 1e6, (*display)["messages_in"].get<int>(),
              flood_floor_bytes() / 1e6, (*display)["last_activity_age_ms"].get<long long>(),
              (*display)["mailbox_peak"].get<int>(), renderer["frames_rendered"].get<int>(),
              renderer["frames_coalesced"].get<int>(), static_cast<double>(peak_rss_kb) / 1024.0);
  BOOST_TEST(run.process.exit_code.value_or(-1) == 0);  // slow is not stuck: no fault, no restart
  BOOST_TEST((*display)["restarts"] == 0);
  BOOST_TEST((*display)["bytes_in"] > flood_floor_bytes());
  BOOST_TEST((*display)["mailbox_peak"] <= 256);
  BOOST_TEST(renderer["frames_coalesced"] > 0);  // the frames the renderer could not take were counted
  BOOST_TEST(peak_rss_kb < 256 * 1024);
}
