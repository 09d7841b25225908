// The renderer between a display channel and a viewer that is still drawing:
// a frame that replaces another must still cover the other's changed area,
// because the viewer copies only a frame's dirty rectangle.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <thread>

#include "actors/bounded_edge.hpp"
#include "actors/messages.hpp"
#include "actors/renderer.hpp"

using namespace std::chrono_literals;
using namespace vigil;

namespace {

primary_frame_ptr frame(std::uint64_t sequence, protocol::rect dirty) {
  auto made = std::make_shared<primary_frame>();
  made->width = 100;
  made->height = 100;
  made->pixels.assign(100 * 100, static_cast<std::uint32_t>(sequence));
  made->dirty = dirty;
  made->sequence = sequence;
  return made;
}

primary_frame_ptr next_frame(caf::scoped_actor& self) {
  primary_frame_ptr received;
  self->receive([&](frame_atom, const primary_frame_ptr& got) { received = got; },
                [&](edge_ack_atom, std::uint32_t, std::uint32_t) {}, caf::after(2s) >> [] {});
  return received;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_frame_replacing_others_for_a_busy_viewer_carries_their_dirty_rectangles) {
  caf::actor_system_config config;
  caf::actor_system system{config};
  caf::scoped_actor self{system};
  auto renderer = spawn_renderer(system);
  self->send(renderer, subscribe_frames_atom::value, caf::actor{self});
  self->send(renderer, frame_atom::value, frame(1, {0, 0, 100, 100}));
  primary_frame_ptr first;
  while (!first || first->sequence != 1)  // skip the acknowledgements meant for a display channel
    first = next_frame(self);
  // The viewer is drawing frame 1: frames 2 and 3 wait; 3 replaces 2.
  self->send(renderer, frame_atom::value, frame(2, {0, 0, 10, 10}));
  self->send(renderer, frame_atom::value, frame(3, {50, 50, 60, 60}));
  std::this_thread::sleep_for(200ms);
  self->send(renderer, edge_ack_atom::value, edge_ids::viewer_frames, std::uint32_t{1});
  primary_frame_ptr second;
  while (!second)
    second = next_frame(self);
  BOOST_TEST(second->sequence == 3u);
  BOOST_TEST(second->pixels.front() == 3u);
  BOOST_TEST(second->dirty.top == 0);
  BOOST_TEST(second->dirty.left == 0);
  BOOST_TEST(second->dirty.bottom == 60);
  BOOST_TEST(second->dirty.right == 60);
  self->send(renderer, shutdown_atom::value);
}
