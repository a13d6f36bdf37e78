#include "tests/integration/support/in_netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace gatehouse::testing {

void run_in_netns(const std::string& ns, const std::function<void()>& fn) {
  const std::string path = "/var/run/netns/" + ns;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error("open " + path + ": " +
                             std::error_code{errno, std::generic_category()}.message());
  std::exception_ptr failure;
  std::thread thread{[&] {
    if (::setns(fd, CLONE_NEWNET) != 0) {
      failure = std::make_exception_ptr(std::runtime_error(
          "setns " + path + ": " + std::error_code{errno, std::generic_category()}.message()));
      return;
    }
    try {
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  }};
  thread.join();
  ::close(fd);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace gatehouse::testing
