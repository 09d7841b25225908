// actors/chunk_pool.hpp: a chunk's buffer handed back is the next one taken,
// and the pool keeps no more buffers than it was told.
#include <boost/test/unit_test.hpp>

#include "actors/chunk_pool.hpp"

using namespace vigil;

BOOST_AUTO_TEST_SUITE(chunk_pool_cases)

BOOST_AUTO_TEST_CASE(a_buffer_handed_back_is_taken_again_empty_with_its_memory) {
  chunk_pool pool(2);
  BOOST_TEST(pool.take().capacity() == 0u);  // nothing handed back yet
  byte_buffer chunk(65536, 0x42);
  const std::uint8_t* storage = chunk.data();
  pool.give_back(std::move(chunk));
  const byte_buffer again = pool.take();
  BOOST_TEST(again.empty());
  BOOST_TEST(again.capacity() >= 65536u);
  BOOST_TEST(again.data() == storage);
}

BOOST_AUTO_TEST_CASE(at_most_keep_buffers_are_kept) {
  chunk_pool pool(2);
  for (int i = 0; i < 5; ++i)
    pool.give_back(byte_buffer(1024));
  BOOST_TEST(pool.take().capacity() >= 1024u);
  BOOST_TEST(pool.take().capacity() >= 1024u);
  BOOST_TEST(pool.take().capacity() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
