#include "proxy/service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "proxy/logger.hpp"

namespace gatehouse::proxy {

namespace {

// Closes the socket on every path out of notify_socket.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

boost::system::result<void, std::string> notify_socket(std::string_view socket_path,
                                                       std::string_view state) {
  const auto fail = [&](std::string_view what) -> boost::system::result<void, std::string> {
    return {boost::system::in_place_error,
            "NOTIFY_SOCKET " + std::string{socket_path} + ": " + std::string{what}};
  };
  if (socket_path.empty() || (socket_path.front() != '/' && socket_path.front() != '@')) {
    return fail("expected an absolute path or @abstract-name");
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // A path needs room for its terminating NUL; an abstract name has none.
  const bool is_path = socket_path.front() == '/';
  if (socket_path.size() > sizeof(address.sun_path) - (is_path ? 1 : 0)) {
    return fail("name too long");
  }
  std::memcpy(address.sun_path, socket_path.data(), socket_path.size());
  // The abstract namespace: a leading NUL instead of '@', and the name's length, not a
  // terminating NUL, ends it.
  if (socket_path.front() == '@') address.sun_path[0] = '\0';
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path.size() +
                                             (is_path ? 1 : 0));

  const FileDescriptor fd{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  if (fd.get() < 0) return fail(std::string{"socket: "} + std::strerror(errno));
  const auto sent = ::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL,
                             reinterpret_cast<const sockaddr*>(&address), length);
  if (sent < 0) return fail(std::string{"send: "} + std::strerror(errno));
  if (static_cast<std::size_t>(sent) != state.size()) return fail("short send");
  return {};
}

void notify_service_manager(std::string_view state) {
  const char* socket_path = std::getenv("NOTIFY_SOCKET");
  if (socket_path == nullptr || *socket_path == '\0') return;
  if (auto sent = notify_socket(socket_path, state); !sent) {
    log_fields(spdlog::level::warn, LogFields{}
                                        .add("event", "notify_failed")
                                        .add("state", state)
                                        .add_quoted("reason", sent.error()));
  }
}

}  // namespace gatehouse::proxy
