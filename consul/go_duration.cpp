#include "consul/go_duration.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <utility>

#include "consul/failure.hpp"
#include "consul/go_quote.hpp"

namespace gatehouse::consul {
namespace {

using Nanos = std::chrono::nanoseconds;

constexpr std::array<std::pair<std::string_view, std::int64_t>, 8> kUnits{{
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // U+00B5 micro sign
    {"\xCE\xBCs", 1'000},  // U+03BC Greek mu
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Fraction digits of `v / unit`, trailing zeros trimmed, as Go's fmtFrac prints them.
std::string fraction(std::uint64_t v, int digits) {
  std::string out;
  bool print = false;
  for (int i = 0; i < digits; ++i) {
    const auto digit = static_cast<char>('0' + v % 10);
    print = print || digit != '0';
    if (print) out.insert(out.begin(), digit);
    v /= 10;
  }
  return out.empty() ? out : "." + out;
}

}  // namespace

boost::system::result<Nanos, std::string> parse_go_duration(std::string_view text) {
  const std::string invalid = "time: invalid duration " + go_quote(text);
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Nanos{0};
  if (s.empty()) return Failure{invalid};
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t total = 0;
  while (!s.empty()) {
    // Integer part and fraction kept as integers, as Go does, so "1.1s" is exact.
    std::size_t i = 0;
    std::uint64_t whole = 0;
    while (i < s.size() && is_digit(s[i])) {
      if (whole > (kMax - 9) / 10) return Failure{invalid};
      whole = whole * 10 + static_cast<std::uint64_t>(s[i++] - '0');
    }
    bool had_digits = i > 0;
    std::uint64_t frac = 0;
    std::uint64_t frac_scale = 1;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) {
        if (frac_scale <= kMax / 10) {  // extra digits beyond precision are dropped
          frac = frac * 10 + static_cast<std::uint64_t>(s[i] - '0');
          frac_scale *= 10;
        }
        ++i;
        had_digits = true;
      }
    }
    if (!had_digits) return Failure{invalid};
    std::size_t u = i;
    while (u < s.size() && s[u] != '.' && !is_digit(s[u])) ++u;
    const std::string_view unit = s.substr(i, u - i);
    if (unit.empty()) return Failure{"time: missing unit in duration " + go_quote(text)};
    std::uint64_t scale = 0;
    for (const auto& [name, ns] : kUnits)
      if (name == unit) scale = static_cast<std::uint64_t>(ns);
    if (scale == 0)
      return Failure{"time: unknown unit " + go_quote(unit) + " in duration " + go_quote(text)};
    if (whole > kMax / scale) return Failure{invalid};
    std::uint64_t value = whole * scale;
    value += static_cast<std::uint64_t>(
        static_cast<long double>(frac) *
        (static_cast<long double>(scale) / static_cast<long double>(frac_scale)));
    if (value > kMax - total) return Failure{invalid};
    total += value;
    s.remove_prefix(u);
  }
  const auto ns = static_cast<std::int64_t>(total);
  return Nanos{negative ? -ns : ns};
}

std::string format_go_duration(Nanos d) {
  const std::int64_t count = d.count();
  if (count == 0) return "0s";
  const bool negative = count < 0;
  const std::uint64_t u =
      negative ? 0 - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
  std::string out;
  if (u < 1'000'000'000) {
    // Sub-second: one unit with a fraction.
    if (u < 1'000) {
      out = std::to_string(u) + "ns";
    } else if (u < 1'000'000) {
      out = std::to_string(u / 1'000) + fraction(u % 1'000, 3) + "\xC2\xB5s";
    } else {
      out = std::to_string(u / 1'000'000) + fraction(u % 1'000'000, 6) + "ms";
    }
  } else {
    const std::uint64_t secs = u / 1'000'000'000;
    out = std::to_string(secs % 60) + fraction(u % 1'000'000'000, 9) + "s";
    const std::uint64_t mins = secs / 60;
    if (mins > 0) {
      out = std::to_string(mins % 60) + "m" + out;
      const std::uint64_t hours = mins / 60;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace gatehouse::consul
