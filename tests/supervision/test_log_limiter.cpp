// The log limiter (common/log_limiter.hpp): what keeps a server from filling
// the disk through the log (security review M8, issue 13's mouse-mode flood
// of 1.76 GB of stderr in 40 s), on synthetic times.
#include <boost/test/unit_test.hpp>

#include "common/log_limiter.hpp"

using namespace std::chrono_literals;
using vigil::log_limiter;

namespace {

struct limited_log {
  log_limiter limiter;
  log_limiter::clock::time_point now{};
  std::size_t written = 0;
  std::vector<std::string> summaries;

  explicit limited_log(log_limiter::limits limits = {}) : limiter(limits) {}
  void log(const std::string& logger, const std::string& message) {
    for (auto& line : limiter.due_summaries(now))
      summaries.push_back(line);
    written += limiter.admit(logger, message, now) ? 1 : 0;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(log_limiter_tests)

BOOST_AUTO_TEST_CASE(a_flood_from_one_source_is_cut_and_summarised_with_its_count) {
  limited_log log;
  for (int i = 0; i < 1000000; ++i) {
    log.log("main:0", "mouse mode " + std::to_string(1 + i % 2) + " (supported 0x3)");
    log.now += 40us;  // a million lines in 40 s
  }
  log.now += 11s;
  log.log("main:0", "something else");
  BOOST_TEST(log.written <= 4 * 20 + 1, "written: " << log.written);
  BOOST_TEST_REQUIRE(!log.summaries.empty());
  BOOST_TEST(log.summaries.front().find("more lines like \"[main:0] mouse mode # (supported #x#)\"") !=
                 std::string::npos,
             log.summaries.front());
  std::uint64_t counted = 0;
  for (const auto& summary : log.summaries)
    counted += std::stoull(summary.substr(4));
  BOOST_TEST(counted + log.written == 1000001u, "every line is written or counted in a summary");
}

BOOST_AUTO_TEST_CASE(many_sources_together_stay_within_the_lines_a_minute) {
  limited_log log;
  // Every line a new source (the server's text differs each time).
  for (int i = 0; i < 200000; ++i) {
    log.log("display:0", "NOTIFY " + std::string(1, static_cast<char>('a' + i % 26)) + std::to_string(i));
    log.now += 300us;  // 60 s
  }
  BOOST_TEST(log.written <= log.limiter.settings().lines_per_minute + 10, "written: " << log.written);
  log.now += 61s;
  log.log("display:0", "after");
  bool volume_summary = false;
  for (const auto& summary : log.summaries)
    volume_summary = volume_summary || summary.find("the log is limited to 600 lines a minute") != std::string::npos;
  BOOST_TEST(volume_summary);
}

BOOST_AUTO_TEST_CASE(ordinary_logging_passes_untouched) {
  limited_log log;
  for (int i = 0; i < 15; ++i) {
    log.log("supervisor", "display:0 up -> restarting");
    log.now += 1s;
  }
  BOOST_TEST(log.written == 15u);
  BOOST_TEST(log.summaries.empty());
}

BOOST_AUTO_TEST_CASE(final_summaries_count_what_is_still_pending) {
  limited_log log;
  for (int i = 0; i < 100; ++i)
    log.log("main:0", "agent event refused");
  const auto pending = log.limiter.final_summaries(log.now);
  BOOST_TEST_REQUIRE(pending.size() == 1u);
  BOOST_TEST(pending.front().find("... 80 more lines like \"[main:0] agent event refused\"") == 0u, pending.front());
}

// Security review M8: server text reached the terminal raw (ANSI escapes,
// fake log lines), and a 64 MiB NOTIFY made a 64 MiB line.
BOOST_AUTO_TEST_CASE(printable_text_escapes_controls_and_cuts_long_text) {
  BOOST_TEST(vigil::printable_text("vm\x1b[2J\nfake 12:00 error", 100) == "vm\\x1b[2J\\x0afake 12:00 error");
  BOOST_TEST(vigil::printable_text("caf\xc3\xa9 \xe2\x82\xac", 100) == "caf\xc3\xa9 \xe2\x82\xac");
  BOOST_TEST(vigil::printable_text("c1 \xc2\x9b control", 100) == "c1 \\xc2\\x9b control");
  BOOST_TEST(vigil::printable_text("bad \xff\xc3", 100) == "bad \\xff\\xc3");
  BOOST_TEST(vigil::printable_text(std::string(64 << 20, 'x'), 10) == "xxxxxxxxxx... (67108864 bytes)");
}

BOOST_AUTO_TEST_SUITE_END()
