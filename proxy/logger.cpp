#include "proxy/logger.hpp"

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace gatehouse::proxy {
namespace {

std::atomic<LogFormat> g_format{LogFormat::text};

// The logging thread and its queue; replaced by setup_logging, released by finish_logging.
std::mutex g_pool_mutex;
std::shared_ptr<spdlog::details::thread_pool> g_pool;  // guarded by g_pool_mutex

void set_pattern(spdlog::logger& logger, LogFormat format) {
  if (format == LogFormat::json) {
    // Messages are JSON members (LogFields::json_members); the pattern closes the object.
    logger.set_pattern(R"({"@timestamp":"%Y-%m-%dT%H:%M:%S.%fZ","@level":"%l",%v})",
                       spdlog::pattern_time_type::utc);
  } else {
    logger.set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  }
}

// Puts `next` in place of the current logging thread, which writes every line still queued and
// is joined before `retired` (the logger it served) is released. Queued lines hold references to
// that logger too: released first, the last reference would go on the logging thread, inside
// libspdlog, where ThreadSanitizer cannot see the atomic count and reports the free as a race.
void stop_logging_thread(std::shared_ptr<spdlog::details::thread_pool> next,
                         std::shared_ptr<spdlog::logger> retired) {
  {
    std::lock_guard lock{g_pool_mutex};
    next.swap(g_pool);
  }
  next.reset();  // the last owner of the old pool: its destructor drains the queue and joins
  retired.reset();
}

}  // namespace

void setup_logging(LogFormat format, std::string_view level) {
  g_format.store(format);
  auto previous = spdlog::get("proxy");  // setting up again (tests) replaces the logger
  spdlog::drop("proxy");
  auto pool = std::make_shared<spdlog::details::thread_pool>(kLogQueueLines, 1);
  auto logger = std::make_shared<spdlog::async_logger>(
      "proxy", std::make_shared<spdlog::sinks::stdout_sink_mt>(), pool,
      spdlog::async_overflow_policy::overrun_oldest);
  set_pattern(*logger, format);
  logger->set_level(spdlog::level::from_str(std::string{level}));
  // The logging thread flushes after every line: tests and operators read lines as they happen,
  // and a crash loses at most what is still queued.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));  // also registers it under its name
  stop_logging_thread(std::move(pool), std::move(previous));
}

void log_fields(spdlog::level::level_enum level, const LogFields& fields) {
  if (!spdlog::default_logger_raw()->should_log(level)) return;
  const std::string line =
      g_format.load() == LogFormat::json ? fields.json_members() : fields.text();
  spdlog::default_logger_raw()->log(level, line);
}

std::uint64_t dropped_log_lines() {
  std::lock_guard lock{g_pool_mutex};
  return g_pool ? g_pool->overrun_counter() : 0;
}

void finish_logging() {
  auto current = spdlog::default_logger();
  auto direct = std::make_shared<spdlog::logger>("proxy-direct",
                                                 std::make_shared<spdlog::sinks::stdout_sink_mt>());
  set_pattern(*direct, g_format.load());
  direct->set_level(current->level());
  direct->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(direct);
  spdlog::drop("proxy");
  stop_logging_thread(nullptr, std::move(current));
}

}  // namespace gatehouse::proxy
