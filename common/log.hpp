// Named loggers: every log line says which actor wrote it ("[main:0]",
// "[display:0]", "[session]"). All share one stderr sink; stdout is kept for
// the machine-readable health snapshot.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace vigil {

// Sets the pattern and level for every logger, existing and future.
void configure_logging(spdlog::level::level_enum level);

// The logger called `name`, created on first use.
std::shared_ptr<spdlog::logger> named_logger(const std::string& name);

}  // namespace vigil
