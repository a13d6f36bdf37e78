#pragma once
// /v1/connect/intentions: list, legacy create, exact, check, match and the legacy ID API.

#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/router.hpp"

namespace gatehouse::tools {

void add_intention_endpoints(Router& router, AgentContext& ctx);

}  // namespace gatehouse::tools
