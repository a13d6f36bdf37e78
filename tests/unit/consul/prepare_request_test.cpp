// prepare_request: the URL (prefix, query escaping, dc=) and headers (X-Consul-Token).
#include <gtest/gtest.h>

#include "consul/http_client.hpp"

namespace gatehouse::consul {
namespace {

AgentConfig config_for(const std::string& address) {
  AgentConfig c;
  c.address = *parse_agent_address(address, false);
  return c;
}

TEST(PrepareRequest, PathAndQuery) {
  HttpRequest req;
  req.path = "/v1/connect/intentions/exact";
  req.query = {{"source", "web"}, {"destination", "db"}};
  const auto p = prepare_request(config_for("127.0.0.1:8500"), req);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->url, "http://127.0.0.1:8500/v1/connect/intentions/exact?source=web&destination=db");
  EXPECT_TRUE(p->headers.empty());
}

TEST(PrepareRequest, QueryValuesAreEscaped) {
  HttpRequest req;
  req.path = "/v1/connect/intentions";
  req.query = {{"filter", "SourceName == \"web\" and x&y"}};
  const auto p = prepare_request(config_for("127.0.0.1:8500"), req);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(
      p->url,
      "http://127.0.0.1:8500/v1/connect/intentions?filter=SourceName+%3d%3d+%22web%22+and+x%26y");
}

TEST(PrepareRequest, FlagWithoutValue) {
  HttpRequest req;
  req.path = "/v1/health/connect/db";
  req.query = {{"passing", ""}};
  const auto p = prepare_request(config_for("127.0.0.1:8500"), req);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->url, "http://127.0.0.1:8500/v1/health/connect/db?passing");
}

TEST(PrepareRequest, PrefixDatacenterAndToken) {
  AgentConfig c = config_for("https://consul.local:8501/proxy");
  c.datacenter = "dc2";
  c.token = "secret-token";
  HttpRequest req;
  req.path = "/v1/agent/connect/ca/roots";
  req.query = {{"index", "12"}, {"wait", "1000ms"}};
  req.headers = {{"Content-Type", "application/json"}};
  const auto p = prepare_request(c, req);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(
      p->url,
      "https://consul.local:8501/proxy/v1/agent/connect/ca/roots?index=12&wait=1000ms&dc=dc2");
  EXPECT_EQ(p->headers, (std::vector<std::string>{"X-Consul-Token: secret-token",
                                                  "Content-Type: application/json"}));
}

TEST(PrepareRequest, ExplicitDcWins) {
  AgentConfig c = config_for("127.0.0.1:8500");
  c.datacenter = "dc2";
  HttpRequest req;
  req.path = "/v1/status/leader";
  req.query = {{"dc", "dc3"}};
  EXPECT_EQ(prepare_request(c, req)->url, "http://127.0.0.1:8500/v1/status/leader?dc=dc3");
}

TEST(PrepareRequest, ExplicitTokenHeaderWins) {
  AgentConfig c = config_for("127.0.0.1:8500");
  c.token = "default";
  HttpRequest req;
  req.path = "/v1/status/leader";
  req.headers = {{"x-consul-token", "other"}};
  EXPECT_EQ(prepare_request(c, req)->headers, (std::vector<std::string>{"x-consul-token: other"}));
}

TEST(PrepareRequest, UnixSocketUsesPlaceholderHost) {
  HttpRequest req;
  req.path = "/v1/agent/self";
  EXPECT_EQ(prepare_request(config_for("unix:///tmp/consul.sock"), req)->url,
            "http://localhost/v1/agent/self");
}

TEST(PrepareRequest, PathSegmentsAreEscaped) {
  HttpRequest req;
  req.path = "/v1/agent/connect/ca/leaf/my svc";
  EXPECT_EQ(prepare_request(config_for("127.0.0.1:8500"), req)->url,
            "http://127.0.0.1:8500/v1/agent/connect/ca/leaf/my%20svc");
}

TEST(HttpHeaders, CaseInsensitiveLookup) {
  HttpHeaders h;
  h.add("X-Consul-Index", "42");
  EXPECT_EQ(h.find("x-consul-index"), "42");
  EXPECT_EQ(h.find("X-CONSUL-INDEX"), "42");
  EXPECT_EQ(h.find("X-Consul-Indexx"), std::nullopt);
}

}  // namespace
}  // namespace gatehouse::consul
