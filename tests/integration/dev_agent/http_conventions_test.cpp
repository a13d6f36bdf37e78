// Conventions shared by every endpoint (agent/http.go): headers, plain-text errors, 404/405,
// blocking parameters, ACL tokens, and a clean stop on SIGTERM.
#include <gtest/gtest.h>

#include <future>

#include "tests/integration/support/dev_agent_fixture.hpp"
#include "tests/integration/support/raw_http.hpp"

namespace gatehouse::testing {
namespace {

TEST_F(DevAgentTest, StatusLeaderCarriesGlobalHeaders) {
  const auto r = agent_.get("/v1/status/leader");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "\"127.0.0.1:8300\"");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("X-Consul-Default-ACL-Policy"), "allow");
}

TEST_F(DevAgentTest, AgentSelfNamesDatacenterAndNode) {
  const auto r = agent_.get("/v1/agent/self");
  ASSERT_EQ(r.status, 200);
  const auto j = r.json();
  EXPECT_EQ(j["Config"]["Datacenter"], "dc1");
  EXPECT_FALSE(j["Config"]["NodeName"].get<std::string>().empty());
  EXPECT_EQ(j["Config"]["NodeID"].get<std::string>().size(), 36U);
  EXPECT_EQ(j["Member"]["Tags"]["dc"], "dc1");
}

TEST_F(DevAgentTest, UnknownPathIs404) {
  const auto r = agent_.get("/v1/no/such/endpoint");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("X-Consul-Default-ACL-Policy"), "allow");
}

TEST_F(DevAgentTest, WrongMethodIs405WithAllow) {
  const auto r = agent_.get("/v1/agent/connect/authorize");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "OPTIONS,POST");
  EXPECT_EQ(r.body, "method GET not allowed");

  const auto exact = agent_.post("/v1/connect/intentions/exact?source=a&destination=b", "{}");
  EXPECT_EQ(exact.status, 405);
  EXPECT_EQ(exact.header("Allow"), "OPTIONS,GET,PUT,DELETE");
  EXPECT_EQ(exact.body, "method POST not allowed");

  // The longest pattern wins: register is its own route, not a service ID.
  const auto reg = agent_.get("/v1/agent/service/register");
  EXPECT_EQ(reg.status, 405);
  EXPECT_EQ(reg.header("Allow"), "OPTIONS,PUT");
}

// Found by fuzz/dev_agent_request: the answer to HEAD carried a body, so on a keep-alive
// connection the next response began with the previous one's body bytes. Go writes the headers
// (Content-Length of the body it would have sent) and no body.
TEST_F(DevAgentTest, HeadAnswerHasNoBodyAndTheNextAnswerFollowsDirectly) {
  const auto r = raw_http_exchange(agent_.base_url(),
                                   "HEAD /v1/agent/self HTTP/1.1\r\nHost: a\r\n\r\n"
                                   "GET /v1/status/leader HTTP/1.1\r\nHost: a\r\n"
                                   "Connection: close\r\n\r\n");
  ASSERT_TRUE(r.closed_by_peer) << r.response;
  const auto first_end = r.response.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos) << r.response;
  EXPECT_TRUE(r.response.starts_with("HTTP/1.1 405 Method Not Allowed\r\n")) << r.response;
  EXPECT_NE(r.response.find("Content-Length: 23\r\n"), std::string::npos) << r.response;
  const std::string rest = r.response.substr(first_end + 4);
  EXPECT_TRUE(rest.starts_with("HTTP/1.1 200 OK\r\n")) << rest;
  EXPECT_TRUE(rest.ends_with("\r\n\r\n\"127.0.0.1:8300\"")) << rest;
}

TEST_F(DevAgentTest, OptionsAnswersAllow) {
  const auto r = agent_.request("OPTIONS", "/v1/connect/intentions");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Allow"), "OPTIONS,GET,POST");
}

TEST_F(DevAgentTest, BadWaitAndIndexAre400) {
  auto r = agent_.get("/v1/connect/ca/roots?wait=soon");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Invalid wait time");
  r = agent_.get("/v1/connect/ca/roots?index=-3");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Invalid index");
  r = agent_.get("/v1/health/connect/web?index=x");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Invalid index");
}

TEST_F(DevAgentTest, BlockingQueryTimesOutWithSameIndex) {
  const auto first = agent_.get("/v1/connect/intentions");
  ASSERT_EQ(first.status, 200);
  const auto index = first.header("X-Consul-Index");
  ASSERT_FALSE(index.empty());
  EXPECT_NE(index, "0");
  EXPECT_EQ(first.header("X-Consul-KnownLeader"), "true");
  EXPECT_EQ(first.header("X-Consul-LastContact"), "0");
  const auto again = agent_.get("/v1/connect/intentions?index=" + index + "&wait=1s");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.header("X-Consul-Index"), index);
  EXPECT_EQ(again.body, first.body);
}

TEST_F(DevAgentTest, BlockingQueryWakesOnChange) {
  const auto first = agent_.get("/v1/connect/intentions/match?by=destination&name=db");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.json(), nlohmann::json::parse(R"({"db":[]})"));
  const auto index = std::stoull(first.header("X-Consul-Index"));
  // The watcher blocks (up to a minute) until the write below lands; whether it starts before or
  // after the write, it must come back with the new intention and a higher index.
  auto watcher = std::async(std::launch::async, [&] {
    return agent_.get("/v1/connect/intentions/match?by=destination&name=db&index=" +
                      std::to_string(index) + "&wait=60s");
  });
  ASSERT_EQ(
      agent_.put("/v1/connect/intentions/exact?source=web&destination=db", R"({"Action":"allow"})")
          .body,
      "true");
  const auto woken = watcher.get();
  ASSERT_EQ(woken.status, 200);
  EXPECT_GT(std::stoull(woken.header("X-Consul-Index")), index);
  const auto j = woken.json();
  ASSERT_EQ(j["db"].size(), 1U);
  EXPECT_EQ(j["db"][0]["SourceName"], "web");
}

TEST_F(DevAgentTest, SigtermExitsCleanly) {
  EXPECT_EQ(agent_.process().terminate(), 0) << agent_.process().output();
}

TEST_F(DevAgentTest, SigtermReleasesBlockedQueries) {
  const auto index = agent_.get("/v1/connect/intentions").header("X-Consul-Index");
  // A client blocked for up to ten minutes must not hold the agent up.
  auto blocked = std::async(std::launch::async, [&] {
    return run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        agent_.base_url() + "/v1/connect/intentions?index=" + index + "&wait=10m"});
  });
  EXPECT_EQ(agent_.process().terminate(), 0) << agent_.process().output();
  const auto r = blocked.get();
  // Either the answer made it out before the socket closed (200) or the connection was closed.
  EXPECT_TRUE(r.out == "200" || r.out == "000") << r.out;
}

TEST(DevAgentCli, BadFlagFails) {
  const auto r = run_command({GATEHOUSE_BINARY, "dev-agent", "-acl-default-policy", "maybe"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("-acl-default-policy must be allow or deny"), std::string::npos) << r.err;
}

TEST(DevAgentCli, DatacenterFlagShowsInSelf) {
  DevAgentProcess agent{{"-datacenter", "east", "-node", "n1"}};
  const auto j = agent.get("/v1/agent/self").json();
  EXPECT_EQ(j["Config"]["Datacenter"], "east");
  EXPECT_EQ(j["Config"]["NodeName"], "n1");
}

TEST(DevAgentCli, LogJsonWritesOneJsonLinePerRequest) {
  DevAgentProcess agent{{"-log-json", "-log-level", "debug"}};
  ASSERT_EQ(agent.get("/v1/status/leader?token=hidden").status, 200);
  const auto line = agent.process().wait_for_line("event=request");
  ASSERT_TRUE(line) << agent.process().output();
  const auto j = nlohmann::json::parse(*line);
  EXPECT_EQ(j["@level"], "debug");
  const auto message = j["@message"].get<std::string>();
  EXPECT_NE(message.find("method=GET path=/v1/status/leader status=200"), std::string::npos)
      << message;
  EXPECT_EQ(agent.process().output().find("hidden"), std::string::npos);  // tokens never logged
}

class DevAgentAclTest : public ::testing::Test {
 protected:
  DevAgentProcess agent_{{"-acl-token", "s3cret", "-acl-default-policy", "deny"}};
};

TEST_F(DevAgentAclTest, RequestWithoutTokenGetsAnonymousDenial) {
  const auto r = agent_.get("/v1/agent/connect/ca/leaf/db");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body,
            "Permission denied: anonymous token lacks permission 'service:write' on \"db\". The "
            "anonymous token is used implicitly when a request does not specify a token.");
  EXPECT_EQ(r.header("X-Consul-Default-ACL-Policy"), "deny");
}

TEST_F(DevAgentAclTest, UnknownTokenIsAclNotFound) {
  const auto r = agent_.request("GET", "/v1/agent/connect/ca/leaf/db", std::nullopt,
                                {"-H", "X-Consul-Token: wrong"});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "ACL not found");
}

TEST_F(DevAgentAclTest, TokenAcceptedInEveryPlace) {
  EXPECT_EQ(agent_.get("/v1/agent/connect/ca/leaf/db?token=s3cret").status, 200);
  EXPECT_EQ(agent_
                .request("GET", "/v1/agent/connect/ca/leaf/db", std::nullopt,
                         {"-H", "X-Consul-Token: s3cret"})
                .status,
            200);
  EXPECT_EQ(agent_
                .request("GET", "/v1/agent/connect/ca/leaf/db", std::nullopt,
                         {"-H", "Authorization: Bearer s3cret"})
                .status,
            200);
}

TEST_F(DevAgentAclTest, IntentionWriteWithoutTokenIsBarePermissionDenied) {
  const auto r =
      agent_.put("/v1/connect/intentions/exact?source=web&destination=db", R"({"Action":"allow"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "Permission denied");
}

TEST_F(DevAgentAclTest, RootsNeedNoToken) {
  // Consul serves the CA roots without any ACL check.
  EXPECT_EQ(agent_.get("/v1/agent/connect/ca/roots").status, 200);
}

TEST_F(DevAgentAclTest, NoMatchFallsBackToAclDefaultDeny) {
  const auto r = agent_.request(
      "POST", "/v1/agent/connect/authorize?token=s3cret",
      R"({"Target":"foo","ClientCertURI":"spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web"})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json(),
            nlohmann::json::parse(
                R"({"Authorized":false,"Reason":"Default behavior configured by ACLs"})"));
}

}  // namespace
}  // namespace gatehouse::testing
