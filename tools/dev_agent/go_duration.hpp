#pragma once
// Go's time.ParseDuration, which Consul uses for `?wait=` and for durations in config
// (`10s`, `5m`, `100ms`, `1h30m`, `1.5s`, `-2s`, `0`).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::tools {

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);

// Go's Duration.String(): `72h0m0s`, `1m30s`, `500ms`, `0s`.
std::string format_go_duration(std::chrono::nanoseconds d);

}  // namespace gatehouse::tools
