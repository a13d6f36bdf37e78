// X-Cache and Age on the agent-cached endpoints, as Consul's agent answers them:
// agent/http.go setCacheMeta (HIT carries Age, MISS none), agent/cache/cache.go getWithIndex for
// the background-refreshed roots and intention-match types (Age 0 on a HIT), and
// agent/leafcert/leafcert.go Get/certNeedsUpdate for leaves (every non-blocking Get revalidates).
#include <gtest/gtest.h>

#include "tests/integration/support/dev_agent_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

TEST_F(DevAgentTest, AuthorizeIsAMissFirstThenAHitWithAgeZero) {
  const std::string body =
      json{{"Target", "db"},
           {"ClientCertURI", "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/"
                             "dc1/svc/web"}}
          .dump();
  const auto first = agent_.post("/v1/agent/connect/authorize", body);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("X-Cache"), "MISS");
  EXPECT_EQ(first.header("Age"), "");
  const auto second = agent_.post("/v1/agent/connect/authorize", body);
  EXPECT_EQ(second.header("X-Cache"), "HIT");
  EXPECT_EQ(second.header("Age"), "0");
  // Another target is another cache entry.
  const auto other = agent_.post(
      "/v1/agent/connect/authorize",
      json{{"Target", "api"}, {"ClientCertURI", json::parse(body)["ClientCertURI"]}}.dump());
  EXPECT_EQ(other.header("X-Cache"), "MISS");
}

TEST_F(DevAgentTest, AgentRootsAreAHitOnceFetchedAndAMissAfterWaiting) {
  const auto first = agent_.get("/v1/agent/connect/ca/roots");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.header("X-Cache"), "MISS");
  const auto second = agent_.get("/v1/agent/connect/ca/roots");
  EXPECT_EQ(second.header("X-Cache"), "HIT");
  EXPECT_EQ(second.header("Age"), "0");
  // A blocking Get that times out waiting for newer roots is answered as a MISS.
  const auto index = first.header("X-Consul-Index");
  const auto waited = agent_.get("/v1/agent/connect/ca/roots?index=" + index + "&wait=100ms");
  EXPECT_EQ(waited.header("X-Cache"), "MISS");
  EXPECT_EQ(waited.header("Age"), "");
  // The server's endpoint is not behind the agent cache: no X-Cache at all.
  EXPECT_EQ(agent_.get("/v1/connect/ca/roots").header("X-Cache"), "");
}

TEST_F(DevAgentTest, LeafIsAMissUnlessABlockingGetIsAlreadyBehind) {
  const auto first = agent_.get("/v1/agent/connect/ca/leaf/web");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.header("X-Cache"), "MISS");
  // Non-blocking Gets always revalidate.
  EXPECT_EQ(agent_.get("/v1/agent/connect/ca/leaf/web").header("X-Cache"), "MISS");
  // A blocking Get with an older index is answered from the held leaf: a HIT with its age.
  const auto index = first.json()["ModifyIndex"].get<std::uint64_t>();
  const auto behind =
      agent_.get("/v1/agent/connect/ca/leaf/web?index=" + std::to_string(index - 1));
  EXPECT_EQ(behind.header("X-Cache"), "HIT");
  EXPECT_EQ(behind.header("Age"), "0");
  // One that waits until its deadline is a MISS.
  const auto waited =
      agent_.get("/v1/agent/connect/ca/leaf/web?index=" + std::to_string(index) + "&wait=100ms");
  EXPECT_EQ(waited.header("X-Cache"), "MISS");
}

}  // namespace
}  // namespace gatehouse::testing
