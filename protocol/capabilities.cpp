#include "protocol/capabilities.hpp"

#include <utility>

namespace vigil::protocol {

capability_set::capability_set(std::initializer_list<unsigned> caps) {
  for (unsigned cap : caps)
    set(cap);
}

capability_set capability_set::from_words(std::vector<std::uint32_t> words) {
  capability_set result;
  result.words_ = std::move(words);
  return result;
}

void capability_set::set(unsigned cap) {
  const std::size_t word = cap / 32;
  if (words_.size() <= word)
    words_.resize(word + 1, 0);
  words_[word] |= std::uint32_t{1} << (cap % 32);
}

bool capability_set::has(unsigned cap) const {
  const std::size_t word = cap / 32;
  return word < words_.size() && (words_[word] >> (cap % 32)) & 1u;
}

}  // namespace vigil::protocol
