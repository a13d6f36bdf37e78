#include "tests/integration/support/child_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "tools/process/exec_args.hpp"

namespace gatehouse::testing {
namespace {

using tools::ExecArgs;

void make_pipe(std::array<int, 2>& fds) {
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// What a sanitizer prints first: ThreadSanitizer, AddressSanitizer, UndefinedBehaviorSanitizer
// (`file:line:col: runtime error: ...`) and LeakSanitizer.
constexpr std::array<std::string_view, 4> kSanitizerMarkers{
    "WARNING: ThreadSanitizer", "ERROR: AddressSanitizer",
    "runtime error:", "ERROR: LeakSanitizer"};
constexpr std::size_t kReportLines = 60;

// The first sanitizer report in `output`, from the start of its line, at most kReportLines
// lines; empty when there is none.
std::string sanitizer_report(const std::string& output) {
  std::size_t first = std::string::npos;
  for (const auto marker : kSanitizerMarkers) first = std::min(first, output.find(marker));
  if (first == std::string::npos) return {};
  const auto line_start = output.rfind('\n', first);
  const std::size_t start = line_start == std::string::npos ? 0 : line_start + 1;
  std::size_t end = start;
  for (std::size_t lines = 0; lines < kReportLines && end != std::string::npos; ++lines) {
    end = output.find('\n', end);
    if (end != std::string::npos) ++end;  // past this line's newline
  }
  return output.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The sanitizer presets (asan, tsan) build every process a test starts with the same
// sanitizer, and a report in a child is a bug even when the test's own checks pass: it fails the
// test that started the child, with the report's first lines.
void fail_on_sanitizer_report(const std::string& who, const std::string& output) {
  if (const auto report = sanitizer_report(output); !report.empty()) {
    ADD_FAILURE() << who << " printed a sanitizer report:\n" << report;
  }
}

[[noreturn]] void exec_child(const ExecArgs& exec) {
  ::execvpe(exec.argv[0], exec.argv.data(), exec.envp.data());
  std::fprintf(stderr, "exec %s: %s\n", exec.argv[0], std::strerror(errno));
  ::_exit(127);
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::string& input,
                          const std::map<std::string, std::string>& env) {
  const ExecArgs exec{argv, env};
  std::array<int, 2> in{}, out{}, err{};
  make_pipe(in);
  make_pipe(out);
  make_pipe(err);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    exec_child(exec);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  // Small inputs only (request bodies): they fit in the pipe buffer, so writing first is safe.
  if (!input.empty()) {
    [[maybe_unused]] auto n = ::write(in[1], input.data(), input.size());
  }
  ::close(in[1]);

  CommandResult result;
  std::array<pollfd, 2> fds{pollfd{out[0], POLLIN, 0}, pollfd{err[0], POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  int open = 2;
  while (open > 0) {
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      std::array<char, 4096> buf{};
      const auto n = ::read(fds[i].fd, buf.data(), buf.size());
      if (n > 0) {
        sinks[i]->append(buf.data(), static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = decode_status(status);
  fail_on_sanitizer_report(argv.front(), result.err);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env) {
  for (const auto& arg : argv) {
    if (description_.size() > 80) break;
    description_ += (description_.empty() ? "" : " ") + arg;
  }
  auto started = tools::ChildProcess::start(argv, {.env = env});
  if (!started) throw std::runtime_error(description_ + ": " + started.error());
  process_ = std::move(*started);
}

ChildProcess::~ChildProcess() {
  process_->stop(5s);
  fail_on_sanitizer_report(description_ + " (pid " + std::to_string(process_->pid()) + ")",
                           process_->output());
}

}  // namespace gatehouse::testing
