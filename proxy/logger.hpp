#pragma once
// The proxy's log output: one spdlog logger writing flushed lines to stdout, as key=value text or
// (-log-json) JSON objects with the same keys. Never pass tokens, keys or PEM here.

#include <spdlog/common.h>

#include <string_view>

#include "proxy/log_fields.hpp"

namespace gatehouse::proxy {

enum class LogFormat { text, json };

// Installs the default logger; level is spdlog's name ("info", "debug", "warn"...). Call once at
// startup, before any worker thread runs.
void setup_logging(LogFormat format, std::string_view level);

// Writes one line in the configured format.
void log_fields(spdlog::level::level_enum level, const LogFields& fields);

}  // namespace gatehouse::proxy
