// A value or a parse error. protocol/ never throws across its API: every
// failure is a parse_error whose message names the message type and the field.
#pragma once

#include <string>
#include <utility>
#include <cstdint>
#include <variant>
#include <vector>

namespace vigil::protocol {

struct parse_error {
  std::string message;  // e.g. "MAIN_INIT: field ram_hint truncated (need 4 bytes at offset 28, have 0)"
  // The input was refused for what it would cost, not for its form: the
  // memory budget or a per-object cap (memory_budget.hpp). Keep it when
  // wrapping the message in more context (with_context).
  bool budget_exceeded = false;
};

// `error` with "prefix: " before its message, keeping what kind of error it is.
inline parse_error with_context(const std::string& prefix, const parse_error& error) {
  return parse_error{prefix + ": " + error.message, error.budget_exceeded};
}

template <class T>
class result {
public:
  result(T value) : storage_(std::move(value)) {}
  result(parse_error error) : storage_(std::move(error)) {}

  bool ok() const { return std::holds_alternative<T>(storage_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(storage_); }
  const T& value() const { return std::get<T>(storage_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const parse_error& error() const { return std::get<parse_error>(storage_); }

private:
  std::variant<T, parse_error> storage_;
};

using bytes = std::vector<std::uint8_t>;

}  // namespace vigil::protocol
