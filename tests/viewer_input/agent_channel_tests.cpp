// The vdagent through vigil's main channel, without a window: main against
// vigil-test-server's emulated agent (tests/test_server/agent_device.cpp),
// with the test as main's status listener. Clipboard texts larger than one
// AGENT_DATA chunk (2048 bytes) cross both ways, and more chunks than the
// server gives tokens for at once go out as the server returns tokens.
#include <boost/test/unit_test.hpp>

#include <spice/vd_agent.h>

#include <cstdio>
#include <fstream>

#include <optional>

#include "actors/agent_events.hpp"
#include "actors/messages.hpp"
#include "agent_test_text.hpp"
#include "channel_harness.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"

using namespace std::chrono_literals;
using namespace vigil;
using namespace vigil::viewer_input_test;
using vigil::test_support::fnv1a;
using vigil::test_support::numbered_text;
using vigil::test_support::scene_server;
using vigil::test_support::wait_until;

namespace {

// Receives main's agent events (acknowledging each, as the session does)
// until `wanted` matches one; other messages are ignored.
template <class Wanted>
bool wait_for_agent_event(channel_harness& harness, Wanted wanted, std::chrono::milliseconds timeout = 10s) {
  auto& self = harness.self();
  auto main = harness.main_channel();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool found = false;
  while (!found && std::chrono::steady_clock::now() < deadline) {
    self->receive(
      [&](agent_event_atom, const agent_event& event) {
        self->send(main, edge_ack_atom::value, edge_ids::agent_events, std::uint32_t{1});
        found = wanted(event);
      },
      [](main_status_atom, const main_status&) {}, [](channel_event_atom, const channel_event&) {},
      caf::after(100ms) >> [] {});
  }
  return found;
}

bool wait_until_agent_ready(channel_harness& harness) {
  return wait_for_agent_event(harness, [](const agent_event& event) {
    auto state = std::get_if<agent_state>(&event);
    return state && state->connected && state->monitors_config;
  });
}

// A file transfer's last progress event (finished or not), waiting until
// one says finished.
struct progress {
  std::uint32_t id = 0;
  std::string name;
  std::uint64_t sent = 0, size = 0;
  bool finished = false;
  std::string outcome;
  int events = 0;
};
progress wait_for_transfer_end(channel_harness& harness, std::chrono::milliseconds timeout = 30s) {
  progress last;
  wait_for_agent_event(
    harness,
    [&](const agent_event& event) {
      if (auto p = std::get_if<file_progress>(&event))
        last = {p->id, p->name, p->sent, p->size, p->finished, p->outcome, last.events + 1};
      return last.finished;
    },
    timeout);
  return last;
}

std::string file_with(const vigil::test_support::temp_directory& work, const std::string& name, std::size_t size) {
  auto path = work.file(name);
  auto text = numbered_text(size);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

agent_report agent_of(channel_harness& harness) {
  auto health = harness.health(harness.main_channel());
  BOOST_REQUIRE(health.agent.has_value());
  return *health.agent;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(agent_channel)

BOOST_AUTO_TEST_CASE(guest_text_over_several_agent_chunks_reaches_the_client_whole) {
  constexpr std::size_t size = 10000;  // 5 chunks
  scene_server server({"--scene", "solid", "--agent-clipboard-bytes", std::to_string(size)});
  channel_harness harness(server.port());
  bool grabbed = wait_for_agent_event(
    harness, [](const agent_event& event) { return std::holds_alternative<clipboard_grab>(event); });
  BOOST_REQUIRE_MESSAGE(grabbed, "no guest grab; server said:\n" << server.output());
  harness.self()->send(harness.main_channel(), agent_atom::value,
                       agent_command{clipboard_request{0, VD_AGENT_CLIPBOARD_UTF8_TEXT}});
  std::string received;
  wait_for_agent_event(harness, [&](const agent_event& event) {
    auto data = std::get_if<clipboard_data>(&event);
    if (data)
      received = data->data;
    return data != nullptr;
  });
  auto agent = agent_of(harness);
  std::printf("guest text of %zu bytes: received %zu bytes; main counted %llu agent chunks in, returned tokens as "
              "it went (server tokens now %u)\n",
              size, received.size(), static_cast<unsigned long long>(agent.chunks_in), agent.server_tokens);
  BOOST_TEST(received == numbered_text(size));
  BOOST_TEST(agent.chunks_in >= 6u);  // capabilities, grab, 5 data chunks
  BOOST_TEST(agent.clipboard_bytes_from_guest == size);
  BOOST_TEST(agent.last_error == "");
}

BOOST_AUTO_TEST_CASE(client_text_needing_more_than_the_servers_tokens_reaches_the_guest_whole) {
  constexpr std::size_t size = 60000;  // 30 chunks: more than spice-server's 10 tokens at a time
  scene_server server({"--scene", "solid", "--agent", "on"});
  channel_harness harness(server.port());
  BOOST_REQUIRE(wait_until_agent_ready(harness));
  const auto before = agent_of(harness);
  auto main = harness.main_channel();
  harness.self()->send(main, agent_atom::value, agent_command{clipboard_grab{0, {VD_AGENT_CLIPBOARD_UTF8_TEXT}}});
  bool requested = wait_for_agent_event(
    harness, [](const agent_event& event) { return std::holds_alternative<clipboard_request>(event); });
  BOOST_REQUIRE_MESSAGE(requested, "the guest never asked; server said:\n" << server.output());
  auto text = numbered_text(size);
  harness.self()->send(main, agent_atom::value, agent_command{clipboard_data{0, VD_AGENT_CLIPBOARD_UTF8_TEXT, text}});
  bool arrived = server.wait_for_output("agent clipboard-data", 10s);
  auto after = agent_of(harness);
  char expected[64];
  std::snprintf(expected, sizeof expected, "bytes=%zu fnv1a=%08x", size, fnv1a(text));
  std::printf("client text of %zu bytes: server tokens at start %u; %llu chunks sent in all; the agent printed "
              "the data: %s\n",
              size, before.server_tokens, static_cast<unsigned long long>(after.chunks_out),
              arrived ? "yes" : "no");
  BOOST_REQUIRE(arrived);
  BOOST_TEST(server.output().find(expected) != std::string::npos);
  BOOST_TEST(after.chunks_out >= 30u);
  BOOST_TEST(after.chunks_out > before.server_tokens + before.chunks_out);  // needed AGENT_TOKENs
  BOOST_TEST(after.queued_chunks == 0u);
  BOOST_TEST(after.messages_refused == 0u);
}

BOOST_AUTO_TEST_CASE(a_monitors_config_reaches_the_agent_and_the_server_makes_that_surface) {
  scene_server server({"--scene", "solid", "--agent", "on"});
  channel_harness harness(server.port());
  BOOST_REQUIRE(wait_until_agent_ready(harness));
  harness.self()->send(harness.main_channel(), agent_atom::value, agent_command{monitors_config{{{0, 0, 0, 800, 600}}}});
  BOOST_TEST(server.wait_for_output("agent monitors-config count=1 size=800x600", 10s));
  BOOST_TEST(server.wait_for_output("primary size=800x600", 10s));
  BOOST_TEST(agent_of(harness).last_monitors_config == "800x600");
}

BOOST_AUTO_TEST_CASE(a_listener_that_stops_taking_agent_events_costs_refusals_never_a_wait) {
  scene_server server({"--scene", "solid", "--agent", "on"});
  channel_harness harness(server.port());
  BOOST_REQUIRE(wait_until_agent_ready(harness));
  // Each client grab makes the agent ask for the text: one event for the
  // listener, which from now on acknowledges none.
  constexpr int grabs = 40;  // capacity 16 in flight + 16 waiting + 8 over
  for (int i = 0; i < grabs; ++i)
    harness.self()->send(harness.main_channel(), agent_atom::value,
                         agent_command{clipboard_grab{0, {VD_AGENT_CLIPBOARD_UTF8_TEXT}}});
  BOOST_TEST_REQUIRE(wait_until([&] { return server.lines("agent clipboard-grab").size() >= std::size_t{grabs}; }, 20s),
                     server.output());
  // The server has sent every request; main has taken them all once the
  // edge holds a full window and a full queue, and refused the rest.
  channel_health health;
  edge_report events;
  const auto read_edge = [&] {
    health = harness.health(harness.main_channel());
    for (const auto& edge : health.edges)
      if (edge.name == "main->frontend agent events")
        events = edge;
    return events.capacity > 0 && events.in_flight + events.waiting + events.refused >= std::uint64_t{grabs};
  };
  wait_until(read_edge, 20s);
  std::printf("%d guest requests to a listener that acknowledges none: %zu in flight (capacity %zu), %zu waiting, "
              "%llu refused; main is %s\n",
              grabs, events.in_flight, events.capacity, events.waiting, static_cast<unsigned long long>(events.refused),
              to_string(health.state));
  BOOST_TEST(server.lines("agent clipboard-grab").size() == std::size_t{grabs});
  BOOST_TEST(events.in_flight == events.capacity);
  BOOST_TEST(events.waiting == events.capacity);
  BOOST_TEST(events.refused == grabs - 2 * events.capacity);
  BOOST_TEST((health.state == channel_state::up));
}

BOOST_AUTO_TEST_CASE(a_file_goes_to_the_agent_in_pieces_and_the_agents_success_ends_it) {
  vigil::test_support::temp_directory work("vigil-file-xfer");
  constexpr std::size_t size = 300000;  // 5 FILE_XFER_DATA pieces of 64 KiB
  auto path = file_with(work, "notes.txt", size);
  scene_server server({"--scene", "solid", "--agent", "on"});
  channel_harness harness(server.port());
  BOOST_REQUIRE(wait_until_agent_ready(harness));
  harness.self()->send(harness.main_channel(), agent_atom::value, agent_command{file_send{path}});
  auto end = wait_for_transfer_end(harness);
  auto agent = agent_of(harness);
  char expected[64];
  std::snprintf(expected, sizeof expected, "bytes=%zu fnv1a=%08x", size, fnv1a(numbered_text(size)));
  std::printf("file of %zu bytes: %d progress events, last %llu/%llu '%s'; agent: %s\n", size, end.events,
              static_cast<unsigned long long>(end.sent), static_cast<unsigned long long>(end.size), end.outcome.c_str(),
              server.wait_for_line("agent file-xfer-done", 1s).c_str());
  BOOST_TEST(server.output().find("agent file-xfer-start id=1 name=\"notes.txt\" size=300000") != std::string::npos);
  BOOST_TEST(server.output().find(expected) != std::string::npos);
  BOOST_TEST(end.finished);
  BOOST_TEST(end.outcome == "saved in the guest");
  BOOST_TEST(end.sent == size);
  BOOST_TEST(end.events >= 3);  // started, progress, ended
  BOOST_TEST(agent.files_sent == 1u);
  BOOST_TEST(agent.file_transfers == 0u);
}

BOOST_AUTO_TEST_CASE(a_listener_that_lags_behind_a_file_transfer_misses_progress_never_its_end) {
  vigil::test_support::temp_directory work("vigil-file-xfer-lagging");
  constexpr std::size_t size = 3 * 1000 * 1000;  // 46 pieces: more progress reports than the edge holds
  auto path = file_with(work, "large.bin", size);
  scene_server server({"--scene", "solid", "--agent", "on"});
  channel_harness harness(server.port());
  BOOST_REQUIRE(wait_until_agent_ready(harness));
  // The listener acknowledges nothing until the agent has the whole file.
  harness.self()->send(harness.main_channel(), agent_atom::value, agent_command{file_send{path}});
  BOOST_REQUIRE(server.wait_for_output("agent file-xfer-done id=1", 30s));
  edge_report events;
  auto health = harness.health(harness.main_channel());
  for (const auto& edge : health.edges)
    if (edge.name == "main->frontend agent events")
      events = edge;
  auto end = wait_for_transfer_end(harness);
  std::printf("%zu-byte file to a listener that lagged: %zu in flight, %zu waiting, %llu refused; it then read %d "
              "events, the last '%s'\n",
              size, events.in_flight, events.waiting, static_cast<unsigned long long>(events.refused), end.events,
              end.outcome.c_str());
  BOOST_TEST(events.refused == 0u);
  BOOST_TEST(events.in_flight == events.capacity);
  BOOST_TEST(end.finished);
  BOOST_TEST(end.outcome == "saved in the guest");
  BOOST_TEST(end.sent == size);
}

BOOST_AUTO_TEST_CASE(the_agents_refusals_and_local_errors_end_a_transfer_with_a_reason) {
  vigil::test_support::temp_directory work("vigil-file-xfer-refused");
  auto path = file_with(work, "big.iso", 10000);
  scene_server server({"--scene", "solid", "--agent-file-xfer", "no-space"});
  channel_harness harness(server.port());
  BOOST_REQUIRE(wait_until_agent_ready(harness));
  auto main = harness.main_channel();
  harness.self()->send(main, agent_atom::value, agent_command{file_send{path}});
  auto refused = wait_for_transfer_end(harness);
  harness.self()->send(main, agent_atom::value, agent_command{file_send{work.file("missing")}});
  auto missing = wait_for_transfer_end(harness);
  harness.self()->send(main, agent_atom::value, agent_command{file_send{work.path()}});
  auto folder = wait_for_transfer_end(harness);
  std::printf("no space: '%s'; a missing file: '%s'; a folder: '%s'\n", refused.outcome.c_str(),
              missing.outcome.c_str(), folder.outcome.c_str());
  BOOST_TEST(refused.outcome == "not enough space in the guest (4096 bytes free)");
  BOOST_TEST(refused.sent == 0u);
  BOOST_TEST(missing.outcome.find("cannot open " + work.file("missing") + ": No such file or directory") == 0u);
  BOOST_TEST(folder.outcome.find("is not a regular file") != std::string::npos);
  BOOST_TEST(agent_of(harness).files_failed == 3u);
}

BOOST_AUTO_TEST_CASE(cancelling_a_transfer_tells_the_agent) {
  vigil::test_support::temp_directory work("vigil-file-xfer-cancel");
  auto path = file_with(work, "slow.bin", 100000);
  scene_server server({"--scene", "solid", "--agent-file-xfer", "stall"});
  channel_harness harness(server.port());
  BOOST_REQUIRE(wait_until_agent_ready(harness));
  auto main = harness.main_channel();
  harness.self()->send(main, agent_atom::value, agent_command{file_send{path}});
  // The agent takes every byte and never answers: cancel.
  BOOST_REQUIRE(server.wait_for_output("agent file-xfer-done id=1", 30s));
  harness.self()->send(main, agent_atom::value, agent_command{file_cancel{1}});
  auto end = wait_for_transfer_end(harness);
  auto status = server.wait_for_line("agent file-xfer-status", 10s);
  std::printf("cancelled: '%s'; the agent saw: %s\n", end.outcome.c_str(), status.c_str());
  BOOST_TEST(end.outcome == "cancelled");
  BOOST_TEST(status.find("agent file-xfer-status id=1 result=1") == 0u);  // VD_AGENT_FILE_XFER_STATUS_CANCELLED
}

BOOST_AUTO_TEST_CASE(a_crlf_guest_gets_crlf_text_and_gives_lf_text_and_max_clipboard_is_announced) {
  scene_server server({"--scene", "solid", "--agent-clipboard", "one\r\ntwo\r\n", "--agent-lineend", "crlf"});
  channel_harness harness(server.port());
  std::optional<std::vector<std::uint32_t>> grab_types;
  BOOST_REQUIRE(wait_for_agent_event(harness, [&](const agent_event& event) {
    if (auto grab = std::get_if<clipboard_grab>(&event))
      grab_types = grab->types;
    return grab_types.has_value();
  }));
  auto main = harness.main_channel();
  harness.self()->send(main, agent_atom::value, agent_command{clipboard_request{0, VD_AGENT_CLIPBOARD_UTF8_TEXT}});
  std::string received;
  BOOST_REQUIRE(wait_for_agent_event(harness, [&](const agent_event& event) {
    auto data = std::get_if<clipboard_data>(&event);
    if (data)
      received = data->data;
    return data != nullptr;
  }));
  harness.self()->send(main, agent_atom::value, agent_command{clipboard_grab{0, {VD_AGENT_CLIPBOARD_UTF8_TEXT}}});
  BOOST_REQUIRE(wait_for_agent_event(
    harness, [](const agent_event& event) { return std::holds_alternative<clipboard_request>(event); }));
  std::string local = "three\nfour\n";
  harness.self()->send(main, agent_atom::value,
                       agent_command{clipboard_data{0, VD_AGENT_CLIPBOARD_UTF8_TEXT, local}});
  auto data = server.wait_for_line("agent clipboard-data", 10s);
  auto max = server.wait_for_line("agent max-clipboard", 1s);
  std::printf("guest 'one\\r\\ntwo\\r\\n' arrived as %zu bytes; local 'three\\nfour\\n' in the guest: %s; %s\n",
              received.size(), data.c_str(), max.c_str());
  BOOST_TEST(received == "one\ntwo\n");
  char expected[64];
  std::snprintf(expected, sizeof expected, "bytes=13 fnv1a=%08x", fnv1a(std::string("three\r\nfour\r\n")));
  BOOST_TEST(data.find(expected) != std::string::npos);
  BOOST_TEST(max == "agent max-clipboard bytes=1048568");  // agent.max_message_bytes less the clipboard header
}

BOOST_AUTO_TEST_CASE(a_guest_primary_selection_comes_as_selection_one_with_its_image_type) {
  scene_server server({"--scene", "solid", "--agent-clipboard", "not really a png", "--agent-clipboard-type", "2",
                       "--agent-selection", "primary"});
  channel_harness harness(server.port());
  std::uint8_t selection = 9;
  std::vector<std::uint32_t> types;
  BOOST_REQUIRE(wait_for_agent_event(harness, [&](const agent_event& event) {
    auto grab = std::get_if<clipboard_grab>(&event);
    if (grab) {
      selection = grab->selection;
      types = grab->types;
    }
    return grab != nullptr;
  }));
  BOOST_TEST(selection == 1);
  BOOST_TEST(types == std::vector<std::uint32_t>{VD_AGENT_CLIPBOARD_IMAGE_PNG});
  BOOST_TEST(agent_of(harness).primary_owner == "guest");
}

BOOST_AUTO_TEST_SUITE_END()
