#pragma once
// Captures the proxy's log lines (text format) in memory for assertions.

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>

#include "proxy/logger.hpp"

namespace gatehouse::proxy::testing {

class CapturedLog {
 public:
  CapturedLog() {
    setup_logging(LogFormat::text, "info");
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() {
    spdlog::set_default_logger(spdlog::null_logger_mt("null-" + std::to_string(++n_)));
  }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  std::string text() {
    spdlog::default_logger_raw()->flush();
    return out_.str();
  }

 private:
  std::ostringstream out_;
  static inline int n_ = 0;
};

}  // namespace gatehouse::proxy::testing
