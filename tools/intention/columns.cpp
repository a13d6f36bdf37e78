#include "tools/intention/columns.hpp"

#include <algorithm>
#include <string_view>

namespace gatehouse::tools {
namespace {

constexpr std::string_view kGlue = "  ";

std::string trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return std::string{s.substr(first, s.find_last_not_of(kSpace) - first + 1)};
}

// Go pads by runes, so a multi-byte name takes one column per code point.
std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::ranges::count_if(
      s, [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

}  // namespace

std::string columnize(const std::vector<Row>& rows) {
  std::vector<Row> cells;
  cells.reserve(rows.size());
  std::vector<std::size_t> widths;
  for (const Row& row : rows) {
    Row trimmed;
    for (const std::string& cell : row) trimmed.push_back(trim(cell));
    if (widths.size() < trimmed.size()) widths.resize(trimmed.size(), 0);
    for (std::size_t i = 0; i < trimmed.size(); ++i) {
      widths[i] = std::max(widths[i], code_points(trimmed[i]));
    }
    cells.push_back(std::move(trimmed));
  }
  std::string out;
  for (const Row& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 == row.size()) break;
      out.append(widths[i] - code_points(row[i]), ' ');
      out += kGlue;
    }
    out += '\n';
  }
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace gatehouse::tools
