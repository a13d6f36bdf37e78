#pragma once
// The intention decision procedure shared by authorize, check and local authorization
// (agent/agent_endpoint.go AgentConnectAuthorize, agent/consul/intention_endpoint.go Check): the
// first matching intention decides alone; an L7 match is a deny at L4; with no match the agent's
// default_intention_policy, else the ACL default, decides.

#include <optional>
#include <span>
#include <string>

#include "consul/intention.hpp"
#include "consul/intention_match.hpp"

namespace gatehouse::consul {

inline constexpr std::string_view kReasonDefaultIntentionPolicy = "Default intention policy";
inline constexpr std::string_view kReasonDefaultAcl = "Default behavior configured by ACLs";

struct DecisionDefaults {
  // The agent's `default_intention_policy` (true = allow); nullopt = unset, inherit the ACL
  // default. The check endpoint only honours it in newer Consul (PR #23868).
  std::optional<bool> default_intention_allow;
  // `acl.default_policy == allow`; ACLs disabled count as allow.
  bool acl_default_allow = true;
};

struct Decision {
  bool allowed = false;
  // `Matched L4 intention: <Intention::to_string()>`, `Matched L7 intention: …`,
  // `Default intention policy` or `Default behavior configured by ACLs`.
  std::string reason;
  std::optional<Intention> matched;  // the deciding intention, if any

  friend bool operator==(const Decision&, const Decision&) = default;
};

// The decision of `ixn` once it is the first to match a caller.
Decision decision_by(const Intention& ixn);

// `destination_matches` are the intentions matching the destination, in evaluation order (as
// match_intentions(…, MatchBy::destination, …) returns them).
Decision decide(std::span<const Intention> destination_matches, const ServiceRef& source,
                const DecisionDefaults& defaults);

// The deciding intention named for metrics and logs, from an authorize Reason: `web => db` for
// `Matched L4 intention: web => db (…)` (L7 alike), `default` for either default reason, empty
// for anything else (not a decision).
std::string intention_label(std::string_view reason);

// Convenience over all intentions: match by destination, sort, decide.
Decision decide_connection(std::span<const Intention> all, const ServiceRef& source,
                           const ServiceRef& destination, const DecisionDefaults& defaults);

}  // namespace gatehouse::consul
