// A SPICE capability set: cap N is bit N%32 of 32-bit word N/32.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace vigil::protocol {

class capability_set {
public:
  capability_set() = default;
  capability_set(std::initializer_list<unsigned> caps);
  static capability_set from_words(std::vector<std::uint32_t> words);

  void set(unsigned cap);
  bool has(unsigned cap) const;
  const std::vector<std::uint32_t>& words() const { return words_; }

private:
  std::vector<std::uint32_t> words_;
};

}  // namespace vigil::protocol
