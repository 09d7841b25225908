#include "common/large_blocks.hpp"

#include <malloc.h>

namespace vigil {

bool return_large_blocks_to_the_system() {
  // A fixed mmap threshold also fixes the trim threshold at glibc's 128 KiB
  // default (no longer raised with it): freeing a message or a socket read
  // at the top of a thread's heap then gave its pages back (madvise, a TLB
  // flush on every CPU) only to fault them in again for the next one, 16 %
  // of the client's CPU on the real guest's console scroll. Blocks this
  // size and larger are mmapped anyway, so a heap keeps at most that much.
  return mallopt(M_MMAP_THRESHOLD, static_cast<int>(large_block_bytes)) == 1 &&
         mallopt(M_TRIM_THRESHOLD, static_cast<int>(large_block_bytes)) == 1;
}

}  // namespace vigil
