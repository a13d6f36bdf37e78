#pragma once
// The destination's intentions prepared for deciding many connections: the same answer as
// consul::decide (the first intention in evaluation order whose source matches the caller), in
// constant time instead of a scan. Built once per intentions change on the control thread, then
// read by every worker.
//
// The first match is the matching intention with the lowest position in the list. An intention
// with an exact source (namespace and name) matches exactly the callers with that partition,
// namespace and name, so those are found by a hash lookup; only wildcard sources (`*` name or
// namespace; few in practice) are scanned, and only up to the exact match's position. Intentions
// from peers or sameness groups never match a local caller and are left out. Each intention's
// verdict (allowed, Consul's reason, label) is computed here once.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "consul/intention.hpp"
#include "consul/intention_match.hpp"
#include "proxy/authorizer.hpp"

namespace gatehouse::proxy {

class IntentionIndex {
 public:
  IntentionIndex() = default;
  // `matches`: the destination's intentions in evaluation order.
  explicit IntentionIndex(std::span<const consul::Intention> matches);

  // The deciding intention's verdict (source DecisionSource::local), or null when none matches.
  const Verdict* decide(const consul::ServiceRef& caller) const;

 private:
  static std::string key_of(std::string_view partition, std::string_view ns, std::string_view name);

  struct Wildcard {
    std::size_t position;
    consul::Intention intention;
  };
  std::unordered_map<std::string, std::size_t> exact_;  // partition/ns/name -> first position
  std::vector<Wildcard> wildcards_;                     // in evaluation order
  std::vector<Verdict> verdicts_;                       // by position
};

}  // namespace gatehouse::proxy
