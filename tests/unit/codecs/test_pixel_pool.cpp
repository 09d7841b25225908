// The decode buffers kept for reuse (protocol/codecs/pixel_pool.hpp): a
// buffer comes back without a new allocation, the pool stays bounded and
// charges what it keeps idle, and a pooled image gives its buffer back when
// its last holder lets go.
#include <boost/test/unit_test.hpp>

#include "protocol/codecs/pixel_pool.hpp"

namespace {

using namespace vigil::protocol;

BOOST_AUTO_TEST_SUITE(pixel_pool_reuse)

BOOST_AUTO_TEST_CASE(a_buffer_given_back_is_taken_again_without_allocating) {
  pixel_pool pool;
  auto first = pool.take(1000);
  BOOST_TEST(first.size() == 1000u);
  const std::uint32_t* storage = first.data();
  pool.give_back(std::move(first));
  BOOST_TEST(pool.buffers_idle() == 1u);
  const auto smaller = pool.take(600);  // fits, and not less than half the buffer
  BOOST_TEST(smaller.size() == 600u);
  BOOST_TEST(smaller.data() == storage);
  BOOST_TEST(pool.buffers_idle() == 0u);
}

BOOST_AUTO_TEST_CASE(a_buffer_much_larger_or_too_small_is_not_used) {
  pixel_pool pool;
  pool.give_back(std::vector<std::uint32_t>(1000));
  BOOST_TEST(pool.take(100).size() == 100u);   // a new small buffer
  BOOST_TEST(pool.take(2000).size() == 2000u); // a new large one
  BOOST_TEST(pool.buffers_idle() == 1u);
}

BOOST_AUTO_TEST_CASE(the_pool_keeps_at_most_its_bound_and_the_largest_buffers) {
  pixel_pool pool({}, 2);
  pool.give_back(std::vector<std::uint32_t>(10));
  pool.give_back(std::vector<std::uint32_t>(30));
  pool.give_back(std::vector<std::uint32_t>(20));
  BOOST_TEST(pool.buffers_idle() == 2u);
  BOOST_TEST(pool.bytes_idle() == (30u + 20u) * 4);
  pool.give_back(std::vector<std::uint32_t>(5));
  BOOST_TEST(pool.bytes_idle() == (30u + 20u) * 4);
}

BOOST_AUTO_TEST_CASE(idle_buffers_are_charged_and_refused_ones_freed) {
  auto budget = std::make_shared<fixed_memory_pool>(1000);
  memory_account account(budget, "display:0");
  {
    pixel_pool pool(account);
    pool.give_back(std::vector<std::uint32_t>(100));
    BOOST_TEST(account.held() == 400u);
    pool.give_back(std::vector<std::uint32_t>(200));  // 800 more bytes would not fit
    BOOST_TEST(pool.buffers_idle() == 1u);
    BOOST_TEST(account.refusals() == 0u);
    auto taken = pool.take(100);
    BOOST_TEST(account.held() == 0u);
  }
  BOOST_TEST(budget->in_use() == 0u);
}

BOOST_AUTO_TEST_CASE(a_pooled_image_gives_its_buffer_back_after_its_charge) {
  memory_account account(std::make_shared<fixed_memory_pool>(1000), "display:0");
  auto pool = std::make_shared<pixel_pool>(account);
  {
    auto image = std::make_shared<pooled_image>();
    image->pool = pool;
    image->image.pixels = pool->take(200);
    image->charge = std::move(*account.charge(800, "image"));
    // The image's 800 bytes are released before the idle buffer's 800 are taken.
  }
  BOOST_TEST(pool->buffers_idle() == 1u);
  BOOST_TEST(account.held() == 800u);
  {
    auto orphan = std::make_shared<pooled_image>();
    orphan->pool = pool;
    orphan->image.pixels = pool->take(200);
    pool.reset();  // the pool goes first: the buffer is simply freed
  }
  BOOST_TEST(account.held() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
