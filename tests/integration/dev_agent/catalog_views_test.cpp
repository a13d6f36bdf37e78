// The catalog and health views (/v1/health/{service,connect,checks,node,state},
// /v1/catalog/{service,connect,nodes,node}) and their per-service blocking indexes, as Consul's
// agent/health_endpoint.go, agent/catalog_endpoint.go and agent/consul/state/catalog.go answer.
#include <gtest/gtest.h>

#include <future>
#include <string>

#include "tests/integration/support/dev_agent_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

constexpr const char* kDbWithSidecar = R"({
  "ID": "db", "Name": "db", "Port": 5432, "Tags": ["primary"], "Meta": {"team": "data"},
  "Check": {"TTL": "60s"},
  "Connect": {"SidecarService": {}}})";

class CatalogViewsTest : public DevAgentTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(agent_.put("/v1/agent/service/register", kDbWithSidecar).status, 200);
    node_ = agent_.get("/v1/agent/self").json()["Config"]["NodeName"].get<std::string>();
  }

  // Starts a blocking GET on another thread.
  std::future<HttpReply> watch(const std::string& path) {
    return std::async(std::launch::async, [this, path] { return agent_.get(path); });
  }

  HttpReply register_web2() {
    return agent_.put("/v1/agent/service/register", R"({"Name":"web2","Port":9090})");
  }

  std::string node_;
};

// agent/consul/state/catalog.go checkServiceNodesTxn: a Connect view reports and watches the
// index of the proxies' own service entries, so an unrelated registration neither wakes it nor
// changes its X-Consul-Index.
TEST_F(CatalogViewsTest, HealthConnectIsNotWokenByAnUnrelatedService) {
  const auto first = agent_.get("/v1/health/connect/db");
  ASSERT_EQ(first.status, 200);
  const auto index = first.header("X-Consul-Index");
  auto blocked = watch("/v1/health/connect/db?index=" + index + "&wait=2s");
  ASSERT_EQ(register_web2().status, 200);
  const auto timed_out = blocked.get();
  EXPECT_EQ(timed_out.status, 200);
  EXPECT_EQ(timed_out.header("X-Consul-Index"), index);
  EXPECT_EQ(timed_out.json(), first.json());
  // A plain read agrees: web2 did not move db's index.
  EXPECT_EQ(agent_.get("/v1/health/connect/db").header("X-Consul-Index"), index);
}

TEST_F(CatalogViewsTest, HealthConnectWakesOnTheSidecarsChecks) {
  const auto first = agent_.get("/v1/health/connect/db");
  const auto index = first.header("X-Consul-Index");
  auto blocked = watch("/v1/health/connect/db?index=" + index + "&wait=60s");
  // db's TTL check passes, so the sidecar's alias check does: a change to what the view shows.
  ASSERT_EQ(agent_.put("/v1/agent/check/pass/service:db", "").status, 200);
  const auto woken = blocked.get();
  ASSERT_EQ(woken.status, 200);
  EXPECT_GT(std::stoull(woken.header("X-Consul-Index")), std::stoull(index));
  const auto checks = woken.json()[0]["Checks"];
  EXPECT_EQ(checks[2]["Name"], "Connect Sidecar Aliasing db");
  EXPECT_EQ(checks[2]["Status"], "passing");
}

TEST_F(CatalogViewsTest, HealthConnectWakesOnSidecarReRegistration) {
  const auto index = agent_.get("/v1/health/connect/db").header("X-Consul-Index");
  auto blocked = watch("/v1/health/connect/db?index=" + index + "&wait=60s");
  ASSERT_EQ(agent_
                .put("/v1/agent/service/register",
                     R"({"ID":"db","Name":"db","Port":5432,"Tags":["primary"],
                         "Meta":{"team":"data"},"Check":{"TTL":"60s"},
                         "Connect":{"SidecarService":{"Port":21999}}})")
                .status,
            200);
  const auto woken = blocked.get();
  EXPECT_GT(std::stoull(woken.header("X-Consul-Index")), std::stoull(index));
  EXPECT_EQ(woken.json()[0]["Service"]["Port"], 21999);
}

TEST_F(CatalogViewsTest, HealthServiceHasItsOwnIndex) {
  const auto first = agent_.get("/v1/health/service/db");
  const auto index = first.header("X-Consul-Index");
  auto blocked = watch("/v1/health/service/db?index=" + index + "&wait=2s");
  ASSERT_EQ(register_web2().status, 200);
  const auto timed_out = blocked.get();
  EXPECT_EQ(timed_out.header("X-Consul-Index"), index);
  EXPECT_EQ(timed_out.json(), first.json());

  blocked = watch("/v1/health/service/db?index=" + index + "&wait=60s");
  ASSERT_EQ(agent_.put("/v1/agent/check/pass/service:db?note=up", "").status, 200);
  const auto woken = blocked.get();
  EXPECT_GT(std::stoull(woken.header("X-Consul-Index")), std::stoull(index));
  EXPECT_EQ(woken.json()[0]["Checks"][1]["Output"], "up");
}

TEST_F(CatalogViewsTest, CatalogServiceWakesOnItsRowsOnly) {
  const auto index = agent_.get("/v1/catalog/service/db").header("X-Consul-Index");
  auto blocked = watch("/v1/catalog/service/db?index=" + index + "&wait=2s");
  ASSERT_EQ(register_web2().status, 200);
  EXPECT_EQ(blocked.get().header("X-Consul-Index"), index);

  blocked = watch("/v1/catalog/service/db?index=" + index + "&wait=60s");
  ASSERT_EQ(agent_
                .put("/v1/agent/service/register",
                     R"({"ID":"db","Name":"db","Port":5432,"Tags":["primary","v2"],
                         "Check":{"TTL":"60s"},"Connect":{"SidecarService":{}}})")
                .status,
            200);
  const auto woken = blocked.get();
  EXPECT_GT(std::stoull(woken.header("X-Consul-Index")), std::stoull(index));
  EXPECT_EQ(woken.json()[0]["ServiceTags"], json::parse(R"(["primary","v2"])"));
}

// The `consul` service and the serfHealth node check of the server, as handleAliveMember
// registers them (agent/consul/leader_registrator_v1.go).
TEST_F(CatalogViewsTest, HealthServiceShowsNodeServiceAndChecks) {
  const auto r = agent_.get("/v1/health/service/consul");
  ASSERT_EQ(r.status, 200);
  const auto j = r.json();
  ASSERT_EQ(j.size(), 1U);
  EXPECT_EQ(j[0]["Node"]["Node"], node_);
  EXPECT_EQ(j[0]["Node"]["Address"], "127.0.0.1");
  EXPECT_EQ(j[0]["Node"]["Meta"]["consul-version"], "1.18.0");
  EXPECT_EQ(j[0]["Service"]["ID"], "consul");
  EXPECT_EQ(j[0]["Service"]["Port"], 8300);
  EXPECT_EQ(j[0]["Service"]["Tags"], json::array());
  EXPECT_EQ(j[0]["Service"]["Meta"]["raft_version"], "3");
  const auto serf = j[0]["Checks"][0];
  EXPECT_EQ(serf["CheckID"], "serfHealth");
  EXPECT_EQ(serf["Name"], "Serf Health Status");
  EXPECT_EQ(serf["Status"], "passing");
  EXPECT_EQ(serf["Output"], "Agent alive and reachable");
  EXPECT_EQ(serf["ServiceID"], "");
  EXPECT_EQ(serf["ServiceName"], "");
  EXPECT_EQ(serf["ServiceTags"], json::array());
  EXPECT_EQ(serf["Type"], "");

  const auto db = agent_.get("/v1/health/service/db").json();
  ASSERT_EQ(db.size(), 1U);
  EXPECT_EQ(db[0]["Service"]["Port"], 5432);
  EXPECT_EQ(db[0]["Service"]["Meta"]["team"], "data");
  ASSERT_EQ(db[0]["Checks"].size(), 2U);
  EXPECT_EQ(db[0]["Checks"][1]["CheckID"], "service:db");
  EXPECT_EQ(db[0]["Checks"][1]["Status"], "critical");
  // ?passing drops db (its TTL check is critical); ?tag filters case-insensitively.
  EXPECT_EQ(agent_.get("/v1/health/service/db?passing").json(), json::array());
  EXPECT_EQ(agent_.get("/v1/health/service/db?tag=PRIMARY").json().size(), 1U);
  EXPECT_EQ(agent_.get("/v1/health/service/db?tag=primary&tag=other").json(), json::array());
  const auto bad = agent_.get("/v1/health/service/db?passing=maybe");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, "Invalid value for ?passing");
}

// A missing service: `200 []` with an index that never goes backwards (maxIndexForService).
TEST_F(CatalogViewsTest, MissingServiceIsAnEmptyListWithAnIndex) {
  for (const char* path : {"/v1/health/service/nope", "/v1/health/connect/nope",
                           "/v1/catalog/service/nope", "/v1/catalog/connect/nope",
                           "/v1/health/checks/nope"}) {
    const auto r = agent_.get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "[]") << path;
    EXPECT_NE(r.header("X-Consul-Index"), "") << path;
  }
  const auto missing = agent_.get("/v1/health/service/");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body, "Missing service name");
  // After db goes away, its view reports the extinction index: past what it showed before.
  const auto before = std::stoull(agent_.get("/v1/health/service/db").header("X-Consul-Index"));
  ASSERT_EQ(agent_.put("/v1/agent/service/deregister/db", "").status, 200);
  const auto after = agent_.get("/v1/health/service/db");
  EXPECT_EQ(after.body, "[]");
  EXPECT_GT(std::stoull(after.header("X-Consul-Index")), before);
}

TEST_F(CatalogViewsTest, HealthChecksNodeAndState) {
  auto checks = agent_.get("/v1/health/checks/db").json();
  ASSERT_EQ(checks.size(), 1U);
  EXPECT_EQ(checks[0]["CheckID"], "service:db");
  EXPECT_EQ(checks[0]["ServiceTags"], json::parse(R"(["primary"])"));

  const auto node = agent_.get("/v1/health/node/" + node_).json();
  ASSERT_EQ(node.size(), 4U);  // serfHealth, service:db, the sidecar's two
  EXPECT_EQ(node[0]["CheckID"], "serfHealth");
  EXPECT_EQ(agent_.get("/v1/health/node/elsewhere").json(), json::array());

  const auto critical = agent_.get("/v1/health/state/critical").json();
  ASSERT_EQ(critical.size(), 2U);  // db's TTL check and the alias check mirroring it
  EXPECT_EQ(agent_.get("/v1/health/state/any").json().size(), 4U);
  EXPECT_EQ(agent_.get("/v1/health/state/passing").json().size(), 2U);
  EXPECT_EQ(agent_.get("/v1/health/state/PASSING").json().size(), 2U);  // lower-cased index
  // Consul does not validate the state (checksInStateTxn): an unknown one finds nothing.
  const auto bogus = agent_.get("/v1/health/state/bogus");
  EXPECT_EQ(bogus.status, 200);
  EXPECT_EQ(bogus.body, "[]");
  EXPECT_EQ(agent_.get("/v1/health/state/ANY").body, "[]");
  const auto empty = agent_.get("/v1/health/state/");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.body, "Missing check state");
}

// structs.ServiceNode as /v1/catalog/service prints it (agent/structs/structs.go).
TEST_F(CatalogViewsTest, CatalogServiceShape) {
  const auto j = agent_.get("/v1/catalog/service/db").json();
  ASSERT_EQ(j.size(), 1U);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j[0].items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "Address", "CreateIndex", "Datacenter", "ID", "ModifyIndex", "Node",
                      "NodeMeta", "ServiceAddress", "ServiceConnect", "ServiceEnableTagOverride",
                      "ServiceID", "ServiceKind", "ServiceLocality", "ServiceMeta", "ServiceName",
                      "ServicePort", "ServiceProxy", "ServiceSocketPath", "ServiceTags",
                      "ServiceWeights", "TaggedAddresses"}));
  EXPECT_EQ(j[0]["Node"], node_);
  EXPECT_EQ(j[0]["Address"], "127.0.0.1");
  EXPECT_EQ(j[0]["ServiceID"], "db");
  EXPECT_EQ(j[0]["ServicePort"], 5432);
  EXPECT_EQ(j[0]["ServiceKind"], "");
  EXPECT_EQ(j[0]["ServiceWeights"], json::parse(R"({"Passing":1,"Warning":1})"));
  EXPECT_EQ(j[0]["ServiceLocality"], nullptr);
  EXPECT_EQ(j[0]["ServiceConnect"], json::object());

  const auto proxies = agent_.get("/v1/catalog/connect/db").json();
  ASSERT_EQ(proxies.size(), 1U);
  EXPECT_EQ(proxies[0]["ServiceKind"], "connect-proxy");
  EXPECT_EQ(proxies[0]["ServiceProxy"]["DestinationServiceName"], "db");
  EXPECT_EQ(proxies[0]["ServicePort"], 21000);
}

TEST_F(CatalogViewsTest, CatalogNodesAndNode) {
  const auto nodes = agent_.get("/v1/catalog/nodes");
  ASSERT_EQ(nodes.status, 200);
  const auto n = nodes.json();
  ASSERT_EQ(n.size(), 1U);
  EXPECT_EQ(n[0]["Node"], node_);
  EXPECT_EQ(n[0]["Datacenter"], "dc1");
  EXPECT_EQ(n[0]["TaggedAddresses"]["lan"], "127.0.0.1");

  const auto node = agent_.get("/v1/catalog/node/" + node_).json();
  EXPECT_EQ(node["Node"]["Node"], node_);
  std::vector<std::string> ids;
  for (const auto& [id, s] : node["Services"].items()) ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<std::string>{"consul", "db", "db-sidecar-proxy"}));
  EXPECT_EQ(node["Services"]["db-sidecar-proxy"]["Kind"], "connect-proxy");

  const auto unknown = agent_.get("/v1/catalog/node/elsewhere");
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(unknown.body, "null");
  EXPECT_EQ(unknown.header("X-Consul-Index"), "1");
}

// CheckType.Validate (agent/structs/check_type.go) through AgentRegisterService
// (agent/agent_endpoint.go): `Invalid check: …` for Check/Checks, `Invalid check in
// sidecar_service: …` for the sidecar's, and the initial-status rule.
TEST_F(CatalogViewsTest, InvalidCheckDefinitionsAreRefused) {
  const auto reg = [&](const std::string& body) {
    return agent_.put("/v1/agent/service/register", body);
  };
  auto r = reg(R"({"Name":"a","Port":1,"Checks":[{"Name":"nothing"}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Invalid check: TTL must be > 0 for TTL checks");
  r = reg(R"({"Name":"a","Port":1,"Check":{"TCP":"127.0.0.1:1"}})");
  EXPECT_EQ(r.body,
            "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService "
            "checks");
  r = reg(R"({"Name":"a","Port":1,"Check":{"TTL":"10s","Interval":"10s"}})");
  EXPECT_EQ(r.body, "Invalid check: Interval and TTL cannot both be specified");
  r = reg(R"({"Name":"a","Port":1,"Check":{"AliasService":"b","TTL":"10s"}})");
  EXPECT_EQ(r.body, "Invalid check: TTL must be not be set for Alias checks");
  r = reg(R"({"Name":"a","Port":1,"Check":{"TTL":"10s","Status":"sunny"}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Status for checks must 'passing', 'warning', 'critical'");
  r = reg(R"({"Name":"a","Port":1,"Connect":{"SidecarService":{"Checks":[{"TCP":"x:1"}]}}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            "Invalid check in sidecar_service: Interval must be > 0 for Script, HTTP, H2PING, "
            "TCP, UDP or OSService checks");
  r = reg(R"({"Name":"a","Port":1,"Connect":{"SidecarService":{"Check":{"Name":"n"}}}})");
  EXPECT_EQ(r.body, "Invalid check in sidecar_service: TTL must be > 0 for TTL checks");
  // Nothing was registered by the refused requests; an empty `Check` is skipped.
  EXPECT_FALSE(agent_.get("/v1/agent/services").json().contains("a"));
  r = reg(R"({"Name":"a","Port":1,"Check":{}})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(agent_.get("/v1/health/checks/a").json(), json::array());
}

// filterACL: the anonymous token's lists are emptied (with the header), an unknown token is 403.
class CatalogViewsAclTest : public ::testing::Test {
 protected:
  DevAgentProcess agent_{{"-acl-token", "s3cret", "-acl-default-policy", "deny"}};
};

TEST_F(CatalogViewsAclTest, AnonymousReadsAreFiltered) {
  const auto r = agent_.get("/v1/health/service/consul");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
  EXPECT_EQ(r.header("X-Consul-Results-Filtered-By-ACLs"), "true");
  const auto all = agent_.request("GET", "/v1/health/service/consul", std::nullopt,
                                  {"-H", "X-Consul-Token: s3cret"});
  EXPECT_EQ(all.json().size(), 1U);
  EXPECT_EQ(all.header("X-Consul-Results-Filtered-By-ACLs"), "");
  const auto unknown = agent_.request("GET", "/v1/catalog/nodes", std::nullopt,
                                      {"-H", "X-Consul-Token: nope"});
  EXPECT_EQ(unknown.status, 403);
  EXPECT_EQ(unknown.body, "ACL not found");
  EXPECT_EQ(agent_.get("/v1/catalog/nodes").body, "[]");
}

}  // namespace
}  // namespace gatehouse::testing
