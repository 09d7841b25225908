// A display pipeline holding one 8x4 32_xRGB surface 0, for drawing tests
// that look at single pixels (DRAW_TEXT, DRAW_STROKE).
#pragma once

#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include "protocol/display_pipeline.hpp"
#include "test_display_builders.hpp"

namespace vigil::test {

struct small_surface_fixture {
  protocol::display_pipeline pipeline{protocol::display_settings{}};
  small_surface_fixture() {
    const bytes create = display_body{}.u32(0).u32(8).u32(4).u32(SPICE_SURFACE_FMT_32_xRGB).u32(1).take();
    BOOST_TEST_REQUIRE(
      (pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, create).outcome == protocol::display_outcome::applied));
  }
  // The pixel's colour, without the byte above it.
  std::uint32_t at(std::uint32_t x, std::uint32_t y) const {
    const protocol::surface& s = *pipeline.surfaces().find(0);
    return s.pixels[y * s.width + x] & 0x00ffffffu;
  }
};

}  // namespace vigil::test
