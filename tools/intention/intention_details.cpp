#include "tools/intention/intention_details.hpp"

#include <array>
#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>

#include "tools/intention/columns.hpp"

namespace gatehouse::tools {
namespace {

constexpr std::string_view kGoZeroTime = "Monday, 01-Jan-01 00:00:00 UTC";

std::optional<int> number(std::string_view text, std::size_t pos, std::size_t len) {
  if (pos + len > text.size()) return std::nullopt;
  int value = 0;
  const char* first = text.data() + pos;
  const auto [ptr, ec] = std::from_chars(first, first + len, value);
  if (ec != std::errc{} || ptr != first + len) return std::nullopt;
  return value;
}

bool separator_at(std::string_view text, std::size_t pos, std::string_view allowed) {
  return pos < text.size() && allowed.find(text[pos]) != std::string_view::npos;
}

// Seconds since the epoch of an RFC 3339 time; fractions are dropped (RFC850 has none).
std::optional<std::time_t> parse_rfc3339(std::string_view text) {
  const auto year = number(text, 0, 4);
  const auto month = number(text, 5, 2);
  const auto day = number(text, 8, 2);
  const auto hour = number(text, 11, 2);
  const auto minute = number(text, 14, 2);
  const auto second = number(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || !separator_at(text, 4, "-") ||
      !separator_at(text, 7, "-") || !separator_at(text, 10, "Tt") ||
      !separator_at(text, 13, ":") || !separator_at(text, 16, ":")) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  }
  long offset = 0;
  if (separator_at(text, pos, "Zz") && pos + 1 == text.size()) {
    offset = 0;
  } else if (separator_at(text, pos, "+-") && pos + 6 == text.size()) {
    const auto oh = number(text, pos + 1, 2);
    const auto om = number(text, pos + 4, 2);
    if (!oh || !om || text[pos + 3] != ':') return std::nullopt;
    offset = (*oh * 60L + *om) * 60L * (text[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  std::tm utc{};
  utc.tm_year = *year - 1900;
  utc.tm_mon = *month - 1;
  utc.tm_mday = *day;
  utc.tm_hour = *hour;
  utc.tm_min = *minute;
  utc.tm_sec = *second;
  return timegm(&utc) - offset;
}

}  // namespace

std::string format_rfc850_local(std::string_view rfc3339) {
  const auto when = parse_rfc3339(rfc3339);
  if (!when) return std::string{kGoZeroTime};
  std::tm local{};
  if (localtime_r(&*when, &local) == nullptr) return std::string{kGoZeroTime};
  std::array<char, 64> buffer{};
  const auto n = std::strftime(buffer.data(), buffer.size(), "%A, %d-%b-%y %H:%M:%S %Z", &local);
  return std::string{buffer.data(), n};
}

std::string format_intention_details(const consul::Intention& ixn) {
  std::vector<Row> rows{{"Source:", ixn.source_cli_string()},
                        {"Destination:", ixn.destination_cli_string()}};
  if (!ixn.action.empty()) rows.push_back({"Action:", ixn.action});
  if (!ixn.id.empty()) rows.push_back({"ID:", ixn.id});
  if (!ixn.description.empty()) rows.push_back({"Description:", ixn.description});
  for (const auto& [key, value] : ixn.meta) rows.push_back({"Meta[" + key + "]:", value});
  rows.push_back({"Created At:", format_rfc850_local(ixn.created_at)});
  std::string out = columnize(rows) + "\n";
  if (ixn.is_l7()) {
    const nlohmann::json permissions = ixn.permissions;
    out += "Permissions:\n" + permissions.dump(2) + "\n";
  }
  return out;
}

}  // namespace gatehouse::tools
