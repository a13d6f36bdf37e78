#pragma once
// Which intentions apply to a service, in evaluation order (agent/intentions_endpoint.go
// IntentionMatch; agent/structs/intention.go IntentionPrecedenceSorter): the view of
// GET /v1/connect/intentions/match, and the input of the decision procedure.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "consul/intention.hpp"

namespace gatehouse::consul {

enum class MatchBy { source, destination };

// One side of a connection: a concrete (non-wildcard) service.
struct ServiceRef {
  std::string ns = std::string{kDefaultNamespace};
  std::string name;
  std::string partition;  // empty = default

  friend bool operator==(const ServiceRef&, const ServiceRef&) = default;
};

// IntentionPrecedenceSorter: precedence descending, then (SourceNS, SourceName, DestinationNS,
// DestinationName) ascending.
bool evaluated_before(const Intention& a, const Intention& b);
void sort_intentions(std::vector<Intention>& intentions);

// Whether `ixn`'s source (or destination) side covers `service` (`*` matches anything on that
// field; partitions must be equal). A peered or sameness-group source never matches a local
// service.
bool source_matches(const Intention& ixn, const ServiceRef& service);
bool destination_matches(const Intention& ixn, const ServiceRef& service);

// All intentions whose `by` side covers `service`, sorted in evaluation order.
std::vector<Intention> match_intentions(std::span<const Intention> all, MatchBy by,
                                        const ServiceRef& service);

}  // namespace gatehouse::consul
