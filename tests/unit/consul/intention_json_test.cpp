#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "consul/intention.hpp"
#include "consul/json_decode.hpp"
#include "consul/service_defaults_entry.hpp"
#include "consul/service_intentions_entry.hpp"

namespace gatehouse::consul {
namespace {

using nlohmann::json;

// A legacy-created intention with every always-present and omitempty field set, as
// GET /v1/connect/intentions/exact shows it (api/connect_intention.go Intention).
TEST(IntentionJsonTest, LegacyIntentionRoundTrip) {
  const json reference = json::parse(R"({
    "ID": "8f246b77-f3e1-ff88-5b48-8ec93abf3e05",
    "Description": "web may read db",
    "SourceNS": "default", "SourceName": "web",
    "DestinationNS": "default", "DestinationName": "db",
    "SourceType": "consul", "Action": "allow",
    "Meta": {"owner": "team-a"},
    "Precedence": 9,
    "CreatedAt": "2024-03-05T10:02:11.577421Z", "UpdatedAt": "2024-03-05T10:02:11.577421Z",
    "CreateIndex": 51, "ModifyIndex": 51})");
  const auto ixn = decode_json<Intention>(reference.dump(), kStrictBody);
  ASSERT_TRUE(ixn) << ixn.error();
  EXPECT_EQ(ixn->id, "8f246b77-f3e1-ff88-5b48-8ec93abf3e05");
  EXPECT_EQ(ixn->meta.at("owner"), "team-a");
  EXPECT_EQ(ixn->created_at, "2024-03-05T10:02:11.577421Z");
  EXPECT_EQ(json(*ixn), reference);
}

TEST(IntentionJsonTest, ConfigEntryIntentionOmitsEmptyFields) {
  Intention i;
  i.source_ns = "default";
  i.source_name = "web";
  i.destination_ns = "default";
  i.destination_name = "db";
  i.action = "allow";
  i.precedence = 9;
  i.create_index = 40;
  i.modify_index = 40;
  EXPECT_EQ(json(i),
            json::parse(R"({"SourceNS":"default","SourceName":"web","DestinationNS":"default",
      "DestinationName":"db","SourceType":"consul","Action":"allow","Precedence":9,
      "CreateIndex":40,"ModifyIndex":40})"));
}

TEST(IntentionJsonTest, L7IntentionHasPermissionsAndNoAction) {
  const auto ixn = decode_json<Intention>(R"({"SourceNS":"default","SourceName":"admin",
      "DestinationNS":"default","DestinationName":"db","SourceType":"consul","Precedence":9,
      "Permissions":[{"Action":"deny","HTTP":{"PathPrefix":"/admin","Methods":["DELETE"]}},
                     {"Action":"allow","HTTP":{"PathPrefix":"/"}}],
      "CreateIndex":1,"ModifyIndex":1})",
                                          kStrictBody);
  ASSERT_TRUE(ixn) << ixn.error();
  ASSERT_EQ(ixn->permissions.size(), 2u);
  EXPECT_TRUE(ixn->is_l7());
  const json j = *ixn;
  EXPECT_FALSE(j.contains("Action"));
  EXPECT_EQ(
      j["Permissions"][0],
      json::parse(R"({"Action":"deny","HTTP":{"PathPrefix":"/admin","Methods":["DELETE"]}})"));
  EXPECT_EQ(j["Permissions"][1], json::parse(R"({"Action":"allow","HTTP":{"PathPrefix":"/"}})"));
}

TEST(IntentionJsonTest, MatchResponseDecodesLeniently) {
  const auto m = decode_json<std::map<std::string, std::vector<Intention>>>(R"({"db":[
      {"SourceNS":"default","SourceName":"web","DestinationNS":"default","DestinationName":"db",
       "SourceType":"consul","Action":"allow","Precedence":9,"CreateIndex":40,"ModifyIndex":40,
       "NewerField":true}]})",
                                                                            kLenientResponse);
  ASSERT_TRUE(m) << m.error();
  ASSERT_EQ(m->at("db").size(), 1u);
  EXPECT_EQ(m->at("db")[0].precedence, 9);
}

TEST(IntentionJsonTest, ExactPutBodyRejectsUnknownFields) {
  const auto r = decode_json<Intention>(
      R"({"SourceType":"consul","Action":"allow","Namespace":"x"})", kStrictBody);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "json: unknown field \"Namespace\"");
  const auto t = decode_json<Intention>(R"({"Precedence":"9"})", kStrictBody);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(),
            "json: cannot unmarshal string into Go struct field Intention.Precedence of type int");
}

// A service-intentions config entry as the docs' example shows it
// (website/content/docs/connect/config-entries/service-intentions.mdx).
constexpr const char* kEntry = R"({
  "Kind": "service-intentions",
  "Name": "db",
  "Meta": {"owner": "team-a"},
  "Sources": [
    {"Name": "web", "Action": "allow", "Description": "web may read db"},
    {"Name": "admin", "Permissions": [
        {"Action": "deny",  "HTTP": {"PathPrefix": "/admin", "Methods": ["delete"]}},
        {"Action": "allow", "HTTP": {"PathPrefix": "/"}}]},
    {"Name": "*", "Action": "deny"}
  ]
})";

TEST(ServiceIntentionsEntryTest, NormalizeValidateAndView) {
  auto e = decode_json<ServiceIntentionsEntry>(kEntry, kStrictBodyAnyCase);
  ASSERT_TRUE(e) << e.error();
  e->normalize();
  EXPECT_EQ(e->validate(), std::nullopt);
  ASSERT_EQ(e->sources.size(), 3u);
  EXPECT_EQ(e->sources[0].precedence, 9);
  EXPECT_EQ(e->sources[2].name, "*");
  EXPECT_EQ(e->sources[2].precedence, 8);
  EXPECT_EQ(e->sources[1].permissions[0].http->methods, std::vector<std::string>{"DELETE"});
  EXPECT_EQ(e->sources[0].type, "consul");

  e->create_index = 40;
  e->modify_index = 41;
  const auto ixns = e->to_intentions();
  ASSERT_EQ(ixns.size(), 3u);
  // Config-entry intentions have no ID and no timestamps, and show the entry's Meta.
  EXPECT_EQ(json(ixns[0]), json::parse(R"({"Description":"web may read db","SourceNS":"default",
      "SourceName":"web","DestinationNS":"default","DestinationName":"db","SourceType":"consul",
      "Action":"allow","Meta":{"owner":"team-a"},"Precedence":9,"CreateIndex":40,"ModifyIndex":41})"));
  EXPECT_EQ(ixns[2].to_string(), "default/* => default/db (Precedence: 8, Action: DENY)");

  const json encoded = *e;
  EXPECT_EQ(encoded["Sources"][0], json::parse(R"({"Name":"web","Action":"allow","Precedence":9,
      "Type":"consul","Description":"web may read db"})"));
  EXPECT_EQ(encoded["Kind"], "service-intentions");
  EXPECT_FALSE(encoded.contains("Namespace"));
}

TEST(ServiceIntentionsEntryTest, SnakeCaseKeysAreAccepted) {
  const auto e = decode_json<ServiceIntentionsEntry>(
      R"({"kind":"service-intentions","name":"db","sources":[{"name":"web","action":"allow",
          "permissions":[]}]})",
      kStrictBodyAnyCase);
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->sources.at(0).action, "allow");
}

TEST(ServiceIntentionsEntryTest, LegacySourceViewCarriesIdMetaAndTimes) {
  Intention legacy;
  legacy.id = "36a6cf15-5f0e-a388-163e-0f608009704a";
  legacy.source_ns = "default";
  legacy.source_name = "dashboard";
  legacy.destination_ns = "default";
  legacy.destination_name = "counting";
  legacy.action = "allow";
  legacy.meta = {{"k", "v"}};
  legacy.created_at = "2024-03-05T10:02:11Z";
  legacy.updated_at = "2024-03-05T10:02:11Z";
  auto e = to_config_entry(legacy, true);
  e.meta = {{"entry", "meta"}};
  e.normalize(true);
  const auto view = e.to_intentions().at(0);
  EXPECT_EQ(view.id, legacy.id);
  EXPECT_EQ(view.meta, legacy.meta);
  EXPECT_EQ(view.created_at, legacy.created_at);
  EXPECT_EQ(view.precedence, 9);
  EXPECT_EQ(view.to_string(),
            "default/dashboard => default/counting (ID: 36a6cf15-5f0e-a388-163e-0f608009704a, "
            "Precedence: 9, Action: ALLOW)");
  // A non-legacy write clears the bridge fields.
  auto plain = to_config_entry(legacy, true);
  plain.normalize(false);
  EXPECT_EQ(plain.sources[0].legacy_id, "");
  EXPECT_EQ(plain.validate(), std::optional<std::string>{"Sources[0].LegacyMeta must be omitted"});
}

std::optional<std::string> validation_error(const char* body) {
  auto e = decode_json<ServiceIntentionsEntry>(body, kStrictBodyAnyCase);
  EXPECT_TRUE(e) << e.error();
  if (!e) return "decode failed";
  e->normalize();
  return e->validate();
}

TEST(ServiceIntentionsEntryTest, ValidationMessages) {
  struct Row {
    const char* body;
    const char* want;
  };
  const Row rows[] = {
      {R"({"Kind":"service-intentions","Sources":[{"Name":"web","Action":"allow"}]})",
       "Name is required"},
      {R"({"Kind":"service-intentions","Name":"db"})", "At least one source is required"},
      {R"({"Name":"db","Sources":[{"Action":"allow"}]})", "Sources[0].Name is required"},
      {R"({"Name":"db","Sources":[{"Name":"web"}]})",
       "Sources[0].Action must be set to 'allow' or 'deny'"},
      {R"({"Name":"db","Sources":[{"Name":"web","Action":"maybe"}]})",
       "Sources[0].Action must be set to 'allow' or 'deny'"},
      {R"({"Name":"db","Sources":[{"Name":"web","Action":"allow"},{"Name":"web","Action":"deny"}]})",
       "Sources[1] defines \"web\" more than once"},
      {R"({"Name":"db","Sources":[{"Name":"web","Action":"allow","Type":"other"}]})",
       "Sources[0].Type must be set to 'consul'"},
      {R"({"Name":"db","Sources":[{"Name":"we*","Action":"allow"}]})",
       "Sources[0].Name: wildcard character '*' cannot be used with partial values"},
      {R"({"Name":"db","Sources":[{"Name":"web","Action":"allow","LegacyMeta":{"a":"b"}}]})",
       "Sources[0].LegacyMeta must be omitted"},
      {R"({"Name":"db","Sources":[{"Name":"web","Action":"allow","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]}]})",
       "Sources[0].Action must be omitted if Permissions are specified"},
      {R"({"Name":"*","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]}]})",
       "Sources[0].Permissions cannot be specified on intentions with wildcarded destinations"},
      {R"({"Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"maybe","HTTP":{"PathPrefix":"/"}}]}]})",
       "Sources[0].Permissions[0].Action must be set to 'allow' or 'deny'"},
      {R"({"Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow"}]}]})",
       "Sources[0].Permissions[0].HTTP is required"},
      {R"({"Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{}}]}]})",
       "Sources[0].Permissions[0].HTTP should not be empty"},
      {R"({"Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"PathExact":"/a","PathPrefix":"/b"}}]}]})",
       "Sources[0].Permissions[0].HTTP should only contain at most one of PathExact, PathPrefix, "
       "or PathRegex"},
      {R"({"Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"x"}}]}]})",
       "Sources[0].Permissions[0].HTTP.PathPrefix doesn't start with '/': \"x\""},
      {R"({"Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"PathExact":"x"}}]}]})",
       "Sources[0].Permissions[0].HTTP.PathExact doesn't start with '/': \"x\""},
      {R"({"Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"Header":[{"Exact":"x"}]}}]}]})",
       "Sources[0].Permissions[0].HTTP.Header[0] missing required Name field"},
      {R"({"Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"Header":[{"Name":"x","Exact":"a","Prefix":"b"}]}}]}]})",
       "Sources[0].Permissions[0].HTTP.Header[0] should only contain one of Present, Exact, "
       "Prefix, Suffix, or Regex"},
      {R"({"Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"Methods":["FETCH"]}}]}]})",
       "Sources[0].Permissions[0].HTTP.Methods contains an invalid method \"FETCH\""},
      {R"({"Name":"db","Sources":[{"Name":"web","Permissions":[{"Action":"allow","HTTP":{"Methods":["get","GET"]}}]}]})",
       "Sources[0].Permissions[0].HTTP.Methods contains \"GET\" more than once"},
  };
  for (const auto& r : rows)
    EXPECT_EQ(validation_error(r.body), std::optional<std::string>{r.want}) << r.body;
}

TEST(ServiceIntentionsEntryTest, SourceEdits) {
  auto e = decode_json<ServiceIntentionsEntry>(kEntry, kStrictBody);
  ASSERT_TRUE(e) << e.error();
  ASSERT_NE(e->find_source("default", "web"), nullptr);
  auto s = *e->find_source("", "web");
  s.action = "deny";
  e->upsert_source(s);
  EXPECT_EQ(e->sources.size(), 3u);
  EXPECT_EQ(e->find_source("default", "web")->action, "deny");
  EXPECT_TRUE(e->delete_source("default", "web"));
  EXPECT_FALSE(e->delete_source("default", "web"));
  EXPECT_EQ(e->sources.size(), 2u);
}

TEST(ServiceDefaultsEntryTest, ProtocolAndShape) {
  const auto e = decode_json<ServiceDefaultsEntry>(
      R"({"Kind":"service-defaults","Name":"db","Protocol":"http"})", kStrictBodyAnyCase);
  ASSERT_TRUE(e) << e.error();
  EXPECT_TRUE(e->is_http_like());
  EXPECT_EQ(json(*e), json::parse(R"({"Kind":"service-defaults","Name":"db","Protocol":"http",
      "TransparentProxy":{},"MeshGateway":{},"Expose":{},"CreateIndex":0,"ModifyIndex":0})"));
  ServiceDefaultsEntry tcp;
  tcp.name = "db";
  EXPECT_FALSE(tcp.is_http_like());
  EXPECT_EQ(
      l7_protocol_error("db", tcp.effective_protocol()),
      "service \"db\" has protocol \"tcp\", which is incompatible with L7 intentions permissions");
}

}  // namespace
}  // namespace gatehouse::consul
