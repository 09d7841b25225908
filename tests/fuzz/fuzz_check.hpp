// A check for fuzz targets: a broken invariant must crash so libFuzzer saves
// the input, even in builds without assertions.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                    \
  do {                                                                           \
    if (!(condition)) {                                                          \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                   #condition);                                                  \
      std::abort();                                                              \
    }                                                                            \
  } while (0)
