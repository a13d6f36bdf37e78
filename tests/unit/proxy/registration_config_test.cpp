#include "proxy/registration_config.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;

// GET /v1/agent/service/web-sidecar-proxy as an agent answers it (api.AgentService in
// api/agent.go; https://developer.hashicorp.com/consul/api-docs/agent/service).
constexpr const char* kSidecar = R"({
  "Kind": "connect-proxy", "ID": "web-sidecar-proxy", "Service": "web-sidecar-proxy",
  "Tags": [], "Meta": {}, "Port": 21000, "Address": "",
  "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": false,
  "ContentHash": "b1a3f0e4c2d97a51", "Datacenter": "dc1",
  "Proxy": {
    "DestinationServiceName": "web", "DestinationServiceID": "web",
    "LocalServiceAddress": "127.0.0.1", "LocalServicePort": 8080,
    "Config": {"bind_address": "0.0.0.0", "local_connect_timeout_ms": 1500},
    "Upstreams": [
      {"DestinationType": "service", "DestinationName": "db", "LocalBindPort": 9191, "MeshGateway": {}},
      {"DestinationType": "prepared_query", "DestinationName": "geo-cache",
       "LocalBindAddress": "127.0.0.1", "LocalBindPort": 8181, "Datacenter": "dc2", "MeshGateway": {}}
    ],
    "MeshGateway": {}, "Expose": {}
  }
})";

consul::AgentService sidecar(const std::function<void(nlohmann::json&)>& edit = {}) {
  auto j = nlohmann::json::parse(kSidecar);
  if (edit) edit(j);
  return j.get<consul::AgentService>();
}

TEST(RegistrationConfig, ConsulSidecarRegistration) {
  ProxyConfig base;
  base.workers = 2;
  auto mapped = config_from_registration(sidecar(), base);
  ASSERT_TRUE(mapped) << mapped.error();
  const ProxyConfig& c = mapped->config;
  EXPECT_EQ(c.service, "web");
  EXPECT_TRUE(c.has_listener);
  EXPECT_EQ(c.listen, (HostPort{"0.0.0.0", 21000}));  // empty Address: all interfaces
  EXPECT_EQ(c.local_app, (HostPort{"127.0.0.1", 8080}));
  EXPECT_EQ(c.timeouts.local_connect, 1500ms);
  EXPECT_EQ(c.timeouts.handshake, 10000ms);
  EXPECT_EQ(c.workers, 2U);  // ours, from flags
  ASSERT_EQ(c.upstreams.size(), 1U);
  EXPECT_EQ(c.upstreams[0].destination_name, "db");
  EXPECT_EQ(c.upstreams[0].bind, (HostPort{"127.0.0.1", 9191}));
  EXPECT_EQ(c.upstreams[0].connect_timeout, 10000ms);
  EXPECT_EQ(c.upstreams[0].datacenter, "");
  ASSERT_EQ(mapped->warnings.size(), 1U);
  EXPECT_EQ(mapped->warnings[0],
            "upstream geo-cache: DestinationType prepared_query is not supported (prepared query "
            "upstreams are not supported); skipped");
}

TEST(RegistrationConfig, TimeoutsMissingFromProxyConfigKeepOurFlags) {
  ProxyConfig base;
  base.timeouts.handshake = 3s;      // -handshake-timeout 3s
  base.timeouts.local_connect = 4s;  // overridden by Proxy.Config.local_connect_timeout_ms
  auto mapped = config_from_registration(sidecar(), base);
  ASSERT_TRUE(mapped) << mapped.error();
  EXPECT_EQ(mapped->config.timeouts.handshake, 3s);
  EXPECT_EQ(mapped->config.timeouts.local_connect, 1500ms);
}

TEST(RegistrationConfig, AddressPortAndDefaults) {
  auto mapped = config_from_registration(
      sidecar([](nlohmann::json& j) {
        j["Address"] = "10.0.0.5";
        j["Proxy"].erase("LocalServiceAddress");
        j["Proxy"]["Upstreams"][0]["LocalBindAddress"] = "127.0.0.9";
        j["Proxy"]["Upstreams"][0]["Datacenter"] = "dc3";
        j["Proxy"]["Upstreams"][0]["Config"] = {{"connect_timeout_ms", 2500}};
      }),
      ProxyConfig{});
  ASSERT_TRUE(mapped) << mapped.error();
  EXPECT_EQ(mapped->config.listen, (HostPort{"10.0.0.5", 21000}));
  EXPECT_EQ(mapped->config.local_app, (HostPort{"127.0.0.1", 8080}));
  ASSERT_EQ(mapped->config.upstreams.size(), 1U);
  EXPECT_EQ(mapped->config.upstreams[0].bind, (HostPort{"127.0.0.9", 9191}));
  EXPECT_EQ(mapped->config.upstreams[0].datacenter, "dc3");
  EXPECT_EQ(mapped->config.upstreams[0].connect_timeout, 2500ms);
}

TEST(RegistrationConfig, PortZeroMeansNoPublicListener) {
  auto mapped =
      config_from_registration(sidecar([](nlohmann::json& j) { j["Port"] = 0; }), ProxyConfig{});
  ASSERT_TRUE(mapped) << mapped.error();
  EXPECT_FALSE(mapped->config.has_listener);
  EXPECT_EQ(mapped->config.upstreams.size(), 1U);
}

TEST(RegistrationConfig, TimeoutsOfTheWrongTypeFallBackWithAWarning) {
  auto mapped = config_from_registration(
      sidecar([](nlohmann::json& j) {
        j["Proxy"]["Config"] = {{"local_connect_timeout_ms", "2s"}, {"handshake_timeout_ms", 700}};
        j["Proxy"]["Upstreams"][0]["Config"] = {{"connect_timeout_ms", -1}};
      }),
      ProxyConfig{});
  ASSERT_TRUE(mapped) << mapped.error();
  EXPECT_EQ(mapped->config.timeouts.local_connect, 1000ms);
  EXPECT_EQ(mapped->config.timeouts.handshake, 700ms);
  EXPECT_EQ(mapped->config.upstreams[0].connect_timeout, 10000ms);
  ASSERT_EQ(mapped->warnings.size(), 3U);
  EXPECT_EQ(mapped->warnings[0],
            "Proxy.Config.local_connect_timeout_ms: expected a positive number of milliseconds, "
            "got \"2s\"; using 1000");
  EXPECT_EQ(mapped->warnings[1],
            "upstream db: Config.connect_timeout_ms: expected a positive number of milliseconds, "
            "got -1; using 10000");
}

TEST(RegistrationConfig, NotAProxy) {
  auto mapped = config_from_registration(sidecar([](nlohmann::json& j) {
                                           j.erase("Kind");
                                           j.erase("Proxy");
                                         }),
                                         ProxyConfig{});
  ASSERT_FALSE(mapped);
  EXPECT_EQ(mapped.error(), "service web-sidecar-proxy: is not a connect-proxy registration");
}

TEST(FindSidecarProxyId, ConsulRules) {
  std::map<std::string, consul::AgentService> services;
  services["web"] = sidecar([](nlohmann::json& j) {
    j = {{"ID", "web"}, {"Service", "web"}, {"Port", 8080}};
  });
  services["web-sidecar-proxy"] = sidecar();
  auto found = find_sidecar_proxy_id(services, "WEB");  // case-insensitive like Consul
  ASSERT_TRUE(found) << found.error();
  EXPECT_EQ(*found, "web-sidecar-proxy");

  auto none = find_sidecar_proxy_id(services, "db");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error(), "No sidecar proxy registered for db");

  services["web-proxy-2"] = sidecar([](nlohmann::json& j) { j["ID"] = "web-proxy-2"; });
  auto two = find_sidecar_proxy_id(services, "web");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error(),
            "More than one sidecar proxy registered for web.\n    Start proxy with -proxy-id and "
            "one of the following IDs: web-proxy-2, web-sidecar-proxy");
}

}  // namespace
}  // namespace gatehouse::proxy
