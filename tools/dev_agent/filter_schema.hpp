#pragma once
// What a `?filter=` may select in one kind of listed item, and which operators each selector
// allows: go-bexpr v0.1.2's FieldConfigurations (field_config.go), which it derives from the Go
// type of the listed structs. Here the schema is written out per list (e.g.
// intention_filter_schema) and evaluated over the item's JSON.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tools/dev_agent/filter_ast.hpp"

namespace gatehouse::tools {

class FilterField {
 public:
  enum class Type { string, integer, unsigned_integer, floating, boolean, map, slice, structure };

  static FilterField string() { return FilterField{Type::string}; }
  static FilterField integer() { return FilterField{Type::integer}; }
  static FilterField unsigned_integer() { return FilterField{Type::unsigned_integer}; }
  static FilterField floating() { return FilterField{Type::floating}; }
  static FilterField boolean() { return FilterField{Type::boolean}; }
  // map[string]V: `Meta` and `Meta.<any>`.
  static FilterField map_of(FilterField value);
  // []T: `in` on primitives; a struct element's fields are selected through the slice.
  static FilterField slice_of(FilterField element);
  static FilterField structure(std::map<std::string, FilterField> fields);

  Type type() const { return type_; }
  bool is_primitive() const;

  // The operators go-bexpr allows on a selector ending here (generateFieldConfigurationInternal):
  // primitives ==, != (strings also in, not in, matches, not matches); maps is empty, is not
  // empty, in, not in (a key); slices of primitives in, not in, is empty, is not empty; other
  // slices is empty, is not empty; structs none.
  std::vector<MatchOperator> operations() const;
  bool allows(MatchOperator op) const;

  // The configuration one selector step further (`Meta` -> `Meta.env`), nullptr if there is none.
  const FilterField* subfield(const std::string& name) const;
  // The map value or slice element type (maps and slices only).
  const FilterField* element() const { return element_.get(); }

 private:
  explicit FilterField(Type type) : type_(type) {}

  Type type_;
  std::map<std::string, std::shared_ptr<const FilterField>> fields_;
  std::shared_ptr<const FilterField> element_;
};

}  // namespace gatehouse::tools
