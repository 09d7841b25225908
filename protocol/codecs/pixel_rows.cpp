#include "protocol/codecs/pixel_rows.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vigil::protocol {

void copy_clearing_alpha(std::uint32_t* to, const std::uint32_t* from, std::size_t count) {
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i mask = _mm_set1_epi32(0x00FFFFFF);
  for (; i + 8 <= count; i += 8) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i + 4));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to + i), _mm_and_si128(a, mask));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to + i + 4), _mm_and_si128(b, mask));
  }
#endif
  for (; i < count; ++i)
    to[i] = from[i] & 0x00FFFFFFu;
}

}  // namespace vigil::protocol
