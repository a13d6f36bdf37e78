// `gatehouse proxy -register`: the dev agent lists `<service>-proxy` with the port actually bound
// and a passing TTL check; the proxy registers again when the agent lost it; SIGTERM removes it.
#include "tests/integration/proxy/proxy_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

TEST_F(ProxyTest, RegistersTheBoundPortWithAPassingCheckAndDeregistersOnSigterm) {
  start_proxy({"-register"});
  const auto registered = proxy_line("event=registered reason=start");
  EXPECT_EQ(field(registered, "id"), "db-proxy");
  EXPECT_EQ(field(registered, "port"), std::to_string(proxy_port_));

  const auto svc = agent_.get("/v1/agent/service/db-proxy");
  ASSERT_EQ(svc.status, 200) << svc.body;
  const auto s = svc.json();
  EXPECT_EQ(s["Kind"], "connect-proxy");
  EXPECT_EQ(s["ID"], "db-proxy");
  EXPECT_EQ(s["Service"], "db-proxy");
  EXPECT_EQ(s["Port"], proxy_port_);  // port 0 in -listen: the real one
  EXPECT_EQ(s["Address"], "127.0.0.1");
  EXPECT_EQ(s["Proxy"]["DestinationServiceName"], "db");

  const auto checks = agent_.get("/v1/agent/checks").json();
  ASSERT_TRUE(checks.contains("db-proxy-ttl")) << checks.dump();
  const auto& check = checks["db-proxy-ttl"];
  EXPECT_EQ(check["Name"], "proxy heartbeat");
  EXPECT_EQ(check["Status"], "passing");
  EXPECT_EQ(check["ServiceID"], "db-proxy");

  // Callers find it: a passing connect instance of db on the bound port.
  const auto connect = agent_.get("/v1/health/connect/db?passing").json();
  ASSERT_EQ(connect.size(), 1U) << connect.dump();
  EXPECT_EQ(connect[0]["Service"]["Port"], proxy_port_);

  EXPECT_EQ(proxy_->terminate(), 0);
  EXPECT_NE(proxy_->output().find("event=deregistered id=db-proxy"), std::string::npos)
      << proxy_->output();
  const auto gone = agent_.get("/v1/agent/service/db-proxy");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body, "unknown service ID: db-proxy");
  EXPECT_EQ(agent_.get("/v1/health/connect/db").json(), json::array());
}

TEST_F(ProxyTest, RegisterIdSuffixesTheServiceId) {
  start_proxy({"-register", "-register-id", "a1"});
  EXPECT_EQ(field(proxy_line("event=registered"), "id"), "db-proxy-a1");
  const auto s = agent_.get("/v1/agent/service/db-proxy-a1").json();
  EXPECT_EQ(s["Service"], "db-proxy");
  EXPECT_TRUE(agent_.get("/v1/agent/checks").json().contains("db-proxy-a1-ttl"));
  EXPECT_EQ(proxy_->terminate(), 0);
  EXPECT_EQ(agent_.get("/v1/agent/service/db-proxy-a1").status, 404);
}

TEST_F(ProxyTest, RegistersAgainAfterTheAgentRestarts) {
  start_proxy({"-register"});
  proxy_line("event=registered");
  const std::string agent_addr = agent_.base_url().substr(std::string{"http://"}.size());
  ASSERT_EQ(agent_.process().terminate(), 0);
  ChildProcess again{{GATEHOUSE_BINARY, "dev-agent", "-http-addr", agent_addr}};
  ASSERT_TRUE(again.wait_for_line("event=listening")) << again.output();
  // The next heartbeat (every 10 s) is refused by the new agent: the proxy registers again.
  ASSERT_TRUE(proxy_->wait_for_line("event=heartbeat_refused", 20s)) << proxy_->output();
  const auto again_line = proxy_->wait_for_line("event=registered reason=missing", 20s);
  ASSERT_TRUE(again_line) << proxy_->output();
  EXPECT_EQ(field(*again_line, "id"), "db-proxy");
  const auto svc =
      run_command({"curl", "-sS", "--fail", "http://" + agent_addr + "/v1/agent/service/db-proxy"});
  ASSERT_EQ(svc.exit_code, 0) << svc.err;
  EXPECT_EQ(json::parse(svc.out)["Port"], proxy_port_);
}

TEST(ProxyRegisterFlags, RegisterWithoutListenIsConsulsError) {
  const auto r = run_command({GATEHOUSE_BINARY, "proxy", "-service", "db", "-register"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "gatehouse proxy: -register may only be specified with -service and -listen\n");
}

}  // namespace
}  // namespace gatehouse::testing
