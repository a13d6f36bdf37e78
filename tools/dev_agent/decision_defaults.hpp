#pragma once
// The no-match default of authorize and check: -default-intention-policy, else the ACL default.

#include "consul/intention_decision.hpp"
#include "tools/dev_agent/dev_agent_options.hpp"

namespace gatehouse::tools {

inline consul::DecisionDefaults decision_defaults(const DevAgentOptions& o) {
  consul::DecisionDefaults d;
  if (!o.default_intention_policy.empty()) {
    d.default_intention_allow = o.default_intention_policy == "allow";
  }
  d.acl_default_allow = o.acl_default_policy == "allow";
  return d;
}

}  // namespace gatehouse::tools
