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
  ASSERT_FALSE(
      catalog_.register_service(registration(R"({"Name":"web","Port":8080,"Check":{"TTL":"10m"},
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

TEST_F(CatalogTest, TtlCheckLapsesToCriticalAndBumpsIndex) {
  ASSERT_FALSE(catalog_.register_service(
      registration(R"({"Name":"web","Port":8080,"Check":{"TTL":"30s"}})"), false));
  EXPECT_FALSE(catalog_.next_ttl_expiry());  // critical already: nothing to lapse
  ASSERT_FALSE(catalog_.update_ttl_check("service:web", "passing", "ok"));
  const auto lapse = catalog_.next_ttl_expiry();
  ASSERT_TRUE(lapse);
  const auto before = catalog_.index();
  catalog_.expire_ttl_checks(*lapse - std::chrono::seconds{1});
  EXPECT_EQ(catalog_.checks().at("service:web").status, "passing");
  EXPECT_EQ(catalog_.index(), before);
  catalog_.expire_ttl_checks(*lapse);
  const auto check = catalog_.checks().at("service:web");
  EXPECT_EQ(check.status, "critical");
  EXPECT_EQ(check.output, "TTL expired");
  EXPECT_GT(catalog_.index(), before);
  EXPECT_FALSE(catalog_.next_ttl_expiry());
}

// Go's largest durations as a TTL overflowed `now + TTL` (UBSan under fuzz/dev_agent_request;
// reproducer fuzz/regressions/dev_agent_request/ttl_beyond_the_clock): the check lapsed at once,
// or worse. It must simply never lapse.
TEST_F(CatalogTest, ATtlBeyondTheClocksRangeNeverLapses) {
  ASSERT_FALSE(catalog_.register_service(
      registration(R"({"Name":"web","Port":8080,"Check":{"TTL":"2562047h47m16s"}})"), false));
  ASSERT_FALSE(catalog_.update_ttl_check("service:web", "passing", "ok"));
  const auto lapse = catalog_.next_ttl_expiry();
  ASSERT_TRUE(lapse);
  EXPECT_EQ(*lapse, Catalog::Clock::time_point::max());
  catalog_.expire_ttl_checks(Catalog::Clock::now() + std::chrono::hours{24 * 365});
  EXPECT_EQ(catalog_.checks().at("service:web").status, "passing");
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
  EXPECT_EQ(e->body,
            "Validation failed: 1 error occurred:\n\t* Port or SocketPath must be set for a "
            "connect-proxy\n\n");
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

// agent/consul/state/catalog.go: a service view reports its own entries' index; another
// service's registration leaves it, and its watch keys, where they were.
TEST_F(CatalogTest, ServiceViewsKeepTheirOwnIndex) {
  ASSERT_FALSE(catalog_.register_service(
      registration(R"({"Name":"db","Port":5432,"Connect":{"SidecarService":{}}})"), false));
  const auto health = catalog_.check_service_nodes("db", {});
  const auto connect = catalog_.check_connect_service_nodes("db");
  const auto before_watch = store_.key_values(connect.watch);
  ASSERT_FALSE(catalog_.register_service(registration(R"({"Name":"web2","Port":9090})"), false));
  EXPECT_EQ(catalog_.check_service_nodes("db", {}).index, health.index);
  EXPECT_EQ(catalog_.check_connect_service_nodes("db").index, connect.index);
  EXPECT_EQ(store_.key_values(connect.watch), before_watch);
  EXPECT_GT(catalog_.check_service_nodes("web2", {}).index, health.index);
  // The checks table moved, and the views that report it (ServiceChecks) show it.
  EXPECT_GT(catalog_.service_checks("db").index, health.index);
}

TEST_F(CatalogTest, IdenticalReRegistrationTakesNoIndex) {
  const auto reg = registration(R"({"Name":"db","Port":5432,"Check":{"TTL":"30s"}})");
  ASSERT_FALSE(catalog_.register_service(reg, false));
  const auto index = catalog_.index();
  ASSERT_FALSE(catalog_.register_service(reg, false));
  EXPECT_EQ(catalog_.index(), index);
}

TEST_F(CatalogTest, LastInstanceGoneMovesTheExtinctionIndex) {
  ASSERT_FALSE(catalog_.register_service(registration(R"({"Name":"db","Port":1})"), false));
  const auto shown = catalog_.check_service_nodes("db", {}).index;
  ASSERT_TRUE(catalog_.deregister_service("db"));
  EXPECT_FALSE(store_.key_index("service.db"));
  const auto gone = catalog_.check_service_nodes("db", {});
  EXPECT_TRUE(gone.value.empty());
  EXPECT_GT(gone.index, shown);
  EXPECT_EQ(gone.index, store_.key_index("service_last_extinction"));
}

TEST_F(CatalogTest, NodeCarriesSerfHealthAndTheConsulService) {
  const auto node = catalog_.node_services("node1");
  ASSERT_TRUE(node.value);
  ASSERT_EQ(node.value->services.size(), 1U);
  EXPECT_EQ(node.value->services[0].id, "consul");
  const auto checks = catalog_.node_checks("node1").value;
  ASSERT_EQ(checks.size(), 1U);
  EXPECT_EQ(checks[0].check_id, "serfHealth");
  EXPECT_EQ(checks[0].output, "Agent alive and reachable");
  EXPECT_FALSE(catalog_.node_services("other").value);
}

}  // namespace
}  // namespace gatehouse::tools
