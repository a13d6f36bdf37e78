#pragma once
// A child process of the demo: stdout and stderr go through a pipe to a log file, and the lines
// are kept so the demo can wait for `event=listening` or show a sidecar's decision line. The
// child gets its own process group (a terminal Ctrl-C reaches only the demo, which stops the
// children in order) and SIGTERM if the demo dies without cleaning up (PR_SET_PDEATHSIG).

#include <sys/types.h>

#include <boost/system/result.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::tools {

class ChildProcess {
 public:
  // argv[0] is the executable's path (no PATH search).
  static boost::system::result<std::unique_ptr<ChildProcess>, std::string> start(
      std::string name, const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The first line at index >= `from` containing every needle, waiting up to `timeout`;
  // nullopt on timeout, when the child's output ends, or after wake().
  std::optional<std::string> wait_for_line(const std::vector<std::string>& needles,
                                           std::size_t from, std::chrono::milliseconds timeout);
  std::size_t line_count() const;
  // The last `n` lines (for error messages).
  std::string tail(std::size_t n) const;

  // SIGTERM, up to `grace` for the child to end, then SIGKILL; reaps it. Idempotent; returns the
  // exit code (128+N when killed by signal N).
  int stop(std::chrono::milliseconds grace);
  // Makes current and future waits return at once (Ctrl-C).
  void wake();

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  const std::string& log_path() const { return log_path_; }

 private:
  ChildProcess(std::string name, std::string log_path)
      : name_(std::move(name)), log_path_(std::move(log_path)) {}
  void read_output(int fd, std::FILE* log);

  std::string name_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  bool output_closed_ = false;
  bool woken_ = false;
  std::thread reader_;
};

}  // namespace gatehouse::tools
