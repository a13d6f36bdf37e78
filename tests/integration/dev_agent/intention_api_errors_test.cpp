// Error answers of the intention endpoints, each as Consul gives it (status and exact text), with
// the Consul source it follows.
#include <gtest/gtest.h>

#include "tests/integration/support/dev_agent_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

class IntentionApiErrorsTest : public DevAgentTest {
 protected:
  HttpReply exact(const std::string& method, const std::string& query,
                  const std::optional<std::string>& body = std::nullopt) {
    return agent_.request(method, "/v1/connect/intentions/exact?" + query, body);
  }
  std::string create_legacy(const std::string& source, const std::string& destination) {
    const auto r = agent_.post(
        "/v1/connect/intentions",
        json{{"SourceName", source}, {"DestinationName", destination}, {"Action", "allow"}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["ID"];
  }
};

// agent/intentions_endpoint.go parseIntentionQueryExact: a missing or empty parameter on the exact
// writes is a plain error (500); parseIntentionStringComponent errors are wrapped with the
// parameter name and its %q-quoted value.
TEST_F(IntentionApiErrorsTest, ExactWriteNamesMissingOrBadParameters) {
  for (const std::string method : {"PUT", "DELETE"}) {
    const std::string body = R"({"Action":"allow"})";
    auto r = exact(method, "destination=db", body);
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, "required query parameter 'source' not set");
    r = exact(method, "source=&destination=db", body);
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, "required query parameter 'source' not set");
    r = exact(method, "source=web", body);
    EXPECT_EQ(r.body, "required query parameter 'destination' not set");
    r = exact(method, "source=web&source=api&destination=db", body);
    EXPECT_EQ(r.body, "required query parameter 'source' not set");
    r = exact(method, "source=a/b/c/d&destination=db", body);
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, "source \"a/b/c/d\" is invalid: input can contain at most two '/'");
    r = exact(method, "source=web&destination=peer:p/db", body);
    EXPECT_EQ(r.body, "destination \"peer:p/db\" is invalid: cannot specify a peer here");
  }
  const auto r = exact("GET", "destination=db");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "required query parameter 'source' not set");
}

// Wildcard rules are the service-intentions entry's validation (agent/structs/
// config_entry_intentions_test.go TestServiceIntentionsConfigEntry "source name has partial
// wildcard"), a plain 500.
TEST_F(IntentionApiErrorsTest, ExactWriteWildcardRules) {
  const std::string body = R"({"Action":"allow"})";
  auto r = exact("PUT", "source=we*b&destination=db", body);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "Sources[0].Name: wildcard character '*' cannot be used with partial values");
  r = exact("PUT", "source=web&destination=d*b", body);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "Name: wildcard character '*' cannot be used with partial values");
}

// agent/intentions_endpoint.go IntentionSpecificGet: the ID goes through memdb's UUID index
// (go-memdb index.go UUIDFieldIndex); an error that mentions "UUID" is a 400, others a 500.
TEST_F(IntentionApiErrorsTest, LegacyGetWithMalformedId) {
  auto r = agent_.get("/v1/connect/intentions/not-a-uuid");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "failed config entry lookup: index error: UUID must be 36 characters");
  r = agent_.get("/v1/connect/intentions/gggggggg-0000-0000-0000-000000000000");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            "failed config entry lookup: index error: Invalid UUID: encoding/hex: invalid byte: "
            "U+0067 'g'");
  r = agent_.get("/v1/connect/intentions/0-0000000-0000-0000-0000-00000000000");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            "failed config entry lookup: index error: UUID should have maximum of 4 \"-\"; got 5");
  // An odd number of hex digits: memdb's text does not mention "UUID", so it stays a 500.
  r = agent_.get("/v1/connect/intentions/000000000000000000000000000000000-00");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            "failed config entry lookup: index error: Input (without hyphens) must be even length");
}

// agent/consul/intention_endpoint.go computeApplyChangesLegacyUpdate/-Delete: the lookup error is
// wrapped as `Intention lookup failed: …` and returned as is (500).
TEST_F(IntentionApiErrorsTest, LegacyWritesWithMalformedId) {
  auto r = agent_.put("/v1/connect/intentions/not-a-uuid",
                      R"({"SourceName":"web","DestinationName":"db","Action":"allow"})");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            "Intention lookup failed: failed config entry lookup: index error: UUID must be 36 "
            "characters");
  r = agent_.request("DELETE", "/v1/connect/intentions/not-a-uuid");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            "Intention lookup failed: failed config entry lookup: index error: UUID must be 36 "
            "characters");
}

// agent/consul/state/config_entry_intention.go checkLegacyIntentionApplyAllowed (CE
// ServiceName.String() is the bare name).
TEST_F(IntentionApiErrorsTest, LegacyEditOfConfigEntryDestinationIsRefused) {
  const auto id = create_legacy("web", "db");
  ASSERT_EQ(exact("PUT", "source=api&destination=db", R"({"Action":"deny"})").status, 200);
  const std::string refusal =
      "cannot use legacy intention API to edit intentions with a destination of \"db\" after "
      "editing them via a service-intentions config entry";
  auto r = agent_.put("/v1/connect/intentions/" + id,
                      R"({"SourceName":"web","DestinationName":"db","Action":"deny"})");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, refusal);
  r = agent_.request("DELETE", "/v1/connect/intentions/" + id);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, refusal);
  r = agent_.post("/v1/connect/intentions",
                  R"({"SourceName":"other","DestinationName":"db","Action":"allow"})");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, refusal);
}

// agent/intentions_endpoint.go IntentionCreate/IntentionSpecificUpdate: CE refuses any partition
// but `default` in the body, with a 400.
TEST_F(IntentionApiErrorsTest, LegacyWritesRefuseNamedPartitions) {
  auto r = agent_.post(
      "/v1/connect/intentions",
      R"({"SourceName":"web","DestinationName":"db","Action":"allow","DestinationPartition":"p"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Cannot specify a destination partition with this endpoint");
  r = agent_.post(
      "/v1/connect/intentions",
      R"({"SourceName":"web","DestinationName":"db","Action":"allow","SourcePartition":"p"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Cannot specify a source partition with this endpoint");
  r = agent_.post("/v1/connect/intentions",
                  R"({"SourceName":"web","DestinationName":"db","Action":"allow",
                      "SourcePartition":"default","DestinationPartition":"default"})");
  EXPECT_EQ(r.status, 200) << r.body;
  const std::string id = r.json()["ID"];
  r = agent_.put(
      "/v1/connect/intentions/" + id,
      R"({"SourceName":"web","DestinationName":"db","Action":"deny","SourcePartition":"p"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Cannot specify a source partition with this endpoint");
}

// agent/consul/intention_endpoint.go computeApplyChangesUpsert: Meta on an exact PUT is refused
// without an entry; with one, the entry's own Meta is accepted (and dropped), any other refused.
TEST_F(IntentionApiErrorsTest, ExactPutMetaMustRepeatTheEntryMeta) {
  const std::string with_meta = R"({"Action":"allow","Meta":{"owner":"a"}})";
  auto r = exact("PUT", "source=web&destination=db", with_meta);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "Meta must not be specified");
  ASSERT_EQ(agent_
                .put("/v1/config", R"({"Kind":"service-intentions","Name":"db","Meta":{"owner":"a"},
                     "Sources":[{"Name":"api","Action":"deny"}]})")
                .status,
            200);
  r = exact("PUT", "source=web&destination=db", with_meta);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "true");
  r = exact("PUT", "source=web&destination=db", R"({"Action":"deny","Meta":{"owner":"b"}})");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "Meta must not be specified, or should be unchanged during an update.");
  const auto entry = agent_.get("/v1/config/service-intentions/db").json();
  EXPECT_EQ(entry["Meta"], json::parse(R"({"owner":"a"})"));
  EXPECT_EQ(entry["Sources"].size(), 2U);
}

// agent/consul/intention_endpoint.go Check: `unsupported SourceType: %q`; the handler takes a
// present `source-type` as given, an empty one included.
TEST_F(IntentionApiErrorsTest, CheckQuotesUnsupportedSourceType) {
  auto r = agent_.get("/v1/connect/intentions/check?source=web&destination=db&source-type=foo");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "unsupported SourceType: \"foo\"");
  r = agent_.get("/v1/connect/intentions/check?source=web&destination=db&source-type=");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "unsupported SourceType: \"\"");
  r = agent_.get("/v1/connect/intentions/check?source=web&destination=db&source-type=consul");
  EXPECT_EQ(r.status, 200);
}

// agent/http.go parseConsistency, run by `s.parse` on every read endpoint.
TEST_F(IntentionApiErrorsTest, ConflictingConsistencyModes) {
  for (const std::string path :
       {"/v1/connect/intentions", "/v1/connect/intentions/match?by=source&name=web",
        "/v1/connect/intentions/check?source=web&destination=db",
        "/v1/connect/intentions/exact?source=web&destination=db", "/v1/config/service-defaults"}) {
    const auto sep = path.find('?') == std::string::npos ? "?" : "&";
    auto r = agent_.get(path + sep + "stale&consistent");
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(r.body, "Cannot specify ?stale with ?consistent, conflicting semantics.") << path;
    r = agent_.get(path + sep + "cached&consistent");
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(r.body, "Cannot specify ?cached with ?consistent, conflicting semantics.") << path;
    r = agent_.get(path + sep + "max_stale=soon");
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(r.body, "Invalid max_stale value \"soon\"") << path;
  }
  EXPECT_EQ(agent_.get("/v1/connect/intentions?stale").status, 200);
  EXPECT_EQ(agent_.get("/v1/connect/intentions?consistent").status, 200);
  const auto r = agent_.request("GET", "/v1/connect/intentions", std::nullopt,
                                {"-H", "Cache-Control: max-age=x"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Invalid Cache-Control header.");
}

class IntentionAclTest : public ::testing::Test {
 protected:
  DevAgentProcess agent_{{"-acl-token", "root", "-acl-default-policy", "deny"}};
  HttpReply with_token(const std::string& token, const std::string& path) {
    return agent_.request("GET", path, std::nullopt, {"-H", "X-Consul-Token: " + token});
  }
};

// acl/errors.go ErrNotFound: the server's ACLResolver refuses a token it cannot find before any
// endpoint logic, also on lists that would filter an anonymous caller to nothing
// (agent/consul/intention_endpoint.go List resolves the token first).
TEST_F(IntentionAclTest, UnknownTokenIsRefusedOnFilteredLists) {
  auto r = with_token("wrong", "/v1/connect/intentions");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "ACL not found");
  r = with_token("wrong", "/v1/connect/intentions/check?source=web&destination=db");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "ACL not found");
  r = with_token("wrong", "/v1/connect/intentions/00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "ACL not found");
  r = with_token("wrong", "/v1/config/service-defaults");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "ACL not found");
  // No token: the anonymous token, which reads an empty, filtered list.
  r = agent_.get("/v1/connect/intentions");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
  EXPECT_EQ(r.header("X-Consul-Results-Filtered-By-ACLs"), "true");
  r = with_token("root", "/v1/connect/intentions");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("X-Consul-Results-Filtered-By-ACLs"), "");
}

}  // namespace
}  // namespace gatehouse::testing
