#pragma once
// Large blocks -- surfaces, decoded images, caches' big entries: what a
// server makes the client allocate -- go back to the system when freed.
//
// glibc raises its mmap threshold to the size of every mmapped block freed
// (up to 32 MiB), so after the first surface is freed the next ones come
// from malloc's heaps, one per thread, and freeing them keeps their pages:
// a CAF actor runs on whichever worker thread is free, so a restarted
// display channel filled another thread's heap while the pages of the one it
// replaced stayed resident. Under a surface flood (tests/hostile/) that held
// up to twice the memory budget. A fixed threshold keeps every block of
// `large_block_bytes` or more mmapped, so RSS follows what the budget counts.
#include <cstddef>

namespace vigil {

// 4 MiB: a 1024x1024 32-bit surface. Smaller blocks stay in malloc's heaps
// (cheap to reuse: a heap keeps up to this much free at its top rather than
// giving it back and faulting it in again); the mmap and page faults of a
// larger one cost far less than decoding or drawing that many pixels.
inline constexpr std::size_t large_block_bytes = std::size_t{4} << 20;

// Once, at start, before other threads: true if the C library took it.
bool return_large_blocks_to_the_system();

}  // namespace vigil
