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

  bool matches(const nlohmann::json& item) const;

  struct Compiled;

 private:
  FilterExpression(std::shared_ptr<const Compiled> root, const FilterField& schema)
      : root_(std::move(root)), schema_(&schema) {}

  std::shared_ptr<const Compiled> root_;  // null: the nil filter
  const FilterField* schema_;
};

}  // namespace gatehouse::tools
