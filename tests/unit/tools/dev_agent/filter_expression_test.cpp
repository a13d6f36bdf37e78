// go-bexpr v0.1.2 CreateFilter + Execute over intentions, as Consul's Intention.List runs them
// (agent/consul/intention_endpoint.go; selectors from agent/structs/structs_filtering_test.go
// expectedFieldConfigIntention). Expected results and texts were produced by go-bexpr v0.1.2.
#include "tools/dev_agent/filter_expression.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tools/dev_agent/intention_filter_schema.hpp"

namespace gatehouse::tools {
namespace {

using nlohmann::json;

const json kIntentions = json::parse(R"([
  {"SourceNS":"default","SourceName":"web","DestinationNS":"default","DestinationName":"db",
   "SourceType":"consul","Action":"allow","Precedence":9,"Meta":{"env":"prod","x":""}},
  {"ID":"e9ebc19f-d481-42b1-4871-4d298d3acd5c","Description":"legacy one","SourceNS":"default",
   "SourceName":"api","DestinationNS":"default","DestinationName":"db","SourceType":"consul",
   "Action":"deny","Precedence":9},
  {"SourceNS":"default","SourceName":"*","DestinationNS":"default","DestinationName":"cache",
   "SourceType":"consul","Action":"deny","Precedence":8,"Meta":{"env":"dev"}},
  {"SourceNS":"default","SourceName":"worker","DestinationNS":"default","DestinationName":"*",
   "SourceType":"consul","Action":"allow","Precedence":6}
])");

// The kept intentions as "source>destination", space separated.
std::string kept(std::string_view text) {
  auto filter = FilterExpression::create(text, intention_filter_schema());
  EXPECT_TRUE(filter.has_value()) << text << ": " << (filter ? "" : filter.error());
  if (!filter) return "<error>";
  std::string out;
  for (const auto& ixn : kIntentions) {
    if (!filter->matches(ixn)) continue;
    out += (out.empty() ? "" : " ") + ixn["SourceName"].get<std::string>() + ">" +
           ixn["DestinationName"].get<std::string>();
  }
  return out;
}

std::string error_of(std::string_view text) {
  auto filter = FilterExpression::create(text, intention_filter_schema());
  EXPECT_FALSE(filter.has_value()) << text;
  return filter ? "" : filter.error();
}

TEST(FilterExpression, EmptyExpressionKeepsEverything) {
  EXPECT_EQ(kept(""), "web>db api>db *>cache worker>*");
}

TEST(FilterExpression, EqualAndNotEqual) {
  EXPECT_EQ(kept(R"(SourceName == "web")"), "web>db");
  EXPECT_EQ(kept("SourceName == web"), "web>db");
  EXPECT_EQ(kept(R"(Action != "allow")"), "api>db *>cache");
  EXPECT_EQ(kept(R"(Description == "legacy one")"), "api>db");
  EXPECT_EQ(kept(R"(SourcePeer == "")"), "web>db api>db *>cache worker>*");  // omitted = ""
}

TEST(FilterExpression, PrecedenceIsAnInteger) {
  EXPECT_EQ(kept("Precedence == 9"), "web>db api>db");
  EXPECT_EQ(kept(R"(Precedence == "9")"), "web>db api>db");
  EXPECT_EQ(kept("Precedence != 9"), "*>cache worker>*");
  EXPECT_EQ(kept("Precedence == -1"), "");
}

TEST(FilterExpression, InAndContainsOnStringsAreSubstrings) {
  EXPECT_EQ(kept(R"("o" in SourceName)"), "worker>*");
  EXPECT_EQ(kept(R"("web" not in SourceName)"), "api>db *>cache worker>*");
  EXPECT_EQ(kept(R"(Meta.env contains "ro")"), "web>db");
  EXPECT_EQ(kept(R"(Meta.env not contains "ro")"), "api>db *>cache worker>*");
}

TEST(FilterExpression, InOnMetaIsAKey) {
  EXPECT_EQ(kept(R"("x" in Meta)"), "web>db");
  EXPECT_EQ(kept(R"("env" not in Meta)"), "api>db worker>*");
}

TEST(FilterExpression, MetaValuesAndMissingKeys) {
  EXPECT_EQ(kept(R"(Meta.env == "prod")"), "web>db");
  EXPECT_EQ(kept(R"(Meta["env"] == `prod`)"), "web>db");
  // A missing key is != anything, and (go-bexpr evaluate.go) also "matches" anything.
  EXPECT_EQ(kept(R"(Meta.env != "prod")"), "api>db *>cache worker>*");
  EXPECT_EQ(kept(R"(Meta.env matches "d")"), "web>db api>db *>cache worker>*");
  EXPECT_EQ(kept(R"(Meta.env not matches "d")"), "api>db worker>*");
}

TEST(FilterExpression, EmptinessOfMeta) {
  EXPECT_EQ(kept("Meta is empty"), "api>db worker>*");
  EXPECT_EQ(kept("Meta is not empty"), "web>db *>cache");
}

TEST(FilterExpression, MatchesIsAnUnanchoredRegexSearch) {
  EXPECT_EQ(kept(R"(SourceName matches "^w")"), "web>db worker>*");
  EXPECT_EQ(kept(R"(ID matches "e9")"), "api>db");
  EXPECT_EQ(kept(R"x(SourceName not matches "^(w|a)")x"), "*>cache");
}

TEST(FilterExpression, BooleanOperatorsAndGrouping) {
  EXPECT_EQ(kept(R"(DestinationName != "db" and Action == "allow")"), "worker>*");
  EXPECT_EQ(kept("Action == allow or Precedence == 8"), "web>db *>cache worker>*");
  EXPECT_EQ(kept("not Action == allow"), "api>db *>cache");
  EXPECT_EQ(kept(R"(SourceName == "web" or SourceName == "api" and Action == deny)"),
            "web>db api>db");
  EXPECT_EQ(kept(R"((SourceName == "web" or SourceName == "api") and Action == deny)"), "api>db");
}

TEST(FilterExpression, UnknownSelectors) {
  EXPECT_EQ(error_of(R"(Foo == "bar")"),
            R"(Failed to create boolean expression evaluator: Selector "Foo" is not valid)");
  EXPECT_EQ(error_of(R"(Meta.a.b == "x")"),
            R"(Failed to create boolean expression evaluator: Selector "Meta.a.b" is not valid)");
  EXPECT_EQ(
      error_of("Permissions is empty"),
      R"(Failed to create boolean expression evaluator: Selector "Permissions" is not valid)");
}

TEST(FilterExpression, OperatorsTheSelectorDoesNotAllow) {
  EXPECT_EQ(
      error_of(R"("9" in Precedence)"),
      R"(Failed to create boolean expression evaluator: Invalid match operator "In" for selector "Precedence")");
  EXPECT_EQ(
      error_of("SourceName is empty"),
      R"(Failed to create boolean expression evaluator: Invalid match operator "Is Empty" for selector "SourceName")");
  EXPECT_EQ(
      error_of(R"(Meta == "x")"),
      R"(Failed to create boolean expression evaluator: Invalid match operator "Equal" for selector "Meta")");
}

TEST(FilterExpression, ValuesThatDoNotFitTheField) {
  EXPECT_EQ(
      error_of("Precedence == abc"),
      R"(Failed to create boolean expression evaluator: Failed to coerce value "abc" for selector "Precedence": strconv.ParseInt: parsing "abc": invalid syntax)");
  EXPECT_EQ(error_of(R"(SourceName matches "(")"),
            "Failed to create boolean expression evaluator: Failed to compile regular expression "
            "\"(\": error parsing regexp: missing closing ): `(`");
}

TEST(FilterExpression, SyntaxErrorsCarryTheirPosition) {
  EXPECT_EQ(
      error_of("SourceName == 12x"),
      R"(Failed to create boolean expression evaluator: 1:17 (16): rule "number": Invalid number literal)");
  EXPECT_EQ(
      error_of(R"(SourceName == "web" and)"),
      R"(Failed to create boolean expression evaluator: 1:24 (23): no match found, expected: [ \t\r\n])");
}

}  // namespace
}  // namespace gatehouse::tools
