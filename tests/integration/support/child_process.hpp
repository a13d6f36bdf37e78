#pragma once
// Runs real processes for integration tests: a long-lived child whose output is captured and
// searched (a dev agent, a proxy), and one-shot commands (curl, openssl, the CLI).

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/process/child_process.hpp"
#include "tools/process/log_field.hpp"

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

// A child process whose stdout and stderr are merged and captured (tools/process does the work).
// The destructor sends SIGTERM, waits, then SIGKILLs, so a failing test never leaves a process
// behind; a sanitizer report in the output then fails the running test (as one on a
// run_command's stderr does at once).
class ChildProcess {
 public:
  // Throws std::runtime_error when the process cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv,
                        const std::map<std::string, std::string>& env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The first output line containing `needle`, waiting up to `timeout`; nullopt on timeout or exit.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout = 10s) {
    return process_->wait_for_line({needle}, 0, timeout);
  }
  // Whether `count` output lines contain `needle`, waiting up to `timeout` (or until exit).
  bool wait_for_count(const std::string& needle, std::size_t count,
                      std::chrono::milliseconds timeout = 10s) {
    return process_->wait_for_count(needle, count, timeout);
  }
  // Sends SIGTERM and returns the exit code (128+N if a signal killed it), waiting up to `timeout`.
  int terminate(std::chrono::milliseconds timeout = 10s) { return process_->stop(timeout); }
  void send_signal(int signo) const { process_->send_signal(signo); }
  bool running() { return process_->running(); }
  std::string output() const { return process_->output(); }
  pid_t pid() const { return process_->pid(); }

 private:
  std::string description_;  // the command line, shortened, for failure messages
  std::unique_ptr<tools::ChildProcess> process_;
};

// The value of `key=` in a key=value log line ("" when absent): tools/process/log_field.hpp.
inline std::string field(std::string_view line, std::string_view key) {
  return tools::log_field(line, key);
}

}  // namespace gatehouse::testing
