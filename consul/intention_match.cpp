#include "consul/intention_match.hpp"

#include <algorithm>
#include <tuple>

namespace gatehouse::consul {
namespace {

std::string_view or_default(std::string_view s) { return s.empty() ? kDefaultNamespace : s; }

bool side_matches(std::string_view ixn_partition, std::string_view ixn_ns,
                  std::string_view ixn_name, const ServiceRef& service) {
  if (or_default(ixn_partition) != or_default(service.partition)) return false;
  const auto ns = or_default(ixn_ns);
  if (ns != kWildcard && ns != or_default(service.ns)) return false;
  return ixn_name == kWildcard || ixn_name == service.name;
}

}  // namespace

bool evaluated_before(const Intention& a, const Intention& b) {
  if (a.precedence != b.precedence) return a.precedence > b.precedence;
  return std::tie(a.source_ns, a.source_name, a.destination_ns, a.destination_name) <
         std::tie(b.source_ns, b.source_name, b.destination_ns, b.destination_name);
}

void sort_intentions(std::vector<Intention>& intentions) {
  std::stable_sort(intentions.begin(), intentions.end(), evaluated_before);
}

bool source_matches(const Intention& ixn, const ServiceRef& service) {
  if (!ixn.source_peer.empty() || !ixn.source_sameness_group.empty()) return false;
  return side_matches(ixn.source_partition, ixn.source_ns, ixn.source_name, service);
}

bool destination_matches(const Intention& ixn, const ServiceRef& service) {
  return side_matches(ixn.destination_partition, ixn.destination_ns, ixn.destination_name, service);
}

std::vector<Intention> match_intentions(std::span<const Intention> all, MatchBy by,
                                        const ServiceRef& service) {
  std::vector<Intention> out;
  for (const auto& ixn : all) {
    const bool hit =
        by == MatchBy::source ? source_matches(ixn, service) : destination_matches(ixn, service);
    if (hit) out.push_back(ixn);
  }
  sort_intentions(out);
  return out;
}

}  // namespace gatehouse::consul
