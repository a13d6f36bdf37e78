#include "tools/intention/intention_table.hpp"

#include <nlohmann/json.hpp>

#include "tools/intention/columns.hpp"

namespace gatehouse::tools {

std::string format_intention_table(std::span<const consul::Intention> intentions) {
  std::vector<Row> rows;
  rows.reserve(intentions.size() + 1);
  rows.push_back({"ID", "Source", "Action", "Destination", "Precedence"});
  for (const auto& ixn : intentions) {
    rows.push_back({ixn.id, ixn.source_name, ixn.action, ixn.destination_name,
                    std::to_string(ixn.precedence)});
  }
  return columnize(rows) + "\n";
}

std::string format_intention_json(std::span<const consul::Intention> intentions) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& ixn : intentions) array.push_back(ixn);
  constexpr int kIndent = 4;
  return array.dump(kIndent) + "\n";
}

}  // namespace gatehouse::tools
