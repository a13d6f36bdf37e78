#pragma once
// The syntax tree of a `?filter=` expression, as go-bexpr v0.1.2 (the version Consul pins) builds
// it in ast.go: match expressions joined by and/or/not.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::tools {

// go-bexpr's MatchOperator. `contains` parses to `in` and `not contains` to `not in`.
enum class MatchOperator { equal, not_equal, in, not_in, is_empty, is_not_empty, matches, not_matches };

// MatchOperator.String(), which go-bexpr's errors quote: "Equal", "Not In", "Is Empty", ...
std::string_view operator_name(MatchOperator op);

// `Meta.env` is {"Meta", "env"}; an index (`Meta["a b"]`) adds one element too.
using Selector = std::vector<std::string>;

// Selector.String(): the parts joined with ".".
std::string selector_text(const Selector& selector);

struct FilterNode;
using FilterNodePtr = std::shared_ptr<const FilterNode>;

struct FilterNode {
  enum class Kind { match, negation, conjunction, disjunction };

  Kind kind = Kind::match;
  // match only
  Selector selector;
  MatchOperator op = MatchOperator::equal;
  std::optional<std::string> value;  // the raw value; none for `is empty` / `is not empty`
  // negation uses `left` only
  FilterNodePtr left;
  FilterNodePtr right;
};

}  // namespace gatehouse::tools
