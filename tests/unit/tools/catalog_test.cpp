#include "tools/dev_agent/catalog.hpp"

#include <gtest/gtest.h>

#include "consul/json_decode.hpp"

namespace gatehouse::tools {
namespace {

consul::AgentServiceRegistration registration(std::string_view json) {
  auto r = consul::decode_json<consul::AgentServiceRegistration>(json, consul::kStrictBodyAnyCase);
  EXPECT_TRUE(r) << r.error();
  return r ? *r : consul::AgentServiceRegistration{};
}

class CatalogTest : public ::testing::Test {
 protected:
  StateStore store_;
  Catalog catalog_{store_, "node1", "dc1", "11111111-2222-3333-4444-555555555555"};
};

TEST_F(CatalogTest, SidecarDerivationFillsConsulFields) {
  ASSERT_FALSE(catalog_.register_service(
      registration(R"({"ID":"web-1","Name":"web","Port":8080,"Address":"10.0.0.5",
                       "Meta":{"team":"a"},"Connect":{"SidecarService":{}}})"),
      false));
  const auto sidecar = catalog_.service("web-1-sidecar-proxy");
  ASSERT_TRUE(sidecar);
  EXPECT_EQ(sidecar->kind, "connect-proxy");
  EXPECT_EQ(sidecar->service, "web-sidecar-proxy");
  EXPECT_EQ(sidecar->address, "10.0.0.5");
  EXPECT_EQ(sidecar->port, 21000);
  EXPECT_EQ(sidecar->meta.at("team"), "a");
  ASSERT_TRUE(sidecar->proxy);
  EXPECT_EQ(sidecar->proxy->destination_service_name, "web");
  EXPECT_EQ(sidecar->proxy->destination_service_id, "web-1");
  EXPECT_EQ(sidecar->proxy->local_service_address, "127.0.0.1");
  EXPECT_EQ(sidecar->proxy->local_service_port, 8080);
  const auto checks = catalog_.checks();
  EXPECT_EQ(checks.at("service:web-1-sidecar-proxy:1").name, "Connect Sidecar Listening");
  EXPECT_EQ(checks.at("service:web-1-sidecar-proxy:2").name, "Connect Sidecar Aliasing web-1");
  // The parent no longer carries the sidecar definition.
  EXPECT_FALSE(catalog_.service("web-1")->connect);
}

TEST_F(CatalogTest, ReRegisteringKeepsTheSidecarPort) {
  const auto reg = registration(R"({"Name":"web","Port":8080,"Connect":{"SidecarService":{}}})");
  ASSERT_FALSE(catalog_.register_service(reg, false));
  ASSERT_FALSE(catalog_.register_service(
      registration(R"({"Name":"api","Port":8081,"Connect":{"SidecarService":{}}})"), false));
  ASSERT_FALSE(catalog_.register_service(reg, false));
  EXPECT_EQ(catalog_.service("web-sidecar-proxy")->port, 21000);
  EXPECT_EQ(catalog_.service("api-sidecar-proxy")->port, 21001);
}

TEST_F(CatalogTest, TtlCheckGatesPassingFilter) {
  ASSERT_FALSE(catalog_.register_service(
      registration(R"({"Name":"web","Port":8080,"Check":{"TTL":"10m"},
                       "Connect":{"SidecarService":{}}})"),
      false));
  EXPECT_EQ(catalog_.connect_entries("web", false).size(), 1U);
  EXPECT_TRUE(catalog_.connect_entries("web", true).empty());
  ASSERT_FALSE(catalog_.update_ttl_check("service:web", "passing", "ok"));
  ASSERT_EQ(catalog_.connect_entries("web", true).size(), 1U);
  EXPECT_EQ(catalog_.checks().at("service:web").output, "ok");
  const auto e = catalog_.update_ttl_check("service:web-sidecar-proxy:1", "passing", "");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body, "CheckID \"service:web-sidecar-proxy:1\" does not have associated TTL");
}

TEST_F(CatalogTest, ValidationTexts) {
  auto e = catalog_.register_service(registration(R"({"Port":1})"), false);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body, "Missing service name");
  e = catalog_.register_service(registration(R"({"Name":"x","Address":"0.0.0.0"})"), false);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body, "Invalid service address");
  e = catalog_.register_service(
      registration(R"({"Name":"x","Kind":"connect-proxy","Proxy":{"DestinationServiceName":"y"}})"),
      false);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body, "Validation failed: Port or SocketPath must be set for a connect-proxy");
}

TEST_F(CatalogTest, ContentHashChangesWithDefinition) {
  ASSERT_FALSE(catalog_.register_service(registration(R"({"Name":"web","Port":1})"), false));
  const auto h1 = catalog_.service("web")->content_hash;
  ASSERT_FALSE(catalog_.register_service(registration(R"({"Name":"web","Port":1})"), false));
  EXPECT_EQ(catalog_.service("web")->content_hash, h1);
  ASSERT_FALSE(catalog_.register_service(registration(R"({"Name":"web","Port":2})"), false));
  EXPECT_NE(catalog_.service("web")->content_hash, h1);
  EXPECT_EQ(h1.size(), 16U);
}

TEST(ParseGoBool, AcceptsStrconvForms) {
  EXPECT_EQ(parse_go_bool("1"), true);
  EXPECT_EQ(parse_go_bool("True"), true);
  EXPECT_EQ(parse_go_bool("f"), false);
  EXPECT_FALSE(parse_go_bool("yes"));
}

}  // namespace
}  // namespace gatehouse::tools
