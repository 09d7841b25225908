// vdagent messages inside AGENT_DATA: framing, reassembly across chunks,
// capabilities, clipboard with and without the selection/serial layout,
// monitors config, token accounting.
#include <boost/test/unit_test.hpp>

#include <spice/vd_agent.h>

#include <string>

#include <spice/protocol.h>

#include <fstream>
#include <iterator>

#include "agent_test_text.hpp"
#include "captured_stream.hpp"
#include "protocol/vdagent.hpp"

using namespace vigil::protocol;
using namespace vigil::test;
using vigil::test_support::numbered_text;

namespace {

bytes text_bytes(const std::string& text) { return bytes(text.begin(), text.end()); }

// The AGENT_DATA bodies of tests/data/agent/main.in.bin: the test server's
// emulated agent answering spice_capture --agent (tests/data/README.md).
std::vector<bytes> captured_agent_data() {
  const std::string path = std::string(VIGIL_TEST_DATA_DIR) + "/agent/main.in.bin";
  std::ifstream in(path, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), "cannot open capture " << path);
  bytes stream{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::vector<bytes> bodies;
  for (const auto& frame : frames_of_type(replay(stream, SPICE_CHANNEL_MAIN, 4096).frames, SPICE_MSG_MAIN_AGENT_DATA))
    bodies.push_back(frame.body);
  return bodies;
}


}  // namespace

BOOST_AUTO_TEST_SUITE(vdagent)

BOOST_AUTO_TEST_CASE(agent_message_header_is_protocol_type_opaque_size) {
  auto message = build_agent_message(VD_AGENT_CLIPBOARD_RELEASE, {1, 2});
  bytes expected = {1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 2};
  BOOST_TEST(message == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(captured_agent_stream_is_capabilities_grab_and_a_text_over_three_chunks) {
  auto chunks = captured_agent_data();
  BOOST_TEST_REQUIRE(chunks.size() == 5u);  // capabilities, grab, 5000 bytes of text in 3
  BOOST_TEST(chunks[2].size() == agent_chunk_max);
  agent_reassembler reassembler(1 << 20);
  for (const auto& chunk : chunks)
    BOOST_TEST(!reassembler.feed(chunk));
  auto announce = reassembler.next();
  auto grab = reassembler.next();
  auto text = reassembler.next();
  BOOST_TEST_REQUIRE((announce && grab && text));
  BOOST_TEST(!reassembler.next().has_value());
  BOOST_TEST(reassembler.buffered() == 0u);
  BOOST_TEST(announce->type == unsigned(VD_AGENT_ANNOUNCE_CAPABILITIES));
  clipboard_layout layout{true, true};
  auto parsed_grab = parse_clipboard_grab(grab->data, layout);
  BOOST_TEST_REQUIRE(parsed_grab.ok());
  BOOST_TEST(parsed_grab->serial == 0u);
  BOOST_TEST(parsed_grab->types == std::vector<std::uint32_t>{VD_AGENT_CLIPBOARD_UTF8_TEXT},
             boost::test_tools::per_element());
  auto data = parse_clipboard_data(text->data, layout);
  BOOST_TEST_REQUIRE(data.ok());
  BOOST_TEST(data->type == unsigned(VD_AGENT_CLIPBOARD_UTF8_TEXT));
  BOOST_TEST(std::string(data->data.begin(), data->data.end()) == numbered_text(5000));
}

BOOST_AUTO_TEST_CASE(announced_capabilities_of_the_test_agent_parse) {
  agent_reassembler reassembler(1 << 20);
  BOOST_TEST(!reassembler.feed(captured_agent_data().at(0)));
  auto message = reassembler.next();
  BOOST_TEST_REQUIRE(message.has_value());
  BOOST_TEST(message->type == unsigned(VD_AGENT_ANNOUNCE_CAPABILITIES));
  auto caps = parse_announce_capabilities(message->data);
  BOOST_TEST_REQUIRE(caps.ok());
  BOOST_TEST(!caps->request);  // an answer to the client's request
  BOOST_TEST(caps->has(VD_AGENT_CAP_MONITORS_CONFIG));
  BOOST_TEST(caps->has(VD_AGENT_CAP_CLIPBOARD_SELECTION));
  BOOST_TEST(caps->has(VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
  BOOST_TEST(!caps->has(VD_AGENT_CAP_CLIPBOARD));
  BOOST_TEST(!caps->has(200));
}

BOOST_AUTO_TEST_CASE(built_capabilities_round_trip) {
  auto built = build_announce_capabilities(false, {VD_AGENT_CAP_CLIPBOARD_BY_DEMAND, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL});
  BOOST_TEST(built.size() == 8u);
  auto caps = parse_announce_capabilities(built);
  BOOST_TEST_REQUIRE(caps.ok());
  BOOST_TEST(!caps->request);
  BOOST_TEST(caps->has(VD_AGENT_CAP_CLIPBOARD_BY_DEMAND));
  BOOST_TEST(caps->has(VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
  BOOST_TEST(!caps->has(VD_AGENT_CAP_MONITORS_CONFIG));
}

BOOST_AUTO_TEST_CASE(large_message_crosses_chunks_and_reassembles_from_any_split) {
  std::string text(5000, 'x');
  for (std::size_t i = 0; i < text.size(); ++i)
    text[i] = static_cast<char>('a' + i % 26);
  clipboard_layout layout{true, true};
  auto message = build_agent_message(VD_AGENT_CLIPBOARD,
                                     build_clipboard_data({0, VD_AGENT_CLIPBOARD_UTF8_TEXT, text_bytes(text)}, layout));
  auto chunks = split_agent_chunks(message);
  BOOST_TEST(chunks.size() == 3u);
  for (const auto& chunk : chunks)
    BOOST_TEST(chunk.size() <= agent_chunk_max);
  for (std::size_t step : {1u, 7u, 2048u, 100000u}) {
    agent_reassembler reassembler(1 << 20);
    for (std::size_t at = 0; at < message.size(); at += step)
      BOOST_TEST(!reassembler.feed(message.data() + at, std::min(step, message.size() - at)));
    auto whole = reassembler.next();
    BOOST_TEST_REQUIRE(whole.has_value());
    auto data = parse_clipboard_data(whole->data, layout);
    BOOST_TEST_REQUIRE(data.ok());
    BOOST_TEST(std::string(data->data.begin(), data->data.end()) == text);
    BOOST_TEST(!reassembler.next().has_value());
  }
}

BOOST_AUTO_TEST_CASE(two_messages_in_one_chunk_both_come_out) {
  auto one = build_agent_message(VD_AGENT_CLIPBOARD_RELEASE, {});
  auto two = build_agent_message(VD_AGENT_CLIPBOARD_REQUEST, {0, 0, 0, 0, 1, 0, 0, 0});
  one.insert(one.end(), two.begin(), two.end());
  agent_reassembler reassembler(1024);
  BOOST_TEST(!reassembler.feed(one));
  BOOST_TEST(reassembler.next()->type == unsigned(VD_AGENT_CLIPBOARD_RELEASE));
  BOOST_TEST(reassembler.next()->type == unsigned(VD_AGENT_CLIPBOARD_REQUEST));
}

BOOST_AUTO_TEST_CASE(wrong_protocol_is_a_sticky_error_naming_the_field) {
  bytes junk(20, 0xff);
  agent_reassembler reassembler(1024);
  auto error = reassembler.feed(junk);
  BOOST_TEST_REQUIRE(error.has_value());
  BOOST_TEST(error->message.find("field protocol") != std::string::npos);
  BOOST_TEST(reassembler.feed(build_agent_message(VD_AGENT_CLIPBOARD_RELEASE, {})).has_value());
  reassembler.reset();
  BOOST_TEST(!reassembler.feed(build_agent_message(VD_AGENT_CLIPBOARD_RELEASE, {})));
}

BOOST_AUTO_TEST_CASE(message_over_the_size_limit_is_refused_before_buffering) {
  agent_reassembler reassembler(4096);
  auto header = build_agent_message(VD_AGENT_CLIPBOARD, bytes(4097, 0));
  header.resize(agent_message_header_size);
  auto error = reassembler.feed(header);
  BOOST_TEST_REQUIRE(error.has_value());
  BOOST_TEST(error->message.find("CLIPBOARD: field size 4097") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(grab_with_selection_and_serial_has_them_first) {
  clipboard_layout both{true, true};
  auto built = build_clipboard_grab({1, 7, {VD_AGENT_CLIPBOARD_UTF8_TEXT}}, both);
  bytes expected = {1, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0};
  BOOST_TEST(built == expected, boost::test_tools::per_element());
  auto parsed = parse_clipboard_grab(built, both);
  BOOST_TEST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->selection == 1);
  BOOST_TEST(parsed->serial == 7u);
  BOOST_TEST(parsed->types.size() == 1u);
  auto plain = build_clipboard_grab({0, 7, {VD_AGENT_CLIPBOARD_UTF8_TEXT}}, clipboard_layout{});
  BOOST_TEST(plain.size() == 4u);
}

BOOST_AUTO_TEST_CASE(malformed_clipboard_messages_are_errors_naming_the_field) {
  clipboard_layout both{true, true};
  auto grab = parse_clipboard_grab({0, 0, 0, 0, 1, 0, 0, 0, 1, 0}, both);
  BOOST_TEST_REQUIRE(!grab.ok());
  BOOST_TEST(grab.error().message.find("CLIPBOARD_GRAB: field types") != std::string::npos);
  auto request = parse_clipboard_request({9, 0, 0, 0, 1, 0, 0, 0}, both);
  BOOST_TEST_REQUIRE(!request.ok());
  BOOST_TEST(request.error().message.find("selection") != std::string::npos);
  auto data = parse_clipboard_data({0, 0}, both);
  BOOST_TEST(!data.ok());
}

BOOST_AUTO_TEST_CASE(monitors_config_puts_height_first) {
  agent_monitors_config config;
  config.monitors.push_back({800, 600, 32, 0, 0});
  auto built = build_agent_monitors_config(config);
  bytes expected = {1, 0, 0, 0, 0, 0, 0, 0, 0x58, 2, 0, 0, 0x20, 3, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  BOOST_TEST(built == expected, boost::test_tools::per_element());
  auto parsed = parse_agent_monitors_config(built);
  BOOST_TEST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->monitors.at(0).width == 800u);
  BOOST_TEST(parsed->monitors.at(0).height == 600u);
  auto lying = parse_agent_monitors_config({200, 0, 0, 0, 0, 0, 0, 0});
  BOOST_TEST(!lying.ok());
}

BOOST_AUTO_TEST_CASE(flow_spends_one_server_token_per_chunk_and_queues_without) {
  agent_flow flow(10, 8192);
  BOOST_TEST(flow.enqueue({bytes(2048), bytes(2048), bytes(10)}));
  BOOST_TEST(flow.take_sendable().empty());
  flow.set_server_tokens(2);
  BOOST_TEST(flow.take_sendable().size() == 2u);
  BOOST_TEST(flow.queued_chunks() == 1u);
  BOOST_TEST(flow.server_tokens() == 0u);
  flow.add_server_tokens(5);
  BOOST_TEST(flow.take_sendable().size() == 1u);
  BOOST_TEST(flow.server_tokens() == 4u);
  BOOST_TEST(flow.chunks_sent() == 3u);
}

BOOST_AUTO_TEST_CASE(flow_refuses_a_message_past_its_bound_whole) {
  agent_flow flow(10, 4096);
  BOOST_TEST(flow.enqueue({bytes(2048), bytes(2048)}));
  BOOST_TEST(!flow.enqueue({bytes(1)}));
  BOOST_TEST(flow.messages_refused() == 1u);
  BOOST_TEST(flow.queued_bytes() == 4096u);
  flow.reset();
  BOOST_TEST(flow.queued_bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(flow_returns_client_tokens_in_batches_of_half_the_window) {
  agent_flow flow(10, 4096);
  flow.on_start();
  std::uint32_t returned = 0;
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST(flow.on_server_data());
    returned += flow.tokens_to_return();
  }
  BOOST_TEST(returned == 0u);
  BOOST_TEST(flow.on_server_data());
  BOOST_TEST(flow.tokens_to_return() == 5u);
  BOOST_TEST(flow.chunks_received() == 5u);
}

// Security review L7 (and the agent flood of issue 13): the server's AGENT_DATA
// was only counted, so a server that never waited for tokens was not noticed.
BOOST_AUTO_TEST_CASE(agent_data_beyond_the_tokens_given_is_a_violation) {
  agent_flow flow(10, 4096);
  BOOST_TEST(!flow.on_server_data(), "no AGENT_START, no tokens");
  agent_flow started(10, 4096);
  started.on_start();
  for (int i = 0; i < 10; ++i)
    BOOST_TEST(started.on_server_data());
  BOOST_TEST(!started.on_server_data(), "an 11th AGENT_DATA before any token came back");
}

BOOST_AUTO_TEST_CASE(returned_tokens_let_the_server_send_more) {
  agent_flow flow(10, 4096);
  flow.on_start();
  for (int i = 0; i < 10; ++i)
    BOOST_TEST(flow.on_server_data());
  BOOST_TEST(flow.tokens_to_return() == 10u);
  for (int i = 0; i < 10; ++i)
    BOOST_TEST(flow.on_server_data());
  BOOST_TEST(!flow.on_server_data());
}

BOOST_AUTO_TEST_SUITE_END()
