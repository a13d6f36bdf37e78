// `gatehouse proxy` inbound: real dev agent, echo app and proxy processes on loopback.
#include <unistd.h>

#include <csignal>

#include "tests/integration/proxy/proxy_fixture.hpp"
#include "tools/dev_agent/certificate_authority.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

std::string trust_domain_of(const DevAgentProcess& agent) {
  return agent.get("/v1/agent/connect/ca/roots").json()["TrustDomain"];
}

TEST_F(ProxyTest, AllowedCallerReachesTheAppBothWaysWithHalfClose) {
  start_proxy();
  const auto web = client_context("web");
  TlsClient client{native(web), proxy_port_};
  ASSERT_TRUE(client.handshake()) << client.error();
  ASSERT_TRUE(client.write("ping\n"));
  EXPECT_EQ(client.read_exactly(5), "ping\n");
  client.send_close_notify();  // half-close: the echo app answers "bye" to the EOF
  EXPECT_EQ(client.read_to_end(), "bye\n");
  EXPECT_EQ(client.end(), TlsEnd::clean_close) << client.error();

  const auto line = conn_line(1);
  const std::string td = trust_domain_of(agent_);
  EXPECT_EQ(field(line, "outcome"), "accepted");
  EXPECT_EQ(field(line, "src"), "spiffe://" + td + "/ns/default/dc/dc1/svc/web");
  EXPECT_EQ(field(line, "src_service"), "web");
  EXPECT_EQ(field(line, "dst_service"), "db");
  EXPECT_EQ(field(line, "peer").rfind("127.0.0.1:", 0), 0U) << line;
  EXPECT_EQ(field(line, "serial"),
            agent_.get("/v1/agent/connect/ca/leaf/web").json()["SerialNumber"]);
  // No intention and ACLs off: Consul's default-allow reason, verbatim.
  EXPECT_EQ(field(line, "reason"), "Default behavior configured by ACLs");
  EXPECT_NE(field(line, "authz_ms"), "-1");
  EXPECT_EQ(field(line, "bytes_in"), "5");
  EXPECT_EQ(field(line, "bytes_out"), "9");
  EXPECT_EQ(field(line, "end"), "client_closed");
  EXPECT_TRUE(echo_accepted(1));
}

TEST_F(ProxyTest, DeniedCallerIsClosedCleanlyWithNoByteAndNeverReachesTheApp) {
  put_intention("web", "db", "deny");
  start_proxy();
  const auto web = client_context("web");
  {
    TlsClient denied{native(web), proxy_port_};
    ASSERT_TRUE(denied.handshake()) << denied.error();
    EXPECT_EQ(denied.read_to_end(), "");
    EXPECT_EQ(denied.end(), TlsEnd::clean_close) << denied.error();
  }
  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "denied");
  EXPECT_EQ(field(line, "src_service"), "web");
  EXPECT_EQ(field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)");
  EXPECT_EQ(field(line, "bytes_in"), "0");
  EXPECT_EQ(field(line, "bytes_out"), "0");

  // Another caller is allowed (default allow); the echo app sees it as its FIRST connection,
  // so the denied one never reached it.
  const auto api = client_context("api");
  {
    TlsClient allowed{native(api), proxy_port_};
    ASSERT_TRUE(allowed.handshake()) << allowed.error();
    ASSERT_TRUE(allowed.write("x"));
    EXPECT_EQ(allowed.read_exactly(1), "x");
    allowed.send_close_notify();
    EXPECT_EQ(allowed.read_to_end(), "bye\n");
  }
  EXPECT_TRUE(echo_accepted(1));
  EXPECT_EQ(field(conn_line(2), "outcome"), "accepted");
  EXPECT_EQ(echo_->output().find("count=2"), std::string::npos) << echo_->output();
}

TEST_F(ProxyTest, IntentionFlipFromAllowToDenyAppliesToTheNextConnection) {
  put_intention("web", "db", "allow");
  start_proxy();
  const auto web = client_context("web");
  {
    TlsClient first{native(web), proxy_port_};
    ASSERT_TRUE(first.handshake()) << first.error();
    ASSERT_TRUE(first.write("a"));
    EXPECT_EQ(first.read_exactly(1), "a");
  }
  EXPECT_EQ(field(conn_line(1), "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: ALLOW)");
  put_intention("web", "db", "deny");
  TlsClient second{native(web), proxy_port_};
  ASSERT_TRUE(second.handshake()) << second.error();
  EXPECT_EQ(second.read_to_end(), "");
  const auto line = conn_line(2);
  EXPECT_EQ(field(line, "outcome"), "denied");
  EXPECT_EQ(field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)");
}

TEST_F(ProxyTest, HandshakeFailuresAreLoggedAndTheProxyKeepsServing) {
  start_proxy({"-handshake-timeout", "300ms"});
  // 1. No client certificate.
  {
    SslCtxHolder bare{SSL_CTX_new(TLS_client_method())};
    TlsClient c{bare.get(), proxy_port_};
    c.handshake();  // TLS 1.3: the client may finish before the server refuses
    EXPECT_EQ(c.read_to_end(), "");
  }
  auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "failed");
  EXPECT_NE(field(line, "reason").find("handshake: "), std::string::npos) << line;
  EXPECT_NE(field(line, "reason").find("certificate"), std::string::npos) << line;

  // 2. A certificate from another CA (same service name).
  {
    tools::CaOptions o;
    o.cluster_id = "99999999-8888-7777-6666-555555555555";
    auto other = tools::CertificateAuthority::create(o, std::chrono::system_clock::now());
    ASSERT_TRUE(other);
    auto leaf = other->issue_leaf(tls::SpiffeId::for_service(other->trust_domain(), "dc1", "web"),
                                  std::chrono::hours{1}, std::chrono::system_clock::now(), 77);
    ASSERT_TRUE(leaf);
    const auto roots = agent_.get("/v1/agent/connect/ca/roots").json();
    tls::TrustMaterial trust{{roots["Roots"][0]["RootCert"].get<std::string>()},
                             roots["TrustDomain"]};
    auto ctx =
        tls::TlsContext::build(tls::Role::client, {leaf->cert_pem, leaf->private_key_pem}, trust);
    ASSERT_TRUE(ctx) << ctx.error();
    TlsClient c{native(*ctx), proxy_port_};
    c.handshake();
    EXPECT_EQ(c.read_to_end(), "");
  }
  line = conn_line(2);
  EXPECT_EQ(field(line, "outcome"), "failed");
  EXPECT_NE(field(line, "reason").find("certificate verify failed"), std::string::npos) << line;

  // 3. Plain text to the TLS port.
  {
    const int fd = connect_loopback(proxy_port_);
    ASSERT_GE(fd, 0);
    const std::string req = "GET / HTTP/1.1\r\nHost: db\r\n\r\n";
    ASSERT_EQ(::write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
    const auto answer = read_plain_to_eof(fd);
    ::close(fd);
    EXPECT_EQ(answer.find("HTTP"), std::string::npos) << answer;
  }
  line = conn_line(3);
  EXPECT_EQ(field(line, "outcome"), "failed");
  EXPECT_NE(field(line, "reason").find("handshake: "), std::string::npos) << line;

  // 4. A client that never sends a byte: closed at the handshake deadline.
  {
    const int fd = connect_loopback(proxy_port_);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(read_plain_to_eof(fd), "");  // returns when the proxy closes
    ::close(fd);
  }
  line = conn_line(4);
  EXPECT_EQ(field(line, "outcome"), "failed");
  EXPECT_EQ(field(line, "reason"), "handshake_timeout: no complete TLS handshake within 300 ms");

  // Still serving.
  const auto web = client_context("web");
  TlsClient ok{native(web), proxy_port_};
  ASSERT_TRUE(ok.handshake()) << ok.error();
  ASSERT_TRUE(ok.write("still"));
  EXPECT_EQ(ok.read_exactly(5), "still");
  EXPECT_EQ(echo_->output().find("count=2"), std::string::npos);
  EXPECT_TRUE(echo_accepted(1));
}

TEST_F(ProxyTest, AgentDownDeniesAsUnavailableThenAuthorizesAgainWhenItReturns) {
  start_proxy({"-authz-timeout", "2s"});
  const auto web = client_context("web");
  const std::string agent_addr = agent_.base_url().substr(std::string{"http://"}.size());
  ASSERT_EQ(agent_.process().terminate(), 0);
  {
    TlsClient c{native(web), proxy_port_};
    ASSERT_TRUE(c.handshake()) << c.error();
    EXPECT_EQ(c.read_to_end(), "");
    EXPECT_EQ(c.end(), TlsEnd::clean_close);
  }
  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "denied");
  EXPECT_EQ(field(line, "reason").rfind("authz_unavailable: the agent could not be asked: ", 0), 0U)
      << line;

  // The agent comes back on the same address: a new dev agent, so a new CA whose first answers
  // may carry the same X-Consul-Index as the old agent's. The watches publish the first answer
  // after an error whatever its index, so the sidecar moves to the new CA without any rotation.
  ChildProcess again{{GATEHOUSE_BINARY, "dev-agent", "-http-addr", agent_addr}};
  ASSERT_TRUE(again.wait_for_line("event=listening")) << again.output();
  const std::string base = "http://" + agent_addr;
  const auto new_roots = get_json(base + "/v1/agent/connect/ca/roots");
  const std::string new_td = new_roots["TrustDomain"];
  proxy_line("event=tls_updated serial=" +
             get_json(base + "/v1/agent/connect/ca/leaf/db")["SerialNumber"].get<std::string>() +
             " roots=1 active_root=" + new_roots["ActiveRootID"].get<std::string>());
  const auto new_web = client_context_from(base, "web");
  {
    TlsClient c{native(new_web), proxy_port_};
    ASSERT_TRUE(c.handshake()) << c.error();
    ASSERT_TRUE(c.write("back"));
    EXPECT_EQ(c.read_exactly(4), "back");
    c.send_close_notify();
    EXPECT_EQ(c.read_to_end(), "bye\n");
  }
  const auto back = conn_line(2);
  EXPECT_EQ(field(back, "outcome"), "accepted");
  EXPECT_EQ(field(back, "src"), "spiffe://" + new_td + "/ns/default/dc/dc1/svc/web");
}

TEST_F(ProxyTest, CaRotationKeepsOpenConnectionsAndNewOnesUseTheNewLeaf) {
  start_proxy();
  const auto first_serial = field(proxy_line("event=tls_updated"), "serial");
  const auto old_web = client_context("web");
  TlsClient streaming{native(old_web), proxy_port_};
  ASSERT_TRUE(streaming.handshake()) << streaming.error();
  ASSERT_TRUE(streaming.write("before"));
  EXPECT_EQ(streaming.read_exactly(6), "before");

  ASSERT_NO_FATAL_FAILURE(rotate_ca());
  const std::string new_serial = agent_.get("/v1/agent/connect/ca/leaf/db").json()["SerialNumber"];
  ASSERT_NE(new_serial, first_serial);
  // Leaf and roots are watched separately: wait for the context built from both new answers.
  const auto updated = proxy_line("event=tls_updated serial=" + new_serial + " roots=2");
  EXPECT_EQ(field(updated, "active_root"),
            agent_.get("/v1/agent/connect/ca/roots").json()["ActiveRootID"]);

  ASSERT_TRUE(streaming.write("after"));  // the open connection keeps streaming
  EXPECT_EQ(streaming.read_exactly(5), "after");

  const auto new_web = client_context("web");
  {
    TlsClient fresh{native(new_web), proxy_port_};
    ASSERT_TRUE(fresh.handshake()) << fresh.error();
    ASSERT_TRUE(fresh.write("new"));
    EXPECT_EQ(fresh.read_exactly(3), "new");
    fresh.send_close_notify();
    EXPECT_EQ(fresh.read_to_end(), "bye\n");
  }
  EXPECT_EQ(field(conn_line(2), "serial"),
            agent_.get("/v1/agent/connect/ca/leaf/web").json()["SerialNumber"]);
}

TEST_F(ProxyTest, SigtermDrainsAndExitsZero) {
  start_proxy({"-drain-timeout", "5s"});
  const auto web = client_context("web");
  TlsClient open{native(web), proxy_port_};
  ASSERT_TRUE(open.handshake()) << open.error();
  ASSERT_TRUE(open.write("x"));
  EXPECT_EQ(open.read_exactly(1), "x");
  proxy_->send_signal(SIGTERM);
  const auto draining = proxy_line("event=draining");
  EXPECT_EQ(field(draining, "open"), "1");
  open.send_close_notify();  // the connection finishes within the drain window
  EXPECT_EQ(open.read_to_end(), "bye\n");
  EXPECT_EQ(proxy_->terminate(), 0) << proxy_->output();
  EXPECT_EQ(field(conn_line(1), "outcome"), "accepted");
  EXPECT_NE(proxy_->output().find("event=stopped"), std::string::npos);
}

TEST_F(ProxyTest, DrainTimeoutCancelsWhatIsStillOpenAndExitsZero) {
  start_proxy({"-drain-timeout", "200ms"});
  const auto web = client_context("web");
  TlsClient open{native(web), proxy_port_};
  ASSERT_TRUE(open.handshake()) << open.error();
  ASSERT_TRUE(open.write("x"));
  EXPECT_EQ(open.read_exactly(1), "x");
  proxy_->send_signal(SIGTERM);
  EXPECT_EQ(field(proxy_line("event=drain_timeout"), "cancelled"), "1");
  EXPECT_EQ(open.read_to_end(), "");  // the proxy ends the stream with close_notify
  EXPECT_EQ(open.end(), TlsEnd::clean_close) << open.error();
  EXPECT_EQ(proxy_->terminate(), 0) << proxy_->output();
  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "accepted");
  EXPECT_EQ(field(line, "end"), "cancelled");
}

TEST_F(ProxyTest, JsonLogsCarryTheSameFields) {
  start_proxy({"-log-json"}, "\"listener\":\"public\"");
  const auto web = client_context("web");
  {
    TlsClient c{native(web), proxy_port_};
    ASSERT_TRUE(c.handshake()) << c.error();
    c.send_close_notify();
    EXPECT_EQ(c.read_to_end(), "bye\n");
  }
  const auto line = proxy_line("\"event\":\"conn\"");
  const auto j = json::parse(line);
  EXPECT_EQ(j["outcome"], "accepted");
  EXPECT_EQ(j["src_service"], "web");
  EXPECT_EQ(j["dst_service"], "db");
  EXPECT_EQ(j["reason"], "Default behavior configured by ACLs");
  EXPECT_EQ(j["bytes_in"], 0);
  EXPECT_EQ(j["bytes_out"], 4);
  EXPECT_TRUE(j.contains("authz_ms"));
  EXPECT_TRUE(j.contains("dur_ms"));
  EXPECT_TRUE(j.contains("serial"));
}

TEST(EchoApp, HttpModeAnswersWithTheServiceName) {
  ChildProcess echo{{GATEHOUSE_BINARY, "echo", "-http", "-name", "db", "-listen", "127.0.0.1:0"}};
  const auto line = echo.wait_for_line("event=listening component=echo");
  ASSERT_TRUE(line) << echo.output();
  const auto r = run_command({"curl", "-sS", "-i", "http://" + field(*line, "addr") + "/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << r.out;
  EXPECT_NE(r.out.find("\r\n\r\nhello from db\n"), std::string::npos) << r.out;
  EXPECT_TRUE(echo.wait_for_line("event=accept component=echo count=1"));
}

TEST(ProxyCli, ListenWithoutServiceAddrIsRefusedWithConsulsMessage) {
  const auto r = run_command({GATEHOUSE_BINARY, "proxy", "-service", "db", "-listen", ":0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "gatehouse proxy: -service-addr must be specified with -listen so the proxy knows the "
            "backend service address.\n");
}

}  // namespace
}  // namespace gatehouse::testing
