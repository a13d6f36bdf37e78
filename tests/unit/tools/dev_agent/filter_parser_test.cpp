// The go-bexpr v0.1.2 grammar (grammar.peg) and the pigeon parser's error texts, which Consul
// returns for a bad `?filter=`. Expected texts were produced by go-bexpr v0.1.2 itself.
#include "tools/dev_agent/filter_parser.hpp"

#include <gtest/gtest.h>

namespace gatehouse::tools {
namespace {

FilterNodePtr parsed(std::string_view text) {
  auto tree = parse_filter(text);
  EXPECT_TRUE(tree.has_value()) << text << ": " << (tree ? "" : tree.error());
  return tree ? *tree : nullptr;
}

std::string error_of(std::string_view text) {
  auto tree = parse_filter(text);
  EXPECT_FALSE(tree.has_value()) << text;
  return tree ? "" : tree.error();
}

TEST(FilterParser, MatchExpressionParts) {
  auto n = parsed(R"(Meta["env"] == "prod")");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, FilterNode::Kind::match);
  EXPECT_EQ(n->selector, (Selector{"Meta", "env"}));
  EXPECT_EQ(n->op, MatchOperator::equal);
  EXPECT_EQ(n->value, "prod");
}

TEST(FilterParser, EveryOperator) {
  const std::pair<const char*, MatchOperator> cases[] = {
      {"A == x", MatchOperator::equal},
      {"A != x", MatchOperator::not_equal},
      {"A contains x", MatchOperator::in},
      {"A not contains x", MatchOperator::not_in},
      {"\"x\" in A", MatchOperator::in},
      {"\"x\" not in A", MatchOperator::not_in},
      {"A matches \"x\"", MatchOperator::matches},
      {"A not matches `x`", MatchOperator::not_matches},
      {"A is empty", MatchOperator::is_empty},
      {"A is not empty", MatchOperator::is_not_empty},
  };
  for (const auto& [text, op] : cases) {
    auto n = parsed(text);
    ASSERT_TRUE(n) << text;
    EXPECT_EQ(n->op, op) << text;
    EXPECT_EQ(n->selector, Selector{"A"}) << text;
  }
  EXPECT_FALSE(parsed("A is empty")->value.has_value());
}

TEST(FilterParser, ValuesAreBareWordsNumbersOrStrings) {
  EXPECT_EQ(parsed("A == allow")->value, "allow");
  EXPECT_EQ(parsed("A == foo.bar")->value, "foo.bar");  // a selector's text
  EXPECT_EQ(parsed("A == -1.5")->value, "-1.5");
  EXPECT_EQ(parsed(R"(A == "a\tb")")->value, "a\tb");
  EXPECT_EQ(parsed(R"(A == `a\tb`)")->value, R"(a\tb)");
}

TEST(FilterParser, AndBindsTighterThanOrAndNotTighterThanAnd) {
  auto n = parsed("A == a or B == b and not C == c");
  ASSERT_TRUE(n);
  ASSERT_EQ(n->kind, FilterNode::Kind::disjunction);
  EXPECT_EQ(n->left->selector, Selector{"A"});
  ASSERT_EQ(n->right->kind, FilterNode::Kind::conjunction);
  EXPECT_EQ(n->right->right->kind, FilterNode::Kind::negation);
  EXPECT_EQ(n->right->right->left->selector, Selector{"C"});
}

TEST(FilterParser, ParenthesesGroup) {
  auto n = parsed("(A == a or B == b) and C == c");
  ASSERT_TRUE(n);
  ASSERT_EQ(n->kind, FilterNode::Kind::conjunction);
  EXPECT_EQ(n->left->kind, FilterNode::Kind::disjunction);
}

TEST(FilterParser, DoubleNegationFolds) {
  EXPECT_EQ(parsed("not not A == a")->kind, FilterNode::Kind::match);
}

TEST(FilterParser, NoMatchListsWhatWasExpectedAtTheFarthestPosition) {
  EXPECT_EQ(
      error_of("not(SourceName == \"web\")"),
      R"(1:4 (3): no match found, expected: "!=", ".", "==", "[", [ \t\r\n] or [a-zA-Z0-9_])");
  EXPECT_EQ(
      error_of("Foo bar"),
      R"(1:5 (4): no match found, expected: "!=", "==", "contains", "in", "is", "matches", "not" or [ \t\r\n])");
  EXPECT_EQ(
      error_of(" "),
      R"(1:2 (1): no match found, expected: "(", "-", "0", "\"", "`", "not", [ \t\r\n], [1-9] or [a-zA-Z])");
  EXPECT_EQ(error_of(R"(SourceName == "web" ))"),
            R"(1:21 (20): no match found, expected: "and", "or", [ \t\r\n] or EOF)");
  EXPECT_EQ(error_of("SourceName == -"), R"(1:16 (15): no match found, expected: "0" or [1-9])");
}

TEST(FilterParser, ColumnsCountCharactersAndOffsetsBytes) {
  EXPECT_EQ(
      error_of("SourceName == \"\xC3\xA9\" and Foo bar"),
      R"(1:27 (27): no match found, expected: "!=", "==", "contains", "in", "is", "matches", "not" or [ \t\r\n])");
}

TEST(FilterParser, RuleErrorsNameTheRule) {
  EXPECT_EQ(error_of("SourceName == 12x"), R"(1:17 (16): rule "number": Invalid number literal)");
  EXPECT_EQ(error_of("SourceName == \"open"),
            R"(1:20 (19): rule "string": Unterminated string literal)");
  EXPECT_EQ(error_of("(SourceName == \"web\""),
            R"(1:21 (20): rule "grouping": Unmatched parentheses)");
  EXPECT_EQ(error_of(R"(SourceName == "a\qb")"), R"(1:15 (14): rule "string": invalid syntax)");
  EXPECT_EQ(error_of(R"(Meta[1] == "x")"), R"(1:6 (5): rule "index": Invalid index)");
  EXPECT_EQ(error_of(R"(Meta["a" == "x")"), R"(1:10 (9): rule "index": Unclosed index expression)");
  EXPECT_EQ(error_of(R"("x" in 5)"), R"(1:8 (7): rule "match": Invalid selector)");
  // `in` takes the value first: a selector on the left is an invalid selector on the right.
  EXPECT_EQ(error_of(R"(Meta.env in "x")"), R"(1:13 (12): rule "match": Invalid selector)");
}

TEST(FilterParser, DeepNestingIsRefusedNotOverflowed) {
  const std::string deep = std::string(300, '(') + "A == a" + std::string(300, ')');
  EXPECT_NE(error_of(deep).find("expression nested too deeply"), std::string::npos);
  const std::string fine = std::string(50, '(') + "A == a" + std::string(50, ')');
  EXPECT_TRUE(parsed(fine));
}

}  // namespace
}  // namespace gatehouse::tools
