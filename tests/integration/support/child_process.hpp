#pragma once
// Runs real processes for integration tests: a long-lived child whose output is captured and
// searched (a dev agent, a proxy), and one-shot commands (curl, openssl, the CLI).

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::testing {

using namespace std::chrono_literals;

struct CommandResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs argv[0] (searched in PATH) to completion, with optional stdin and extra environment.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = {},
                          const std::map<std::string, std::string>& env = {});

// A child process whose stdout and stderr are merged and captured. The destructor sends SIGTERM,
// waits, then SIGKILLs, so a failing test never leaves a process behind; a sanitizer report in
// the output then fails the running test (as one on a run_command's stderr does at once).
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv,
                        const std::map<std::string, std::string>& env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The first output line containing `needle`, waiting up to `timeout`; nullopt on timeout or exit.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout = 10s);
  // Whether `count` output lines contain `needle`, waiting up to `timeout` (or until exit).
  bool wait_for_count(const std::string& needle, std::size_t count,
                      std::chrono::milliseconds timeout = 10s);
  // Sends SIGTERM and returns the exit code (128+N if a signal killed it), waiting up to `timeout`.
  int terminate(std::chrono::milliseconds timeout = 10s);
  void send_signal(int signo) const;
  bool running();
  std::string output() const;
  pid_t pid() const { return pid_; }

 private:
  void read_output(int fd);
  std::optional<int> reap(std::chrono::milliseconds timeout);

  std::string description_;  // the command line, shortened, for failure messages
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool output_closed_ = false;
  std::thread reader_;
};

// The value of `key=` in a key=value log line ("" when absent).
std::string field(const std::string& line, const std::string& key);

}  // namespace gatehouse::testing
