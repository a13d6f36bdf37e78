#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "consul/intention.hpp"
#include "consul/intention_decision.hpp"
#include "consul/intention_match.hpp"
#include "consul/intention_precedence.hpp"
#include "consul/intention_target.hpp"
#include "consul/service_intentions_entry.hpp"

namespace gatehouse::consul {
namespace {

Intention make(std::string src_ns, std::string src, std::string dst_ns, std::string dst,
               std::string action = "allow") {
  Intention i;
  i.source_ns = std::move(src_ns);
  i.source_name = std::move(src);
  i.destination_ns = std::move(dst_ns);
  i.destination_name = std::move(dst);
  i.action = std::move(action);
  i.update_precedence();
  return i;
}

Intention make(std::string src, std::string dst, std::string action = "allow") {
  return make("default", std::move(src), "default", std::move(dst), std::move(action));
}

std::vector<std::string> names(const std::vector<Intention>& v) {
  std::vector<std::string> out;
  for (const auto& i : v) out.push_back(i.source_name + "->" + i.destination_name);
  return out;
}

// IntentionPrecedence's table, all nine rows (agent/structs/intention.go UpdatePrecedence).
TEST(IntentionPrecedenceTest, Table) {
  struct Row {
    const char *sns, *sn, *dns, *dn;
    int want;
  };
  const Row rows[] = {
      {"default", "web", "default", "db", 9},
      {"default", "*", "default", "db", 8},
      {"*", "*", "default", "db", 7},
      {"default", "web", "default", "*", 6},
      {"default", "*", "default", "*", 5},
      {"*", "*", "default", "*", 4},
      {"default", "web", "*", "*", 3},
      {"default", "*", "*", "*", 2},
      {"*", "*", "*", "*", 1},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(intention_precedence(r.sns, r.sn, r.dns, r.dn), r.want)
        << r.sns << "/" << r.sn << " => " << r.dns << "/" << r.dn;
    EXPECT_EQ(make(r.sns, r.sn, r.dns, r.dn).precedence, r.want);
  }
  // An empty namespace is `default`.
  EXPECT_EQ(intention_precedence("", "web", "", "db"), 9);
}

TEST(IntentionPrecedenceTest, ExactNameAfterWildcardNamespaceIsInvalid) {
  EXPECT_EQ(validate_intention_wildcards("*", "web"),
            std::optional<std::string>{"Name: exact value cannot follow wildcard namespace"});
  EXPECT_EQ(validate_intention_wildcards("default", "we*"),
            std::optional<std::string>{
                "Name: wildcard character '*' cannot be used with partial values"});
  EXPECT_EQ(validate_intention_wildcards("de*", "*"),
            std::optional<std::string>{
                "Namespace: wildcard character '*' cannot be used with partial values"});
  EXPECT_EQ(validate_intention_wildcards("*", "*"), std::nullopt);
  EXPECT_EQ(validate_intention_wildcards("", "web"), std::nullopt);

  const auto errors = make("*", "web", "default", "db").validate_legacy();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "SourceName: exact value cannot follow wildcard namespace");
}

TEST(IntentionSorterTest, PrecedenceThenLexicographicTieBreak) {
  std::vector<Intention> v{make("*", "db"), make("web", "db"),    make("api", "db"),
                           make("*", "*"),  make("web", "cache"), make("api", "*")};
  sort_intentions(v);
  EXPECT_EQ(names(v), (std::vector<std::string>{"api->db", "web->cache", "web->db", "*->db",
                                                "api->*", "*->*"}));
  // Namespaces come before names in the tie-break.
  std::vector<Intention> ns{make("zeta", "a", "default", "db"),
                            make("alpha", "z", "default", "db")};
  sort_intentions(ns);
  EXPECT_EQ(ns[0].source_ns, "alpha");
}

// Match order (agent/consul/state/intention.go IntentionMatch, IntentionPrecedenceSorter).
TEST(IntentionMatchTest, ByDestinationIncludesWildcardsInOrder) {
  const std::vector<Intention> all{make("*", "*"), make("*", "bar"), make("*", "baz")};
  const auto got = match_intentions(all, MatchBy::destination, ServiceRef{"default", "bar", ""});
  EXPECT_EQ(names(got), (std::vector<std::string>{"*->bar", "*->*"}));
}

TEST(IntentionMatchTest, BySourceIncludesWildcardsInOrder) {
  const std::vector<Intention> all{make("bar", "example"), make("baz", "example"),
                                   make("*", "example")};
  const auto got = match_intentions(all, MatchBy::source, ServiceRef{"default", "bar", ""});
  EXPECT_EQ(names(got), (std::vector<std::string>{"bar->example", "*->example"}));
}

TEST(IntentionMatchTest, PeeredSourceNeverMatchesLocalCaller) {
  Intention peered = make("web", "db");
  peered.source_peer = "other";
  EXPECT_FALSE(source_matches(peered, ServiceRef{"default", "web", ""}));
  EXPECT_TRUE(destination_matches(peered, ServiceRef{"default", "db", ""}));
}

// Builds the intentions of one service-intentions entry per destination, as the store does.
std::vector<Intention> from_entries(std::vector<ServiceIntentionsEntry> entries) {
  std::vector<Intention> all;
  for (auto& e : entries) {
    e.normalize();
    EXPECT_EQ(e.validate(), std::nullopt) << e.name;
    for (auto& i : e.to_intentions()) all.push_back(std::move(i));
  }
  return all;
}

SourceIntention src(std::string name, std::string action) {
  SourceIntention s;
  s.name = std::move(name);
  s.action = std::move(action);
  return s;
}

ServiceIntentionsEntry entry(std::string dest, std::vector<SourceIntention> sources) {
  ServiceIntentionsEntry e;
  e.name = std::move(dest);
  e.sources = std::move(sources);
  return e;
}

std::vector<Intention> redis_set() {
  SourceIntention l7;
  l7.name = "web";
  IntentionPermission perm;
  perm.action = "allow";
  perm.http.emplace().methods = {"GET"};
  l7.permissions.push_back(perm);
  return from_entries({entry("redis", {l7, src("api", "deny")}),
                       entry("web", {src("api", "allow")}), entry("mysql", {src("*", "allow")})});
}

const DecisionDefaults kAclOff{std::nullopt, true};
const DecisionDefaults kAclDeny{std::nullopt, false};
const DecisionDefaults kAclAllow{std::nullopt, true};

// Authorize decisions for the cases of agent/agent_endpoint_test.go TestAgentConnectAuthorize*
// and the docs' precedence examples (an end-to-end connection case lives in the proxy tests).
TEST(IntentionDecisionTest, ReferenceTable) {
  const auto web_db_allow = from_entries({entry("db", {src("web", "allow")})});
  const auto web_db_deny = from_entries({entry("db", {src("web", "deny")})});
  const auto wildcard = from_entries({entry("db", {src("*", "deny"), src("web", "allow")})});
  const auto none = std::vector<Intention>{};
  const auto check_match = from_entries({entry("db", {src("web", "allow"), src("api", "allow")}),
                                         entry("api", {src("web", "allow")})});
  const auto baz_bar =
      from_entries({entry("baz", {src("*", "deny")}), entry("bar", {src("*", "deny")})});
  const auto bar = from_entries({entry("bar", {src("*", "deny"), src("foo", "allow")})});
  const auto redis = redis_set();

  const std::string kAcl = "Default behavior configured by ACLs";
  struct Row {
    int number;
    const std::vector<Intention>* intentions;
    DecisionDefaults defaults;
    const char* source;
    const char* destination;
    bool allowed;
    std::string reason;
  };
  const std::vector<Row> rows{
      {1, &web_db_allow, kAclOff, "web", "db", true,
       "Matched L4 intention: default/web => default/db (Precedence: 9, Action: ALLOW)"},
      {2, &web_db_deny, kAclOff, "web", "db", false,
       "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)"},
      {3, &web_db_deny, kAclOff, "web", "db", false,
       "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)"},
      {4, &web_db_allow, kAclOff, "web", "db", true,
       "Matched L4 intention: default/web => default/db (Precedence: 9, Action: ALLOW)"},
      {5, &wildcard, kAclOff, "web", "db", true,
       "Matched L4 intention: default/web => default/db (Precedence: 9, Action: ALLOW)"},
      {6, &wildcard, kAclOff, "api", "db", false,
       "Matched L4 intention: default/* => default/db (Precedence: 8, Action: DENY)"},
      {7, &none, kAclDeny, "web", "foo", false, kAcl},
      {8, &none, kAclAllow, "web", "foo", true, kAcl},
      {9, &none, kAclOff, "web", "foo", true, kAcl},
      {10, &none, kAclOff, "bar", "qux", true, kAcl},
      {11, &none, kAclDeny, "bar", "qux", false, kAcl},
      {12, &none, kAclAllow, "bar", "qux", true, kAcl},
      {13, &check_match, kAclDeny, "web", "api", true,
       "Matched L4 intention: default/web => default/api (Precedence: 9, Action: ALLOW)"},
      {14, &check_match, kAclDeny, "db", "api", false, kAcl},
      {15, &baz_bar, kAclOff, "bar", "baz", false,
       "Matched L4 intention: default/* => default/baz (Precedence: 8, Action: DENY)"},
      {16, &baz_bar, kAclOff, "bar", "qux", true, kAcl},
      {17, &bar, kAclOff, "qux", "bar", false,
       "Matched L4 intention: default/* => default/bar (Precedence: 8, Action: DENY)"},
      {18, &bar, kAclOff, "foo", "bar", true,
       "Matched L4 intention: default/foo => default/bar (Precedence: 9, Action: ALLOW)"},
      {19, &web_db_deny, kAclOff, "foo", "db", true, kAcl},
      {20, &web_db_deny, kAclOff, "web", "db", false,
       "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)"},
      {21, &redis, kAclDeny, "does-not-exist", "ditto", false, kAcl},
      {22, &redis, kAclAllow, "does-not-exist", "ditto", true, kAcl},
      {23, &redis, kAclDeny, "web", "redis", false,
       "Matched L7 intention: default/web => default/redis (Precedence: 9, Permissions: 1)"},
      {24, &redis, kAclDeny, "api", "redis", false,
       "Matched L4 intention: default/api => default/redis (Precedence: 9, Action: DENY)"},
      {25, &redis, kAclDeny, "api", "web", true,
       "Matched L4 intention: default/api => default/web (Precedence: 9, Action: ALLOW)"},
      {26, &redis, kAclDeny, "anything", "mysql", true,
       "Matched L4 intention: default/* => default/mysql (Precedence: 8, Action: ALLOW)"},
  };
  ASSERT_EQ(rows.size(), 26u);
  for (const auto& r : rows) {
    const auto d = decide_connection(*r.intentions, ServiceRef{"default", r.source, ""},
                                     ServiceRef{"default", r.destination, ""}, r.defaults);
    EXPECT_EQ(d.allowed, r.allowed) << "row " << r.number;
    EXPECT_EQ(d.reason, r.reason) << "row " << r.number;
  }
}

TEST(IntentionDecisionTest, DefaultIntentionPolicyWinsOverAclDefault) {
  const std::vector<Intention> none;
  const auto deny =
      decide_connection(none, ServiceRef{"default", "web", ""}, ServiceRef{"default", "db", ""},
                        DecisionDefaults{false, true});
  EXPECT_FALSE(deny.allowed);
  EXPECT_EQ(deny.reason, "Default intention policy");
  const auto allow =
      decide_connection(none, ServiceRef{"default", "web", ""}, ServiceRef{"default", "db", ""},
                        DecisionDefaults{true, false});
  EXPECT_TRUE(allow.allowed);
  EXPECT_EQ(allow.reason, "Default intention policy");
}

TEST(IntentionDecisionTest, FirstMatchDecidesAndIsReported) {
  const auto all = from_entries({entry("db", {src("*", "deny"), src("web", "allow")})});
  const auto matches = match_intentions(all, MatchBy::destination, ServiceRef{"default", "db", ""});
  const auto d = decide(matches, ServiceRef{"default", "web", ""}, kAclOff);
  ASSERT_TRUE(d.matched);
  EXPECT_EQ(d.matched->source_name, "web");
}

TEST(IntentionStringTest, AuthorizeReasonForms) {
  Intention i = make("web", "db");
  EXPECT_EQ(i.to_string(), "default/web => default/db (Precedence: 9, Action: ALLOW)");
  i.id = "8f246b77-f3e1-ff88-5b48-8ec93abf3e05";
  EXPECT_EQ(i.to_string(),
            "default/web => default/db (ID: 8f246b77-f3e1-ff88-5b48-8ec93abf3e05, Precedence: 9, "
            "Action: ALLOW)");
  Intention l7 = make("web", "db");
  l7.action.clear();
  l7.permissions.resize(2);
  EXPECT_EQ(l7.to_string(), "default/web => default/db (Precedence: 9, Permissions: 2)");
}

TEST(IntentionStringTest, CliForms) {
  EXPECT_EQ(make("web", "db").to_cli_string(), "web => db (allow)");
  EXPECT_EQ(make("*", "db", "deny").to_cli_string(), "* => db (deny)");
  EXPECT_EQ(make("team", "web", "default", "db").to_cli_string(), "team/web => db (allow)");
  Intention l7 = make("web", "db");
  l7.action.clear();
  l7.permissions.resize(1);
  EXPECT_EQ(l7.to_cli_string(), "web => db (1 permission)");
  l7.permissions.resize(3);
  EXPECT_EQ(l7.to_cli_string(), "web => db (3 permissions)");
}

TEST(IntentionTargetTest, Forms) {
  auto t = parse_intention_target("web");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (IntentionTarget{"", "", "web", ""}));
  t = parse_intention_target("*");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name, "*");
  t = parse_intention_target("ns1/web");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (IntentionTarget{"", "ns1", "web", ""}));
  t = parse_intention_target("*/*");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (IntentionTarget{"", "*", "*", ""}));
  t = parse_intention_target("part/ns1/web");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (IntentionTarget{"part", "ns1", "web", ""}));
  t = parse_intention_target("a/b/c/d");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), "input can contain at most two '/'");
  t = parse_intention_target("peer:other/web", true);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (IntentionTarget{"", "", "web", "other"}));
  t = parse_intention_target("peer:other/web");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), "cannot specify a peer here");
  // A peer without a service was taken as the service name "peer:other" (found by
  // fuzz_flag_values); a service of that name is still reachable as "/peer:other".
  t = parse_intention_target("peer:other", true);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), "need to specify the service name as well");
  t = parse_intention_target("/peer:other", true);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (IntentionTarget{"", "", "peer:other", ""}));
}

TEST(IntentionLegacyValidationTest, MessagesInConsulOrder) {
  Intention i;
  i.source_ns = "default";
  i.destination_ns = "default";
  i.action = "maybe";
  i.source_type = "other";
  const auto errors = i.validate_legacy();
  EXPECT_EQ(errors,
            (std::vector<std::string>{"SourceName must be set", "DestinationName must be set",
                                      "Action must be set to 'allow' or 'deny'",
                                      "SourceType must be set to 'consul'"}));
  EXPECT_EQ(format_multierror({"SourceName must be set"}),
            "1 error occurred:\n\t* SourceName must be set\n\n");
  EXPECT_EQ(format_multierror({"a", "b"}), "2 errors occurred:\n\t* a\n\t* b\n\n");
}

}  // namespace
}  // namespace gatehouse::consul

TEST(IntentionLabelTest, NamesTheDecidingIntentionOrTheDefault) {
  using gatehouse::consul::intention_label;
  EXPECT_EQ(intention_label("Matched L4 intention: web => db (ID: 1f0b, Precedence: 9, Action: "
                            "ALLOW)"),
            "web => db");
  EXPECT_EQ(intention_label("Matched L7 intention: * => api (Precedence: 8, Permissions: 2)"),
            "* => api");
  EXPECT_EQ(intention_label("Matched L4 intention: peer:east/web => db (Precedence: 9, Action: "
                            "DENY)"),
            "peer:east/web => db");
  EXPECT_EQ(intention_label("Default intention policy"), "default");
  EXPECT_EQ(intention_label("Default behavior configured by ACLs"), "default");
  EXPECT_EQ(intention_label("authz_unavailable: the agent could not be asked: refused"), "");
}
