// USB options that are wrong are usage errors naming what is wrong, before
// any connection is tried.
#include <boost/test/unit_test.hpp>

#include "client_run.hpp"
#include "temp_directory.hpp"

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

client_run run_with(std::vector<std::string> arguments) {
  arguments.push_back("spice://127.0.0.1:1");
  return run_vigil(arguments, 30s);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_usb_disk_image_that_cannot_be_read_is_named, *boost::unit_test::label("cli")) {
  auto run = run_with({"--headless", "--usb-disk", "/nonexistent/disk.img"});
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(run.exit_code() == exit_codes::usage_error);
    BOOST_TEST(run.process.stderr_text.find("/nonexistent/disk.img") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_usb_disk_option_other_than_ro_is_refused, *boost::unit_test::label("cli")) {
  temp_directory work("usb-cli");
  write_text_file(work.file("disk.img"), std::string(4096, '\0'));
  auto run = run_with({"--headless", "--usb-disk", work.file("disk.img") + ",rw"});
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(run.exit_code() == exit_codes::usage_error);
    BOOST_TEST(run.process.stderr_text.find("FILE,ro") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_usb_device_that_is_not_here_is_named, *boost::unit_test::label("cli")) {
  auto run = run_with({"--headless", "--usb-redirect", "1d6b:fffe"});
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(run.exit_code() == exit_codes::usage_error);
    BOOST_TEST(run.process.stderr_text.find("1d6b:fffe") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_usb_device_selector_that_does_not_parse_says_the_forms, *boost::unit_test::label("cli")) {
  auto run = run_with({"--headless", "--usb-redirect", "stick"});
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(run.exit_code() == exit_codes::usage_error);
    BOOST_TEST(run.process.stderr_text.find("VID:PID") != std::string::npos);
  }
}
