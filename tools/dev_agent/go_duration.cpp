#include "tools/dev_agent/go_duration.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace gatehouse::tools {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ns;
};
constexpr std::array kUnits{
    Unit{"ns", 1},           Unit{"us", 1'000},          Unit{"\xC2\xB5s", 1'000},
    Unit{"\xCE\xBCs", 1'000}, Unit{"ms", 1'000'000},      Unit{"s", 1'000'000'000},
    Unit{"m", 60'000'000'000}, Unit{"h", 3'600'000'000'000},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds{0};
  if (s.empty()) return std::nullopt;
  long double total = 0;
  while (!s.empty()) {
    // A number: digits, optionally a fraction; at least one digit somewhere.
    std::size_t i = 0;
    long double value = 0;
    bool any_digit = false;
    while (i < s.size() && is_digit(s[i])) {
      value = value * 10 + (s[i++] - '0');
      any_digit = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < s.size() && is_digit(s[i])) {
        value += (s[i++] - '0') * scale;
        scale /= 10;
        any_digit = true;
      }
    }
    if (!any_digit) return std::nullopt;
    s.remove_prefix(i);
    std::size_t u = 0;
    while (u < s.size() && s[u] != '.' && !is_digit(s[u])) ++u;
    const std::string_view unit_name = s.substr(0, u);
    if (unit_name.empty()) return std::nullopt;  // Go: "missing unit in duration"
    const Unit* unit = nullptr;
    for (const auto& candidate : kUnits) {
      if (candidate.name == unit_name) unit = &candidate;
    }
    if (unit == nullptr) return std::nullopt;
    total += value * static_cast<long double>(unit->ns);
    s.remove_prefix(u);
  }
  if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;  // Go: "invalid duration" on overflow
  }
  const auto ns = static_cast<std::int64_t>(total);
  return std::chrono::nanoseconds{negative ? -ns : ns};
}

std::string format_go_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  if (d == nanoseconds{0}) return "0s";
  std::string sign = d < nanoseconds{0} ? "-" : "";
  if (d < nanoseconds{0}) d = -d;
  if (d < seconds{1}) {
    if (d < microseconds{1}) return sign + std::to_string(d.count()) + "ns";
    if (d < milliseconds{1}) {
      return sign + std::to_string(duration_cast<microseconds>(d).count()) + "us";
    }
    return sign + std::to_string(duration_cast<milliseconds>(d).count()) + "ms";
  }
  const auto h = duration_cast<hours>(d);
  const auto m = duration_cast<minutes>(d - h);
  const auto s = duration_cast<seconds>(d - h - m);
  std::string out = sign;
  if (h.count() > 0) out += std::to_string(h.count()) + "h";
  if (h.count() > 0 || m.count() > 0) out += std::to_string(m.count()) + "m";
  return out + std::to_string(s.count()) + "s";
}

}  // namespace gatehouse::tools
