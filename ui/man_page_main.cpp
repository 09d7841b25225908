// vigil-man-page: writes vigil(1) to standard output, from the option table
// --help uses, so the two never disagree. Run by the build; not installed.
#include <iostream>

#include "ui/command_line.hpp"

int main() {
  vigil::write_man_page(std::cout);
  return std::cout ? 0 : 1;
}
