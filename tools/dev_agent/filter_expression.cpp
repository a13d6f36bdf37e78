#include "tools/dev_agent/filter_expression.hpp"

#include <regex>
#include <variant>

#include <nlohmann/json.hpp>

#include "consul/go_quote.hpp"
#include "tools/dev_agent/filter_parser.hpp"
#include "tools/dev_agent/go_strconv.hpp"

namespace gatehouse::tools {

using nlohmann::json;

// A literal converted to the selected field's type (go-bexpr MatchValue.Converted); monostate
// where go-bexpr has no coercion (selectors ending on a struct or a slice of structs).
using Coerced = std::variant<std::monostate, std::string, std::int64_t, std::uint64_t, double, bool>;

struct FilterExpression::Compiled {
  FilterNode::Kind kind = FilterNode::Kind::match;
  std::shared_ptr<const Compiled> left;
  std::shared_ptr<const Compiled> right;
  Selector selector;
  MatchOperator op = MatchOperator::equal;
  Coerced value;
  std::shared_ptr<const std::regex> regex;
};

namespace {

using Compiled = FilterExpression::Compiled;
using CompiledPtr = std::shared_ptr<const Compiled>;
template <class T>
using Result = boost::system::result<T, std::string>;

constexpr std::string_view kPrefix = "Failed to create boolean expression evaluator: ";

Result<CompiledPtr> fail(std::string text) {
  return {boost::system::in_place_error, std::move(text)};
}

std::string quoted_selector(const Selector& selector, std::size_t parts) {
  return consul::go_quote(selector_text(Selector(selector.begin(), selector.begin() +
                                                 static_cast<std::ptrdiff_t>(parts))));
}

// go-bexpr coerce.go, through Go's strconv; strings (and map keys) stay as they are.
Result<Coerced> coerce(const FilterField& field, const std::string& raw) {
  auto wrap = [](auto parsed) -> Result<Coerced> {
    if (!parsed) return {boost::system::in_place_error, parsed.error()};
    return Coerced{*parsed};
  };
  switch (field.type()) {
    case FilterField::Type::string:
    case FilterField::Type::map: return Coerced{raw};
    case FilterField::Type::integer: return wrap(go_parse_int(raw));
    case FilterField::Type::unsigned_integer: return wrap(go_parse_uint(raw));
    case FilterField::Type::floating: return wrap(go_parse_float(raw));
    case FilterField::Type::boolean: return wrap(go_parse_bool(raw));
    case FilterField::Type::slice:
      if (field.element()->is_primitive()) return coerce(*field.element(), raw);
      return Coerced{};
    case FilterField::Type::structure: return Coerced{};
  }
  return Coerced{};
}

// Go's regexp error codes for the std::regex failures that correspond to them.
std::string_view regexp_problem(std::regex_constants::error_type code) {
  switch (code) {
    case std::regex_constants::error_paren: return "missing closing )";
    case std::regex_constants::error_brack: return "missing closing ]";
    case std::regex_constants::error_escape: return "invalid escape sequence";
    case std::regex_constants::error_range: return "invalid character class range";
    case std::regex_constants::error_ctype: return "invalid character class";
    case std::regex_constants::error_badrepeat: return "missing argument to repetition operator";
    case std::regex_constants::error_brace:
    case std::regex_constants::error_badbrace: return "invalid repeat count";
    case std::regex_constants::error_complexity:
    case std::regex_constants::error_stack: return "expression too large";
    default: return "invalid regular expression";
  }
}

// go-bexpr validate.go: regexp.Compile at creation; its error reads `Failed to compile regular
// expression "(": error parsing regexp: missing closing ): `+"`(`".
Result<std::shared_ptr<const std::regex>> compile_regex(const std::string& pattern) {
  try {
    return std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return {boost::system::in_place_error,
            "Failed to compile regular expression " + consul::go_quote(pattern) +
                ": error parsing regexp: " + std::string{regexp_problem(e.code())} + ": `" +
                pattern + "`"};
  }
}

// go-bexpr validate.go validateRecurse for one match: the selector, then the operator, then the
// value's coercion and the regular expression.
Result<CompiledPtr> compile_match(const FilterNode& node, const FilterField& schema) {
  const FilterField* field = &schema;
  for (std::size_t i = 0; i < node.selector.size(); ++i) {
    field = field->subfield(node.selector[i]);
    if (field == nullptr) {
      return fail("Selector " + quoted_selector(node.selector, i + 1) + " is not valid");
    }
  }
  const std::string selector = quoted_selector(node.selector, node.selector.size());
  if (!field->allows(node.op)) {
    return fail("Invalid match operator " + consul::go_quote(operator_name(node.op)) +
                " for selector " + selector);
  }
  auto out = std::make_shared<Compiled>();
  out->selector = node.selector;
  out->op = node.op;
  if (!node.value) return CompiledPtr{out};
  auto coerced = coerce(*field, *node.value);
  if (!coerced) {
    return fail("Failed to coerce value " + consul::go_quote(*node.value) + " for selector " +
                selector + ": " + coerced.error());
  }
  out->value = *coerced;
  if (node.op == MatchOperator::matches || node.op == MatchOperator::not_matches) {
    const auto* text = std::get_if<std::string>(&out->value);
    auto regex = compile_regex(text ? *text : *node.value);
    if (!regex) return fail(regex.error());
    out->regex = *regex;
  }
  return CompiledPtr{out};
}

Result<CompiledPtr> compile(const FilterNode& node, const FilterField& schema) {
  if (node.kind == FilterNode::Kind::match) return compile_match(node, schema);
  auto out = std::make_shared<Compiled>();
  out->kind = node.kind;
  auto left = compile(*node.left, schema);
  if (!left) return left;
  out->left = *left;
  if (node.right) {
    auto right = compile(*node.right, schema);
    if (!right) return right;
    out->right = *right;
  }
  return CompiledPtr{out};
}

// ---- evaluation (go-bexpr evaluate.go) over JSON; null is a missing field's zero value ----

std::string as_string(const json& v) { return v.is_string() ? v.get<std::string>() : ""; }

std::int64_t as_int(const json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
  return 0;
}

std::uint64_t as_uint(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  return static_cast<std::uint64_t>(as_int(v));
}

double as_double(const json& v) { return v.is_number() ? v.get<double>() : 0.0; }

bool as_bool(const json& v) { return v.is_boolean() && v.get<bool>(); }

bool equals(const json& v, const FilterField& field, const Coerced& value) {
  switch (field.type()) {
    case FilterField::Type::string: return as_string(v) == std::get<std::string>(value);
    case FilterField::Type::integer: return as_int(v) == std::get<std::int64_t>(value);
    case FilterField::Type::unsigned_integer: return as_uint(v) == std::get<std::uint64_t>(value);
    case FilterField::Type::floating: return as_double(v) == std::get<double>(value);
    case FilterField::Type::boolean: return as_bool(v) == std::get<bool>(value);
    default: return false;
  }
}

// `in`: a map key, a slice element, or a substring.
bool contains(const json& v, const FilterField& field, const Coerced& value) {
  switch (field.type()) {
    case FilterField::Type::map:
      return v.is_object() && v.contains(std::get<std::string>(value));
    case FilterField::Type::slice:
      if (!v.is_array()) return false;
      for (const auto& item : v) {
        if (equals(item, *field.element(), value)) return true;
      }
      return false;
    case FilterField::Type::string:
      return as_string(v).find(std::get<std::string>(value)) != std::string::npos;
    default: return false;
  }
}

std::size_t length(const json& v) {
  if (v.is_object() || v.is_array()) return v.size();
  if (v.is_string()) return v.get_ref<const std::string&>().size();
  return 0;
}

bool apply(const Compiled& m, const json& v, const FilterField& field) {
  switch (m.op) {
    case MatchOperator::equal: return equals(v, field, m.value);
    case MatchOperator::not_equal: return !equals(v, field, m.value);
    case MatchOperator::in: return contains(v, field, m.value);
    case MatchOperator::not_in: return !contains(v, field, m.value);
    case MatchOperator::is_empty: return length(v) == 0;
    case MatchOperator::is_not_empty: return length(v) != 0;
    case MatchOperator::matches: return std::regex_search(as_string(v), *m.regex);
    case MatchOperator::not_matches: return !std::regex_search(as_string(v), *m.regex);
  }
  return false;
}

const json& member(const json& v, const std::string& name) {
  static const json missing;
  if (!v.is_object()) return missing;
  auto it = v.find(name);
  return it == v.end() ? missing : *it;
}

bool evaluate_match(const Compiled& m, std::size_t depth, const json& v, const FilterField& field) {
  if (depth == m.selector.size()) return apply(m, v, field);
  const std::string& name = m.selector[depth];
  switch (field.type()) {
    case FilterField::Type::structure:
      return evaluate_match(m, depth + 1, member(v, name), *field.subfield(name));
    case FilterField::Type::slice:
      // Any element matching is a match (the selector does not index slices).
      if (!v.is_array()) return false;
      for (const auto& item : v) {
        if (evaluate_match(m, depth, item, *field.element())) return true;
      }
      return false;
    case FilterField::Type::map:
      if (v.is_object() && v.contains(name)) {
        return evaluate_match(m, depth + 1, v.at(name), *field.element());
      }
      // A missing key: nothing equals it, is in it or is not empty there; everything else
      // (!=, not in, is empty, and also matches / not matches) holds.
      return m.op != MatchOperator::equal && m.op != MatchOperator::is_not_empty &&
             m.op != MatchOperator::in;
    default: return false;
  }
}

bool evaluate(const Compiled& node, const json& item, const FilterField& schema) {
  switch (node.kind) {
    case FilterNode::Kind::match: return evaluate_match(node, 0, item, schema);
    case FilterNode::Kind::negation: return !evaluate(*node.left, item, schema);
    case FilterNode::Kind::conjunction:
      return evaluate(*node.left, item, schema) && evaluate(*node.right, item, schema);
    case FilterNode::Kind::disjunction:
      return evaluate(*node.left, item, schema) || evaluate(*node.right, item, schema);
  }
  return false;
}

}  // namespace

boost::system::result<FilterExpression, std::string> FilterExpression::create(
    std::string_view text, const FilterField& schema) {
  if (text.empty()) return FilterExpression{nullptr, schema};
  auto tree = parse_filter(text);
  if (!tree) return {boost::system::in_place_error, std::string{kPrefix} + tree.error()};
  auto compiled = compile(**tree, schema);
  if (!compiled) return {boost::system::in_place_error, std::string{kPrefix} + compiled.error()};
  return FilterExpression{*compiled, schema};
}

boost::system::result<FilterExpression, std::string> FilterExpression::create_unbound(
    std::string_view text, const FilterField& schema) {
  if (text.empty()) return FilterExpression{nullptr, schema};
  auto tree = parse_filter(text);
  if (!tree) return {boost::system::in_place_error, std::string{kPrefix} + tree.error()};
  auto compiled = compile(**tree, schema);
  if (!compiled) {
    FilterExpression unfit{nullptr, schema};
    unfit.evaluation_error_ = compiled.error();
    return unfit;
  }
  return FilterExpression{*compiled, schema};
}

bool FilterExpression::matches(const json& item) const {
  return !root_ || evaluate(*root_, item, *schema_);
}

}  // namespace gatehouse::tools
