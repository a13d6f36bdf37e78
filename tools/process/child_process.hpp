#pragma once
// A child process whose stdout and stderr are merged, kept in memory as lines and, if asked,
// copied to a log file as they come. `gatehouse demo` runs its agent, apps and sidecars this way,
// and the integration tests (tests/integration/support) every long-lived process they start.
// Waits suspend on events: new output (a reader thread and a condition variable) or the child's
// exit (a pidfd), never on a sleep loop.

#include <sys/types.h>

#include <boost/system/result.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::tools {

struct ChildOptions {
  std::string name{};                        // for messages; "" = argv[0]
  std::string log_path{};                    // "" = the output is kept in memory only
  std::map<std::string, std::string> env{};  // set in the child on top of this environment
  // The demo's children: a process group of their own (a terminal's Ctrl-C reaches only the
  // parent, which stops them in order) and SIGTERM if the parent dies without stopping them
  // (PR_SET_PDEATHSIG, which follows the forking thread: fork from a thread that outlives them).
  bool detach = false;
};

class ChildProcess {
 public:
  // argv[0] is searched in PATH when it has no slash. Errors: "log.txt: Permission denied",
  // "fork: ...". An argv[0] that cannot be executed ends the child with 127 and a line saying so.
  static boost::system::result<std::unique_ptr<ChildProcess>, std::string> start(
      const std::vector<std::string>& argv, ChildOptions options = {});
  ~ChildProcess();  // stop(5s)
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The first line at index >= `from` containing every needle, waiting up to `timeout`;
  // nullopt on timeout, when the child's output ends, or after wake().
  std::optional<std::string> wait_for_line(const std::vector<std::string>& needles,
                                           std::size_t from, std::chrono::milliseconds timeout);
  // Whether `count` lines contain `needle`, waiting up to `timeout` (or the end of the output).
  bool wait_for_count(const std::string& needle, std::size_t count,
                      std::chrono::milliseconds timeout);
  std::size_t line_count() const;
  // The last `n` lines, each indented (for error messages).
  std::string tail(std::size_t n) const;
  // Everything the child wrote so far.
  std::string output() const;

  // SIGTERM, up to `grace` for the child to exit, then SIGKILL; reaps it and reads the rest of
  // its output. Idempotent; returns the exit code (128+N when killed by signal N).
  int stop(std::chrono::milliseconds grace);
  void send_signal(int signo) const;  // nothing once the child is reaped
  bool running();                     // reaps the child when it has exited
  // Makes current and future waits for output return at once (Ctrl-C).
  void wake();

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  const std::string& log_path() const { return log_path_; }

 private:
  ChildProcess(std::string name, std::string log_path)
      : name_(std::move(name)), log_path_(std::move(log_path)) {}
  void read_output(int fd, std::FILE* log);
  std::string_view line(std::size_t index) const;  // with mutex_ held
  // Waits up to `timeout` for the child to exit (pidfd), without reaping it.
  bool await_exit(std::chrono::milliseconds timeout);
  int reap();

  std::string name_;
  std::string log_path_;
  pid_t pid_ = -1;
  int pidfd_ = -1;  // -1 when the kernel has no pidfd_open: the end of the output stands in
  std::optional<int> exit_code_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  std::vector<std::size_t> line_ends_;  // the offset of each complete line's end in output_
  bool output_closed_ = false;
  bool woken_ = false;
  std::thread reader_;
};

}  // namespace gatehouse::tools
