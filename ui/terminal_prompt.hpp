// Asking the person at the terminal for credentials, as remote-viewer does
// when the server refuses the ticket or SASL needs a user name: on the
// controlling terminal (/dev/tty), the password without echo. Nothing read
// here is logged, put on a command line or into the snapshot.
#pragma once

#include <optional>
#include <string>

namespace vigil {

// True when standard input is a terminal: only then does vigil ask.
bool can_prompt_on_terminal();

// Writes `question` to the terminal and reads one line (without its line
// end); with `echo` false the typed characters are not shown. Nothing when
// there is no terminal or it was closed (Ctrl+D).
std::optional<std::string> prompt_on_terminal(const std::string& question, bool echo);

}  // namespace vigil
