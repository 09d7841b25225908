// Fuzzes the SASL exchange's wire reader (protocol/sasl_messages.cpp): the
// server's mechanism list and steps, whatever a server sends.
// Input: byte 0 = piece size (1..256) for feeding the rest.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "protocol/sasl_messages.hpp"

using namespace vigil::protocol;

namespace {

// Everything the reader gives for `data` fed in pieces of `piece` bytes.
std::vector<std::string> read_all(const std::uint8_t* data, std::size_t size, std::size_t piece, bool& failed,
                                  std::size_t& unread) {
  sasl_server_reader reader;
  std::vector<std::string> seen;
  failed = false;
  for (std::size_t at = 0; at < size && !failed;) {
    std::size_t take = std::min(piece, size - at);
    auto status = reader.feed(data + at, take);
    at += take;
    while (status == sasl_server_reader::status::message && seen.size() < 64) {
      if (seen.empty()) {
        seen.push_back("list:" + reader.mechanism_list());
        FUZZ_CHECK(reader.mechanism_list().size() <= max_sasl_mechanism_list);
        auto names = parse_sasl_mechanism_list(reader.mechanism_list());
        if (names)
          for (const auto& name : *names)
            FUZZ_CHECK(!name.empty() && name.size() <= max_sasl_mechanism_name);
      } else {
        const auto& step = reader.step();
        FUZZ_CHECK(!step.data || step.data->size() < max_sasl_data);
        seen.push_back(std::string(step.complete ? "done:" : "step:") + step.data.value_or("<none>"));
      }
      status = reader.next();
    }
    if (status == sasl_server_reader::status::failed) {
      FUZZ_CHECK(!reader.error().empty());
      failed = true;
    }
  }
  unread = reader.take_unread().size();
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const std::size_t piece = std::size_t{data[0]} + 1;
  bool failed_whole = false, failed_pieces = false;
  std::size_t unread_whole = 0, unread_pieces = 0;
  auto whole = read_all(data + 1, size - 1, size, failed_whole, unread_whole);
  auto pieces = read_all(data + 1, size - 1, piece, failed_pieces, unread_pieces);
  // The same messages and the same outcome however the bytes arrive.
  FUZZ_CHECK(whole == pieces);
  FUZZ_CHECK(failed_whole == failed_pieces);
  if (!failed_whole && whole.size() < 64)
    FUZZ_CHECK(unread_whole == unread_pieces);
  auto built = build_sasl_step(std::string(reinterpret_cast<const char*>(data), size));
  FUZZ_CHECK(built.size() == size + 5);
  return 0;
}
