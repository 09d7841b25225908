#include "agent_test_text.hpp"

#include <cstdio>

namespace vigil::test_support {

std::string numbered_text(std::size_t size) {
  std::string text;
  for (int line = 0; text.size() < size; ++line) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "line %05d\n", line);
    text += buffer;
  }
  text.resize(size);
  return text;
}

std::uint32_t fnv1a(const void* data, std::size_t size) {
  std::uint32_t hash = 2166136261u;
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i)
    hash = (hash ^ bytes[i]) * 16777619u;
  return hash;
}

}  // namespace vigil::test_support
