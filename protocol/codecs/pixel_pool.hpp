// Decode buffers kept for reuse. A full-screen image every frame (a console
// scrolling in a real guest sends about 50 GLZ images a second) would
// otherwise allocate, zero and fault in a fresh buffer of several MB each
// time, and give it back to the system when it goes. Buffers come out of the
// pool with unspecified contents, so only decoders that write every pixel
// use them (GLZ: every pixel is a literal or a match).
//
// Bounded: at most max_buffers idle buffers, each charged to the pool's
// memory account while it waits (a buffer the budget refuses is freed), so
// the budget still counts every byte a server can make the client hold.
// One owner at a time, like memory_account (no locking).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/memory_budget.hpp"

namespace vigil::protocol {

class pixel_pool {
public:
  explicit pixel_pool(memory_account account = {}, std::size_t max_buffers = 2);

  // `pixels` pixels, contents unspecified: an idle buffer of at least that
  // capacity (and not more than twice) when there is one, else a new one.
  std::vector<std::uint32_t> take(std::size_t pixels);
  // Keeps `buffer` for a later take, or frees it when the pool is full or the
  // budget refuses its charge.
  void give_back(std::vector<std::uint32_t> buffer);

  std::size_t buffers_idle() const { return idle_.size(); }
  std::uint64_t bytes_idle() const;

private:
  struct idle_buffer {
    std::vector<std::uint32_t> pixels;
    memory_charge charge;
  };
  memory_account account_;
  std::size_t max_buffers_;
  std::vector<idle_buffer> idle_;
};

// A decoded image whose buffer goes back to its pool when the last holder
// lets go, with the charge for its pixels held until then.
struct pooled_image {
  decoded_image image;
  memory_charge charge;
  std::weak_ptr<pixel_pool> pool;

  pooled_image() = default;
  pooled_image(const pooled_image&) = delete;
  pooled_image& operator=(const pooled_image&) = delete;
  ~pooled_image();
};

}  // namespace vigil::protocol
