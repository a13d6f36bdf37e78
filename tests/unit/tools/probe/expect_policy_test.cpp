#include "tools/probe/expect_policy.hpp"

#include <gtest/gtest.h>

namespace gatehouse::tools {
namespace {

TEST(ExpectPolicy, ParsesAllowAndDenyPairs) {
  auto p = ExpectPolicy::parse(R"({"allow":[["web","db"]],"deny":[["web","api"]]})", "p.json");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->size(), 2U);
  EXPECT_EQ(p->lookup("web", "db"), Verdict::allow);
  EXPECT_EQ(p->lookup("web", "api"), Verdict::deny);
  EXPECT_EQ(p->lookup("api", "db"), std::nullopt);
}

TEST(ExpectPolicy, MostSpecificEntryWins) {
  auto p = ExpectPolicy::parse(
      R"({"deny":[["*","*"],["web","*"]],"allow":[["*","db"],["web","api"]]})", "p.json");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->lookup("web", "api"), Verdict::allow);  // exact
  EXPECT_EQ(p->lookup("web", "db"), Verdict::allow);   // [*, db] before [web, *]
  EXPECT_EQ(p->lookup("web", "x"), Verdict::deny);     // [web, *]
  EXPECT_EQ(p->lookup("api", "x"), Verdict::deny);     // [*, *]
}

TEST(ExpectPolicy, BadEntryNamesFileAndField) {
  auto p = ExpectPolicy::parse(R"({"allow":[["web","db"],"web"]})", "policy.json");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "policy.json: /allow/1: expected [source, destination] (two service names), got "
            "\"web\"");
}

TEST(ExpectPolicy, NumberBeyondDoubleIsAnError) {
  auto p = ExpectPolicy::parse(R"({"allow":[[1e400,"db"]]})", "policy.json");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "policy.json: [json.exception.out_of_range.406] number overflow parsing '1e400'");
}

TEST(ExpectPolicy, UnknownKeyIsRefused) {
  auto p = ExpectPolicy::parse(R"({"alow":[]})", "policy.json");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(), "policy.json: /alow: unknown key (expected \"allow\" or \"deny\")");
}

TEST(ExpectPolicy, ListMustBeAnArray) {
  auto p = ExpectPolicy::parse(R"({"deny":{"web":"db"}})", "policy.json");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "policy.json: /deny: expected a list of [source, destination] pairs, got "
            "{\"web\":\"db\"} (object)");
}

TEST(ExpectPolicy, SamePairTwiceIsRefused) {
  auto p = ExpectPolicy::parse(R"({"allow":[["web","db"]],"deny":[["web","db"]]})", "p.json");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(), "p.json: /deny/0: [\"web\",\"db\"] is already listed at /allow/0");
}

TEST(ExpectPolicy, EmptyNameIsRefused) {
  auto p = ExpectPolicy::parse(R"({"allow":[["","db"]]})", "p.json");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "p.json: /allow/0: expected [source, destination] (two service names), got "
            "[\"\",\"db\"] (array)");
}

TEST(ExpectPolicy, SyntaxErrorNamesFile) {
  auto p = ExpectPolicy::parse("{\"allow\": [", "p.json");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().rfind("p.json: [json.exception.parse_error.101] parse error at line 1", 0),
            0U)
      << p.error();
}

TEST(ExpectPolicy, MissingFileIsNamed) {
  auto p = ExpectPolicy::load("/nonexistent/policy.json");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(), "/nonexistent/policy.json: cannot read the file: No such file or directory");
}

}  // namespace
}  // namespace gatehouse::tools
