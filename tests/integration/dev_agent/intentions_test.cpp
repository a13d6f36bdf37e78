// Authorize, the exact and legacy intention APIs, list, check, match, and config entries: all
// views over one store (agent/agent_endpoint.go AgentConnectAuthorize,
// agent/intentions_endpoint.go, agent/config_endpoint.go).
#include <gtest/gtest.h>

#include <cctype>

#include "tests/integration/support/dev_agent_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

class IntentionsTest : public DevAgentTest {
 protected:
  std::string uri(const std::string& service) {
    if (trust_domain_.empty()) {
      trust_domain_ = agent_.get("/v1/agent/connect/ca/roots").json()["TrustDomain"];
    }
    return "spiffe://" + trust_domain_ + "/ns/default/dc/dc1/svc/" + service;
  }
  json authorize(const std::string& source, const std::string& target) {
    const auto r = agent_.post("/v1/agent/connect/authorize",
                               json{{"Target", target}, {"ClientCertURI", uri(source)}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  void put_exact(const std::string& src, const std::string& dst, const std::string& action) {
    const auto r = agent_.put("/v1/connect/intentions/exact?source=" + src + "&destination=" + dst,
                              json{{"Action", action}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.body, "true");
  }
  std::string trust_domain_;
};

TEST_F(IntentionsTest, ExactPutThenAuthorizeAllows) {
  const auto r =
      agent_.put("/v1/connect/intentions/exact?source=web&destination=db", R"({"Action":"allow"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "true");
  EXPECT_EQ(
      authorize("web", "db"),
      json::parse(
          R"j({"Authorized":true,"Reason":"Matched L4 intention: default/web => default/db (Precedence: 9, Action: ALLOW)"})j"));
}

TEST_F(IntentionsTest, WildcardDenyDeniesOthersButExactAllowWins) {
  put_exact("web", "db", "allow");
  put_exact("*", "db", "deny");
  EXPECT_EQ(
      authorize("api", "db"),
      json::parse(
          R"j({"Authorized":false,"Reason":"Matched L4 intention: default/* => default/db (Precedence: 8, Action: DENY)"})j"));
  EXPECT_EQ(authorize("web", "db")["Authorized"], true);
}

TEST_F(IntentionsTest, NoMatchUsesAclDefault) {
  EXPECT_EQ(authorize("web", "foo"),
            json::parse(R"({"Authorized":true,"Reason":"Default behavior configured by ACLs"})"));
}

TEST_F(IntentionsTest, TrustDomainIsNotCompared) {
  put_exact("web", "db", "allow");
  const auto r = agent_.post(
      "/v1/agent/connect/authorize",
      R"({"Target":"db","ClientCertURI":"spiffe://fake-domain.consul/ns/default/dc/dc1/svc/web"})");
  EXPECT_EQ(r.json()["Authorized"], true);
}

TEST_F(IntentionsTest, AuthorizeValidationOrderAndTexts) {
  auto r = agent_.post("/v1/agent/connect/authorize", "");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Request decode failed: EOF");
  r = agent_.post("/v1/agent/connect/authorize", R"({"Target":"db","Namespace":"default"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Request decode failed: json: unknown field \"Namespace\"");
  r = agent_.post("/v1/agent/connect/authorize", R"({"ClientCertURI":"x"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Target service must be specified");
  r = agent_.post("/v1/agent/connect/authorize", R"({"Target":"db","ClientCertURI":"http://x"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "ClientCertURI not a valid Connect identifier");
  r = agent_.post("/v1/agent/connect/authorize",
                  R"({"Target":"db","ClientCertURI":"spiffe://1234.consul"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "ClientCertURI not a valid Service identifier");
}

TEST_F(IntentionsTest, ExactGetDeleteAndErrors) {
  put_exact("web", "db", "deny");
  auto r = agent_.get("/v1/connect/intentions/exact?source=web&destination=db");
  ASSERT_EQ(r.status, 200);
  auto j = r.json();
  EXPECT_EQ(j["SourceName"], "web");
  EXPECT_EQ(j["DestinationName"], "db");
  EXPECT_EQ(j["Action"], "deny");
  EXPECT_EQ(j["Precedence"], 9);
  EXPECT_EQ(j["SourceType"], "consul");
  EXPECT_FALSE(j.contains("ID"));
  EXPECT_EQ(r.header("X-Consul-Index"), "");

  r = agent_.get("/v1/connect/intentions/exact?source=web");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "required query parameter 'destination' not set");
  r = agent_.get("/v1/connect/intentions/exact?destination=db");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "required query parameter 'source' not set");
  r = agent_.put("/v1/connect/intentions/exact?source=web&destination=db", R"({"Actoin":"allow"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Request decode failed: json: unknown field \"Actoin\"");
  r = agent_.put("/v1/connect/intentions/exact?source=web&destination=db",
                 R"({"Action":"allow","Meta":{"a":"b"}})");
  EXPECT_EQ(r.status, 500);

  r = agent_.request("DELETE", "/v1/connect/intentions/exact?source=web&destination=db");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "true");
  r = agent_.get("/v1/connect/intentions/exact?source=web&destination=db");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "Intention not found");
}

TEST_F(IntentionsTest, ListCheckAndMatch) {
  put_exact("web", "db", "allow");
  put_exact("*", "db", "deny");
  put_exact("web", "*", "allow");
  const auto list = agent_.get("/v1/connect/intentions").json();
  ASSERT_EQ(list.size(), 3U);
  EXPECT_EQ(list[0]["Precedence"], 9);  // evaluation order
  EXPECT_EQ(list[1]["Precedence"], 8);
  EXPECT_EQ(list[2]["Precedence"], 6);

  EXPECT_EQ(agent_.get("/v1/connect/intentions/check?source=web&destination=db").body,
            R"({"Allowed":true})");
  EXPECT_EQ(agent_.get("/v1/connect/intentions/check?source=api&destination=db").body,
            R"({"Allowed":false})");
  const auto missing = agent_.get("/v1/connect/intentions/check?destination=db");
  EXPECT_EQ(missing.status, 500);
  EXPECT_EQ(missing.body, "required query parameter 'source' not set");

  const auto m = agent_.get("/v1/connect/intentions/match?by=destination&name=db").json();
  ASSERT_EQ(m["db"].size(), 3U);
  EXPECT_EQ(m["db"][0]["SourceName"], "web");
  EXPECT_EQ(m["db"][1]["SourceName"], "*");
  EXPECT_EQ(m["db"][2]["DestinationName"], "*");
  const auto by_src = agent_.get("/v1/connect/intentions/match?by=source&name=web").json();
  ASSERT_EQ(by_src["web"].size(), 3U);

  auto r = agent_.get("/v1/connect/intentions/match?name=db");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "required query parameter 'by' not set");
  r = agent_.get("/v1/connect/intentions/match?by=sideways&name=db");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "'by' parameter must be one of 'source' or 'destination'");
  r = agent_.get("/v1/connect/intentions/match?by=source");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "required query parameter 'name' not set");
}

TEST_F(IntentionsTest, LegacyIdApi) {
  auto r = agent_.post(
      "/v1/connect/intentions",
      R"({"SourceName":"web","DestinationName":"api","Action":"allow","Meta":{"k":"v"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto id = r.json()["ID"].get<std::string>();
  ASSERT_EQ(id.size(), 36U);

  r = agent_.get("/v1/connect/intentions/" + id);
  ASSERT_EQ(r.status, 200);
  auto j = r.json();
  EXPECT_EQ(j["ID"], id);
  EXPECT_EQ(j["Meta"]["k"], "v");
  EXPECT_TRUE(j.contains("CreatedAt"));
  EXPECT_EQ(authorize("web", "api")["Reason"],
            "Matched L4 intention: default/web => default/api (ID: " + id +
                ", Precedence: 9, Action: ALLOW)");

  r = agent_.put("/v1/connect/intentions/" + id,
                 R"({"SourceName":"web","DestinationName":"api","Action":"deny"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["ID"], id);
  EXPECT_EQ(agent_.get("/v1/connect/intentions/" + id).json()["Action"], "deny");
  r = agent_.put("/v1/connect/intentions/" + id,
                 R"({"SourceName":"web","DestinationName":"other","Action":"deny"})");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            "Cannot modify Destination partition/namespace/name for an intention once it exists.");

  // The same intention through the other views.
  const auto exact = agent_.get("/v1/connect/intentions/exact?source=web&destination=api").json();
  EXPECT_EQ(exact["ID"], id);
  const auto entry = agent_.get("/v1/config/service-intentions/api").json();
  EXPECT_EQ(entry["Sources"][0]["LegacyID"], id);

  r = agent_.request("DELETE", "/v1/connect/intentions/" + id);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "true");
  r = agent_.get("/v1/connect/intentions/" + id);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "Intention not found");
  r = agent_.request("DELETE", "/v1/connect/intentions/" + id);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "Cannot delete non-existent intention: '" + id + "'");
  EXPECT_EQ(agent_.get("/v1/connect/intentions/not-a-uuid").status, 400);
}

TEST_F(IntentionsTest, LegacyCreateErrors) {
  auto r = agent_.post("/v1/connect/intentions", R"({"SourceName":"web","Action":"allow"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "Permission denied");
  r = agent_.post("/v1/connect/intentions", "{");
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(r.body.starts_with("Failed to decode request body: ")) << r.body;
  r = agent_.post("/v1/connect/intentions",
                  R"({"SourceName":"web","DestinationName":"db","Action":"maybe"})");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("Action must be set to 'allow' or 'deny'"), std::string::npos) << r.body;
}

TEST_F(IntentionsTest, ConfigEntryIsTheStore) {
  auto r =
      agent_.put("/v1/config", R"({"Kind":"service-intentions","Name":"db","Meta":{"owner":"a"},
      "Sources":[{"Name":"web","Action":"allow"},{"Name":"*","Action":"deny"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "true");
  const auto entry = agent_.get("/v1/config/service-intentions/db");
  ASSERT_EQ(entry.status, 200);
  EXPECT_NE(entry.header("X-Consul-Index"), "");
  const auto j = entry.json();
  EXPECT_EQ(j["Kind"], "service-intentions");
  ASSERT_EQ(j["Sources"].size(), 2U);
  EXPECT_EQ(j["Sources"][0]["Precedence"], 9);
  // Intentions derived from the entry show its Meta and no ID.
  const auto exact = agent_.get("/v1/connect/intentions/exact?source=web&destination=db").json();
  EXPECT_EQ(exact["Meta"]["owner"], "a");
  EXPECT_FALSE(exact.contains("ID"));
  EXPECT_EQ(authorize("api", "db")["Authorized"], false);

  const auto list = agent_.get("/v1/config/service-intentions").json();
  ASSERT_EQ(list.size(), 1U);
  EXPECT_EQ(list[0]["Name"], "db");

  r = agent_.put(
      "/v1/config",
      R"({"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow"},{"Name":"web","Action":"deny"}]})");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "Sources[1] defines \"web\" more than once");
  r = agent_.put("/v1/config", R"({"Kind":"service-intentions","Name":"db","Sourcez":[]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Request decoding failed: json: unknown field \"Sourcez\"");

  r = agent_.request("DELETE", "/v1/config/service-intentions/db");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
  r = agent_.get("/v1/config/service-intentions/db");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "Config entry not found for \"service-intentions\" / \"db\"");
  EXPECT_EQ(agent_.get("/v1/connect/intentions").json(), json::array());
}

TEST_F(IntentionsTest, L7NeedsHttpProtocolAndCountsAsDeny) {
  const std::string l7 = R"({"Kind":"service-intentions","Name":"db","Sources":[
      {"Name":"web","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]}]})";
  auto r = agent_.put("/v1/config", l7);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(
      r.body,
      "service \"db\" has protocol \"tcp\", which is incompatible with L7 intentions permissions");
  r = agent_.put("/v1/config", R"({"Kind":"service-defaults","Name":"db","Protocol":"http"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(agent_.get("/v1/config/service-defaults/db").json()["Protocol"], "http");
  r = agent_.put("/v1/config", l7);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      authorize("web", "db"),
      json::parse(
          R"j({"Authorized":false,"Reason":"Matched L7 intention: default/web => default/db (Precedence: 9, Permissions: 1)"})j"));
  EXPECT_EQ(agent_.get("/v1/connect/intentions/check?source=web&destination=db").body,
            R"({"Allowed":false})");
}

class DefaultIntentionPolicyTest : public ::testing::Test {
 protected:
  DevAgentProcess agent_{{"-default-intention-policy", "deny"}};
};

TEST_F(DefaultIntentionPolicyTest, NoMatchUsesDefaultIntentionPolicy) {
  const auto r = agent_.post(
      "/v1/agent/connect/authorize",
      R"({"Target":"db","ClientCertURI":"spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web"})");
  EXPECT_EQ(r.json(), json::parse(R"({"Authorized":false,"Reason":"Default intention policy"})"));
}

// `GET /v1/connect/intentions?filter=`: agent/consul/intention_endpoint.go List runs
// bexpr.CreateFilter (go-bexpr v0.1.2) over the listed intentions; the selectors are
// expectedFieldConfigIntention's (agent/structs/structs_filtering_test.go).
class IntentionFilterTest : public IntentionsTest {
 protected:
  void SetUp() override {
    IntentionsTest::SetUp();
    const auto r = agent_.post("/v1/connect/intentions", R"({"SourceName":"web",
        "DestinationName":"db","SourceType":"consul","Action":"allow",
        "Meta":{"env":"prod","x":"1"}})");
    ASSERT_EQ(r.status, 200) << r.body;
    put_exact("api", "db", "deny");
    put_exact("worker", "cache", "allow");
  }

  static std::string encoded(std::string_view text) {
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

  // The listed intentions as "source>destination", in the list's order.
  std::string listed(std::string_view filter, const std::string& extra = "") {
    const auto r = agent_.get("/v1/connect/intentions?filter=" + encoded(filter) + extra);
    EXPECT_EQ(r.status, 200) << filter << ": " << r.body;
    std::string out;
    for (const auto& ixn : r.json()) {
      out += (out.empty() ? "" : " ") + ixn["SourceName"].get<std::string>() + ">" +
             ixn["DestinationName"].get<std::string>();
    }
    return out;
  }
};

TEST_F(IntentionFilterTest, WithoutFilterEverythingIsListed) {
  EXPECT_EQ(listed(""), "api>db web>db worker>cache");
}

TEST_F(IntentionFilterTest, SelectsByStringFields) {
  EXPECT_EQ(listed(R"(SourceName == "web")"), "web>db");
  EXPECT_EQ(listed(R"(DestinationName != "db" and Action == "allow")"), "worker>cache");
  EXPECT_EQ(listed(R"(SourceName matches "^w")"), "web>db worker>cache");
  EXPECT_EQ(listed("Action == deny or Precedence != 9"), "api>db");
  EXPECT_EQ(listed(R"(not (SourceName == "web" or SourceName == "api"))"), "worker>cache");
}

TEST_F(IntentionFilterTest, SelectsByMeta) {
  EXPECT_EQ(listed(R"("x" in Meta)"), "web>db");
  EXPECT_EQ(listed(R"(Meta.env == "prod")"), "web>db");
  EXPECT_EQ(listed("Meta is empty"), "api>db worker>cache");
}

// A bad expression is a plain error from the RPC, so 500 with the text (hashicorp/consul#7338).
TEST_F(IntentionFilterTest, BadExpressionsAre500WithGoBexprText) {
  auto r = agent_.get("/v1/connect/intentions?filter=" + encoded("SourceName == 12x"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            R"(Failed to create boolean expression evaluator: 1:17 (16): rule "number": Invalid number literal)");
  r = agent_.get("/v1/connect/intentions?filter=" + encoded(R"(Foo == "bar")"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"(Failed to create boolean expression evaluator: Selector "Foo" is not valid)");
  r = agent_.get("/v1/connect/intentions?filter=" + encoded(R"("9" in Precedence)"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(
      r.body,
      R"(Failed to create boolean expression evaluator: Invalid match operator "In" for selector "Precedence")");
  r = agent_.get("/v1/connect/intentions?filter=" + encoded("not(SourceName == web)"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(
      r.body,
      R"(Failed to create boolean expression evaluator: 1:4 (3): no match found, expected: "!=", ".", "==", "[", [ \t\r\n] or [a-zA-Z0-9_])");
  EXPECT_EQ(listed(R"(SourceName == "web")"), "web>db");  // still serving
}

// The filter runs on the blocking query's result; the index stays the table's.
TEST_F(IntentionFilterTest, BlockingQueriesKeepTheIndex) {
  const auto all = agent_.get("/v1/connect/intentions");
  const auto index = all.header("X-Consul-Index");
  ASSERT_NE(index, "");
  const auto r = agent_.get("/v1/connect/intentions?index=" + index + "&wait=20ms&filter=" +
                            encoded(R"(SourceName == "api")"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("X-Consul-Index"), index);
  ASSERT_EQ(r.json().size(), 1u);
  EXPECT_EQ(r.json()[0]["SourceName"], "api");
  EXPECT_EQ(listed(R"(SourceName == "nobody")", "&index=1"), "");
}

}  // namespace
}  // namespace gatehouse::testing
