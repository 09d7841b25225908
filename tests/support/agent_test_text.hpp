// The clipboard texts the test server's emulated agent and the tests agree
// on: a long text whose every part is distinguishable, and the hash the
// server prints so a test can check a long text without printing it all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace vigil::test_support {

// `size` bytes of "line 00000\n", "line 00001\n", ... cut at `size`
// (the test server's --agent-clipboard-bytes text).
std::string numbered_text(std::size_t size);

// FNV-1a (32 bit) of `size` bytes.
std::uint32_t fnv1a(const void* data, std::size_t size);
inline std::uint32_t fnv1a(const std::string& text) { return fnv1a(text.data(), text.size()); }

}  // namespace vigil::test_support
