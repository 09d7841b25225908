// The one-line field of the menu's "Send file..." entry: the path of a local
// file to send to the guest. Pure (no window, no X): the characters SFML says
// were typed and the named keys the menu gets go in; the text, and whether it
// was submitted (Enter) or cancelled (Escape), come out. The window shows it
// in the menu's panel and suspends its keyboard grab while it is open, so
// SFML sees the typed text (ui/viewer_window.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "protocol/inputs_messages.hpp"

namespace vigil {

class path_field {
public:
  enum class outcome { editing, submitted, cancelled };

  // A character typed (SFML's TextEntered): printable ones are appended as
  // UTF-8; control characters are left to key().
  void type(std::uint32_t unicode);
  // Backspace removes the last character, Enter submits a non-empty path,
  // Escape cancels; other keys are ignored.
  outcome key(protocol::pc_key key);
  const std::string& text() const { return text_; }

  static constexpr std::size_t max_bytes = 4096;  // PATH_MAX

private:
  std::string text_;
};

}  // namespace vigil
