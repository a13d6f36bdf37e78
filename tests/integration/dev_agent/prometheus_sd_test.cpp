// Prometheus' consul_sd_configs against the dev agent: the requests of
// discovery/consul/consul.go (prometheus/prometheus) with its defaults (allow_stale: true,
// watchTimeout 2m, no datacenter configured), sent as hashicorp/consul/api encodes them
// (`stale=`, `wait=120000ms`, `index=` once known, keys in url.Values order), and the fields
// Prometheus builds its targets from.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/support/dev_agent_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

// What the Go client puts on every request.
const std::vector<std::string> kGoClientHeaders{"-H", "User-Agent: Go-http-client/1.1", "-H",
                                                "Accept-Encoding: gzip"};

class PrometheusSdTest : public DevAgentTest {
 protected:
  HttpReply get(const std::string& path) const {
    return agent_.request("GET", path, std::nullopt, kGoClientHeaders);
  }

  // consulService.watch: one target per instance, __address__ from Service.Address or, when
  // empty, Node.Address, plus the labels Prometheus copies.
  static std::map<std::string, std::string> target(const json& entry) {
    const auto& node = entry["Node"];
    const auto& svc = entry["Service"];
    const std::string host = svc["Address"].get<std::string>().empty()
                                 ? node["Address"].get<std::string>()
                                 : svc["Address"].get<std::string>();
    std::map<std::string, std::string> labels{
        {"__address__", host + ":" + std::to_string(svc["Port"].get<int>())},
        {"__meta_consul_address", node["Address"]},
        {"__meta_consul_node", node["Node"]},
        {"__meta_consul_service_id", svc["ID"]},
        {"__meta_consul_service_port", std::to_string(svc["Port"].get<int>())}};
    std::string tags = ",";
    for (const auto& t : svc["Tags"]) tags += t.get<std::string>() + ",";
    labels["__meta_consul_tags"] = tags;
    for (const auto& [k, v] : svc["Meta"].items()) {
      labels["__meta_consul_service_metadata_" + k] = v.get<std::string>();
    }
    for (const auto& [k, v] : node["Meta"].items()) {
      labels["__meta_consul_metadata_" + k] = v.get<std::string>();
    }
    return labels;
  }
};

TEST_F(PrometheusSdTest, DiscoversSidecarsWithTheRequestsPrometheusSends) {
  ASSERT_EQ(agent_
                .put("/v1/agent/service/register",
                     R"({"Name":"web","Port":8080,"Tags":["v1"],"Meta":{"version":"1"},
                         "Check":{"TTL":"60s"},"Connect":{"SidecarService":{}}})")
                .status,
            200);

  // getDatacenter: Agent().Self(), Config.Datacenter must be a string.
  const auto self = get("/v1/agent/self");
  ASSERT_EQ(self.status, 200);
  ASSERT_TRUE(self.json()["Config"]["Datacenter"].is_string());
  EXPECT_EQ(self.json()["Config"]["Datacenter"], "dc1");

  // watchServices, first round: no index yet.
  const auto services = get("/v1/catalog/services?stale=&wait=120000ms");
  ASSERT_EQ(services.status, 200);
  const auto services_index = services.header("X-Consul-Index");
  ASSERT_FALSE(services_index.empty());
  EXPECT_EQ(services.json(),
            json::parse(R"({"consul":[],"web":["v1"],"web-sidecar-proxy":["v1"]})"));

  // watchService for the sidecar: Health().ServiceMultipleTags(name, nil, false, opts).
  const auto health = get("/v1/health/service/web-sidecar-proxy?stale=&wait=120000ms");
  ASSERT_EQ(health.status, 200);
  const auto health_index = health.header("X-Consul-Index");
  const auto entries = health.json();
  ASSERT_EQ(entries.size(), 1U);
  const auto labels = target(entries[0]);
  EXPECT_EQ(labels.at("__address__"), "127.0.0.1:21000");
  EXPECT_EQ(labels.at("__meta_consul_service_id"), "web-sidecar-proxy");
  EXPECT_EQ(labels.at("__meta_consul_tags"), ",v1,");
  EXPECT_EQ(labels.at("__meta_consul_service_metadata_version"), "1");
  EXPECT_EQ(labels.at("__meta_consul_metadata_consul-version"), "1.18.0");
  // __meta_consul_health is Checks.AggregatedStatus(): the alias of web's critical TTL check.
  EXPECT_EQ(entries[0]["Checks"][2]["Status"], "critical");

  // Next rounds block on the last index; each wakes only for a change it reports.
  auto services_watch = std::async(std::launch::async, [&] {
    return get("/v1/catalog/services?index=" + services_index + "&stale=&wait=120000ms");
  });
  auto health_watch = std::async(std::launch::async, [&] {
    return get("/v1/health/service/web-sidecar-proxy?index=" + health_index +
               "&stale=&wait=120000ms");
  });
  ASSERT_EQ(agent_.put("/v1/agent/service/register",
                       R"({"Name":"api","Port":9000,"Connect":{"SidecarService":{}}})")
                .status,
            200);
  const auto services_again = services_watch.get();
  EXPECT_NE(services_again.header("X-Consul-Index"), services_index);
  EXPECT_TRUE(services_again.json().contains("api-sidecar-proxy"));
  // api's registration is not a change to web's sidecar; web's check passing is.
  ASSERT_EQ(agent_.put("/v1/agent/check/pass/service:web", "").status, 200);
  const auto health_again = health_watch.get();
  EXPECT_GT(std::stoull(health_again.header("X-Consul-Index")), std::stoull(health_index));
  EXPECT_EQ(health_again.json()[0]["Checks"][2]["Status"], "passing");
}

}  // namespace
}  // namespace gatehouse::testing
