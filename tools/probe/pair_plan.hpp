#pragma once
// Which source -> destination pairs a probe run tests: every source with every destination,
// rows and columns sorted by name, duplicates dropped. A service talking to itself is left out
// unless asked for (both lists given on the command line).

#include <string>
#include <vector>

namespace gatehouse::tools {

struct ProbePair {
  std::string source;
  std::string destination;

  friend bool operator==(const ProbePair&, const ProbePair&) = default;
};

// Sorted, without duplicates.
std::vector<std::string> sorted_unique(std::vector<std::string> names);

std::vector<ProbePair> plan_pairs(const std::vector<std::string>& sources,
                                  const std::vector<std::string>& destinations, bool include_self);

}  // namespace gatehouse::tools
