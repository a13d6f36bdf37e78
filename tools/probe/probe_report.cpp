#include "tools/probe/probe_report.hpp"

#include <algorithm>

namespace gatehouse::tools {

std::string_view to_string(ProbeMode mode) {
  return mode == ProbeMode::direct ? "direct" : "via-upstream";
}

bool PairResult::mismatch() const {
  return observed.verdict != expected || (policy && *policy != observed.verdict);
}

std::string PairResult::mismatch_reason() const {
  std::string out;
  const auto add = [&out](const std::string& part) {
    if (!out.empty()) out += "; ";
    out += part;
  };
  const std::string seen{to_string(observed.verdict)};
  if (observed.verdict != expected) {
    add("intentions expect " + std::string{to_string(expected)} + ", observed " + seen);
  }
  if (policy && *policy != observed.verdict) {
    add("-expect file expects " + std::string{to_string(*policy)} + ", observed " + seen);
  }
  return out;
}

const PairResult* ProbeReport::find(const std::string& source,
                                    const std::string& destination) const {
  const auto it = std::ranges::find_if(pairs, [&](const PairResult& p) {
    return p.source == source && p.destination == destination;
  });
  return it == pairs.end() ? nullptr : &*it;
}

std::size_t ProbeReport::mismatches() const {
  return static_cast<std::size_t>(std::ranges::count_if(pairs, &PairResult::mismatch));
}

}  // namespace gatehouse::tools
