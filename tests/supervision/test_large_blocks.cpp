// common/large_blocks.hpp: a freed large block leaves the process's RSS, even
// after glibc has seen a block that size freed (which, by default, moves the
// next ones into its heaps for good).
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include <unistd.h>

#include "common/large_blocks.hpp"

namespace {

long long resident_bytes() {
  long long pages_total = 0, pages_resident = 0;
  std::ifstream("/proc/self/statm") >> pages_total >> pages_resident;
  return pages_resident * sysconf(_SC_PAGESIZE);
}

// A touched block of `bytes`, freed; what RSS kept of it.
long long kept_after_free(std::size_t bytes) {
  auto* block = static_cast<char*>(std::malloc(bytes));
  BOOST_TEST_REQUIRE(block != nullptr);
  std::memset(block, 0x5a, bytes);
  asm volatile("" : : "r"(block) : "memory");  // the fill is used: not removed as a store before free
  const long long before_free = resident_bytes();
  std::free(block);
  return before_free - resident_bytes() >= static_cast<long long>(bytes) * 9 / 10 ? 0 : static_cast<long long>(bytes);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(large_blocks)

BOOST_AUTO_TEST_CASE(a_freed_surface_sized_block_leaves_rss_every_time) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The sanitizers' allocators ignore mallopt (ASan quarantines freed blocks).
  BOOST_TEST_MESSAGE("skipped: the sanitizer's allocator replaces glibc's");
#else
  BOOST_TEST_REQUIRE(vigil::return_large_blocks_to_the_system());
  constexpr std::size_t surface = std::size_t{16} << 20;  // 2048x2048, 32-bit
  for (int round = 0; round < 3; ++round)
    BOOST_TEST(kept_after_free(surface) == 0, "round " << round << ": a freed 16 MiB block stayed resident");
  BOOST_TEST(kept_after_free(vigil::large_block_bytes) == 0);
#endif
}

BOOST_AUTO_TEST_SUITE_END()
