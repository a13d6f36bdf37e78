// `gatehouse proxy` outbound: a web sidecar's upstream listener, db sidecars in front of echo
// apps, all registered in a real dev agent; and -sidecar-for reading the registration.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

#include "tests/integration/proxy/proxy_fixture.hpp"
#include "tests/integration/support/loopback_port.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// One request through a plain local listener: send, half-close, read to EOF.
std::string exchange(std::uint16_t port, const std::string& request) {
  const int fd = connect_loopback(port);
  if (fd < 0) return "<connect failed>";
  if (!request.empty() && ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
                              static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return "<send failed>";
  }
  ::shutdown(fd, SHUT_WR);
  auto answer = read_plain_to_eof(fd);
  ::close(fd);
  return answer;
}

struct Instance {
  std::unique_ptr<ChildProcess> app;
  std::unique_ptr<ChildProcess> sidecar;
  std::uint16_t port = 0;  // the sidecar's public port
};

class OutboundTest : public ProxyTest {
 protected:
  // An echo app (plain, or HTTP named `http_name`) behind a `service` sidecar, registered as a
  // connect-proxy for `service` under `id`.
  Instance start_instance(const std::string& service, const std::string& id,
                          const std::string& http_name = {}) {
    Instance i;
    std::vector<std::string> app_argv{GATEHOUSE_BINARY, "echo", "-listen", "127.0.0.1:0"};
    if (!http_name.empty()) app_argv.insert(app_argv.end(), {"-http", "-name", http_name});
    i.app = std::make_unique<ChildProcess>(app_argv);
    const auto app_line = i.app->wait_for_line("event=listening");
    EXPECT_TRUE(app_line) << i.app->output();
    i.sidecar = std::make_unique<ChildProcess>(
        std::vector<std::string>{GATEHOUSE_BINARY, "proxy", "-service", service, "-service-addr",
                                 field(app_line.value_or(""), "addr"), "-listen", "127.0.0.1:0",
                                 "-http-addr", agent_.base_url(), "-workers", "1"});
    const auto line = i.sidecar->wait_for_line("event=listening listener=public", 20s);
    EXPECT_TRUE(line) << i.sidecar->output();
    i.port = port_of(field(line.value_or(":0"), "addr"));
    const auto r = agent_.put("/v1/agent/service/register",
                              json{{"Kind", "connect-proxy"},
                                   {"ID", id},
                                   {"Name", service + "-sidecar-proxy"},
                                   {"Address", "127.0.0.1"},
                                   {"Port", i.port},
                                   {"Proxy", {{"DestinationServiceName", service}}}}
                                  .dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return i;
  }

  // `gatehouse proxy -service web -upstream db:0` (no public listener); returns its port.
  std::uint16_t start_web_client(std::size_t expected_instances) {
    web_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{GATEHOUSE_BINARY, "proxy", "-service", "web", "-upstream", "db:0",
                                 "-http-addr", agent_.base_url(), "-workers", "2"});
    const auto line = web_->wait_for_line("event=listening listener=upstream upstream=db", 20s);
    EXPECT_TRUE(line) << web_->output();
    EXPECT_TRUE(web_->wait_for_line(
        "event=upstream_instances upstream=db count=" + std::to_string(expected_instances), 20s))
        << web_->output();
    EXPECT_TRUE(web_->wait_for_line("event=tls_updated", 20s)) << web_->output();
    return port_of(field(line.value_or(":0"), "addr"));
  }

  // The web sidecar's outbound summary line for its connection `id`.
  std::string web_conn(int id) {
    const auto line = web_->wait_for_line(" conn=" + std::to_string(id), 20s);
    EXPECT_TRUE(line) << web_->output();
    return line.value_or("");
  }

  std::unique_ptr<ChildProcess> web_;
};

TEST_F(OutboundTest, RoundRobinOverTwoInstancesAndRetryWhenOneIsGone) {
  auto db1 = start_instance("db", "db-sidecar-1");
  auto db2 = start_instance("db", "db-sidecar-2");
  const auto port = start_web_client(2);

  for (int i = 0; i < 4; ++i) EXPECT_EQ(exchange(port, "ping\n"), "ping\nbye\n") << i;
  // Round robin: two connections each (counted by the apps, not by timing).
  EXPECT_TRUE(db1.app->wait_for_line("event=accept component=echo count=2", 20s))
      << db1.app->output();
  EXPECT_TRUE(db2.app->wait_for_line("event=accept component=echo count=2", 20s))
      << db2.app->output();

  const auto first = web_conn(1);
  const std::string td = agent_.get("/v1/agent/connect/ca/roots").json()["TrustDomain"];
  EXPECT_EQ(field(first, "direction"), "outbound");
  EXPECT_EQ(field(first, "outcome"), "accepted");
  EXPECT_EQ(field(first, "upstream"), "db");
  EXPECT_EQ(field(first, "dst"), "spiffe://" + td + "/ns/default/dc/dc1/svc/db");
  EXPECT_EQ(field(first, "dst_service"), "db");
  EXPECT_EQ(field(first, "src_service"), "web");
  EXPECT_EQ(field(first, "attempts"), "1");
  EXPECT_EQ(field(first, "bytes_out"), "5");
  EXPECT_EQ(field(first, "bytes_in"), "9");
  EXPECT_EQ(field(first, "peer").rfind("127.0.0.1:", 0), 0U) << first;
  const auto instance = field(first, "instance");
  EXPECT_TRUE(instance == "127.0.0.1:" + std::to_string(db1.port) ||
              instance == "127.0.0.1:" + std::to_string(db2.port))
      << first;

  // db1's sidecar stops; its registration stays (no check): dials to it are refused and the
  // connection is retried on db2.
  EXPECT_EQ(db1.sidecar->terminate(), 0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(exchange(port, "ping\n"), "ping\nbye\n") << i;
  EXPECT_TRUE(db2.app->wait_for_line("event=accept component=echo count=6", 20s))
      << db2.app->output();
  for (int id = 5; id <= 8; ++id) EXPECT_EQ(field(web_conn(id), "outcome"), "accepted");
  const auto out = web_->output();
  EXPECT_EQ(count_of(out, "attempts=2 reason=\"connect 127.0.0.1:" + std::to_string(db1.port)), 2U)
      << out;

  // Deregistered: the watch drops it and the retries stop.
  ASSERT_EQ(agent_.put("/v1/agent/service/deregister/db-sidecar-1", "").status, 200);
  ASSERT_TRUE(web_->wait_for_line("event=upstream_instances upstream=db count=1", 20s))
      << web_->output();
  EXPECT_EQ(exchange(port, "ping\n"), "ping\nbye\n");
  EXPECT_EQ(field(web_conn(9), "attempts"), "1");
}

TEST_F(OutboundTest, CurlThroughTheUpstreamReachesAnHttpAppBehindDb) {
  auto db = start_instance("db", "db-sidecar-1", "db");
  const auto port = start_web_client(1);
  const auto r = run_command(
      {"curl", "-sS", "--max-time", "20", "http://127.0.0.1:" + std::to_string(port) + "/hello"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "hello from db\n");
  const auto line = web_conn(1);
  EXPECT_EQ(field(line, "outcome"), "accepted");
  EXPECT_NE(field(line, "bytes_in"), "0");
  const auto inbound = db.sidecar->wait_for_line("event=conn outcome=accepted", 20s);
  ASSERT_TRUE(inbound) << db.sidecar->output();
  EXPECT_EQ(field(*inbound, "src_service"), "web");
}

TEST_F(OutboundTest, DeniedThroughTheUpstreamIsEofWithZeroBytes) {
  put_intention("web", "db", "deny");
  auto db = start_instance("db", "db-sidecar-1");
  const auto port = start_web_client(1);
  EXPECT_EQ(exchange(port, "ping\n"), "");
  const auto denied = db.sidecar->wait_for_line("event=conn outcome=denied", 20s);
  ASSERT_TRUE(denied) << db.sidecar->output();
  EXPECT_EQ(field(*denied, "src_service"), "web");
  EXPECT_EQ(field(*denied, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)");
  EXPECT_EQ(field(web_conn(1), "bytes_in"), "0");
  EXPECT_EQ(count_of(db.app->output(), "event=accept"), 0U);
}

TEST_F(OutboundTest, SidecarsResumeTlsSessionsButAuthorizeEveryConnectionAndNotAcrossRotation) {
  put_intention("web", "db", "allow");
  auto db = start_instance("db", "db-sidecar-1");
  const auto port = start_web_client(1);
  const auto db_conn = [&db](int id) {
    const auto line = db.sidecar->wait_for_line(" conn=" + std::to_string(id), 20s);
    EXPECT_TRUE(line) << db.sidecar->output();
    return line.value_or("");
  };

  EXPECT_EQ(exchange(port, "ping\n"), "ping\nbye\n");
  const auto first = db_conn(1);
  EXPECT_EQ(field(first, "outcome"), "accepted");
  EXPECT_EQ(field(first, "tls_resumed"), "false");
  EXPECT_NE(field(first, "authz_ms"), "-1");
  EXPECT_EQ(field(web_conn(1), "tls_resumed"), "false");

  EXPECT_EQ(exchange(port, "ping\n"), "ping\nbye\n");
  const auto second = db_conn(2);
  EXPECT_EQ(field(second, "outcome"), "accepted");
  EXPECT_EQ(field(second, "tls_resumed"), "true");
  EXPECT_NE(field(second, "authz_ms"), "-1");
  EXPECT_EQ(field(second, "src"), field(first, "src"));  // from the session's peer certificate
  EXPECT_EQ(field(second, "serial"), field(first, "serial"));
  EXPECT_EQ(field(web_conn(2), "tls_resumed"), "true");

  // Authorization is per connection: a resumed session does not carry the old verdict.
  put_intention("web", "db", "deny");
  EXPECT_EQ(exchange(port, "ping\n"), "");
  const auto third = db_conn(3);
  EXPECT_EQ(field(third, "outcome"), "denied");
  EXPECT_EQ(field(third, "tls_resumed"), "true");
  EXPECT_NE(field(third, "authz_ms"), "-1");

  // Roots rotation: both sidecars build new contexts; nothing from before resumes.
  put_intention("web", "db", "allow");
  ASSERT_NO_FATAL_FAILURE(rotate_ca());
  const std::string db_serial = agent_.get("/v1/agent/connect/ca/leaf/db").json()["SerialNumber"];
  const std::string web_serial = agent_.get("/v1/agent/connect/ca/leaf/web").json()["SerialNumber"];
  EXPECT_TRUE(db.sidecar->wait_for_line("event=tls_updated serial=" + db_serial + " roots=2", 20s))
      << db.sidecar->output();
  EXPECT_TRUE(web_->wait_for_line("event=tls_updated serial=" + web_serial + " roots=2", 20s))
      << web_->output();
  EXPECT_EQ(exchange(port, "ping\n"), "ping\nbye\n");
  const auto fourth = db_conn(4);
  EXPECT_EQ(field(fourth, "outcome"), "accepted");
  EXPECT_EQ(field(fourth, "tls_resumed"), "false");
  EXPECT_EQ(field(fourth, "serial"), web_serial);
  EXPECT_EQ(field(web_conn(4), "tls_resumed"), "false");
}

TEST_F(OutboundTest, NoInstanceClosesTheLocalConnection) {
  const auto port = start_web_client(0);
  EXPECT_EQ(exchange(port, "ping\n"), "");
  const auto line = web_conn(1);
  EXPECT_EQ(field(line, "outcome"), "failed");
  EXPECT_EQ(field(line, "reason"), "no healthy instances found");
  EXPECT_EQ(field(line, "attempts"), "0");
}

TEST_F(OutboundTest, SidecarForReadsTheRegistrationAndAppliesChanges) {
  auto db = start_instance("db", "db-sidecar-1");
  const auto web_port = unused_loopback_port();
  const auto app_port = port_of(echo_addr_);
  const auto register_web = [&](const json& upstreams) {
    const auto r = agent_.put(
        "/v1/agent/service/register",
        json{{"ID", "web"},
             {"Name", "web"},
             {"Port", app_port},
             {"Connect",
              {{"SidecarService", {{"Port", web_port}, {"Proxy", {{"Upstreams", upstreams}}}}}}}}
            .dump());
    ASSERT_EQ(r.status, 200) << r.body;
  };
  register_web(json::array({{{"DestinationName", "db"}, {"LocalBindPort", 0}}}));

  web_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{GATEHOUSE_BINARY, "proxy", "-sidecar-for", "web", "-http-addr",
                               agent_.base_url(), "-workers", "1"});
  const auto pub = web_->wait_for_line("event=listening listener=public", 20s);
  ASSERT_TRUE(pub) << web_->output();
  EXPECT_EQ(field(*pub, "addr"), "0.0.0.0:" + std::to_string(web_port));
  EXPECT_EQ(field(*pub, "service"), "web");
  const auto up = web_->wait_for_line("event=listening listener=upstream upstream=db", 20s);
  ASSERT_TRUE(up) << web_->output();
  ASSERT_TRUE(web_->wait_for_line("event=upstream_instances upstream=db count=1", 20s));
  EXPECT_EQ(exchange(port_of(field(*up, "addr")), "ping\n"), "ping\nbye\n");

  // The public listener serves web's app too.
  {
    const auto caller = client_context("db");
    TlsClient client{native(caller), web_port};
    ASSERT_TRUE(client.handshake()) << client.error();
    ASSERT_TRUE(client.write("hi\n"));
    EXPECT_EQ(client.read_exactly(3), "hi\n");
  }

  // A new upstream: its listener starts; the public and db listeners stay as they are.
  register_web(json::array({{{"DestinationName", "db"}, {"LocalBindPort", 0}},
                            {{"DestinationName", "cache"}, {"LocalBindPort", 0}}}));
  ASSERT_TRUE(web_->wait_for_line("event=listening listener=upstream upstream=cache", 20s))
      << web_->output();
  const auto out = web_->output();
  EXPECT_EQ(count_of(out, "event=listening listener=public"), 1U) << out;
  EXPECT_EQ(count_of(out, "event=listening listener=upstream upstream=db"), 1U) << out;
  EXPECT_EQ(count_of(out, "event=listener_stopped"), 0U) << out;
  EXPECT_EQ(exchange(port_of(field(*up, "addr")), "ping\n"), "ping\nbye\n");

  EXPECT_EQ(web_->terminate(), 0) << web_->output();
  EXPECT_NE(web_->output().find("event=stopped"), std::string::npos);
}

TEST_F(OutboundTest, SidecarForWithoutRegistrationFailsWithConsulsText) {
  const auto r = run_command(
      {GATEHOUSE_BINARY, "proxy", "-sidecar-for", "nothing", "-http-addr", agent_.base_url()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE((r.out + r.err).find("No sidecar proxy registered for nothing"), std::string::npos)
      << r.out << r.err;
}

}  // namespace
}  // namespace gatehouse::testing
