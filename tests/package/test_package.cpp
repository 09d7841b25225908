// The Debian package as a user gets it: cpack builds the .deb from this
// build, it is unpacked into a clean root, its files and dependencies are
// checked, the desktop's databases are built there as dpkg's triggers would,
// and then a .vv console file opened with xdg-open starts Vigil against the
// test server.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <sys/types.h>

#include "child_process.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"
#include "x_display.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;
namespace fs = std::filesystem;

namespace {

process_result run_checked(const std::vector<std::string>& argv, std::chrono::milliseconds limit = 120s) {
  auto result = run_process(argv, limit);
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, quote_command_line(argv) + ": " + result.describe() + "\n" +
                                                  result.stdout_text + result.stderr_text);
  return result;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

// The .deb cpack makes of this build, in `directory`.
std::string build_package(const std::string& directory) {
  run_checked({"cpack", "-G", "DEB", "--config", VIGIL_BUILD_DIR "/CPackConfig.cmake", "-B", directory}, 600s);
  for (const auto& entry : fs::directory_iterator(directory))
    if (entry.path().extension() == ".deb")
      return entry.path().string();
  BOOST_FAIL("cpack made no .deb in " + directory);
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_deb_installs_vigil_and_xdg_open_starts_it_on_a_console_file) {
  temp_directory work("vigil-package");
  const std::string deb = build_package(work.file("out"));
  std::printf("package: %s (%ju bytes)\n", deb.c_str(), static_cast<std::uintmax_t>(fs::file_size(deb)));

  // Its dependencies: the shared libraries vigil links, and the font.
  const std::string depends = trimmed(run_checked({"dpkg-deb", "-f", deb, "Depends"}).stdout_text);
  std::printf("Depends: %s\n", depends.c_str());
  for (const char* library : {"libsfml-graphics2.5", "libcaf-core0.17", "libssl3", "libspdlog1", "fonts-dejavu-core"})
    BOOST_TEST(depends.find(library) != std::string::npos, "Depends names " << library);
  BOOST_TEST(depends.find("-dev") == std::string::npos, "no development package in Depends: " << depends);

  // Unpacked into a clean root, as dpkg would put it.
  const std::string root = work.file("root");
  run_checked({"dpkg-deb", "-x", deb, root});
  for (const char* file : {"usr/bin/vigil", "usr/lib/vigil/libvigil_libav.so", "usr/share/man/man1/vigil.1",
                           "usr/share/applications/vigil.desktop",
                           "usr/share/mime/packages/vigil-mime.xml", "usr/share/icons/hicolor/scalable/apps/vigil.svg",
                           "usr/share/doc/vigil/examples/vigil.toml"})
    BOOST_TEST(fs::exists(root + "/" + file), file << " is in the package");
  run_checked({"desktop-file-validate", root + "/usr/share/applications/vigil.desktop"});
  const std::string man = read_text_file(root + "/usr/share/man/man1/vigil.1");
  BOOST_TEST(man.find("\\-\\-hotkeys") != std::string::npos, "the man page lists --hotkeys");
  BOOST_TEST(man.find("\\-\\-zoom") != std::string::npos, "the man page lists --zoom");
  BOOST_TEST(trimmed(run_checked({root + "/usr/bin/vigil", "--version"}).stdout_text).rfind("vigil ", 0) == 0);

  // What dpkg's triggers do (shared-mime-info, desktop-file-utils), and a
  // desktop that knows only this root: no other viewer claims the type.
  run_checked({"update-mime-database", root + "/usr/share/mime"});
  run_checked({"update-desktop-database", root + "/usr/share/applications"});
  ::setenv("XDG_DATA_DIRS", (root + "/usr/share").c_str(), 1);
  ::setenv("XDG_DATA_HOME", work.file("home/.local/share").c_str(), 1);
  ::setenv("XDG_CONFIG_HOME", work.file("home/.config").c_str(), 1);
  ::setenv("XDG_CONFIG_DIRS", work.file("etc-xdg").c_str(), 1);
  ::setenv("HOME", work.file("home").c_str(), 1);
  for (const char* desktop : {"XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION", "GNOME_DESKTOP_SESSION_ID",
                              "XDG_SESSION_DESKTOP", "BROWSER"})
    ::unsetenv(desktop);
  ::setenv("PATH", (root + "/usr/bin:" + std::getenv("PATH")).c_str(), 1);
  fs::create_directories(work.file("home/.config"));

  temp_directory display_work("vigil-package-x");
  virtual_display display(display_work);
  scene_server server({"--scene", "solid"});
  const std::string console = work.file("console.vv");
  write_text_file(console, "[virt-viewer]\ntype=spice\nhost=127.0.0.1\nport=" + std::to_string(server.port()) +
                               "\ntitle=packaged console\ndelete-this-file=0\n");
  BOOST_TEST(trimmed(run_checked({"xdg-mime", "query", "filetype", console}).stdout_text) ==
             "application/x-virt-viewer");
  BOOST_TEST(trimmed(run_checked({"xdg-mime", "query", "default", "application/x-virt-viewer"}).stdout_text) ==
             "vigil.desktop");
  BOOST_TEST(trimmed(run_checked({"xdg-mime", "query", "default", "x-scheme-handler/spice"}).stdout_text) ==
             "vigil.desktop");

  // xdg-open runs the desktop file's command: Vigil connects and shows the
  // file's title. In a session of its own, so every process it started ends with it.
  background_process opened({"setsid", "xdg-open", console}, work.file("xdg-open.log"));
  auto window = wait_for_window("packaged console", 60s);
  const bool connected = server.wait_for_output("event client-connected channel=display", 30s);
  ::kill(-opened.pid(), SIGTERM);
  opened.stop();
  BOOST_TEST(!window.empty(), "a window titled from the .vv file; xdg-open said: " << read_text_file(work.file("xdg-open.log")));
  BOOST_TEST(connected, "the packaged vigil connected to the test server");
}
