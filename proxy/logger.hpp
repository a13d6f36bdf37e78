#pragma once
// The proxy's log output: key=value text or (-log-json) JSON objects with the same keys, on
// stdout. Never pass tokens, keys or PEM here.
//
// Lines are queued and written by one logging thread, so a worker never waits on stdout (a slow
// pipe, a stalled terminal or a busy collector would otherwise stall every connection on that
// worker). The queue is bounded; when it is full the oldest line is dropped, never the caller
// blocked, and the drops are counted (dropped_log_lines) and reported (event=log_dropped).

#include <spdlog/common.h>

#include <cstdint>
#include <string_view>

#include "proxy/log_fields.hpp"

namespace gatehouse::proxy {

enum class LogFormat { text, json };

// Lines the queue holds before the oldest is dropped.
inline constexpr std::size_t kLogQueueLines = 16384;

// Installs the default logger; level is spdlog's name ("info", "debug", "warn"...). Call once at
// startup, before any worker thread runs.
void setup_logging(LogFormat format, std::string_view level);

// Writes one line in the configured format (queued; returns at once).
void log_fields(spdlog::level::level_enum level, const LogFields& fields);

// Lines dropped because the queue was full, since setup_logging.
std::uint64_t dropped_log_lines();

// Writes out every queued line and switches to writing directly: call before the process exits.
void finish_logging();

}  // namespace gatehouse::proxy
