#pragma once
// /v1/status/leader and /v1/agent/self (minimal).

#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/router.hpp"

namespace gatehouse::tools {

void add_status_endpoints(Router& router, AgentContext& ctx);

}  // namespace gatehouse::tools
