#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "consul/agent_rules/service_validation.hpp"
#include "consul/agent_rules/sidecar_service.hpp"
#include "consul/agent_service_registration.hpp"
#include "consul/json_decode.hpp"

namespace gatehouse::consul {
namespace {

TEST(SidecarTest, DerivesWhatTheAgentDerives) {
  auto parent = decode_json<AgentServiceRegistration>(R"({
    "ID": "web1", "Name": "web", "Port": 8080, "Tags": ["a"], "Meta": {"m": "1"},
    "Connect": {"SidecarService": {"Proxy": {"Upstreams": [{"DestinationName": "db", "LocalBindPort": 9191}]}}}
  })",
                                                      kStrictBodyAnyCase);
  ASSERT_TRUE(parent) << parent.error();
  SidecarPorts ports;
  ports.in_use = [](int p) { return p == 21000; };
  const auto s = derive_sidecar(*parent, ports);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->id, "web1-sidecar-proxy");
  EXPECT_EQ(s->name, "web-sidecar-proxy");
  EXPECT_EQ(s->kind, "connect-proxy");
  EXPECT_EQ(s->port, 21001);
  ASSERT_TRUE(s->proxy);
  EXPECT_EQ(s->proxy->destination_service_name, "web");
  EXPECT_EQ(s->proxy->destination_service_id, "web1");
  EXPECT_EQ(s->proxy->local_service_address, "127.0.0.1");
  EXPECT_EQ(s->proxy->local_service_port, 8080);
  EXPECT_EQ(s->proxy->upstreams.at(0).destination_name, "db");
  EXPECT_EQ(s->tags, std::vector<std::string>{"a"});
  EXPECT_EQ(s->meta.at("m"), "1");
  ASSERT_EQ(s->checks.size(), 2u);
  EXPECT_EQ(s->checks[0].name, "Connect Sidecar Listening");
  EXPECT_EQ(s->checks[0].tcp, "127.0.0.1:21001");
  EXPECT_EQ(s->checks[0].interval, "10s");
  EXPECT_EQ(s->checks[1].name, "Connect Sidecar Aliasing web1");
  EXPECT_EQ(s->checks[1].alias_service, "web1");
}

TEST(SidecarTest, KeepsExplicitValuesAndReportsExhaustedRange) {
  auto parent = decode_json<AgentServiceRegistration>(R"({
    "Name": "web", "Port": 8080, "Address": "10.0.0.5",
    "Connect": {"SidecarService": {"Port": 22000, "Checks": [{"TTL": "30s"}]}}})",
                                                      kStrictBodyAnyCase);
  ASSERT_TRUE(parent) << parent.error();
  const auto s = derive_sidecar(*parent, SidecarPorts{});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->port, 22000);
  EXPECT_EQ(s->address, "10.0.0.5");
  ASSERT_EQ(s->checks.size(), 1u);
  EXPECT_EQ(s->checks[0].ttl, "30s");

  parent->connect->sidecar_service->port = 0;
  SidecarPorts full;
  full.in_use = [](int) { return true; };
  const auto none = derive_sidecar(*parent, full);
  ASSERT_FALSE(none);
  EXPECT_EQ(
      none.error(),
      "no port provided for sidecar_service and none left in the configured range [21000, 21255]");
}

TEST(ServiceValidationTest, MissingName) {
  AgentServiceRegistration r;
  EXPECT_EQ(check_service_name(r), std::optional<std::string>{"Missing service name"});
  r.name = "web";
  EXPECT_EQ(check_service_name(r), std::nullopt);
}

TEST(ServiceValidationTest, ConnectProxyRulesInConsulOrder) {
  AgentServiceRegistration r;
  r.name = "p";
  r.kind = "connect-proxy";
  r.connect.emplace().native = true;
  EXPECT_EQ(validate_service(r),
            (std::vector<std::string>{
                "Proxy.DestinationServiceName must be non-empty for Connect proxy services",
                "Port or SocketPath must be set for a connect-proxy",
                "A Proxy cannot also be Connect Native, only typical services"}));
  r.proxy.emplace().destination_service_name = "*";
  r.port = 21000;
  r.connect.reset();
  EXPECT_EQ(validate_service(r),
            (std::vector<std::string>{
                "Proxy.DestinationServiceName must not be a wildcard for Connect proxy services"}));
  r.proxy->destination_service_name = "web";
  EXPECT_TRUE(validate_service(r).empty());
  AgentServiceRegistration typical;
  typical.name = "web";
  EXPECT_TRUE(validate_service(typical).empty());
}

}  // namespace
}  // namespace gatehouse::consul
