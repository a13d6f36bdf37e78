// `gatehouse proxy -admin-addr`: /ready turns 200 only once the leaf and roots are loaded and
// the public listener is up; /health is 200 while serving and 503 while draining. Under systemd
// the same moments reach $NOTIFY_SOCKET as READY=1 and STOPPING=1.
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <filesystem>

#include "tests/integration/proxy/proxy_fixture.hpp"

namespace gatehouse::testing {
namespace {

struct Answer {
  std::string status;
  std::string body;
};

// GET with curl: the status code and the body.
Answer admin_get(const std::string& addr, const std::string& path,
                 const std::string& method = "GET") {
  const auto r = run_command({"curl", "-sS", "-X", method, "-o", "/dev/stdout", "-w",
                              "\n%{http_code} %header{allow}", "http://" + addr + path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto nl = r.out.rfind('\n');
  return {r.out.substr(nl + 1), r.out.substr(0, nl)};
}

// systemd's side of Type=notify: a unix datagram socket in the temporary directory, passed to
// the proxy as NOTIFY_SOCKET, whose messages next() returns in order.
class NotifySocket {
 public:
  NotifySocket()
      : path_((std::filesystem::temp_directory_path() /
               ("gatehouse-notify-" + std::to_string(::getpid())))
                  .string()) {
    ::unlink(path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path_.c_str(), path_.size() + 1);
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&address),
                                sizeof(address)) == 0;
    // A bound on the wait, not a timing check: a proxy that never notifies fails the test.
    const timeval wait{.tv_sec = 20, .tv_usec = 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
  }
  ~NotifySocket() {
    if (fd_ >= 0) ::close(fd_);
    ::unlink(path_.c_str());
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  bool bound() const { return bound_; }
  const std::string& path() const { return path_; }
  // The next message; "" when none came within the wait.
  std::string next() const {
    std::array<char, 512> buffer{};
    const auto n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    return n > 0 ? std::string{buffer.data(), static_cast<std::size_t>(n)} : std::string{};
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

std::string admin_addr_of(ChildProcess& proxy) {
  const auto line = proxy.wait_for_line("event=listening listener=admin", 20s);
  EXPECT_TRUE(line) << proxy.output();
  return field(line.value_or(""), "addr");
}

TEST_F(ProxyTest, ReadyWaitsForCertificatesAndListenersHealthFollowsTheProcess) {
  // The agent goes away first: the proxy starts without leaf and roots.
  const std::string agent_addr = agent_.base_url().substr(std::string{"http://"}.size());
  ASSERT_EQ(agent_.process().terminate(), 0);
  start_proxy({"-admin-addr", "127.0.0.1:0"}, "event=listening listener=admin");
  const auto admin = admin_addr_of(*proxy_);
  ASSERT_NE(admin.substr(admin.rfind(':') + 1), "0") << admin;

  auto ready = admin_get(admin, "/ready");
  EXPECT_EQ(ready.status, "503 ");
  EXPECT_EQ(ready.body, "waiting for leaf certificate and CA roots\n");
  auto health = admin_get(admin, "/health");
  EXPECT_EQ(health.status, "200 ");
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(admin_get(admin, "/nothing").status, "404 ");
  EXPECT_EQ(admin_get(admin, "/metrics").status, "200 ");  // before ready too
  const auto post = admin_get(admin, "/ready", "POST");
  EXPECT_EQ(post.status, "405 GET");
  EXPECT_EQ(post.body, "method not allowed\n");

  // The agent returns on the same address: the watches load leaf and roots, the listener
  // starts and /ready turns 200 once the intentions watch has reached the agent too (until then
  // it answers `agent unreachable`). Both flags are set on the control thread before their log
  // lines, and the admin server answers on that same thread, so once both lines are out the
  // next request sees them. The watches retry on their own backoff: either may come first.
  ChildProcess again{{GATEHOUSE_BINARY, "dev-agent", "-http-addr", agent_addr}};
  ASSERT_TRUE(again.wait_for_line("event=listening")) << again.output();
  proxy_line("event=listening listener=public");
  proxy_line("event=intentions ");
  ready = admin_get(admin, "/ready");
  EXPECT_EQ(ready.status, "200 ");
  EXPECT_EQ(ready.body, "ready\n");
  EXPECT_EQ(proxy_->terminate(), 0);
}

TEST_F(ProxyTest, HealthIs503WhileDraining) {
  start_proxy({"-admin-addr", "127.0.0.1:0", "-drain-timeout", "60s"});
  const auto admin = admin_addr_of(*proxy_);
  EXPECT_EQ(admin_get(admin, "/ready").status, "200 ");
  // An open connection keeps the drain going while we ask.
  const auto web = client_context("web");
  TlsClient open{native(web), proxy_port_};
  ASSERT_TRUE(open.handshake()) << open.error();
  ASSERT_TRUE(open.write("hold"));
  EXPECT_EQ(open.read_exactly(4), "hold");
  proxy_->send_signal(SIGTERM);
  proxy_line("event=draining open=1");
  const auto health = admin_get(admin, "/health");
  EXPECT_EQ(health.status, "503 ");
  EXPECT_EQ(health.body, "draining\n");
  EXPECT_EQ(admin_get(admin, "/ready").body, "draining\n");
  open.send_close_notify();
  EXPECT_EQ(open.read_to_end(), "bye\n");
  EXPECT_EQ(proxy_->terminate(), 0);
}

TEST_F(ProxyTest, TellsTheServiceManagerWhenReadyAndWhenDraining) {
  const NotifySocket manager;
  ASSERT_TRUE(manager.bound()) << manager.path();
  proxy_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{GATEHOUSE_BINARY, "proxy", "-service", "db", "-service-addr",
                               echo_addr_, "-listen", "127.0.0.1:0", "-http-addr",
                               agent_.base_url(), "-admin-addr", "127.0.0.1:0"},
      std::map<std::string, std::string>{{"NOTIFY_SOCKET", manager.path()}});
  const auto admin = admin_addr_of(*proxy_);
  EXPECT_EQ(manager.next(), "READY=1") << proxy_->output();
  // READY=1 is sent right after the flag /ready reads is set, on the thread that answers it.
  EXPECT_EQ(admin_get(admin, "/ready").status, "200 ");
  proxy_->send_signal(SIGTERM);
  EXPECT_EQ(manager.next(), "STOPPING=1") << proxy_->output();
  EXPECT_EQ(proxy_->terminate(), 0);
  EXPECT_EQ(proxy_->output().find("event=notify_failed"), std::string::npos) << proxy_->output();
}

TEST_F(ProxyTest, AnAdminAddressInUseFailsTheStart) {
  start_proxy({"-admin-addr", "127.0.0.1:0"}, "event=listening listener=admin");
  const auto taken = admin_addr_of(*proxy_);
  const auto r = run_command({GATEHOUSE_BINARY, "proxy", "-service", "db", "-service-addr",
                              echo_addr_, "-listen", "127.0.0.1:0", "-http-addr", agent_.base_url(),
                              "-admin-addr", taken});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(
      r.out.find("event=start_failed reason=\"bind admin " + taken + ": Address already in use\""),
      std::string::npos)
      << r.out << r.err;
}

}  // namespace
}  // namespace gatehouse::testing
