// Fuzzes frame reassembly with arbitrary streams cut into arbitrary pieces,
// at the production limits: 64 MiB messages (connection.max_message_bytes),
// the buffer charged to a memory budget of 256 MiB.
// Input: 8 config bytes (byte 0 bit 0: mini header; bytes 4-7: piece-size
// seed; 1-3 unused), then the stream. Seeds: captured post-link streams with
// a config prefix.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"
#include "protocol/framing.hpp"

using namespace vigil::protocol;

namespace {

struct outcome {
  std::vector<frame> frames;
  bool failed = false;
  std::size_t buffered = 0;
};

bool same_frames(const std::vector<frame>& a, const std::vector<frame>& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].type != b[i].type || a[i].serial != b[i].serial || a[i].body != b[i].body)
      return false;
  return true;
}

constexpr std::size_t limit = 64u << 20;  // connection.max_message_bytes

outcome reassemble(bool mini, const std::uint8_t* data, std::size_t size, std::uint32_t piece_seed) {
  outcome out;
  auto pool = std::make_shared<fixed_memory_pool>(256u << 20);
  {
  frame_reassembler frames(mini, limit, memory_account(pool, "fuzz"));
  std::uint32_t rng = piece_seed | 1;
  std::size_t pos = 0;
  while (pos < size && !out.failed) {
    std::size_t piece = size - pos;
    if (piece_seed != 0) {  // xorshift32: piece sizes 1..64, sometimes 1..4096
      rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
      piece = (rng & 0x100) ? rng % 4096 + 1 : rng % 64 + 1;
      piece = piece < size - pos ? piece : size - pos;
    }
    frames.feed(data + pos, piece);
    pos += piece;
    for (;;) {
      auto next = frames.next();
      if (!next.ok()) {
        out.failed = true;
        FUZZ_CHECK(!frames.next().ok());  // stays broken
        break;
      }
      if (!next->has_value())
        break;
      FUZZ_CHECK((*next)->body.size() <= limit);
      out.frames.push_back(std::move(**next));
    }
  }
  out.buffered = frames.buffered_bytes();
  }
  FUZZ_CHECK(pool->in_use() == 0);  // every charge given back
  FUZZ_CHECK(pool->refusals() == 0);  // the budget holds any message under the limit
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8)
    return 0;
  const bool mini = data[0] & 1;
  const std::uint32_t seed = data[4] | data[5] << 8 | data[6] << 16 | std::uint32_t{data[7]} << 24;
  data += 8;
  size -= 8;

  const outcome whole = reassemble(mini, data, size, 0);
  const outcome pieces = reassemble(mini, data, size, seed);
  // Splitting must not change what comes out: same frames, same error.
  FUZZ_CHECK(whole.failed == pieces.failed);
  FUZZ_CHECK(same_frames(whole.frames, pieces.frames));
  if (!whole.failed) {
    std::size_t framed = whole.buffered;
    for (const frame& f : whole.frames)
      framed += (mini ? mini_header_size : full_header_size) + f.body.size();
    FUZZ_CHECK(framed == size);  // every byte is in a frame or still buffered
    FUZZ_CHECK(pieces.buffered == whole.buffered);
  }
  return 0;
}
