// Capability sets: cap N is bit N%32 of 32-bit word N/32.
#include <boost/test/unit_test.hpp>

#include "protocol/capabilities.hpp"

using vigil::protocol::capability_set;

BOOST_AUTO_TEST_SUITE(capabilities)

BOOST_AUTO_TEST_CASE(cap_n_is_bit_n_mod_32_of_word_n_div_32) {
  const capability_set caps{0, 1, 3, 33};
  BOOST_TEST(caps.words().size() == 2u);
  BOOST_TEST(caps.words()[0] == 0xbu);
  BOOST_TEST(caps.words()[1] == 0x2u);
}

BOOST_AUTO_TEST_CASE(has_is_false_beyond_the_stored_words) {
  const capability_set caps{3};
  BOOST_TEST(caps.has(3));
  BOOST_TEST(!caps.has(2));
  BOOST_TEST(!caps.has(64));
}

BOOST_AUTO_TEST_CASE(from_words_keeps_the_server_words_as_sent) {
  const auto caps = capability_set::from_words({0x1052});
  BOOST_TEST(caps.has(1));
  BOOST_TEST(caps.has(12));
  BOOST_TEST(!caps.has(0));
  BOOST_TEST(caps.words().size() == 1u);
}

BOOST_AUTO_TEST_CASE(empty_set_has_no_words) {
  BOOST_TEST(capability_set{}.words().empty());
}

BOOST_AUTO_TEST_SUITE_END()
