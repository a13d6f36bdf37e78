#include "tools/demo/child_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "consul/failure.hpp"

namespace gatehouse::tools {

using consul::Failure;

boost::system::result<std::unique_ptr<ChildProcess>, std::string> ChildProcess::start(
    std::string name, const std::vector<std::string>& argv, const std::string& log_path) {
  std::FILE* log = std::fopen(log_path.c_str(), "we");
  if (log == nullptr) return Failure{log_path + ": " + std::strerror(errno)};
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    std::fclose(log);
    return Failure{std::string{"pipe: "} + std::strerror(errno)};
  }
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));  // NOLINT: execv's API
  args.push_back(nullptr);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::fclose(log);
    return Failure{std::string{"fork: "} + std::strerror(errno)};
  }
  if (pid == 0) {
    // Only async-signal-safe calls until execv.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the demo died before prctl took effect
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the demo blocks signals for its signal thread
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::unique_ptr<ChildProcess> child{new ChildProcess(std::move(name), log_path)};
  child->pid_ = pid;
  child->reader_ =
      std::thread([c = child.get(), fd = pipe_fds[0], log] { c->read_output(fd, log); });
  return child;
}

ChildProcess::~ChildProcess() {
  stop(std::chrono::seconds{5});
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::read_output(int fd, std::FILE* log) {
  std::array<char, 4096> buf{};
  std::string partial;
  for (;;) {
    const auto n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::fwrite(buf.data(), 1, static_cast<std::size_t>(n), log);
    std::fflush(log);
    partial.append(buf.data(), static_cast<std::size_t>(n));
    std::size_t start = 0;
    std::size_t end = 0;
    std::vector<std::string> complete;
    while ((end = partial.find('\n', start)) != std::string::npos) {
      complete.push_back(partial.substr(start, end - start));
      start = end + 1;
    }
    partial.erase(0, start);
    if (!complete.empty()) {
      const std::lock_guard lock{mutex_};
      for (auto& l : complete) lines_.push_back(std::move(l));
      changed_.notify_all();
    }
  }
  ::close(fd);
  std::fclose(log);
  const std::lock_guard lock{mutex_};
  if (!partial.empty()) lines_.push_back(partial);
  output_closed_ = true;
  changed_.notify_all();
}

std::optional<std::string> ChildProcess::wait_for_line(const std::vector<std::string>& needles,
                                                       std::size_t from,
                                                       std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock{mutex_};
  std::size_t next = from;
  for (;;) {
    for (; next < lines_.size(); ++next) {
      const auto& line = lines_[next];
      if (std::ranges::all_of(
              needles, [&](const std::string& n) { return line.find(n) != std::string::npos; })) {
        return line;
      }
    }
    if (output_closed_ || woken_) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      if (next == lines_.size()) return std::nullopt;
    }
  }
}

std::size_t ChildProcess::line_count() const {
  const std::lock_guard lock{mutex_};
  return lines_.size();
}

std::string ChildProcess::tail(std::size_t n) const {
  const std::lock_guard lock{mutex_};
  std::string out;
  const std::size_t first = lines_.size() > n ? lines_.size() - n : 0;
  for (std::size_t i = first; i < lines_.size(); ++i) out += "    " + lines_[i] + "\n";
  return out;
}

void ChildProcess::wake() {
  const std::lock_guard lock{mutex_};
  woken_ = true;
  changed_.notify_all();
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (exit_code_) return *exit_code_;
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  {
    // The pipe closes when the child exits (it is the only writer), so no polling is needed.
    std::unique_lock lock{mutex_};
    if (!changed_.wait_for(lock, grace, [this] { return output_closed_; })) {
      ::kill(pid_, SIGKILL);
    }
  }
  int status = 0;
  pid_t r = 0;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (r == pid_ && WIFEXITED(status)) {
    exit_code_ = WEXITSTATUS(status);
  } else if (r == pid_ && WIFSIGNALED(status)) {
    exit_code_ = 128 + WTERMSIG(status);
  } else {
    exit_code_ = -1;
  }
  return *exit_code_;
}

}  // namespace gatehouse::tools
