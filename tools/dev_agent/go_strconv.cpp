#include "tools/dev_agent/go_strconv.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

#include "consul/go_quote.hpp"

namespace gatehouse::tools {

namespace {

constexpr std::string_view kSyntax = "invalid syntax";
constexpr std::string_view kRange = "value out of range";

std::string num_error(std::string_view fn, std::string_view s, std::string_view reason) {
  return "strconv." + std::string{fn} + ": parsing " + consul::go_quote(s) + ": " +
         std::string{reason};
}

char lower(char c) { return static_cast<char>(c | 0x20); }

std::optional<int> digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (lower(c) >= 'a' && lower(c) <= 'z') return lower(c) - 'a' + 10;
  return std::nullopt;
}

void append_utf8(std::string& out, std::uint32_t r) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

// `count` digits of `base` starting at s[i]; nullopt when they are missing or not digits.
std::optional<std::uint32_t> fixed_digits(std::string_view s, std::size_t i, int count, int base) {
  if (i + static_cast<std::size_t>(count) > s.size()) return std::nullopt;
  std::uint32_t v = 0;
  for (int k = 0; k < count; ++k) {
    auto d = digit_value(s[i + static_cast<std::size_t>(k)]);
    if (!d || *d >= base) return std::nullopt;
    v = v * static_cast<std::uint32_t>(base) + static_cast<std::uint32_t>(*d);
  }
  return v;
}

// One escape sequence after a backslash at s[i] (strconv.UnquoteChar inside "…"); returns the
// index after it, or nullopt when it is not a valid escape.
std::optional<std::size_t> unescape(std::string_view s, std::size_t i, std::string& out) {
  if (i + 1 >= s.size()) return std::nullopt;
  const char c = s[i + 1];
  switch (c) {
    case 'a': out += '\a'; return i + 2;
    case 'b': out += '\b'; return i + 2;
    case 'f': out += '\f'; return i + 2;
    case 'n': out += '\n'; return i + 2;
    case 'r': out += '\r'; return i + 2;
    case 't': out += '\t'; return i + 2;
    case 'v': out += '\v'; return i + 2;
    case '\\': out += '\\'; return i + 2;
    case '"': out += '"'; return i + 2;
    case 'x': {
      auto v = fixed_digits(s, i + 2, 2, 16);
      if (!v) return std::nullopt;
      out += static_cast<char>(*v);
      return i + 4;
    }
    case 'u':
    case 'U': {
      const int n = c == 'u' ? 4 : 8;
      auto v = fixed_digits(s, i + 2, n, 16);
      if (!v || *v > 0x10FFFF || (*v >= 0xD800 && *v <= 0xDFFF)) return std::nullopt;
      append_utf8(out, *v);
      return i + 2 + static_cast<std::size_t>(n);
    }
    default:
      if (c >= '0' && c <= '7') {
        auto v = fixed_digits(s, i + 1, 3, 8);
        if (!v || *v > 255) return std::nullopt;
        out += static_cast<char>(*v);
        return i + 4;
      }
      return std::nullopt;  // includes \' , which only single-quoted Go literals allow
  }
}

GoResult<std::string> syntax_error() { return {boost::system::in_place_error, std::string{kSyntax}}; }

bool underscore_ok(std::string_view s) {
  char saw = '^';
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if ((s[i] >= '0' && s[i] <= '9') || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

enum class UintProblem { none, syntax, range };

// strconv.ParseUint's digits with base 0; `max` bounds the value.
std::pair<std::uint64_t, UintProblem> parse_base0(std::string_view s) {
  if (s.empty()) return {0, UintProblem::syntax};
  const std::string_view whole = s;
  int base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && lower(s[1]) == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && lower(s[1]) == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && lower(s[1]) == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  std::uint64_t n = 0;
  bool underscores = false;
  for (char c : s) {
    if (c == '_') {
      underscores = true;
      continue;
    }
    auto d = digit_value(c);
    if (!d || *d >= base) return {0, UintProblem::syntax};
    const auto b = static_cast<std::uint64_t>(base);
    if (n > (std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(*d)) / b) {
      return {std::numeric_limits<std::uint64_t>::max(), UintProblem::range};
    }
    n = n * b + static_cast<std::uint64_t>(*d);
  }
  if (underscores && !underscore_ok(whole)) return {0, UintProblem::syntax};
  return {n, UintProblem::none};
}

}  // namespace

GoResult<std::string> go_unquote(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != literal.back()) return syntax_error();
  const char quote = literal.front();
  const std::string_view body = literal.substr(1, literal.size() - 2);
  std::string out;
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return syntax_error();
    for (char c : body) {
      if (c != '\r') out += c;  // Go drops carriage returns from raw strings
    }
    return {boost::system::in_place_value, out};
  }
  if (quote != '"' || body.find('\n') != std::string_view::npos) return syntax_error();
  for (std::size_t i = 0; i < body.size();) {
    if (body[i] == '"') return syntax_error();
    if (body[i] != '\\') {
      out += body[i++];
      continue;
    }
    auto next = unescape(body, i, out);
    if (!next) return syntax_error();
    i = *next;
  }
  return {boost::system::in_place_value, out};
}

GoResult<std::uint64_t> go_parse_uint(std::string_view s) {
  auto [n, problem] = parse_base0(s);
  if (problem == UintProblem::syntax) {
    return {boost::system::in_place_error, num_error("ParseUint", s, kSyntax)};
  }
  if (problem == UintProblem::range) {
    return {boost::system::in_place_error, num_error("ParseUint", s, kRange)};
  }
  return n;
}

GoResult<std::int64_t> go_parse_int(std::string_view s) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  auto [n, problem] = parse_base0(digits);
  if (problem == UintProblem::syntax) {
    return {boost::system::in_place_error, num_error("ParseInt", s, kSyntax)};
  }
  constexpr std::uint64_t kCutoff = std::uint64_t{1} << 63;
  if (problem == UintProblem::range || (!negative && n >= kCutoff) || (negative && n > kCutoff)) {
    return {boost::system::in_place_error, num_error("ParseInt", s, kRange)};
  }
  if (negative) return n == kCutoff ? std::numeric_limits<std::int64_t>::min()
                                    : -static_cast<std::int64_t>(n);
  return static_cast<std::int64_t>(n);
}

GoResult<double> go_parse_float(std::string_view s) {
  const std::string text{s};
  const bool starts_ok = !text.empty() && text[0] != ' ' && text[0] != '\t' && text[0] != '\n' &&
                         text[0] != '\r' && text[0] != '\v' && text[0] != '\f';
  const bool hex = text.find_first_of("xX") != std::string::npos;
  char* end = nullptr;
  errno = 0;
  const double v = starts_ok && !hex ? std::strtod(text.c_str(), &end) : 0.0;
  if (!starts_ok || hex || end != text.c_str() + text.size()) {
    return {boost::system::in_place_error, num_error("ParseFloat", s, kSyntax)};
  }
  if (errno == ERANGE && std::isinf(v)) {
    return {boost::system::in_place_error, num_error("ParseFloat", s, kRange)};
  }
  return v;
}

GoResult<bool> go_parse_bool(std::string_view s) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (s == t) return true;
  }
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (s == f) return false;
  }
  return {boost::system::in_place_error, num_error("ParseBool", s, kSyntax)};
}

}  // namespace gatehouse::tools
