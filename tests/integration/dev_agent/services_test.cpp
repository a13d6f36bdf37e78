// Service registration with sidecars and native services, checks, health connect, the catalog.
#include <gtest/gtest.h>

#include <future>

#include "tests/integration/support/dev_agent_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

constexpr const char* kWebWithSidecar = R"({
  "ID": "web", "Name": "web", "Port": 8080, "Tags": ["v1"],
  "Check": {"TTL": "30s"},
  "Connect": {"SidecarService": {"Proxy": {"Upstreams": [
    {"DestinationName": "db", "LocalBindPort": 9191}]}}}})";

class ServicesTest : public DevAgentTest {
 protected:
  void SetUp() override {
    const auto r = agent_.put("/v1/agent/service/register", kWebWithSidecar);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "");
  }
};

TEST_F(ServicesTest, SidecarIsDerived) {
  const auto r = agent_.get("/v1/agent/service/web-sidecar-proxy");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto s = r.json();
  EXPECT_EQ(s["Kind"], "connect-proxy");
  EXPECT_EQ(s["ID"], "web-sidecar-proxy");
  EXPECT_EQ(s["Service"], "web-sidecar-proxy");
  EXPECT_EQ(s["Port"], 21000);
  EXPECT_EQ(s["Tags"], json::parse(R"(["v1"])"));
  EXPECT_EQ(s["Datacenter"], "dc1");
  EXPECT_EQ(s["Proxy"]["DestinationServiceName"], "web");
  EXPECT_EQ(s["Proxy"]["DestinationServiceID"], "web");
  EXPECT_EQ(s["Proxy"]["LocalServiceAddress"], "127.0.0.1");
  EXPECT_EQ(s["Proxy"]["LocalServicePort"], 8080);
  EXPECT_EQ(s["Proxy"]["Upstreams"][0]["DestinationName"], "db");
  EXPECT_EQ(s["Proxy"]["Upstreams"][0]["LocalBindPort"], 9191);
  EXPECT_EQ(s["ContentHash"], r.header("X-Consul-ContentHash"));
  EXPECT_EQ(r.header("X-Consul-ContentHash").size(), 16U);

  // A second sidecar takes the next port of the range.
  ASSERT_EQ(agent_
                .put("/v1/agent/service/register",
                     R"({"Name":"api","Port":9000,"Connect":{"SidecarService":{}}})")
                .status,
            200);
  EXPECT_EQ(agent_.get("/v1/agent/service/api-sidecar-proxy").json()["Port"], 21001);

  const auto all = agent_.get("/v1/agent/services").json();
  EXPECT_EQ(all.size(), 4U);
  EXPECT_FALSE(all["web"].contains("Connect"));
  const auto checks = agent_.get("/v1/agent/checks").json();
  EXPECT_EQ(checks["service:web"]["Status"], "critical");
  EXPECT_EQ(checks["service:web"]["Type"], "ttl");
  EXPECT_EQ(checks["service:web-sidecar-proxy:1"]["Name"], "Connect Sidecar Listening");
  EXPECT_EQ(checks["service:web-sidecar-proxy:2"]["Name"], "Connect Sidecar Aliasing web");
}

TEST_F(ServicesTest, HealthConnectHonoursPassing) {
  auto all = agent_.get("/v1/health/connect/web");
  ASSERT_EQ(all.status, 200);
  EXPECT_NE(all.header("X-Consul-Index"), "");
  auto j = all.json();
  ASSERT_EQ(j.size(), 1U);
  EXPECT_EQ(j[0]["Service"]["ID"], "web-sidecar-proxy");
  EXPECT_EQ(j[0]["Service"]["Proxy"]["DestinationServiceName"], "web");
  EXPECT_EQ(j[0]["Node"]["Datacenter"], "dc1");
  EXPECT_EQ(j[0]["Node"]["Address"], "127.0.0.1");
  EXPECT_EQ(j[0]["Checks"][0]["CheckID"], "serfHealth");
  // The TTL check is critical, so the alias check of the sidecar is too.
  EXPECT_EQ(agent_.get("/v1/health/connect/web?passing").json(), json::array());

  auto r = agent_.put("/v1/agent/check/pass/service:web?note=ready", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(agent_.get("/v1/agent/checks").json()["service:web"]["Output"], "ready");
  j = agent_.get("/v1/health/connect/web?passing=1").json();
  ASSERT_EQ(j.size(), 1U);
  EXPECT_EQ(j[0]["Service"]["Port"], 21000);

  r = agent_.put("/v1/agent/check/fail/service:web", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(agent_.get("/v1/health/connect/web?passing").json(), json::array());
  r = agent_.put("/v1/agent/check/pass/nope", "");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "CheckID \"nope\" does not have associated TTL");
  EXPECT_EQ(agent_.get("/v1/health/connect/web?passing=maybe").body, "Invalid value for ?passing");
  EXPECT_EQ(agent_.get("/v1/health/connect/db").json(), json::array());
}

TEST_F(ServicesTest, NativeServiceAppearsInHealthConnect) {
  ASSERT_EQ(agent_
                .put("/v1/agent/service/register",
                     R"({"Name":"api","Port":8443,"Connect":{"Native":true}})")
                .status,
            200);
  const auto j = agent_.get("/v1/health/connect/api?passing").json();
  ASSERT_EQ(j.size(), 1U);
  EXPECT_EQ(j[0]["Service"]["Service"], "api");
  EXPECT_EQ(j[0]["Service"]["Connect"]["Native"], true);
}

TEST_F(ServicesTest, HashBlockingTimesOutAndWakes) {
  const auto first = agent_.get("/v1/agent/service/web");
  const auto hash = first.header("X-Consul-ContentHash");
  const auto same = agent_.get("/v1/agent/service/web?hash=" + hash + "&wait=1s");
  EXPECT_EQ(same.status, 200);
  EXPECT_EQ(same.header("X-Consul-ContentHash"), hash);
  auto watcher = std::async(std::launch::async, [&] {
    return agent_.get("/v1/agent/service/web?hash=" + hash + "&wait=60s");
  });
  ASSERT_EQ(agent_
                .put("/v1/agent/service/register",
                     R"({"ID":"web","Name":"web","Port":8081,"Check":{"TTL":"30s"}})")
                .status,
            200);
  const auto woken = watcher.get();
  EXPECT_NE(woken.header("X-Consul-ContentHash"), hash);
  EXPECT_EQ(woken.json()["Port"], 8081);
}

TEST_F(ServicesTest, DeregisterRemovesSidecarAndChecks) {
  auto r = agent_.put("/v1/agent/service/deregister/web", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(agent_.get("/v1/agent/services").json(), json::object());
  EXPECT_EQ(agent_.get("/v1/agent/checks").json(), json::object());
  r = agent_.get("/v1/agent/service/web-sidecar-proxy");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "unknown service ID: web-sidecar-proxy");
  r = agent_.put("/v1/agent/service/deregister/web", "");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(
      r.body,
      "Unknown service ID \"web\". Ensure that the service ID is passed, not the service name.");
}

TEST_F(ServicesTest, RegistrationErrors) {
  auto r = agent_.put("/v1/agent/service/register", R"({"Name":"x","Prot":1})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Request decode failed: json: unknown field \"Prot\"");
  r = agent_.put("/v1/agent/service/register", R"({"Port":1})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Missing service name");
  r = agent_.put("/v1/agent/service/register", R"({"Name":"p","Kind":"connect-proxy"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            "Validation failed: 2 errors occurred:\n"
            "\t* Proxy.DestinationServiceName must be non-empty for Connect proxy services\n"
            "\t* Port or SocketPath must be set for a connect-proxy\n\n");
  // snake_case keys are accepted, as by Consul.
  r = agent_.put("/v1/agent/service/register",
                 R"({"name":"snake","port":7000,"enable_tag_override":true})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(agent_.get("/v1/agent/service/snake").json()["EnableTagOverride"], true);
}

TEST_F(ServicesTest, CatalogServicesListsNames) {
  const auto r = agent_.get("/v1/catalog/services");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("X-Consul-Index"), "");
  EXPECT_EQ(r.json(), json::parse(R"({"consul":[],"web":["v1"],"web-sidecar-proxy":["v1"]})"));
}

}  // namespace
}  // namespace gatehouse::testing
