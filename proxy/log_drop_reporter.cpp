#include "proxy/log_drop_reporter.hpp"

#include <chrono>

#include "proxy/logger.hpp"

namespace gatehouse::proxy {

void LogDropReporter::start() {
  timer_.expires_after(std::chrono::seconds{10});
  timer_.async_wait([this](const error_code& ec) {
    if (ec) return;
    report();
    start();
  });
}

void LogDropReporter::stop() {
  timer_.cancel();
  report();
}

void LogDropReporter::report() {
  const std::uint64_t total = dropped_log_lines();
  if (total == reported_) return;
  log_fields(spdlog::level::warn, LogFields{}
                                      .add("event", "log_dropped")
                                      .add("dropped", total - reported_)
                                      .add("total", total)
                                      .add_quoted("reason", "log queue full; stdout too slow"));
  reported_ = total;
}

}  // namespace gatehouse::proxy
