#include "tools/process/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string_view>

#include "consul/failure.hpp"
#include "tools/process/exec_args.hpp"

namespace gatehouse::tools {

using consul::Failure;
using namespace std::chrono_literals;

namespace {

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const auto n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const ExecArgs& exec, int out_fd, bool detach, pid_t parent) {
  if (detach) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // a parent may block signals for a signal thread
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(out_fd, STDERR_FILENO);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  ::execvpe(exec.argv[0], exec.argv.data(), exec.envp.data());
  const int error = errno;
  write_all(STDERR_FILENO, "exec ");
  write_all(STDERR_FILENO, exec.argv[0]);
  write_all(STDERR_FILENO, error == ENOENT ? ": No such file or directory\n" : ": failed\n");
  ::_exit(127);
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

boost::system::result<std::unique_ptr<ChildProcess>, std::string> ChildProcess::start(
    const std::vector<std::string>& argv, ChildOptions options) {
  if (argv.empty()) return Failure{"no command to run"};
  std::FILE* log = nullptr;
  if (!options.log_path.empty()) {
    log = std::fopen(options.log_path.c_str(), "we");
    if (log == nullptr) return Failure{options.log_path + ": " + std::strerror(errno)};
  }
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    if (log != nullptr) std::fclose(log);
    return Failure{std::string{"pipe: "} + std::strerror(errno)};
  }
  const ExecArgs exec{argv, options.env};
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    if (log != nullptr) std::fclose(log);
    return Failure{std::string{"fork: "} + std::strerror(errno)};
  }
  if (pid == 0) exec_child(exec, pipe_fds[1], options.detach, parent);
  ::close(pipe_fds[1]);
  std::string name = options.name.empty() ? argv.front() : std::move(options.name);
  std::unique_ptr<ChildProcess> child{new ChildProcess(std::move(name), options.log_path)};
  child->pid_ = pid;
  // The system call, not glibc 2.36's pidfd_open: its <sys/pidfd.h> lacks extern "C" for C++.
  // A pidfd is close-on-exec.
  child->pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  child->reader_ =
      std::thread([c = child.get(), fd = pipe_fds[0], log] { c->read_output(fd, log); });
  return child;
}

ChildProcess::~ChildProcess() {
  stop(5s);
  if (pidfd_ >= 0) ::close(pidfd_);
}

void ChildProcess::read_output(int fd, std::FILE* log) {
  std::array<char, 4096> buf{};
  for (;;) {
    const auto n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    const auto size = static_cast<std::size_t>(n);
    if (log != nullptr) {
      std::fwrite(buf.data(), 1, size, log);
      std::fflush(log);
    }
    const std::lock_guard lock{mutex_};
    const std::size_t before = output_.size();
    output_.append(buf.data(), size);
    for (auto at = output_.find('\n', before); at != std::string::npos;
         at = output_.find('\n', at + 1)) {
      line_ends_.push_back(at);
    }
    changed_.notify_all();
  }
  ::close(fd);
  if (log != nullptr) std::fclose(log);
  const std::lock_guard lock{mutex_};
  const std::size_t last_start = line_ends_.empty() ? 0 : line_ends_.back() + 1;
  if (output_.size() > last_start) line_ends_.push_back(output_.size());  // the unfinished line
  output_closed_ = true;
  changed_.notify_all();
}

std::string_view ChildProcess::line(std::size_t index) const {
  const std::size_t start = index == 0 ? 0 : line_ends_[index - 1] + 1;
  return std::string_view{output_}.substr(start, line_ends_[index] - start);
}

std::optional<std::string> ChildProcess::wait_for_line(const std::vector<std::string>& needles,
                                                       std::size_t from,
                                                       std::chrono::milliseconds timeout) {
  std::unique_lock lock{mutex_};
  std::optional<std::string> found;
  std::size_t next = from;  // lines before this were searched in an earlier wake-up
  changed_.wait_for(lock, timeout, [&] {
    for (; next < line_ends_.size(); ++next) {
      const auto text = line(next);
      if (std::ranges::all_of(needles, [&](const std::string& n) {
            return text.find(n) != std::string_view::npos;
          })) {
        found = std::string{text};
        return true;
      }
    }
    return output_closed_ || woken_;
  });
  return found;
}

bool ChildProcess::wait_for_count(const std::string& needle, std::size_t count,
                                  std::chrono::milliseconds timeout) {
  std::unique_lock lock{mutex_};
  std::size_t seen = 0;
  std::size_t next = 0;  // lines before this were counted in an earlier wake-up
  changed_.wait_for(lock, timeout, [&] {
    for (; next < line_ends_.size(); ++next) {
      if (line(next).find(needle) != std::string_view::npos) ++seen;
    }
    return seen >= count || output_closed_ || woken_;
  });
  return seen >= count;
}

std::size_t ChildProcess::line_count() const {
  const std::lock_guard lock{mutex_};
  return line_ends_.size();
}

std::string ChildProcess::tail(std::size_t n) const {
  const std::lock_guard lock{mutex_};
  std::string out;
  const std::size_t first = line_ends_.size() > n ? line_ends_.size() - n : 0;
  for (std::size_t i = first; i < line_ends_.size(); ++i) {
    out += "    ";
    out += line(i);
    out += "\n";
  }
  return out;
}

std::string ChildProcess::output() const {
  const std::lock_guard lock{mutex_};
  return output_;
}

void ChildProcess::wake() {
  const std::lock_guard lock{mutex_};
  woken_ = true;
  changed_.notify_all();
}

bool ChildProcess::await_exit(std::chrono::milliseconds timeout) {
  if (pidfd_ < 0) {
    // No pidfd: the pipe closes when the child exits (unless it handed the pipe on).
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, timeout, [this] { return output_closed_; });
  }
  pollfd exited{pidfd_, POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const int r = ::poll(&exited, 1, static_cast<int>(std::max(left.count(), std::int64_t{0})));
    if (r > 0) return true;
    if (r == 0 || errno != EINTR) return false;
  }
}

int ChildProcess::reap() {
  int status = 0;
  pid_t r = 0;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  exit_code_ = r == pid_ ? decode_status(status) : -1;
  return *exit_code_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (!exit_code_ && pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!await_exit(grace)) ::kill(pid_, SIGKILL);
    reap();
  }
  if (reader_.joinable()) reader_.join();  // the rest of the output
  return exit_code_.value_or(-1);
}

void ChildProcess::send_signal(int signo) const {
  if (!exit_code_ && pid_ > 0) ::kill(pid_, signo);
}

bool ChildProcess::running() {
  if (exit_code_ || pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exit_code_ = decode_status(status);
  return false;
}

}  // namespace gatehouse::tools
