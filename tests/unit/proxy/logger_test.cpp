// The proxy's logger never blocks its caller: lines go through a bounded queue to a logging
// thread, a full queue drops (and counts) the oldest lines, and finish_logging writes out
// everything still queued.
#include "proxy/logger.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace gatehouse::proxy {
namespace {

// Points the process's stdout at a pipe for the test's life; what is written can be read back.
class StdoutPipe {
 public:
  StdoutPipe() {
    std::fflush(stdout);
    EXPECT_EQ(::pipe2(fds_.data(), O_CLOEXEC), 0);
    saved_ = ::dup(STDOUT_FILENO);
    ::dup2(fds_[1], STDOUT_FILENO);
    ::close(fds_[1]);
  }
  ~StdoutPipe() {
    restore();
    if (reader_.joinable()) reader_.join();
    ::close(fds_[0]);
  }
  StdoutPipe(const StdoutPipe&) = delete;
  StdoutPipe& operator=(const StdoutPipe&) = delete;

  // Until this is called nobody reads: the pipe fills at 64 KiB and writers block.
  void start_reading() {
    reader_ = std::thread([this] {
      std::array<char, 65536> buf{};
      for (ssize_t n; (n = ::read(fds_[0], buf.data(), buf.size())) > 0;) {
        text_.append(buf.data(), static_cast<std::size_t>(n));
      }
    });
  }
  // Gives stdout back (closing the pipe's write side) and returns all that was written.
  std::string finish() {
    restore();
    if (reader_.joinable()) reader_.join();
    return text_;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stdout);
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    saved_ = -1;
  }
  std::array<int, 2> fds_{-1, -1};
  int saved_ = -1;
  std::thread reader_;
  std::string text_;
};

// A sink that is slow with its first line and says on which thread it was destroyed: the
// thread that released the last reference to the logger owning it.
class ThreadReportingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ThreadReportingSink(std::promise<std::thread::id> destroyed_on)
      : destroyed_on_{std::move(destroyed_on)} {}
  ~ThreadReportingSink() override { destroyed_on_.set_value(std::this_thread::get_id()); }
  ThreadReportingSink(const ThreadReportingSink&) = delete;
  ThreadReportingSink& operator=(const ThreadReportingSink&) = delete;

 protected:
  void sink_it_(const spdlog::details::log_msg& /*msg*/) override {
    // The logging thread is still busy here while the caller finishes logging, with the other
    // lines (and their references to the logger) queued behind this one.
    if (lines_++ == 0) std::this_thread::sleep_for(std::chrono::milliseconds{200});
  }
  void flush_() override {}

 private:
  std::promise<std::thread::id> destroyed_on_;
  int lines_ = 0;
};

std::size_t count_lines(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(Logger, FinishWritesEveryQueuedLineInOrder) {
  StdoutPipe out;
  out.start_reading();
  setup_logging(LogFormat::text, "info");
  for (int i = 0; i < 1000; ++i) {
    log_fields(spdlog::level::info, LogFields{}.add("event", "test").add("i", std::int64_t{i}));
  }
  EXPECT_EQ(dropped_log_lines(), 0U);
  finish_logging();
  const std::string text = out.finish();
  EXPECT_EQ(count_lines(text, "event=test"), 1000U);
  EXPECT_LT(text.find("i=998\n"), text.find("i=999\n"));
  EXPECT_NE(text.find("level=info event=test i=0\n"), std::string::npos) << text.substr(0, 200);
}

TEST(Logger, AStalledStdoutDropsAndCountsLinesInsteadOfBlocking) {
  StdoutPipe out;  // not read yet: the logging thread blocks once 64 KiB are buffered
  setup_logging(LogFormat::text, "info");
  const std::size_t lines = 3 * kLogQueueLines;
  for (std::size_t i = 0; i < lines; ++i) {  // would hang here if logging blocked
    log_fields(spdlog::level::info, LogFields{}.add("event", "flood").add("i", std::uint64_t{i}));
  }
  const std::uint64_t dropped = dropped_log_lines();  // final: nothing logs after the loop
  EXPECT_GT(dropped, 0U);
  out.start_reading();
  finish_logging();
  const std::string text = out.finish();
  // Every line is either written or counted as dropped.
  EXPECT_EQ(count_lines(text, "event=flood") + dropped, lines);
  // The newest line survives: the oldest are the ones dropped.
  EXPECT_NE(text.find("i=" + std::to_string(lines - 1) + "\n"), std::string::npos);
}

// The logger is released on the thread that finishes logging, after its logging thread has
// written the queue and been joined, never by that logging thread (whose release happens inside
// libspdlog, where ThreadSanitizer cannot see it and reports the free as a race).
TEST(Logger, FinishReleasesTheLoggerOnTheCallingThreadAfterTheQueue) {
  StdoutPipe out;
  out.start_reading();
  setup_logging(LogFormat::text, "info");
  std::promise<std::thread::id> destroyed_on;
  auto destroyed = destroyed_on.get_future();
  spdlog::default_logger()->sinks().push_back(
      std::make_shared<ThreadReportingSink>(std::move(destroyed_on)));  // before any line
  for (int i = 0; i < 100; ++i) {
    log_fields(spdlog::level::info, LogFields{}.add("event", "test").add("i", std::int64_t{i}));
  }
  finish_logging();
  ASSERT_EQ(destroyed.wait_for(std::chrono::seconds{0}), std::future_status::ready)
      << "the logger outlived finish_logging";
  EXPECT_EQ(destroyed.get(), std::this_thread::get_id());
  EXPECT_EQ(count_lines(out.finish(), "event=test"), 100U);
}

}  // namespace
}  // namespace gatehouse::proxy
