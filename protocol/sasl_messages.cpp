#include "protocol/sasl_messages.hpp"

#include <cctype>

#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

namespace {

std::uint32_t read_u32(const bytes& data, std::size_t at) {
  return static_cast<std::uint32_t>(data[at]) | static_cast<std::uint32_t>(data[at + 1]) << 8 |
         static_cast<std::uint32_t>(data[at + 2]) << 16 | static_cast<std::uint32_t>(data[at + 3]) << 24;
}

bool printable_name(const std::string& name) {
  for (unsigned char c : name)
    if (!(std::isalnum(c) || c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace

result<std::vector<std::string>> parse_sasl_mechanism_list(const std::string& list) {
  std::vector<std::string> names;
  std::string current;
  for (char c : list + ",") {
    if (c == ',' || c == ' ') {
      if (!current.empty())
        names.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  for (const auto& name : names)
    if (name.size() > max_sasl_mechanism_name || !printable_name(name))
      return parse_error{"SASL mechanism list: a name is not a SASL mechanism name (letters, digits, '-', '_', at most " +
                         std::to_string(max_sasl_mechanism_name) + ")"};
  if (names.empty())
    return parse_error{"SASL mechanism list: the server offered no mechanism"};
  return names;
}

sasl_server_reader::status sasl_server_reader::feed(const std::uint8_t* data, std::size_t size) {
  if (!error_.empty())
    return status::failed;
  if (data && size)
    pending_.insert(pending_.end(), data, data + size);
  return have_message_ ? status::message : parse();
}

sasl_server_reader::status sasl_server_reader::next() {
  if (!error_.empty())
    return status::failed;
  have_message_ = false;
  return parse();
}

sasl_server_reader::status sasl_server_reader::parse() {
  if (pending_.size() < 4)
    return status::need_more;
  const std::uint32_t length = read_u32(pending_, 0);
  if (!have_list_) {
    if (length > max_sasl_mechanism_list) {
      error_ = "SASL mechanism list of " + std::to_string(length) + " bytes exceeds the limit of " +
               std::to_string(max_sasl_mechanism_list);
      return status::failed;
    }
    if (pending_.size() < 4 + length)
      return status::need_more;
    mechanism_list_.assign(pending_.begin() + 4, pending_.begin() + 4 + length);
    pending_.erase(pending_.begin(), pending_.begin() + 4 + length);
    have_list_ = true;
    have_message_ = true;
    return status::message;
  }
  if (length > max_sasl_data) {
    error_ = "SASL step of " + std::to_string(length) + " bytes exceeds the limit of " + std::to_string(max_sasl_data);
    return status::failed;
  }
  if (pending_.size() < 4 + std::size_t{length} + 1)
    return status::need_more;
  step_ = {};
  if (length > 0) {
    // The data ends with a NUL that is not part of it (spice-server sends len + 1).
    std::string text(pending_.begin() + 4, pending_.begin() + 4 + length);
    text.pop_back();
    step_.data = std::move(text);
  }
  const std::uint8_t complete = pending_[4 + length];
  if (complete > 1) {
    error_ = "SASL step: complete flag " + std::to_string(complete) + " is not 0 or 1";
    return status::failed;
  }
  step_.complete = complete == 1;
  pending_.erase(pending_.begin(), pending_.begin() + 4 + length + 1);
  have_message_ = true;
  return status::message;
}

std::optional<std::uint32_t> sasl_server_reader::take_auth_result() {
  if (pending_.size() < 4)
    return std::nullopt;
  const std::uint32_t result = read_u32(pending_, 0);
  pending_.erase(pending_.begin(), pending_.begin() + 4);
  return result;
}

bytes sasl_server_reader::take_unread() {
  bytes out = std::move(pending_);
  pending_.clear();
  return out;
}

result<bytes> build_sasl_start(const std::string& mechanism, const std::optional<std::string>& initial_response) {
  if (mechanism.empty() || mechanism.size() > max_sasl_mechanism_name)
    return parse_error{"SASL start: mechanism name of " + std::to_string(mechanism.size()) + " bytes"};
  if (initial_response && initial_response->size() >= max_sasl_data)
    return parse_error{"SASL start: initial response of " + std::to_string(initial_response->size()) + " bytes"};
  byte_writer out;
  out.u32(static_cast<std::uint32_t>(mechanism.size()));
  out.raw(reinterpret_cast<const std::uint8_t*>(mechanism.data()), mechanism.size());
  bytes step = build_sasl_step(initial_response);
  out.raw(step);
  return out.take();
}

bytes build_sasl_step(const std::optional<std::string>& response) {
  byte_writer out;
  if (!response) {
    out.u32(0);
    return out.take();
  }
  out.u32(static_cast<std::uint32_t>(response->size() + 1));
  out.raw(reinterpret_cast<const std::uint8_t*>(response->data()), response->size());
  out.u8(0);
  return out.take();
}

}  // namespace vigil::protocol
