// Interop with TLS peers we did not write: `openssl s_client` and HAProxy present the `web` leaf
// (written to files from the dev agent's leaf and roots JSON) to db's public listener, and are
// served or refused as the intentions say. The app behind db answers HTTP/1.0 and closes, so
// every exchange ends on its own (no timing involved).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

#include "tests/integration/proxy/proxy_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

constexpr std::string_view kRequest = "GET / HTTP/1.0\r\n\r\n";

// The web service's certificate material as PEM files for command-line peers.
struct PemFiles {
  explicit PemFiles(const DevAgentProcess& agent, const std::string& service) {
    const auto leaf = agent.get("/v1/agent/connect/ca/leaf/" + service).json();
    const auto roots = agent.get("/v1/agent/connect/ca/roots").json();
    std::string ca;
    for (const auto& r : roots["Roots"]) ca += r["RootCert"].get<std::string>();
    const std::string cert_pem = leaf["CertPEM"];
    const std::string key_pem = leaf["PrivateKeyPEM"];
    cert = std::make_unique<TempFile>(cert_pem);
    key = std::make_unique<TempFile>(key_pem);
    combined = std::make_unique<TempFile>(cert_pem + key_pem);  // HAProxy's `crt` form
    roots_file = std::make_unique<TempFile>(ca);
  }
  std::unique_ptr<TempFile> cert, key, combined, roots_file;
};

class InteropTest : public ProxyTest {
 protected:
  // db's sidecar in front of an HTTP app that answers "hello from db" and closes.
  void start_db_sidecar() {
    http_app_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        GATEHOUSE_BINARY, "echo", "-http", "-name", "db", "-listen", "127.0.0.1:0"});
    const auto line = http_app_->wait_for_line("event=listening");
    ASSERT_TRUE(line) << http_app_->output();
    start_proxy_args({"-service", "db", "-service-addr", field(*line, "addr"), "-listen",
                      "127.0.0.1:0", "-http-addr", agent_.base_url(), "-workers", "1"});
  }

  CommandResult s_client(const PemFiles& web) const {
    return run_command(
        {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(proxy_port_), "-cert",
         web.cert->path(), "-key", web.key->path(), "-CAfile", web.roots_file->path(),
         "-verify_return_error", "-quiet"},
        std::string{kRequest});
  }

  std::unique_ptr<ChildProcess> http_app_;
};

TEST_F(InteropTest, OpensslClientWithTheWebLeafIsServedWhenAllowed) {
  put_intention("web", "db", "allow");
  start_db_sidecar();
  const PemFiles web{agent_, "web"};
  const auto r = s_client(web);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("HTTP/1.0 200 OK"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("hello from db\n"), std::string::npos) << r.out;
  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "accepted");
  EXPECT_EQ(field(line, "src_service"), "web");
  EXPECT_EQ(field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: ALLOW)");
}

TEST_F(InteropTest, OpensslClientWithTheWebLeafIsRefusedWhenDenied) {
  put_intention("web", "db", "deny");
  start_db_sidecar();
  const PemFiles web{agent_, "web"};
  const auto r = s_client(web);
  EXPECT_EQ(r.out.find("HTTP/1.0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("hello"), std::string::npos) << r.out;
  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "denied");
  EXPECT_EQ(field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)");
  EXPECT_EQ(http_app_->output().find("event=accept"), std::string::npos) << http_app_->output();
}

// A listening socket on 127.0.0.1:0 that a child inherits (no CLOEXEC): HAProxy takes it with
// `bind fd@N`, so connections queue in its backlog until HAProxy accepts, with no wait for a
// startup line HAProxy does not print.
class InheritedListener {
 public:
  InheritedListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    auto* sa = static_cast<sockaddr*>(static_cast<void*>(&addr));
    if (fd_ < 0 || ::bind(fd_, sa, len) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, sa, &len) != 0) {
      throw std::runtime_error("inherited listener failed");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~InheritedListener() { close(); }
  InheritedListener(const InheritedListener&) = delete;
  InheritedListener& operator=(const InheritedListener&) = delete;
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd() const { return fd_; }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

class HaproxyTest : public InteropTest {
 protected:
  void SetUp() override {
    if (run_command({"sh", "-c", "command -v haproxy"}).exit_code != 0) {
      GTEST_SKIP() << "haproxy is not installed (scripts/install-deps installs it)";
    }
  }

  // HAProxy in the foreground, a TLS client of db's listener with the web leaf; returns the
  // plain port to connect to.
  std::uint16_t start_haproxy(const PemFiles& web) {
    InheritedListener front;
    config_ = std::make_unique<TempFile>(
        "global\n"
        "  maxconn 64\n"
        "defaults\n"
        "  mode tcp\n"
        "  timeout connect 5s\n"
        "  timeout client 30s\n"
        "  timeout server 30s\n"
        "listen web_to_db\n"
        "  bind fd@" +
        std::to_string(front.fd()) +
        "\n"
        "  server db 127.0.0.1:" +
        std::to_string(proxy_port_) + " ssl crt " + web.combined->path() + " ca-file " +
        web.roots_file->path() + " verify required\n");
    haproxy_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"haproxy", "-db", "-f", config_->path()});
    front.close();  // HAProxy holds the only copy now
    return front.port();
  }

  static std::string http_through(std::uint16_t port) {
    const int fd = connect_loopback(port);
    if (fd < 0) return "connect failed";
    if (::send(fd, kRequest.data(), kRequest.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(kRequest.size())) {
      ::close(fd);
      return "send failed";
    }
    auto answer = read_plain_to_eof(fd);
    ::close(fd);
    return answer;
  }

  std::unique_ptr<TempFile> config_;
  std::unique_ptr<ChildProcess> haproxy_;
};

TEST_F(HaproxyTest, HaproxyWithTheWebLeafIsAClientOfDb) {
  put_intention("web", "db", "allow");
  start_db_sidecar();
  const PemFiles web{agent_, "web"};
  const auto port = start_haproxy(web);
  const auto answer = http_through(port);
  EXPECT_NE(answer.find("HTTP/1.0 200 OK"), std::string::npos) << answer << "\nhaproxy:\n"
                                                               << haproxy_->output() << "\nproxy:\n"
                                                               << proxy_->output();
  EXPECT_NE(answer.find("hello from db\n"), std::string::npos) << answer;
  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "accepted");
  EXPECT_EQ(field(line, "src_service"), "web");
  EXPECT_EQ(field(line, "dst_service"), "db");
}

TEST_F(HaproxyTest, HaproxyIsRefusedWhenTheIntentionDenies) {
  put_intention("web", "db", "deny");
  start_db_sidecar();
  const PemFiles web{agent_, "web"};
  const auto port = start_haproxy(web);
  EXPECT_EQ(http_through(port), "");
  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "denied");
  EXPECT_EQ(field(line, "src_service"), "web");
  EXPECT_EQ(http_app_->output().find("event=accept"), std::string::npos) << http_app_->output();
}

}  // namespace
}  // namespace gatehouse::testing
