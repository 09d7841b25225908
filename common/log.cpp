#include "common/log.hpp"

#include <mutex>
#include <string_view>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/log_limiter.hpp"

namespace vigil {

namespace {

// The one stderr sink every logger writes through: each line passes the
// log_limiter (rate per source, volume per minute, printable and cut).
class guarded_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  guarded_sink() : inner_(std::make_shared<spdlog::sinks::stderr_color_sink_mt>()) {}
  ~guarded_sink() override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& line : limiter_.final_summaries(log_limiter::clock::now()))
      write_summary(line);
    inner_->flush();
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto now = log_limiter::clock::now();
    for (const auto& line : limiter_.due_summaries(now))
      write_summary(line);
    const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    if (!limiter_.admit(logger, payload, now))
      return;
    const std::string clean = printable_text(payload, limiter_.settings().max_line_bytes);
    spdlog::details::log_msg shown(msg);
    shown.payload = clean;
    inner_->log(shown);
  }

  void flush_() override {
    for (const auto& line : limiter_.due_summaries(log_limiter::clock::now()))
      write_summary(line);
    inner_->flush();
  }

  void set_pattern_(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

private:
  void write_summary(const std::string& line) {
    inner_->log(spdlog::details::log_msg(spdlog::source_loc{}, "log", spdlog::level::warn, line));
  }

  std::shared_ptr<spdlog::sinks::sink> inner_;
  log_limiter limiter_;
};

std::shared_ptr<guarded_sink> shared_sink() {
  static const auto sink = std::make_shared<guarded_sink>();
  return sink;
}

}  // namespace

void configure_logging(spdlog::level::level_enum level) {
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
  spdlog::set_level(level);
  // Summaries of suppressed lines come out even when the flood stops.
  spdlog::flush_every(std::chrono::seconds(1));
}

std::shared_ptr<spdlog::logger> named_logger(const std::string& name) {
  if (auto existing = spdlog::get(name))
    return existing;
  auto logger = std::make_shared<spdlog::logger>(name, shared_sink());
  try {
    spdlog::initialize_logger(logger);  // the global pattern and level, and registered
    return logger;
  } catch (const spdlog::spdlog_ex&) {
    return spdlog::get(name);  // another thread registered it first
  }
}

std::string server_text(std::string_view text, std::size_t max_bytes) {
  return "\"" + printable_text(text, max_bytes) + "\"";
}

}  // namespace vigil
