#include <boost/test/unit_test.hpp>

#include "common/backoff.hpp"

using namespace std::chrono_literals;
using vigil::backoff;
using vigil::backoff_policy;

namespace {

backoff_policy policy(unsigned max_attempts = 5) {
  backoff_policy p;
  p.initial_delay = 500ms;
  p.multiplier = 2.0;
  p.max_delay = 3000ms;
  p.jitter = 0.2;
  p.max_attempts = max_attempts;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backoff_policy_behaviour)

BOOST_AUTO_TEST_CASE(nominal_delay_doubles_from_the_initial_delay_up_to_the_cap) {
  auto p = policy();
  BOOST_TEST(backoff::nominal_delay(p, 1).count() == 500);
  BOOST_TEST(backoff::nominal_delay(p, 2).count() == 1000);
  BOOST_TEST(backoff::nominal_delay(p, 3).count() == 2000);
  BOOST_TEST(backoff::nominal_delay(p, 4).count() == 3000);
  BOOST_TEST(backoff::nominal_delay(p, 9).count() == 3000);
}

BOOST_AUTO_TEST_CASE(a_middle_sample_gives_the_nominal_delay) {
  backoff b(policy());
  BOOST_TEST(b.next_delay(0.5)->count() == 500);
  BOOST_TEST(b.next_delay(0.5)->count() == 1000);
  BOOST_TEST(b.attempts() == 2u);
}

BOOST_AUTO_TEST_CASE(jitter_stays_within_its_fraction_of_the_nominal_delay) {
  backoff low(policy()), high(policy());
  BOOST_TEST(low.next_delay(0.0)->count() == 400);   // 500 x 0.8
  BOOST_TEST(high.next_delay(0.999999)->count() == 600);  // 500 x 1.2
}

BOOST_AUTO_TEST_CASE(attempts_run_out_after_max_attempts) {
  backoff b(policy(3));
  BOOST_TEST(b.next_delay(0.5).has_value());
  BOOST_TEST(b.next_delay(0.5).has_value());
  BOOST_TEST(b.next_delay(0.5).has_value());
  BOOST_TEST(!b.next_delay(0.5).has_value());
}

BOOST_AUTO_TEST_CASE(zero_max_attempts_never_gives_up) {
  backoff b(policy(0));
  for (int i = 0; i < 1000; ++i)
    BOOST_REQUIRE(b.next_delay(0.5).has_value());
  BOOST_TEST(b.next_delay(0.5)->count() == 3000);
}

BOOST_AUTO_TEST_CASE(flap_guard_keeps_counting_until_reset_by_a_stable_connection) {
  backoff b(policy());
  b.next_delay(0.5);
  b.next_delay(0.5);
  // a session that died again right after connecting: no reset, the delay keeps growing
  BOOST_TEST(b.next_delay(0.5)->count() == 2000);
  b.reset();  // it stayed up for stable_after
  BOOST_TEST(b.next_delay(0.5)->count() == 500);
}

BOOST_AUTO_TEST_SUITE_END()
