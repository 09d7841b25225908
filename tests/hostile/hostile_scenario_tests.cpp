// The client against vigil-hostile-server: one test per attack of the
// security review (issue 13). Each runs vigil --headless for a while against
// the attack and checks that it held: no crash, peak RSS within the memory
// budget plus the fixed overhead (docs/performance.md), main still answering
// PINGs (where main is not the target), the named fault where the attack
// breaks a rule or a bound, and a bounded log.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

#include "child_process.hpp"
#include "client_run.hpp"
#include "loopback_ports.hpp"
#include "temp_directory.hpp"

using namespace vigil::test_support;

namespace {

// The budget the scenarios run with (config [memory] session_bytes).
constexpr long long budget_bytes = 256ll << 20;
// What vigil holds besides the budget: code, CAF, the window's and
// renderer's fixed parts, socket buffers (docs/performance.md states this figure).
constexpr long long fixed_overhead_bytes = 192ll << 20;

// What AddressSanitizer adds when the client under test is an ASan build:
// its shadow (an eighth of what is allocated), its quarantine of freed blocks
// and its bigger code and globals. scripts/sanitize.sh sets
// VIGIL_SANITIZER_RSS_OVERHEAD_MIB to the figure docs/performance.md states,
// measured (320); 0 for a plain client.
long long sanitizer_overhead_bytes() {
  const char* mib = std::getenv("VIGIL_SANITIZER_RSS_OVERHEAD_MIB");
  return mib && *mib ? std::stoll(mib) << 20 : 0;
}
// The stop-reading scenario's heartbeat deadline. Its server sends display
// ~3,600 PINGs per 64 KiB read, each answered with a PONG and an ACK, and a
// heartbeat waits for the chunk being handled: under ASan on a loaded
// machine one chunk took more than the default 1 s, display was restarted
// as stuck and its write buffer never reached the bound (2 of 3 runs of the
// CI client at load 7). scripts/sanitize.sh sets
// VIGIL_SANITIZER_HEARTBEAT_DEADLINE_MS (docs/testing.md); 1000 for a plain client.
long long stop_reading_heartbeat_deadline_ms() {
  const char* ms = std::getenv("VIGIL_SANITIZER_HEARTBEAT_DEADLINE_MS");
  return ms && *ms ? std::stoll(ms) : 1000;
}
// A bounded log: the limiter allows a burst of 600 lines and 10 a second after.
constexpr std::size_t max_log_lines_per_run = 1200;

std::string hostile_server_binary() {
  if (const char* path = std::getenv("VIGIL_HOSTILE_SERVER"))
    return path;
  return VIGIL_HOSTILE_SERVER_BINARY;
}

struct scenario_run {
  client_run client;
  std::string server_output;
  std::uint64_t pings = 0;
  std::uint64_t pongs = 0;
  std::uint64_t main_links = 0;
  std::uint64_t late_pings = 0;
  std::uint64_t slowest_pong_ms = 0;
  std::uint64_t drawings = 0;  // error-every-drawing's bad drawings sent
  long long peak_rss_bytes = 0;

  std::size_t log_lines() const {
    return static_cast<std::size_t>(std::count(client.process.stderr_text.begin(), client.process.stderr_text.end(), '\n'));
  }
  bool logged(const std::string& text) const { return client.process.stderr_text.find(text) != std::string::npos; }
  std::string context() const {
    return client.context() + "\nserver: " + server_output.substr(server_output.size() > 2000 ? server_output.size() - 2000 : 0);
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

using snapshot_condition = std::function<bool(const nlohmann::json&)>;

// Runs vigil against `scenario` for `seconds`; with `until`, in the
// background until a snapshot satisfies it (at most `seconds`), then stopped.
scenario_run run_scenario(const std::string& scenario, int seconds, const std::string& extra_config = "",
                          const snapshot_condition& until = nullptr) {
  temp_directory directory("hostile-" + scenario);
  const std::uint16_t port = find_free_loopback_ports(1).front();
  const std::string server_log = directory.file("server.log");
  background_process server({hostile_server_binary(), "--port", std::to_string(port), "--scenario", scenario},
                            server_log);
  BOOST_TEST_REQUIRE(wait_for_loopback_port(port, std::chrono::seconds(20)), "the hostile server never listened");
  const std::string config = directory.file("vigil.toml");
  std::ofstream(config) << "[memory]\nsession_bytes = " << budget_bytes << "\n"
                        << "[reconnect]\nmax_attempts = 0\ninitial_delay_ms = 200\nmax_delay_ms = 2000\n"
                        << "[channel_restart]\nmax_attempts = 0\ninitial_delay_ms = 100\nmax_delay_ms = 1000\n"
                        << extra_config;
  scenario_run run;
  if (until) {
    background_client client({"--headless", "--config", config, "spice://127.0.0.1:" + std::to_string(port)});
    // Snapshots (SIGUSR1) only once the handler is installed: the session has come up.
    if (client.wait_for_log("[session] session ", std::chrono::seconds(seconds)))
      client.wait_for_snapshot(until, std::chrono::seconds(seconds));
    run.client = client.stop();
  } else {
    run.client = run_vigil({"--headless", "--duration", std::to_string(seconds), "--config", config,
                            "spice://127.0.0.1:" + std::to_string(port)},
                           std::chrono::seconds(seconds + 60));
  }
  server.stop();
  run.server_output = read_file(server_log);
  const auto status = run.server_output.rfind("status ");
  if (status != std::string::npos) {
    unsigned long long pings = 0, pongs = 0, links = 0, connections = 0, late = 0, slowest = 0, drawings = 0;
    std::sscanf(run.server_output.c_str() + status,
                "status pings=%llu pongs=%llu main_links=%llu connections=%llu late_pings=%llu slowest_pong_ms=%llu "
                "drawings=%llu",
                &pings, &pongs, &links, &connections, &late, &slowest, &drawings);
    run.pings = pings;
    run.pongs = pongs;
    run.main_links = links;
    run.late_pings = late;
    run.slowest_pong_ms = slowest;
    run.drawings = drawings;
  }
  if (run.client.snapshot)
    run.peak_rss_bytes = run.client.snapshot->at("process").value("peak_rss_kb", 0ll) * 1024;
  BOOST_TEST_MESSAGE(scenario << ": exit " << run.client.exit_code() << ", peak RSS " << run.peak_rss_bytes / (1 << 20)
                              << " MiB, " << run.log_lines() << " log lines (" << run.client.process.stderr_text.size()
                              << " bytes), main pings " << run.pings << " pongs " << run.pongs << " (slowest "
                              << run.slowest_pong_ms << " ms), main links " << run.main_links);
  return run;
}

// No crash, a snapshot at the end, RSS and log within their bounds.
void check_held(const scenario_run& run) {
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(!run.client.process.term_signal.has_value(), "vigil was killed by a signal");
    BOOST_TEST(!run.client.process.timed_out);
    BOOST_TEST_REQUIRE(run.client.snapshot.has_value(), run.client.snapshot_problem);
    const int code = run.client.exit_code();
    BOOST_TEST((code == 0 || code == 4 || code == 5 || code == 6), "exit code " << code);
    BOOST_TEST(run.peak_rss_bytes > 0);
    BOOST_TEST(run.peak_rss_bytes < budget_bytes + fixed_overhead_bytes + sanitizer_overhead_bytes(),
               "peak RSS " << run.peak_rss_bytes / (1 << 20) << " MiB, budget " << budget_bytes / (1 << 20)
                           << " MiB + overhead " << fixed_overhead_bytes / (1 << 20) << " MiB + sanitizer overhead "
                           << sanitizer_overhead_bytes() / (1 << 20) << " MiB");
    BOOST_TEST(run.log_lines() <= max_log_lines_per_run, run.log_lines() << " log lines");
    BOOST_TEST(run.client.process.stderr_text.size() <= max_log_lines_per_run * 400,
               run.client.process.stderr_text.size() << " bytes of log");
  }
}

// Main kept answering the server's PINGs (one every 100 ms): none went
// unanswered for 10 s, and all but the last few (sent as the client shut
// down) were answered.
void check_main_answered_pings(const scenario_run& run) {
  BOOST_TEST(run.pings > 0u, run.context());
  BOOST_TEST(run.late_pings == 0u, run.late_pings << " PINGs unanswered for 10 s");
  BOOST_TEST(run.pongs * 10 >= run.pings * 8, "pongs " << run.pongs << " of " << run.pings << " pings");
}

void check_fault(const scenario_run& run, const std::string& channel, const std::string& fault) {
  BOOST_TEST(run.logged("fault " + channel + " " + fault), "no '" << fault << "' fault on " << channel << ": "
                                                                  << run.context());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile, *boost::unit_test::label("hostile"))

// Main is the channel attacked: the first session never comes up, so vigil
// ends with the fault rather than reconnect into it (exit 5, protocol error).
BOOST_AUTO_TEST_CASE(channel_list_flood_ends_the_session_as_a_protocol_violation) {
  const auto run = run_scenario("channel-list-flood", 10);
  check_held(run);
  check_fault(run, "main:0", "protocol_violation");
  BOOST_TEST(run.logged("MAIN_CHANNELS_LIST: 100000 channels, more than the 64 a server offers"));
  BOOST_TEST(run.client.exit_code() == 5);
}

BOOST_AUTO_TEST_CASE(surface_flood_is_over_the_memory_budget) {
  const auto run = run_scenario("surface-flood", 10);
  check_held(run);
  check_main_answered_pings(run);
  check_fault(run, "display:0", "memory_budget");
}

BOOST_AUTO_TEST_CASE(a_huge_primary_is_over_the_memory_budget) {
  const auto run = run_scenario("big-primary", 8);
  check_held(run);
  check_main_answered_pings(run);
  check_fault(run, "display:0", "memory_budget");
}

BOOST_AUTO_TEST_CASE(decompression_bombs_cost_nothing_beyond_the_budget) {
  for (const char* codec : {"quic", "lz_rgb", "lz_plt", "glz", "zlib_glz", "jpeg", "lz4"}) {
    BOOST_TEST_CONTEXT("bomb-" << codec) {
      const auto run = run_scenario(std::string("bomb-") + codec, 6);
      check_held(run);
      check_main_answered_pings(run);
      check_fault(run, "display:0", "memory_budget");
    }
  }
}

BOOST_AUTO_TEST_CASE(copy_bits_and_exploding_clips_stay_bounded) {
  for (const char* scenario : {"copy-bits", "clip-explosion"}) {
    BOOST_TEST_CONTEXT(scenario) {
      const auto run = run_scenario(scenario, 6);
      check_held(run);
      check_main_answered_pings(run);
    }
  }
}

BOOST_AUTO_TEST_CASE(agent_flood_beyond_its_tokens_ends_the_session_as_a_protocol_violation) {
  const auto run = run_scenario("agent-flood", 10);
  check_held(run);
  check_fault(run, "main:0", "protocol_violation");
  BOOST_TEST(run.logged("AGENT_DATA beyond the tokens the server was given"));
  BOOST_TEST(run.client.exit_code() == 5);
}

BOOST_AUTO_TEST_CASE(playback_channel_count_switches_play_on) {
  const auto run = run_scenario("playback-switch", 8);
  check_held(run);
  check_main_answered_pings(run);
}

BOOST_AUTO_TEST_CASE(a_server_that_stops_reading_overflows_the_write_buffer) {
  // A 256 KiB bound, not the default 8 MiB: the kernel's socket buffers take
  // about 4 MiB first, and at loopback's pace under a loaded CI the default
  // bound was not always reached within the run.
  const auto run = run_scenario("stop-reading", 12,
                                "[flow_control]\nmax_unsent_bytes = 262144\n[watchdog]\nheartbeat_deadline_ms = " +
                                  std::to_string(stop_reading_heartbeat_deadline_ms()) + "\n");
  check_held(run);
  check_main_answered_pings(run);
  check_fault(run, "display:0", "edge_overflow");
  // The connections it would not read are reset, not kept until their bytes
  // are sent: ending the session does not wait for them (it took the shutdown
  // watchdog's 10 s before).
  BOOST_TEST(!run.logged("actors did not stop"), "the session ended but its actors did not");
}

BOOST_AUTO_TEST_CASE(mouse_mode_flapping_costs_a_bounded_log) {
  const auto run = run_scenario("mouse-mode-flap", 10);
  check_held(run);
  check_main_answered_pings(run);
  BOOST_TEST(run.logged("more lines like"), "the flood was summarised");
}

// The display errors a snapshot counts: those it lists plus its "N more
// display errors" line.
std::uint64_t display_errors_counted(const nlohmann::json& snapshot) {
  const nlohmann::json* display = snapshot_channel(snapshot, "display");
  if (!display || !display->contains("errors"))
    return 0;
  std::uint64_t counted = 0;
  const std::regex more("^([0-9]+) more display errors$");
  for (const auto& error : display->at("errors")) {
    std::smatch match;
    const std::string text = error.get<std::string>();
    counted += std::regex_match(text, match, more) ? std::stoull(match[1]) : 1;
  }
  return counted;
}

// M3: an hour of a bad drawing in every frame (108,000 at 30 fps, sent as
// fast as the client reads them). Every one is counted, but what is kept of
// them -- the snapshot's error list, the snapshot itself, the log -- stays
// the size it was after the first few, and main answers throughout.
BOOST_AUTO_TEST_CASE(an_hour_of_bad_drawings_costs_a_bounded_error_list_snapshot_and_log) {
  constexpr std::uint64_t hour_of_bad_drawings = 3600 * 30;
  const auto run = run_scenario("error-every-drawing", 120, "", [](const nlohmann::json& snapshot) {
    return display_errors_counted(snapshot) >= hour_of_bad_drawings;
  });
  check_held(run);
  check_main_answered_pings(run);
  BOOST_TEST(run.drawings == hour_of_bad_drawings, "the server sent " << run.drawings << " bad drawings");
  const nlohmann::json* display = run.client.channel("display");
  BOOST_TEST_REQUIRE(display != nullptr, run.context());
  const auto& errors = display->at("errors");
  BOOST_TEST(display_errors_counted(*run.client.snapshot) >= hour_of_bad_drawings, errors.dump());
  BOOST_TEST(errors.size() <= 11u, errors.size() << " stored errors: " << errors.dump());
  const std::size_t snapshot_bytes = run.client.snapshot->dump().size();
  BOOST_TEST_MESSAGE("error-every-drawing: " << display_errors_counted(*run.client.snapshot) << " errors counted, "
                                             << errors.size() << " stored, snapshot " << snapshot_bytes << " bytes");
  BOOST_TEST(snapshot_bytes <= 64u * 1024, "snapshot of " << snapshot_bytes << " bytes");
  BOOST_TEST(run.log_lines() <= 200u, run.log_lines() << " log lines for " << run.drawings << " bad drawings");
}

BOOST_AUTO_TEST_SUITE_END()
