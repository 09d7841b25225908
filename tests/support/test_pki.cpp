#include "test_pki.hpp"

#include "child_process.hpp"

#include <stdexcept>

#ifndef VIGIL_TEST_PKI_SCRIPT
#error "VIGIL_TEST_PKI_SCRIPT must name tests/support/make-test-pki.sh"
#endif

namespace vigil::test_support {

test_pki::test_pki() : directory_("pki") {
  const std::vector<std::string> command{"bash", VIGIL_TEST_PKI_SCRIPT, directory_.path()};
  const process_result result = run_process(command, std::chrono::seconds(60));
  if (result.exit_code != 0) {
    throw std::runtime_error("test PKI generation failed: " + quote_command_line(command) + ": " +
                             result.describe() + "\n" + result.stderr_text);
  }
}

}  // namespace vigil::test_support
