// A uniquely named directory under $TMPDIR (or /tmp), created with mkdtemp and
// removed with everything in it when the object goes away, so a failing test
// leaves nothing behind.
#pragma once

#include <string>

namespace vigil::test_support {

class temp_directory {
public:
  // `purpose` becomes part of the name (e.g. "pki" -> /tmp/vigil-pki-Ab12Cd) so
  // a directory seen while a test runs says what it is for.
  explicit temp_directory(const std::string& purpose);
  ~temp_directory();

  temp_directory(const temp_directory&) = delete;
  temp_directory& operator=(const temp_directory&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name; does not create anything.
  std::string file(const std::string& name) const;

private:
  std::string path_;
};

// Writes `content` to `path`, replacing it; throws std::runtime_error on failure.
void write_text_file(const std::string& path, const std::string& content);
// Reads a whole file; returns "" when it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace vigil::test_support
