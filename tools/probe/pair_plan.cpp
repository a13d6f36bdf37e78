#include "tools/probe/pair_plan.hpp"

#include <algorithm>

namespace gatehouse::tools {

std::vector<std::string> sorted_unique(std::vector<std::string> names) {
  std::ranges::sort(names);
  // std::unique, not std::ranges::unique: clang 14 cannot instantiate the std::ranges::subrange
  // that the ranges form returns with libstdc++ 12 (the fuzz preset builds this file with clang).
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::vector<ProbePair> plan_pairs(const std::vector<std::string>& sources,
                                  const std::vector<std::string>& destinations, bool include_self) {
  std::vector<ProbePair> pairs;
  for (const auto& src : sorted_unique(sources)) {
    for (const auto& dst : sorted_unique(destinations)) {
      if (src == dst && !include_self) continue;
      pairs.push_back({src, dst});
    }
  }
  return pairs;
}

}  // namespace gatehouse::tools
