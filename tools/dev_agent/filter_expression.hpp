#pragma once
// A compiled `?filter=` expression: go-bexpr v0.1.2's CreateFilter (parse, then check every
// selector, operator and value against the schema) and its evaluation over one listed item,
// here the item's JSON as the endpoint lists it. A field missing from the JSON (omitempty) is
// its zero value, as the Go struct field would be.

#include <memory>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>
#include <nlohmann/json_fwd.hpp>

#include "tools/dev_agent/filter_schema.hpp"

namespace gatehouse::tools {

class FilterExpression {
 public:
  // `schema` must outlive the expression. An empty text is go-bexpr's nil filter, which keeps
  // every item. Errors are Consul's whole text, e.g. `Failed to create boolean expression
  // evaluator: Selector "Foo" is not valid`.
  static boost::system::result<FilterExpression, std::string> create(std::string_view text,
                                                                     const FilterField& schema);

  // go-bexpr's CreateFilter given no data type, as /v1/agent/checks calls it
  // (agent/agent_endpoint.go AgentChecks): only the syntax is checked here, with create's error
  // texts. The selectors are checked when the first item is evaluated (Evaluator.Evaluate), so
  // an empty list never fails, and that error has no prefix: see evaluation_error().
  static boost::system::result<FilterExpression, std::string> create_unbound(
      std::string_view text, const FilterField& schema);

  // What evaluating any item fails with (create_unbound only), e.g. `Selector "Foo" is not
  // valid`; empty when the expression fits the schema. matches() needs it empty.
  const std::string& evaluation_error() const { return evaluation_error_; }

  bool matches(const nlohmann::json& item) const;

  struct Compiled;

 private:
  FilterExpression(std::shared_ptr<const Compiled> root, const FilterField& schema)
      : root_(std::move(root)), schema_(&schema) {}

  std::shared_ptr<const Compiled> root_;  // null: the nil filter
  const FilterField* schema_;
  std::string evaluation_error_;
};

}  // namespace gatehouse::tools
