#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "consul/agent_service.hpp"
#include "consul/agent_service_registration.hpp"
#include "consul/intention_responses.hpp"
#include "consul/json_decode.hpp"
#include "consul/service_entry.hpp"

namespace gatehouse::consul {
namespace {

using nlohmann::json;

// GET /v1/agent/service/<id> for a sidecar proxy, as a Consul agent answers it
// (api/agent.go AgentService).
constexpr const char* kAgentService = R"({
  "Kind": "connect-proxy", "ID": "web-sidecar-proxy", "Service": "web-sidecar-proxy",
  "Tags": [], "Meta": {}, "Port": 21000, "Address": "",
  "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": false,
  "ContentHash": "b1a3f0e4c2d97a51", "Datacenter": "dc1",
  "Proxy": {
    "DestinationServiceName": "web", "DestinationServiceID": "web",
    "LocalServiceAddress": "127.0.0.1", "LocalServicePort": 8080,
    "Config": {"bind_address": "0.0.0.0", "local_connect_timeout_ms": 1000},
    "Upstreams": [
      {"DestinationType": "service", "DestinationName": "db", "LocalBindPort": 9191, "MeshGateway": {}},
      {"DestinationType": "prepared_query", "DestinationName": "geo-cache",
       "LocalBindAddress": "127.0.0.1", "LocalBindPort": 8181, "Datacenter": "dc2", "MeshGateway": {}}
    ],
    "MeshGateway": {}, "Expose": {}
  }
})";

TEST(AgentServiceTest, ReferenceShapeRoundTrips) {
  const auto s = decode_json<AgentService>(kAgentService, kStrictBody);
  ASSERT_TRUE(s) << s.error();
  EXPECT_TRUE(s->is_sidecar_proxy());
  ASSERT_TRUE(s->proxy);
  EXPECT_EQ(s->proxy->destination_service_name, "web");
  EXPECT_EQ(s->proxy->local_service_port, 8080);
  ASSERT_EQ(s->proxy->upstreams.size(), 2u);
  EXPECT_EQ(s->proxy->upstreams[1].effective_type(), "prepared_query");
  EXPECT_EQ(s->proxy->upstreams[1].datacenter, "dc2");
  EXPECT_EQ(s->proxy->config.value()["local_connect_timeout_ms"], 1000);
  EXPECT_EQ(json(*s), json::parse(kAgentService));
}

TEST(AgentServiceTest, TypicalServiceOmitsKindProxyAndConnect) {
  AgentService s;
  s.id = "web";
  s.service = "web";
  s.port = 8080;
  EXPECT_EQ(json(s), json::parse(R"({"ID":"web","Service":"web","Tags":[],"Meta":{},"Port":8080,
      "Address":"","Weights":{"Passing":1,"Warning":1},"EnableTagOverride":false})"));
}

TEST(AgentServiceTest, ServicesMapDecodes) {
  const auto m = decode_json<std::map<std::string, AgentService>>(
      std::string{R"({"web-sidecar-proxy":)"} + kAgentService + "}", kLenientResponse);
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->at("web-sidecar-proxy").port, 21000);
}

// GET /v1/health/connect/<service>, as a Consul agent answers it (api/health.go ServiceEntry).
constexpr const char* kHealthConnect = R"([
  {
    "Node": {"ID": "2f1c7c0e-5a7b-4e6b-9a43-6d0f2b8f7a10", "Node": "node-b", "Address": "10.0.0.12",
             "Datacenter": "dc1", "TaggedAddresses": {"lan": "10.0.0.12", "wan": "10.0.0.12"},
             "Meta": {}, "CreateIndex": 12, "ModifyIndex": 12},
    "Service": {
      "Kind": "connect-proxy", "ID": "db-sidecar-proxy", "Service": "db-sidecar-proxy",
      "Tags": [], "Address": "", "Meta": {}, "Port": 21000,
      "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": false,
      "Proxy": {"DestinationServiceName": "db", "DestinationServiceID": "db",
                "LocalServiceAddress": "127.0.0.1", "LocalServicePort": 5432,
                "Mode": "", "MeshGateway": {}, "Expose": {}, "TransparentProxy": {}, "AccessLogs": {}},
      "Connect": {}, "PeerName": "", "CreateIndex": 30, "ModifyIndex": 30
    },
    "Checks": [
      {"Node": "node-b", "CheckID": "serfHealth", "Name": "Serf Health Status", "Status": "passing",
       "Notes": "", "Output": "Agent alive and reachable", "ServiceID": "", "ServiceName": "",
       "ServiceTags": [], "Type": "", "Interval": "", "Timeout": "", "ExposedPort": 0,
       "Definition": {}, "CreateIndex": 12, "ModifyIndex": 12}
    ]
  }
])";

TEST(ServiceEntryTest, ReferenceShapeRoundTrips) {
  const auto entries = decode_json<std::vector<ServiceEntry>>(kHealthConnect, kStrictBody);
  ASSERT_TRUE(entries) << entries.error();
  ASSERT_EQ(entries->size(), 1u);
  const ServiceEntry& e = (*entries)[0];
  EXPECT_EQ(e.node.datacenter, "dc1");
  EXPECT_EQ(e.dial_address(), "10.0.0.12");
  EXPECT_EQ(e.service.port, 21000);
  EXPECT_EQ(e.identity_service(), "db");
  EXPECT_TRUE(e.passing());
  EXPECT_EQ(json(*entries), json::parse(kHealthConnect));
}

TEST(ServiceEntryTest, NativeServiceIdentityAndFailingCheck) {
  ServiceEntry e;
  e.node.address = "10.0.0.1";
  e.service.service = "api";
  e.service.address = "10.0.0.9";
  e.service.connect.emplace().native = true;
  HealthCheck failing;
  failing.status = "critical";
  e.checks.push_back(failing);
  EXPECT_EQ(e.identity_service(), "api");
  EXPECT_EQ(e.dial_address(), "10.0.0.9");
  EXPECT_FALSE(e.passing());
  const json j = e;
  EXPECT_EQ(j["Service"]["Connect"], json::parse(R"({"Native":true})"));
  EXPECT_FALSE(j["Service"].contains("Kind"));
  EXPECT_EQ(j["Service"]["Proxy"], json::parse(R"({"Mode":"","MeshGateway":{},"Expose":{},
      "TransparentProxy":{},"AccessLogs":{}})"));
}

TEST(RegistrationTest, SidecarFormDecodes) {
  const auto r = decode_json<AgentServiceRegistration>(R"({
    "ID": "web", "Name": "web", "Port": 8080,
    "Connect": {"SidecarService": {"Proxy": {"Upstreams": [{"DestinationName": "db", "LocalBindPort": 9191}]}}}
  })",
                                                       kStrictBodyAnyCase);
  ASSERT_TRUE(r) << r.error();
  ASSERT_TRUE(r->connect);
  ASSERT_TRUE(r->connect->sidecar_service);
  EXPECT_EQ(r->connect->sidecar_service->proxy->upstreams.at(0).destination_name, "db");
}

TEST(RegistrationTest, SnakeCaseKeysAndChecks) {
  const auto r = decode_json<AgentServiceRegistration>(R"({
    "name": "api", "port": 8443, "enable_tag_override": true, "tags": ["v1"],
    "check": {"name": "ttl", "ttl": "30s", "deregister_critical_service_after": "1m"},
    "checks": [{"tcp": "127.0.0.1:8443", "interval": "10s"}],
    "connect": {"native": true}
  })",
                                                       kStrictBodyAnyCase);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->effective_id(), "api");
  EXPECT_TRUE(r->enable_tag_override);
  ASSERT_TRUE(r->check);
  EXPECT_EQ(r->check->ttl, "30s");
  EXPECT_EQ(r->check->type(), "ttl");
  EXPECT_EQ(r->check->deregister_critical_service_after, "1m");
  EXPECT_EQ(r->all_checks().size(), 2u);
  EXPECT_EQ(r->all_checks()[1].type(), "tcp");
  EXPECT_TRUE(r->connect->native);
}

TEST(RegistrationTest, UnknownAndMistypedFieldsAreRejected) {
  auto r = decode_json<AgentServiceRegistration>(R"({"Name":"web","Namespace2":"x"})",
                                                 kStrictBodyAnyCase);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "json: unknown field \"Namespace2\"");
  r = decode_json<AgentServiceRegistration>(
      R"({"Name":"web","Connect":{"SidecarService":{"Port":"21000"}}})", kStrictBodyAnyCase);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(),
            "json: cannot unmarshal string into Go struct field "
            "ServiceDefinition.Connect.SidecarService.Port "
            "of type int");
  r = decode_json<AgentServiceRegistration>(R"({"Name":"web","Port":1.5})", kStrictBodyAnyCase);
  ASSERT_FALSE(r);
  EXPECT_EQ(
      r.error(),
      "json: cannot unmarshal number 1.5 into Go struct field ServiceDefinition.Port of type int");
}

TEST(RegistrationTest, EncodesOnlyWhatIsSet) {
  AgentServiceRegistration r;
  r.name = "api";
  r.port = 8443;
  r.token = "secret";
  r.connect.emplace().native = true;
  EXPECT_EQ(json(r), json::parse(R"({"Name":"api","Port":8443,"Connect":{"Native":true}})"));
}

TEST(IntentionResponsesTest, Shapes) {
  EXPECT_EQ(json(IntentionCheckResponse{true}).dump(), R"({"Allowed":true})");
  EXPECT_EQ(json(IntentionIdResponse{"abc"}).dump(), R"({"ID":"abc"})");
  const auto c = decode_json<IntentionCheckResponse>(R"({"Allowed":false})", kLenientResponse);
  ASSERT_TRUE(c) << c.error();
  EXPECT_FALSE(c->allowed);
  const auto id = decode_json<IntentionIdResponse>(R"({"ID":"8f24"})", kLenientResponse);
  ASSERT_TRUE(id) << id.error();
  EXPECT_EQ(id->id, "8f24");
}

}  // namespace
}  // namespace gatehouse::consul
