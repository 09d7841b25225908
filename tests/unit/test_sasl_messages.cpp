// The SASL exchange's wire format (spice-server / spice-gtk), as pure bytes.
#include <boost/test/unit_test.hpp>

#include "captured_stream.hpp"
#include "protocol/sasl_messages.hpp"

using namespace vigil::protocol;
using namespace vigil::test;
using reader_status = sasl_server_reader::status;

namespace {

bytes text_message(const std::string& text) {
  body_builder out;
  out.u32(static_cast<std::uint32_t>(text.size()));
  for (char c : text)
    out.u8(static_cast<std::uint8_t>(c));
  return out.out;
}

bytes step_message(const std::optional<std::string>& data, std::uint8_t complete) {
  body_builder out;
  if (data) {
    out.u32(static_cast<std::uint32_t>(data->size() + 1));
    for (char c : *data)
      out.u8(static_cast<std::uint8_t>(c));
    out.u8(0);
  } else {
    out.u32(0);
  }
  out.u8(complete);
  return out.out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sasl_messages)

BOOST_AUTO_TEST_CASE(mechanism_list_as_qemu_sends_it) {
  auto names = parse_sasl_mechanism_list(",DIGEST-MD5,SCRAM-SHA-256,");
  BOOST_REQUIRE(names);
  BOOST_TEST(*names == (std::vector<std::string>{"DIGEST-MD5", "SCRAM-SHA-256"}), boost::test_tools::per_element());
  auto spaced = parse_sasl_mechanism_list("GSSAPI PLAIN");
  BOOST_REQUIRE(spaced);
  BOOST_TEST(spaced->size() == 2u);
}

BOOST_AUTO_TEST_CASE(empty_or_strange_mechanism_lists_are_refused) {
  for (const std::string list : {"", ",,,", " "}) {
    auto names = parse_sasl_mechanism_list(list);
    BOOST_REQUIRE(!names);
    BOOST_TEST(names.error().message.find("no mechanism") != std::string::npos);
  }
  BOOST_TEST(!parse_sasl_mechanism_list("DIGEST-MD5,\x1b[2J"));
  BOOST_TEST(!parse_sasl_mechanism_list(std::string(101, 'A')));
}

BOOST_AUTO_TEST_CASE(reader_takes_the_list_then_steps_in_any_pieces) {
  bytes stream = text_message(",DIGEST-MD5,");
  const bytes first = step_message(std::string("nonce=\"abc\""), 0);
  const bytes second = step_message(std::nullopt, 1);
  const bytes result = body_builder{}.u32(0).out;
  stream.insert(stream.end(), first.begin(), first.end());
  stream.insert(stream.end(), second.begin(), second.end());
  stream.insert(stream.end(), result.begin(), result.end());
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, stream.size()}) {
    BOOST_TEST_CONTEXT("pieces of " << piece) {
      sasl_server_reader reader;
      std::vector<std::string> seen;
      std::size_t at = 0;
      auto status = reader_status::need_more;
      while (seen.size() < 3 && at <= stream.size()) {
        std::size_t take = std::min(piece, stream.size() - at);
        status = reader.feed(stream.data() + at, take);
        at += take;
        while (status == reader_status::message && seen.size() < 3) {
          if (seen.empty())
            seen.push_back(reader.mechanism_list());
          else
            seen.push_back(reader.step().data.value_or("<none>") + (reader.step().complete ? "|done" : ""));
          status = seen.size() < 3 ? reader.next() : status;
        }
        if (take == 0)
          break;
      }
      BOOST_TEST(seen == (std::vector<std::string>{",DIGEST-MD5,", "nonce=\"abc\"", "<none>|done"}),
                 boost::test_tools::per_element());
      bytes rest = reader.take_unread();
      rest.insert(rest.end(), stream.begin() + static_cast<std::ptrdiff_t>(at), stream.end());
      BOOST_TEST(rest == result, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(huge_lists_and_steps_are_refused_before_they_are_read) {
  sasl_server_reader list_reader;
  const bytes huge_list = body_builder{}.u32(max_sasl_mechanism_list + 1).out;
  BOOST_TEST((list_reader.feed(huge_list.data(), huge_list.size()) == reader_status::failed));
  BOOST_TEST(list_reader.error().find("exceeds the limit of 300") != std::string::npos);

  sasl_server_reader step_reader;
  bytes stream = text_message("SCRAM-SHA-256");
  const bytes huge_step = body_builder{}.u32(max_sasl_data + 1).out;
  stream.insert(stream.end(), huge_step.begin(), huge_step.end());
  BOOST_TEST((step_reader.feed(stream.data(), stream.size()) == reader_status::message));
  BOOST_TEST((step_reader.next() == reader_status::failed));
  BOOST_TEST(step_reader.error().find("SASL step of 1048577 bytes") != std::string::npos);

  sasl_server_reader flag_reader;
  bytes bad_flag = text_message("X");
  const bytes step = step_message(std::string("x"), 7);
  bad_flag.insert(bad_flag.end(), step.begin(), step.end());
  flag_reader.feed(bad_flag.data(), bad_flag.size());
  BOOST_TEST((flag_reader.next() == reader_status::failed));
}

BOOST_AUTO_TEST_CASE(client_messages_distinguish_no_data_from_empty_data) {
  auto start = build_sasl_start("SCRAM-SHA-256", std::string("n,,n=alice"));
  BOOST_REQUIRE(start);
  body_builder expected;
  expected.u32(13);
  for (char c : std::string("SCRAM-SHA-256"))
    expected.u8(static_cast<std::uint8_t>(c));
  expected.u32(11);
  for (char c : std::string("n,,n=alice"))
    expected.u8(static_cast<std::uint8_t>(c));
  expected.u8(0);
  BOOST_TEST(*start == expected.out, boost::test_tools::per_element());
  BOOST_TEST(build_sasl_step(std::nullopt) == body_builder{}.u32(0).out, boost::test_tools::per_element());
  BOOST_TEST(build_sasl_step(std::string()) == body_builder{}.u32(1).u8(0).out, boost::test_tools::per_element());
  BOOST_TEST(!build_sasl_start("", std::nullopt));
}

BOOST_AUTO_TEST_SUITE_END()
