// The memory budget (protocol/memory_budget.hpp) and what the display
// pipeline, the canvas, the frame reassembler and the agent reassembler
// charge to it: the security review's memory findings (H1, M1, M5), each
// driven by the message a hostile server would send.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include "protocol/byte_writer.hpp"
#include "protocol/canvas.hpp"
#include "protocol/display_pipeline.hpp"
#include "protocol/framing.hpp"
#include "protocol/vdagent.hpp"
#include "test_display_builders.hpp"
#include "captured_stream.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

constexpr std::uint64_t mib = 1 << 20;

struct budgeted {
  std::shared_ptr<fixed_memory_pool> pool;
  memory_account account;
  explicit budgeted(std::uint64_t limit)
      : pool(std::make_shared<fixed_memory_pool>(limit)), account(pool, "display:0") {}
};

display_settings settings_with(const memory_account& account, memory_limits limits = {}) {
  display_settings settings;
  settings.pixmap_cache_pixels = 1 << 20;
  settings.glz_window_pixels = 1 << 20;
  settings.account = account;
  settings.limits = limits;
  return settings;
}

bytes create_body(std::uint32_t id, std::uint32_t width, std::uint32_t height, bool primary = false) {
  return display_body{}
    .u32(id)
    .u32(width)
    .u32(height)
    .u32(SPICE_SURFACE_FMT_32_xRGB)
    .u32(primary ? SPICE_SURFACE_FLAGS_PRIMARY : 0)
    .take();
}

bytes destroy_body(std::uint32_t id) { return display_body{}.u32(id).take(); }

// DRAW_COPY of `pixels` (a 32-bit bitmap) to the box at (0,0) of surface 0.
bytes copy_body(std::uint64_t image_id, std::uint8_t image_flags, const decoded_image& pixels) {
  const std::int32_t w = static_cast<std::int32_t>(pixels.width), h = static_cast<std::int32_t>(pixels.height);
  return display_body{}
    .base(0, make_rect(0, 0, h, w))
    .pointer("image")
    .rect(0, 0, h, w)
    .u16(SPICE_ROPD_OP_PUT)
    .u8(SPICE_IMAGE_SCALE_MODE_NEAREST)
    .no_mask()
    .place("image")
    .bitmap_image(image_id, image_flags, pixels)
    .take();
}

display_outcome apply(display_pipeline& pipeline, std::uint16_t type, const bytes& body) {
  return pipeline.apply(type, body).outcome;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(memory_budget)

BOOST_AUTO_TEST_CASE(charges_fit_until_the_budget_and_come_back_when_released) {
  budgeted memory(100);
  auto first = memory.account.charge(60, "first");
  BOOST_TEST_REQUIRE(first.ok());
  const auto second = memory.account.charge(60, "second thing");
  BOOST_TEST_REQUIRE(!second.ok());
  BOOST_TEST(second.error().budget_exceeded);
  VIGIL_CHECK_CONTAINS(second.error().message,
                       "second thing: 60 bytes would exceed the session's memory budget (60 bytes of 100 bytes in use; "
                       "display:0 holds 60 bytes)");
  BOOST_TEST(memory.account.refusals() == 1u);
  first->release();
  BOOST_TEST(memory.pool->in_use() == 0u);
  BOOST_TEST(memory.account.charge(100, "all of it").ok());
  BOOST_TEST(memory.account.peak() == 100u);
}

BOOST_AUTO_TEST_CASE(a_charge_resized_up_and_down_keeps_the_pool_exact) {
  budgeted memory(100);
  memory_charge held;
  BOOST_TEST(!memory.account.resize(held, 40, "buffer"));
  BOOST_TEST(!memory.account.resize(held, 90, "buffer"));
  BOOST_TEST(memory.pool->in_use() == 90u);
  const auto refused = memory.account.resize(held, 101, "buffer");
  BOOST_TEST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->budget_exceeded);
  BOOST_TEST(held.bytes() == 90u);
  BOOST_TEST(!memory.account.resize(held, 10, "buffer"));
  BOOST_TEST(memory.pool->in_use() == 10u);
  held = memory_charge{};
  BOOST_TEST(memory.pool->in_use() == 0u);
}

// H1: 20-byte SURFACE_CREATEs each allocated and zero-filled up to 1 GiB.
BOOST_AUTO_TEST_CASE(a_surface_over_max_surface_bytes_is_over_budget_before_allocating) {
  budgeted memory(std::uint64_t{8} << 30);
  display_pipeline pipeline(settings_with(memory.account));
  const display_step step = pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, create_body(1, 16384, 16384));
  BOOST_TEST((step.outcome == display_outcome::over_budget));
  VIGIL_CHECK_CONTAINS(step.error, "surface 1 (16384x16384): 1.00 GiB is over memory.max_surface_bytes (256.0 MiB)");
  BOOST_TEST(memory.pool->in_use() == 0u);
}

BOOST_AUTO_TEST_CASE(surfaces_with_distinct_ids_stop_at_the_session_budget) {
  budgeted memory(64 * mib);
  display_pipeline pipeline(settings_with(memory.account));
  std::uint32_t created = 0;
  display_step step;
  for (; created < 100; ++created) {
    step = pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, create_body(created, 2048, 1024));  // 8 MiB each
    if (step.outcome != display_outcome::applied)
      break;
  }
  BOOST_TEST(created == 8u);
  BOOST_TEST((step.outcome == display_outcome::over_budget));
  VIGIL_CHECK_CONTAINS(step.error, "surface 8 (2048x1024): 8.0 MiB would exceed the session's memory budget");
  BOOST_TEST(memory.pool->in_use() == 64 * mib);
}

BOOST_AUTO_TEST_CASE(live_surfaces_are_capped_in_number) {
  memory_limits limits;
  limits.max_surfaces = 3;
  budgeted memory(64 * mib);
  display_pipeline pipeline(settings_with(memory.account, limits));
  for (std::uint32_t id = 0; id < 3; ++id)
    BOOST_TEST((apply(pipeline, SPICE_MSG_DISPLAY_SURFACE_CREATE, create_body(id, 1, 1)) ==
                display_outcome::applied));
  const display_step fourth = pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, create_body(3, 1, 1));
  BOOST_TEST((fourth.outcome == display_outcome::over_budget));
  VIGIL_CHECK_CONTAINS(fourth.error, "surface 3 would be more than memory.max_surfaces (3) live surfaces");
  // Replacing a live id is not one more surface.
  BOOST_TEST((apply(pipeline, SPICE_MSG_DISPLAY_SURFACE_CREATE, create_body(2, 2, 2)) ==
              display_outcome::applied));
}

BOOST_AUTO_TEST_CASE(destroyed_and_replaced_surfaces_give_their_memory_back) {
  budgeted memory(64 * mib);
  display_pipeline pipeline(settings_with(memory.account));
  apply(pipeline, SPICE_MSG_DISPLAY_SURFACE_CREATE, create_body(0, 1024, 1024, true));
  BOOST_TEST(memory.pool->in_use() == 4 * mib);
  apply(pipeline, SPICE_MSG_DISPLAY_SURFACE_CREATE, create_body(0, 512, 512, true));
  BOOST_TEST(memory.pool->in_use() == mib);
  apply(pipeline, SPICE_MSG_DISPLAY_SURFACE_DESTROY, destroy_body(0));
  BOOST_TEST(memory.pool->in_use() == 0u);
}

BOOST_AUTO_TEST_CASE(cached_images_stay_charged_until_the_server_invalidates_them) {
  budgeted memory(64 * mib);
  display_pipeline pipeline(settings_with(memory.account));
  apply(pipeline, SPICE_MSG_DISPLAY_SURFACE_CREATE, create_body(0, 64, 64, true));
  const std::uint64_t surface_bytes = memory.pool->in_use();
  BOOST_TEST((apply(pipeline, SPICE_MSG_DISPLAY_DRAW_COPY,
                    copy_body(7, SPICE_IMAGE_FLAGS_CACHE_ME, solid_image(32, 32, 0x123456))) ==
              display_outcome::applied));
  BOOST_TEST(memory.pool->in_use() == surface_bytes + 32 * 32 * 4 + image_overhead_bytes);
  apply(pipeline, SPICE_MSG_DISPLAY_INVAL_ALL_PIXMAPS, display_body{}.u8(0).take());
  BOOST_TEST(memory.pool->in_use() == surface_bytes);
  // An image nobody keeps is given back once drawn.
  apply(pipeline, SPICE_MSG_DISPLAY_DRAW_COPY, copy_body(8, 0, solid_image(32, 32, 0x654321)));
  BOOST_TEST(memory.pool->in_use() == surface_bytes);
}

BOOST_AUTO_TEST_CASE(an_image_whose_decode_would_exceed_the_budget_is_over_budget) {
  budgeted memory(512 * 1024);
  display_pipeline pipeline(settings_with(memory.account));
  apply(pipeline, SPICE_MSG_DISPLAY_SURFACE_CREATE, create_body(0, 256, 256, true));  // 256 KiB
  const display_step step =
    pipeline.apply(SPICE_MSG_DISPLAY_DRAW_COPY, copy_body(1, 0, solid_image(256, 256, 0xffffff)));
  BOOST_TEST((step.outcome == display_outcome::over_budget));
  VIGIL_CHECK_CONTAINS(step.error, "DISPLAY_DRAW_COPY: src_bitmap: BITMAP image 0x1 (256x256)");
  VIGIL_CHECK_CONTAINS(step.error, "would exceed the session's memory budget");
}

// M1: COPY_BITS pushed every pixel of its region into two growing vectors.
BOOST_AUTO_TEST_CASE(copy_bits_scratch_is_charged_before_it_is_allocated) {
  budgeted memory(5 * mib);
  display_pipeline pipeline(settings_with(memory.account));
  apply(pipeline, SPICE_MSG_DISPLAY_SURFACE_CREATE, create_body(0, 1024, 1024, true));  // 4 MiB
  const bytes copy_bits = display_body{}.base(0, make_rect(0, 0, 1024, 1024)).point(1, 1).take();
  const display_step step = pipeline.apply(SPICE_MSG_DISPLAY_COPY_BITS, copy_bits);
  BOOST_TEST((step.outcome == display_outcome::over_budget));
  VIGIL_CHECK_CONTAINS(step.error, "COPY_BITS scratch (1048576 pixels)");
  BOOST_TEST(memory.pool->in_use() == 4 * mib);
}

// M1: 4096 staggered clip rectangles became 16.7M pieces and seconds of CPU.
BOOST_AUTO_TEST_CASE(a_clip_whose_pieces_would_explode_is_refused) {
  std::vector<rect> staggered;
  for (std::int32_t i = 0; i < 4096; ++i)
    staggered.push_back(make_rect(i, 2 * i, 8192 - i, 2 * i + 1));
  clip many;
  many.type = SPICE_CLIP_TYPE_RECTS;
  many.rects = staggered;
  const auto region = drawing_region(make_rect(0, 0, 8192, 8192), many, make_rect(0, 0, 8192, 8192));
  BOOST_TEST_REQUIRE(!region.ok());
  VIGIL_CHECK_CONTAINS(region.error().message, "clip of 4096 overlapping rectangles is too complex");
  // A grid of the same count, as a window's visible parts are, is fine.
  std::vector<rect> grid;
  for (std::int32_t i = 0; i < 4096; ++i)
    grid.push_back(make_rect(8 * (i / 64), 8 * (i % 64), 8 * (i / 64) + 7, 8 * (i % 64) + 7));
  many.rects = grid;
  BOOST_TEST(drawing_region(make_rect(0, 0, 8192, 8192), many, make_rect(0, 0, 8192, 8192)).ok());
}

// M5: 0x0 images cost no pixels, so a cache bounded by pixels kept all of them.
BOOST_AUTO_TEST_CASE(empty_images_count_toward_the_pixmap_cache_bound) {
  pixmap_cache cache(1024);
  for (std::uint64_t id = 0; id < 10000; ++id)
    cache.put(id, std::make_shared<decoded_image>(), false);
  BOOST_TEST(cache.size() <= 1024u * 4 / pixmap_cache::entry_overhead_bytes);
}

BOOST_AUTO_TEST_CASE(a_message_over_the_budget_breaks_the_stream_before_the_buffer_grows_past_it) {
  budgeted memory(4 * mib);
  frame_reassembler reassembler(true, 64 * mib, memory.account);
  const bytes header = byte_writer{}.u16(SPICE_MSG_DISPLAY_DRAW_COPY).u32(32 * mib).take();
  reassembler.feed(header.data(), header.size());
  BOOST_TEST_REQUIRE(reassembler.next().ok(), "a declared size alone costs nothing");
  const bytes chunk(65536, 0);
  std::optional<parse_error> broken;
  // The body is read into a buffer of its own, charged once: refused once
  // the bytes that came would take it past the 4 MiB budget.
  for (int i = 0; i < 65 && !broken; ++i) {
    reassembler.feed(chunk.data(), chunk.size());
    BOOST_TEST(memory.pool->in_use() <= 4 * mib);
    if (auto next = reassembler.next(); !next.ok())
      broken = next.error();
  }
  BOOST_TEST_REQUIRE(broken.has_value());
  BOOST_TEST(broken->budget_exceeded);
  VIGIL_CHECK_CONTAINS(broken->message, "message reassembly buffer: ");
  VIGIL_CHECK_CONTAINS(broken->message, "would exceed the session's memory budget");
  BOOST_TEST(memory.pool->in_use() == 0u);
}

BOOST_AUTO_TEST_CASE(a_message_within_the_budget_is_reassembled_and_its_buffer_given_back) {
  budgeted memory(16 * mib);
  frame_reassembler reassembler(true, 64 * mib, memory.account);
  const bytes message = byte_writer{}.u16(SPICE_MSG_PING).u32(2 * mib).raw(bytes(2 * mib, 7)).take();
  std::optional<frame> whole;
  for (std::size_t at = 0; at < message.size() && !whole; at += 65536) {
    // As the channel does: each chunk fed, then every complete frame taken.
    reassembler.feed(message.data() + at, std::min<std::size_t>(65536, message.size() - at));
    auto next = reassembler.next();
    BOOST_TEST_REQUIRE(next.ok());
    whole = std::move(next.value());
    if (!whole)  // twice the buffer, which doubles as bytes come: at most 4x what arrived
      BOOST_TEST(memory.pool->in_use() <= 4 * (at + 65536));
  }
  BOOST_TEST_REQUIRE(whole.has_value());
  BOOST_TEST(whole->body.size() == 2 * mib);
  BOOST_TEST(memory.pool->in_use() == 0u);
}

BOOST_AUTO_TEST_CASE(agent_reassembly_is_charged_and_refused_over_the_budget) {
  budgeted memory(64 * 1024);
  agent_reassembler reassembler(1 << 20, memory.account);
  const bytes header = byte_writer{}.u32(1).u32(5).u64(0).u32(1 << 20).take();
  BOOST_TEST(!reassembler.feed(header));
  const auto refused = reassembler.feed(bytes(70 * 1024, 0));
  BOOST_TEST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->budget_exceeded);
  BOOST_TEST(memory.pool->in_use() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
