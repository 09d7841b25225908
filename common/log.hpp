// Named loggers: every log line says which actor wrote it ("[main:0]",
// "[display:0]", "[session]"). All share one stderr sink; stdout is kept for
// the machine-readable health snapshot. The sink bounds what a server can
// make us log (common/log_limiter.hpp): repeated lines from one source are
// summarised, the volume per minute is capped, lines are printable and cut.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

namespace vigil {

// Sets the pattern and level for every logger, existing and future.
void configure_logging(spdlog::level::level_enum level);

// The logger called `name`, created on first use.
std::shared_ptr<spdlog::logger> named_logger(const std::string& name);

// Text a server chose (a VM name, a NOTIFY), quoted, printable and cut to
// `max_bytes`, before it is formatted into a line: a 64 MiB NOTIFY costs a
// short line, not a 64 MiB string.
std::string server_text(std::string_view text, std::size_t max_bytes = 200);

}  // namespace vigil
