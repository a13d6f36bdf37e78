#include "consul/intention_decision.hpp"

namespace gatehouse::consul {

Decision decision_by(const Intention& ixn) {
  Decision d;
  if (ixn.is_l7()) {
    // An L4 caller cannot satisfy HTTP rules: any L7 intention is a deny here.
    d.allowed = false;
    d.reason = "Matched L7 intention: " + ixn.to_string();
  } else {
    d.allowed = ixn.action == kActionAllow;
    d.reason = "Matched L4 intention: " + ixn.to_string();
  }
  d.matched = ixn;
  return d;
}

Decision decide(std::span<const Intention> destination_matches, const ServiceRef& source,
                const DecisionDefaults& defaults) {
  for (const auto& ixn : destination_matches) {
    if (source_matches(ixn, source)) return decision_by(ixn);
  }
  if (defaults.default_intention_allow)
    return Decision{*defaults.default_intention_allow, std::string{kReasonDefaultIntentionPolicy},
                    std::nullopt};
  return Decision{defaults.acl_default_allow, std::string{kReasonDefaultAcl}, std::nullopt};
}

Decision decide_connection(std::span<const Intention> all, const ServiceRef& source,
                           const ServiceRef& destination, const DecisionDefaults& defaults) {
  const auto matches = match_intentions(all, MatchBy::destination, destination);
  return decide(matches, source, defaults);
}

std::string intention_label(std::string_view reason) {
  if (reason == kReasonDefaultIntentionPolicy || reason == kReasonDefaultAcl) return "default";
  for (const std::string_view prefix : {"Matched L4 intention: ", "Matched L7 intention: "}) {
    if (!reason.starts_with(prefix)) continue;
    const auto rest = reason.substr(prefix.size());
    return std::string{rest.substr(0, rest.rfind(" ("))};
  }
  return {};
}

}  // namespace gatehouse::consul
