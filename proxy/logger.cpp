#include "proxy/logger.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace gatehouse::proxy {
namespace {

std::atomic<LogFormat> g_format{LogFormat::text};

}  // namespace

void setup_logging(LogFormat format, std::string_view level) {
  g_format.store(format);
  spdlog::drop("proxy");  // setting up again (tests) replaces the logger
  auto logger = spdlog::stdout_logger_mt("proxy");
  if (format == LogFormat::json) {
    // Messages are JSON members (LogFields::json_members); the pattern closes the object.
    logger->set_pattern(R"({"@timestamp":"%Y-%m-%dT%H:%M:%S.%fZ","@level":"%l",%v})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(std::string{level}));
  logger->flush_on(spdlog::level::trace);  // tests and operators read lines as they happen
  spdlog::set_default_logger(std::move(logger));
}

void log_fields(spdlog::level::level_enum level, const LogFields& fields) {
  if (!spdlog::default_logger_raw()->should_log(level)) return;
  const std::string line =
      g_format.load() == LogFormat::json ? fields.json_members() : fields.text();
  spdlog::default_logger_raw()->log(level, line);
}

}  // namespace gatehouse::proxy
