// PUT/GET/DELETE /v1/config answers as Consul's agent/config_endpoint.go gives them.
#include <gtest/gtest.h>

#include "tests/integration/support/dev_agent_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

class ConfigEntriesTest : public DevAgentTest {
 protected:
  std::uint64_t put_defaults(const std::string& name) {
    const auto r = agent_.put("/v1/config", json{{"Kind", "service-defaults"}, {"Name", name}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return agent_.get("/v1/config/service-defaults/" + name).json()["ModifyIndex"];
  }
};

// agent/config_endpoint_test.go TestConfig_Apply_Decoding "Kind Not String".
TEST_F(ConfigEntriesTest, KindMustBeAString) {
  for (const std::string body : {R"({"Kind":5,"Name":"db"})", R"({"Kind":null,"Name":"db"})",
                                 R"({"kind":["service-defaults"],"Name":"db"})"}) {
    const auto r = agent_.put("/v1/config", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body, "Request decoding failed: Kind value in payload is not a string") << body;
  }
}

// agent/config_endpoint.go configDelete with `?cas=`: the body is the `deleted` boolean
// (agent/consul/state/config_entry.go DeleteConfigEntryCAS: a stale index or a missing entry
// deletes nothing).
TEST_F(ConfigEntriesTest, CasDeleteAnswersWhetherItDeleted) {
  const auto index = put_defaults("db");
  auto r = agent_.request("DELETE", "/v1/config/service-defaults/db?cas=" + std::to_string(index - 1));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "false");
  EXPECT_EQ(agent_.get("/v1/config/service-defaults/db").status, 200);
  r = agent_.request("DELETE", "/v1/config/service-defaults/db?cas=" + std::to_string(index));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "true");
  EXPECT_EQ(agent_.get("/v1/config/service-defaults/db").status, 404);
  r = agent_.request("DELETE", "/v1/config/service-defaults/db?cas=" + std::to_string(index));
  EXPECT_EQ(r.body, "false");
}

// agent/config_endpoint.go configDelete: a plain delete answers an empty object (kept for
// backwards compatibility); a bad `cas` is strconv.ParseUint's error returned as is (500).
TEST_F(ConfigEntriesTest, PlainDeleteAndBadCas) {
  put_defaults("db");
  auto r = agent_.request("DELETE", "/v1/config/service-defaults/db?cas=abc");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "strconv.ParseUint: parsing \"abc\": invalid syntax");
  r = agent_.put("/v1/config?cas=-1", R"({"Kind":"service-defaults","Name":"db"})");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "strconv.ParseUint: parsing \"-1\": invalid syntax");
  r = agent_.request("DELETE", "/v1/config/service-defaults/db");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
  r = agent_.request("DELETE", "/v1/config/service-defaults");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "Must provide both a kind and name to delete");
  r = agent_.request("DELETE", "/v1/config/no-such-kind/db");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "invalid config entry kind: no-such-kind");
}

}  // namespace
}  // namespace gatehouse::testing
