#include "proxy/service_notify.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

namespace gatehouse::proxy {
namespace {

// A unix datagram socket standing in for systemd's notification socket. `name` is spelled as
// $NOTIFY_SOCKET spells it: a path, or '@' for the abstract namespace.
class ManagerSocket {
 public:
  explicit ManagerSocket(std::string name) : name_(std::move(name)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name_.data(), name_.size());
    if (name_.front() == '@') address.sun_path[0] = '\0';
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) == 0;
  }
  ~ManagerSocket() {
    if (fd_ >= 0) ::close(fd_);
    if (name_.front() == '/') ::unlink(name_.c_str());
  }
  ManagerSocket(const ManagerSocket&) = delete;
  ManagerSocket& operator=(const ManagerSocket&) = delete;

  bool bound() const { return bound_; }
  const std::string& name() const { return name_; }

  // The next datagram already queued; nullopt when none is (the send is synchronous).
  std::optional<std::string> take() const {
    std::array<char, 512> buffer{};
    const auto n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0) return std::nullopt;
    return std::string{buffer.data(), static_cast<std::size_t>(n)};
  }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
};

std::string unique_name(std::string_view stem) {
  return std::string{stem} + "-" + std::to_string(::getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

std::string socket_path() {
  return (std::filesystem::temp_directory_path() / unique_name("gatehouse-notify")).string();
}

// Sets NOTIFY_SOCKET for one test and restores the process environment after it.
class NotifySocketEnv {
 public:
  explicit NotifySocketEnv(const char* value) {
    if (const char* old = std::getenv("NOTIFY_SOCKET")) saved_ = old;
    if (value != nullptr) {
      ::setenv("NOTIFY_SOCKET", value, 1);
    } else {
      ::unsetenv("NOTIFY_SOCKET");
    }
  }
  ~NotifySocketEnv() {
    if (saved_) {
      ::setenv("NOTIFY_SOCKET", saved_->c_str(), 1);
    } else {
      ::unsetenv("NOTIFY_SOCKET");
    }
  }
  NotifySocketEnv(const NotifySocketEnv&) = delete;
  NotifySocketEnv& operator=(const NotifySocketEnv&) = delete;

 private:
  std::optional<std::string> saved_;
};

TEST(ServiceNotify, ReadyReachesTheSocketNamedByNotifySocket) {
  const ManagerSocket manager{socket_path()};
  ASSERT_TRUE(manager.bound());
  const NotifySocketEnv env{manager.name().c_str()};
  notify_service_manager("READY=1");
  EXPECT_EQ(manager.take(), "READY=1");
  notify_service_manager("STOPPING=1");
  EXPECT_EQ(manager.take(), "STOPPING=1");
  EXPECT_EQ(manager.take(), std::nullopt);
}

TEST(ServiceNotify, AbstractNamespaceSocketIsSpelledWithAt) {
  const ManagerSocket manager{"@" + unique_name("gatehouse-notify")};
  ASSERT_TRUE(manager.bound());
  const NotifySocketEnv env{manager.name().c_str()};
  notify_service_manager("READY=1");
  EXPECT_EQ(manager.take(), "READY=1");
}

TEST(ServiceNotify, WithoutNotifySocketNothingIsSent) {
  const ManagerSocket manager{socket_path()};
  ASSERT_TRUE(manager.bound());
  const NotifySocketEnv env{nullptr};
  notify_service_manager("READY=1");
  EXPECT_EQ(manager.take(), std::nullopt);
}

TEST(ServiceNotify, ErrorsNameTheSocketAndTheFailure) {
  const auto relative = notify_socket("run/notify", "READY=1");
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error(),
            "NOTIFY_SOCKET run/notify: expected an absolute path or @abstract-name");

  const std::string missing = socket_path();  // nothing bound there
  const auto unsent = notify_socket(missing, "READY=1");
  ASSERT_FALSE(unsent);
  EXPECT_EQ(unsent.error(), "NOTIFY_SOCKET " + missing + ": send: No such file or directory");

  const auto too_long = notify_socket("/" + std::string(200, 'x'), "READY=1");
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().find(": name too long"), std::string::npos);

  // sun_path holds 108 bytes: a path needs one of them for its NUL, an abstract name does not.
  const auto full_path = notify_socket("/" + std::string(107, 'x'), "READY=1");
  ASSERT_FALSE(full_path);
  EXPECT_NE(full_path.error().find(": name too long"), std::string::npos);
  const auto full_abstract = notify_socket("@" + std::string(107, 'x'), "READY=1");
  ASSERT_FALSE(full_abstract);  // nobody listens there
  EXPECT_EQ(full_abstract.error().find("name too long"), std::string::npos)
      << full_abstract.error();
}

}  // namespace
}  // namespace gatehouse::proxy
