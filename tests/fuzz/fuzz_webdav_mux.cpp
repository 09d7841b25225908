// Fuzzes the webdav channel's record framing (protocol/webdav_mux.hpp).
// Input: one byte of piece-size seed, then a guest's mux stream.
// Checks: whole and in pieces give the same records; every record rebuilt
// gives back its bytes; the buffered count never passes the bound. Each
// client's bytes also go through the request-head finder
// (protocol/http_requests.hpp): what it passes on is exactly its input, up
// to an error.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"
#include <map>

#include "protocol/http_requests.hpp"
#include "protocol/webdav_mux.hpp"

using namespace vigil::protocol;

namespace {

std::vector<webdav_record> drain(webdav_demux& demux) {
  std::vector<webdav_record> out;
  while (auto record = demux.next())
    out.push_back(std::move(*record));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  std::size_t piece = 1 + data[0];
  ++data;
  --size;
  webdav_demux whole(1 << 20), pieces(1 << 20);
  bool whole_failed = whole.feed(data, size).has_value();
  auto whole_records = drain(whole);
  std::vector<webdav_record> piece_records;
  bool pieces_failed = false;
  for (std::size_t at = 0; at < size && !pieces_failed; at += piece) {
    pieces_failed = pieces.feed(data + at, std::min(piece, size - at)).has_value();
    auto some = drain(pieces);
    piece_records.insert(piece_records.end(), some.begin(), some.end());
  }
  FUZZ_CHECK(!whole_failed && !pieces_failed);  // drained at once: never over the bound
  FUZZ_CHECK(whole_records.size() == piece_records.size());
  bytes rebuilt;
  for (std::size_t i = 0; i < whole_records.size(); ++i) {
    FUZZ_CHECK(whole_records[i].client == piece_records[i].client);
    FUZZ_CHECK(whole_records[i].data == piece_records[i].data);
    FUZZ_CHECK(whole_records[i].data.size() <= webdav_max_record_data);
    auto again = build_webdav_records(whole_records[i].client, whole_records[i].data.data(),
                                      whole_records[i].data.size());
    rebuilt.insert(rebuilt.end(), again.begin(), again.end());
  }
  FUZZ_CHECK(rebuilt.size() + whole.buffered() == size);
  std::map<std::int64_t, http_request_stream> streams;
  std::map<std::int64_t, bytes> fed, passed;
  std::map<std::int64_t, bool> failed;
  for (const auto& record : whole_records) {
    if (failed[record.client])
      continue;
    std::vector<http_request_stream::piece> pieces;
    auto error = streams.emplace(record.client, http_request_stream(256)).first->second.feed(
      record.data.data(), record.data.size(), pieces);
    auto& in = fed[record.client];
    in.insert(in.end(), record.data.begin(), record.data.end());
    for (const auto& piece : pieces) {
      auto& out = passed[record.client];
      out.insert(out.end(), piece.data.begin(), piece.data.end());
    }
    failed[record.client] = error.has_value();
  }
  for (const auto& [client, out] : passed)
    FUZZ_CHECK(out.size() <= fed[client].size() && std::equal(out.begin(), out.end(), fed[client].begin()));
  FUZZ_CHECK(std::equal(rebuilt.begin(), rebuilt.end(), data));
  return 0;
}
