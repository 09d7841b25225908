// The client's primary surface against QEMU's own screendump of the SeaBIOS
// screen ("No bootable device." and a blinking cursor).
#include <boost/test/unit_test.hpp>

#include "qemu_server.hpp"
#include "ppm_image.hpp"
#include "temp_directory.hpp"
#include "client_run.hpp"
#include "waiting.hpp"

using namespace vigil::test_support;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(qemu_display, *boost::unit_test::label("qemu"))

// Only the cursor changes once SeaBIOS has given up booting, so QEMU's
// pictures taken just after the client's are in one of its two blink states:
// the client's picture must equal one of them exactly.
BOOST_AUTO_TEST_CASE(seabios_screen_equals_qemu_screendump) {
  constexpr int duration_s = 8;
  vigil::test_support::temp_directory directory("display-qemu");
  qemu_server qemu(plain_spice());
  const std::string dump = directory.file("client.ppm");
  const client_run run = run_vigil(
    {"--headless", "--duration", std::to_string(duration_s), "--dump-primary", dump, plain_uri(qemu.port())},
    std::chrono::seconds(duration_s + 30));
  BOOST_TEST_MESSAGE("client: " << run.process.describe());
  std::string error;
  const auto picture = read_ppm(dump, error);
  BOOST_TEST_REQUIRE(picture.has_value(), error << run.context());

  std::optional<image_comparison> best;
  std::optional<ppm_image> best_reference;
  // QEMU's screendumps until one equals the client's picture (a blink state),
  // for up to 5 s (the cursor blinks about every 0.25 s).
  int shot = 0;
  wait_until(
    [&] {
      const std::string path = directory.file("qemu-" + std::to_string(shot++) + ".ppm");
      const std::string problem = qemu.screendump(path);
      BOOST_TEST_REQUIRE(problem.empty(), problem << "\nQEMU output:\n" << qemu.output());
      auto reference = read_ppm(path, error);
      BOOST_TEST_REQUIRE(reference.has_value(), error);
      const image_comparison comparison = compare(*reference, *picture);
      if (!best || (comparison.same_size && comparison.mismatched_pixels < best->mismatched_pixels)) {
        best = comparison;
        best_reference = std::move(reference);
      }
      return best->same_size && best->mismatched_pixels == 0;
    },
    5s, 100ms);
  BOOST_TEST_MESSAGE("closest QEMU screendump: " << best->describe(*best_reference));
  BOOST_TEST(best->same_size, best->describe(*best_reference));
  BOOST_TEST(best->mismatched_pixels == 0u, best->describe(*best_reference));
}

BOOST_AUTO_TEST_SUITE_END()
