#include "proxy/metrics_scrape.hpp"

#include <chrono>

#include "proxy/logger.hpp"
#include "proxy/prometheus_text.hpp"

namespace gatehouse::proxy {

namespace {

using prometheus::format_value;

std::string unix_seconds(std::chrono::system_clock::time_point t) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

void write_leaf(prometheus::TextWriter& out, const Runtime& runtime) {
  out.family("gatehouse_leaf_expiry_timestamp_seconds", "gauge",
             "When the leaf certificate the sidecar presents expires (Unix time); absent until "
             "the first leaf is loaded.");
  if (const auto tls = runtime.server_tls.current()) {
    out.sample("gatehouse_leaf_expiry_timestamp_seconds", {}, unix_seconds(tls->leaf_not_after()));
  }
}

void write_watches(prometheus::TextWriter& out, const Runtime& runtime) {
  const auto watches = runtime.watch_health.snapshot();
  out.family("gatehouse_watch_errors_total", "counter",
             "Failed requests of each watch on the Consul agent (roots, leaf, registration, "
             "self_registration, upstream:<name>).");
  for (const auto& [name, state] : watches) {
    out.sample("gatehouse_watch_errors_total", {{"watch", name}}, format_value(state.errors));
  }
  out.family("gatehouse_watch_last_success_timestamp_seconds", "gauge",
             "When each watch last got an answer from the agent (Unix time); absent until its "
             "first answer.");
  for (const auto& [name, state] : watches) {
    if (!state.last_success) continue;
    out.sample("gatehouse_watch_last_success_timestamp_seconds", {{"watch", name}},
               unix_seconds(*state.last_success));
  }
  out.family("gatehouse_watch_failing", "gauge",
             "1 while the latest request of the watch failed, else 0.");
  for (const auto& [name, state] : watches) {
    out.sample("gatehouse_watch_failing", {{"watch", name}}, state.failing ? "1" : "0");
  }
}

}  // namespace

std::string scrape_metrics(const Runtime& runtime) {
  prometheus::TextWriter out;
  runtime.metrics.write(out);
  out.family("gatehouse_active_connections", "gauge",
             "Connections open now, inbound and outbound.");
  out.sample("gatehouse_active_connections", {},
             format_value(std::uint64_t{runtime.registry.size()}));
  write_leaf(out, runtime);
  write_watches(out, runtime);
  out.family("gatehouse_log_lines_dropped_total", "counter",
             "Log lines dropped because the log queue was full (stdout too slow).");
  out.sample("gatehouse_log_lines_dropped_total", {}, format_value(dropped_log_lines()));
  return out.take();
}

}  // namespace gatehouse::proxy
