#include "common/large_blocks.hpp"

#include <malloc.h>

namespace vigil {

bool return_large_blocks_to_the_system() {
  return mallopt(M_MMAP_THRESHOLD, static_cast<int>(large_block_bytes)) == 1;
}

}  // namespace vigil
