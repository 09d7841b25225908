// Fuzzes the remote-viewer connection file parser (ui/connection_file.cpp):
// a .vv file is text from whoever handed it out. Seeds: an oVirt-style file
// and small plain and TLS ones.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "ui/connection_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto parsed = vigil::parse_connection_file(text, "fuzz.vv");
  FUZZ_CHECK(parsed.file.has_value() == parsed.error.empty());
  if (parsed.file) {
    // A host and a port, or a Unix socket.
    const bool has_unix = !parsed.file->unix_path.empty();
    FUZZ_CHECK(has_unix || !parsed.file->host.empty());
    FUZZ_CHECK(has_unix || parsed.file->plain_port != 0 || parsed.file->tls_port != 0);
    FUZZ_CHECK(!has_unix || parsed.file->unix_path.front() == '/');
  } else {
    // Every error names the file first; none echoes a value at length.
    FUZZ_CHECK(parsed.error.rfind("fuzz.vv", 0) == 0);
    FUZZ_CHECK(parsed.error.size() < 400);
  }
  return 0;
}
