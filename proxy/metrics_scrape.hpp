#pragma once
// GET /metrics: the Prometheus text (format 0.0.4) of the sidecar's counters (proxy/metrics.hpp)
// and of what is read at scrape time (live connections, certificate expiry, watch health, dropped
// log lines). docs/operations.md, "Metrics", lists every metric.

#include <string>
#include <string_view>

#include "proxy/runtime.hpp"

namespace gatehouse::proxy {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string scrape_metrics(const Runtime& runtime);

}  // namespace gatehouse::proxy
