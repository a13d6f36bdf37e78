#include "consul/object_decoder.hpp"

#include <algorithm>
#include <boost/algorithm/string/predicate.hpp>
#include <cctype>
#include <cstdint>
#include <limits>
#include <sstream>

#include "consul/go_duration.hpp"

namespace gatehouse::consul {
namespace {

// Go's encoding/json folds ASCII case when no key matches exactly.
bool equal_fold(std::string_view a, std::string_view b) {
  return boost::algorithm::iequals(a, b, std::locale::classic());
}

// `destination_name` matches `DestinationName` when snake_case keys are accepted.
bool equal_snake(std::string_view key, std::string_view name) {
  std::string folded;
  for (char c : key)
    if (c != '_') folded.push_back(c);
  return equal_fold(folded, name);
}

// The number in nlohmann's "... number overflow parsing '1e400'", shortened for an error line.
std::string overflowing_number(std::string_view what) {
  constexpr std::size_t kMax = 40;
  const auto open = what.find('\'');
  const auto close = what.rfind('\'');
  if (open == std::string_view::npos || close <= open) return "literal";
  auto number = std::string{what.substr(open + 1, close - open - 1)};
  if (number.size() > kMax) number = number.substr(0, kMax) + "...";
  return number;
}

// Go's time.Duration(f) for a JSON number. A float64 outside int64 converts to the minimum int64
// on amd64 (CVTTSD2SI); in C++ that conversion would be undefined, so it is spelled out.
std::int64_t go_duration_from_float(double f) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(f >= -kTwo63 && f < kTwo63)) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(f);
}

// Go's quoteChar (encoding/json/scanner.go): the byte as a rune in single quotes, escaped as
// strconv.Quote escapes it, so that a newline or a control byte in a body cannot break the error
// line it ends up in. A byte of 0x80 and above is the rune U+0080..U+00FF, as in Go.
std::string go_quote_char(unsigned char c) {
  if (c == '\'') return R"('\'')";
  if (c == '"') return R"('"')";
  if (c == '\\') return R"('\\')";
  if (c >= 0x20 && c < 0x7f) return std::string{'\'', static_cast<char>(c), '\''};
  constexpr std::string_view kHex = "0123456789abcdef";
  switch (c) {
    case '\a':
      return R"('\a')";
    case '\b':
      return R"('\b')";
    case '\f':
      return R"('\f')";
    case '\n':
      return R"('\n')";
    case '\r':
      return R"('\r')";
    case '\t':
      return R"('\t')";
    case '\v':
      return R"('\v')";
    default:
      break;
  }
  if (c < 0x80) return std::string{"'\\x"} + kHex[c >> 4] + kHex[c & 0x0f] + "'";
  // unicode.IsPrint: U+0080..U+00A0 and U+00AD are not printable.
  if (c <= 0xa0 || c == 0xad) return std::string{"'\\u00"} + kHex[c >> 4] + kHex[c & 0x0f] + "'";
  return std::string{'\'', static_cast<char>(0xc0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3f)),
                     '\''};
}

}  // namespace

std::string_view json_kind(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "bool";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "number";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::object:
      return "object";
    default:
      return "null";
  }
}

std::string_view go_struct_name(std::string_view go_type) {
  const auto dot = go_type.rfind('.');
  return dot == std::string_view::npos ? go_type : go_type.substr(dot + 1);
}

void DecodeContext::type_error(const nlohmann::json& value, std::string_view go_type,
                               std::string_view go_struct, std::string_view literal) {
  std::string what{json_kind(value)};
  if (!literal.empty()) what += " " + std::string{literal};
  std::string message = "json: cannot unmarshal " + what;
  if (path_.empty() || go_struct.empty()) {
    message += " into Go value of type " + std::string{go_type};
  } else {
    std::string path;
    for (const auto& name : path_) {
      if (!path.empty()) path += '.';
      path += name;
    }
    message += " into Go struct field " + std::string{go_struct} + "." + path + " of type " +
               std::string{go_type};
  }
  fail(std::move(message));
}

boost::system::result<nlohmann::json, std::string> parse_go_json(std::string_view body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Failure{"EOF"};
  std::istringstream in{std::string{body}};
  nlohmann::json value;
  try {
    in >> value;  // stops after the first value, as Go's Decoder does
  } catch (const nlohmann::json::parse_error& e) {
    if (e.byte > body.size()) return Failure{"unexpected EOF"};
    const char bad = body[e.byte == 0 ? 0 : e.byte - 1];
    return Failure{"invalid character " + go_quote_char(static_cast<unsigned char>(bad)) +
                   " looking for beginning of value"};
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond float64 (1e400, or 400 digits): nlohmann refuses it while parsing, Go while
    // decoding it into its field. Either way the body cannot be decoded.
    return Failure{"json: number " + overflowing_number(e.what()) + " is out of range"};
  }
  return boost::system::result<nlohmann::json, std::string>{boost::system::in_place_value,
                                                            std::move(value)};
}

const nlohmann::json* ObjectDecoder::take(std::string_view name) {
  const nlohmann::json* found = nullptr;
  bool exact = false;
  for (const auto& [key, value] : object_.items()) {
    const bool is_exact = key == name;
    const bool matches = is_exact || equal_fold(key, name) ||
                         (ctx_.options().snake_case_keys && equal_snake(key, name));
    if (!matches) continue;
    consumed_.push_back(key);
    if (found == nullptr || (is_exact && !exact)) {
      found = &value;
      exact = is_exact;
    }
  }
  return found;
}

void ObjectDecoder::duration_field(std::string_view name, std::string& out) {
  if (ctx_.failed()) return;
  const nlohmann::json* value = take(name);
  if (value == nullptr) return;
  if (value->is_string()) {
    out = value->get<std::string>();
  } else if (value->is_number()) {
    out =
        format_go_duration(std::chrono::nanoseconds{go_duration_from_float(value->get<double>())});
  }
}

void ObjectDecoder::finish() {
  if (ctx_.failed() || !ctx_.options().reject_unknown_fields) return;
  for (const auto& [key, value] : object_.items()) {
    if (std::find(consumed_.begin(), consumed_.end(), key) == consumed_.end()) {
      ctx_.fail("json: unknown field \"" + key + "\"");
      return;
    }
  }
}

}  // namespace gatehouse::consul
