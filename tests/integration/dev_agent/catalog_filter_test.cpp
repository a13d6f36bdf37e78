// `?filter=` on the catalog, health and agent lists (go-bexpr v0.1.2 with the selectors of
// Consul's structs, agent/structs/structs_filtering_test.go): the filter runs on what the state
// store listed (agent/consul/catalog_endpoint.go, agent/consul/health_endpoint.go,
// agent/agent_endpoint.go), leaves X-Consul-Index alone, and a bad expression is a 500 with
// go-bexpr's text.
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <string_view>

#include "tests/integration/support/dev_agent_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

std::string encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Two instances of web: web-1 (v1, env=prod, its TTL check still critical) and web-2 (v1 and v2,
// env=dev, its TTL check passed).
class CatalogFilterTest : public DevAgentTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(agent_
                  .put("/v1/agent/service/register",
                       R"({"ID":"web-1","Name":"web","Port":8080,"Tags":["v1"],
                           "Meta":{"env":"prod"},"Check":{"TTL":"60s"}})")
                  .status,
              200);
    ASSERT_EQ(agent_
                  .put("/v1/agent/service/register",
                       R"({"ID":"web-2","Name":"web","Port":8081,"Tags":["v1","v2"],
                           "Meta":{"env":"dev"},"Check":{"TTL":"60s"}})")
                  .status,
              200);
    ASSERT_EQ(agent_.put("/v1/agent/check/pass/service:web-2", "").status, 200);
    node_ = agent_.get("/v1/agent/self").json()["Config"]["NodeName"].get<std::string>();
  }

  HttpReply filtered(const std::string& path, std::string_view filter) {
    const char sep = path.find('?') == std::string::npos ? '?' : '&';
    return agent_.get(path + sep + "filter=" + encoded(filter));
  }

  std::string node_;
};

// The service IDs of a /v1/health/service answer, space separated.
std::string entry_ids(const json& entries) {
  std::string out;
  for (const auto& e : entries)
    out += (out.empty() ? "" : " ") + e["Service"]["ID"].get<std::string>();
  return out;
}

// Health.ServiceNodes filters structs.CheckServiceNode (Node.*, Service.*, Checks.*); the
// handler's ?passing runs on what the filter kept (agent/health_endpoint.go).
TEST_F(CatalogFilterTest, HealthServiceFiltersEntries) {
  const auto all = agent_.get("/v1/health/service/web");
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(entry_ids(all.json()), "web-1 web-2");

  auto r = filtered("/v1/health/service/web", R"(Service.Tags contains "v2")");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(entry_ids(r.json()), "web-2");
  EXPECT_EQ(r.header("X-Consul-Index"), all.header("X-Consul-Index"));

  // Checks is a slice of structs: any check with that status selects the entry.
  r = filtered("/v1/health/service/web", R"(Checks.Status == "critical")");
  EXPECT_EQ(entry_ids(r.json()), "web-1");
  r = filtered("/v1/health/service/web", R"(Service.Meta.env == "prod" or "v2" in Service.Tags)");
  EXPECT_EQ(entry_ids(r.json()), "web-1 web-2");
  r = filtered("/v1/health/service/web?passing", R"(Service.Tags contains "v1")");
  EXPECT_EQ(entry_ids(r.json()), "web-2");
  r = filtered("/v1/health/service/web", "Node.Node == " + node_);
  EXPECT_EQ(entry_ids(r.json()), "web-1 web-2");
}

// Catalog.ServiceNodes filters structs.ServiceNode (ServiceMeta, ServiceTags, NodeMeta, …).
TEST_F(CatalogFilterTest, CatalogServiceFiltersServiceNodes) {
  const auto all = agent_.get("/v1/catalog/service/web");
  auto r = filtered("/v1/catalog/service/web", R"(ServiceMeta.env == "prod")");
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json().size(), 1U);
  EXPECT_EQ(r.json()[0]["ServiceID"], "web-1");
  EXPECT_EQ(r.header("X-Consul-Index"), all.header("X-Consul-Index"));
  r = filtered("/v1/catalog/service/web", "ServicePort == 9999");
  EXPECT_EQ(r.body, "[]");
}

// Catalog.ListServices filters the instances before it groups their tags by name.
TEST_F(CatalogFilterTest, CatalogServicesFiltersInstancesBeforeGrouping) {
  auto r = filtered("/v1/catalog/services", R"(ServiceMeta.env == "prod")");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"web":["v1"]})"));
  r = filtered("/v1/catalog/services", R"(ServiceName == "web")");
  EXPECT_EQ(r.json(), json::parse(R"({"web":["v1","v2"]})"));
}

// Catalog.ListNodes filters structs.Node.
TEST_F(CatalogFilterTest, CatalogNodesFiltersNodes) {
  auto r = filtered("/v1/catalog/nodes", "Node == \"" + node_ + "\"");
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json().size(), 1U);
  EXPECT_EQ(r.json()[0]["Node"], node_);
  r = filtered("/v1/catalog/nodes", R"(Node == "elsewhere")");
  EXPECT_EQ(r.body, "[]");
  EXPECT_EQ(r.header("X-Consul-Index"), agent_.get("/v1/catalog/nodes").header("X-Consul-Index"));
}

// Catalog.NodeServices filters the node's services (structs.NodeService); the node stays.
TEST_F(CatalogFilterTest, CatalogNodeFiltersItsServices) {
  const auto r = filtered("/v1/catalog/node/" + node_, R"(Meta.env == "dev")");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["Node"]["Node"], node_);
  ASSERT_EQ(r.json()["Services"].size(), 1U);
  EXPECT_TRUE(r.json()["Services"].contains("web-2"));
}

// Health.ServiceChecks, NodeChecks and ChecksInState filter structs.HealthCheck.
TEST_F(CatalogFilterTest, HealthChecksFilterChecks) {
  auto r = filtered("/v1/health/checks/web", R"(Status == "critical")");
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json().size(), 1U);
  EXPECT_EQ(r.json()[0]["CheckID"], "service:web-1");
  r = filtered("/v1/health/state/any", R"(ServiceName == "web" and ServiceTags contains "v2")");
  ASSERT_EQ(r.json().size(), 1U);
  EXPECT_EQ(r.json()[0]["CheckID"], "service:web-2");
  r = filtered("/v1/health/node/" + node_, R"(ServiceID == "web-1")");
  ASSERT_EQ(r.json().size(), 1U);
  EXPECT_EQ(r.json()[0]["Status"], "critical");
}

// AgentServices filters map[string]*api.AgentService (structs.NodeService's selectors) and
// AgentChecks map[CheckID]*structs.HealthCheck (agent/agent_endpoint.go).
TEST_F(CatalogFilterTest, AgentServicesAndChecksFilterTheirMaps) {
  auto r = filtered("/v1/agent/services", R"(Service == "web")");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().size(), 2U);
  EXPECT_TRUE(r.json().contains("web-1") && r.json().contains("web-2"));
  r = filtered("/v1/agent/services", R"(Tags contains "v2")");
  ASSERT_EQ(r.json().size(), 1U);
  EXPECT_TRUE(r.json().contains("web-2"));
  r = filtered("/v1/agent/checks", R"(Status == "passing")");
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json().size(), 1U);
  EXPECT_TRUE(r.json().contains("service:web-2"));
}

// A bad expression is the RPC's (or handler's) plain error: 500 with go-bexpr's text
// (agent/http.go). /v1/agent/checks creates its filter without a data type, so a bad selector
// only fails when a check is evaluated, and without the prefix.
TEST_F(CatalogFilterTest, BadExpressionsAre500WithGoBexprText) {
  auto r = filtered("/v1/catalog/service/web", "ServiceName == 12x");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(
      r.body,
      R"(Failed to create boolean expression evaluator: 1:18 (17): rule "number": Invalid number literal)");
  r = filtered("/v1/health/service/web", R"(Service.ServiceName == "web")");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(
      r.body,
      R"(Failed to create boolean expression evaluator: Selector "Service.ServiceName" is not valid)");
  r = filtered("/v1/health/checks/web", R"(Checks.Status == "passing")");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            R"(Failed to create boolean expression evaluator: Selector "Checks" is not valid)");
  r = filtered("/v1/catalog/nodes", R"(Meta == "x")");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(
      r.body,
      R"(Failed to create boolean expression evaluator: Invalid match operator "Equal" for selector "Meta")");
  r = filtered("/v1/agent/services", R"(ServiceName == "web")");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(
      r.body,
      R"(Failed to create boolean expression evaluator: Selector "ServiceName" is not valid)");
  r = filtered("/v1/agent/checks", R"(CheckId == "x")");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"(Selector "CheckId" is not valid)");
  r = filtered("/v1/agent/checks", "Status ==");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.rfind("Failed to create boolean expression evaluator: 1:", 0), 0U) << r.body;
  // The agent keeps serving.
  EXPECT_EQ(agent_.get("/v1/catalog/service/web").status, 200);
}

// With no checks registered nothing is evaluated, so /v1/agent/checks accepts any selector.
TEST_F(DevAgentTest, AgentChecksFilterSelectorsAreCheckedOnlyAgainstACheck) {
  const auto r = agent_.get("/v1/agent/checks?filter=" + encoded(R"(Foo == "bar")"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
}

// The filter runs before the ACL filter: the anonymous token's header only says something was
// hidden when the filter kept something (agent/consul/catalog_endpoint.go filterACL).
class CatalogFilterAclTest : public ::testing::Test {
 protected:
  DevAgentProcess agent_{{"-acl-token", "s3cret", "-acl-default-policy", "deny"}};
};

TEST_F(CatalogFilterAclTest, FilterRunsBeforeTheAclFilter) {
  auto r = agent_.get("/v1/catalog/nodes?filter=" + encoded(R"(Node == "elsewhere")"));
  EXPECT_EQ(r.body, "[]");
  EXPECT_EQ(r.header("X-Consul-Results-Filtered-By-ACLs"), "");
  r = agent_.get("/v1/catalog/nodes?filter=" + encoded(R"(Node != "elsewhere")"));
  EXPECT_EQ(r.body, "[]");
  EXPECT_EQ(r.header("X-Consul-Results-Filtered-By-ACLs"), "true");
  // Catalog.ListNodes compiles the filter before the token is looked at.
  r = agent_.request("GET", "/v1/catalog/nodes?filter=" + encoded("Foo == 1"), std::nullopt,
                     {"-H", "X-Consul-Token: nope"});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            R"(Failed to create boolean expression evaluator: Selector "Foo" is not valid)");
  // Catalog.ServiceNodes resolves the token first.
  r = agent_.request("GET", "/v1/catalog/service/consul?filter=" + encoded("Foo == 1"),
                     std::nullopt, {"-H", "X-Consul-Token: nope"});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "ACL not found");
}

}  // namespace
}  // namespace gatehouse::testing
