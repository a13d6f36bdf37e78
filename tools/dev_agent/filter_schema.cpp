#include "tools/dev_agent/filter_schema.hpp"

#include <algorithm>

namespace gatehouse::tools {

FilterField FilterField::map_of(FilterField value) {
  FilterField f{Type::map};
  f.element_ = std::make_shared<const FilterField>(std::move(value));
  return f;
}

FilterField FilterField::slice_of(FilterField element) {
  FilterField f{Type::slice};
  f.element_ = std::make_shared<const FilterField>(std::move(element));
  return f;
}

FilterField FilterField::structure(std::map<std::string, FilterField> fields) {
  FilterField f{Type::structure};
  for (auto& [name, field] : fields) {
    f.fields_.emplace(name, std::make_shared<const FilterField>(std::move(field)));
  }
  return f;
}

bool FilterField::is_primitive() const {
  return type_ != Type::map && type_ != Type::slice && type_ != Type::structure;
}

std::vector<MatchOperator> FilterField::operations() const {
  using enum MatchOperator;
  switch (type_) {
    case Type::string: return {equal, not_equal, in, not_in, matches, not_matches};
    case Type::map: return {is_empty, is_not_empty, in, not_in};
    case Type::slice:
      if (element_->is_primitive()) return {in, not_in, is_empty, is_not_empty};
      return {is_empty, is_not_empty};
    case Type::structure: return {};
    default: return {equal, not_equal};
  }
}

bool FilterField::allows(MatchOperator op) const {
  const auto ops = operations();
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

const FilterField* FilterField::subfield(const std::string& name) const {
  switch (type_) {
    case Type::structure: {
      auto it = fields_.find(name);
      return it == fields_.end() ? nullptr : it->second.get();
    }
    case Type::map: return element_.get();  // go-bexpr's FieldNameAny
    case Type::slice:
      // A slice of structs (or maps) takes its element's subfields; elements are not indexed.
      return element_->is_primitive() ? nullptr : element_->subfield(name);
    default: return nullptr;
  }
}

}  // namespace gatehouse::tools
