#pragma once
// Local services and checks (/v1/agent/service*, /v1/agent/check*).

#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/router.hpp"

namespace gatehouse::tools {

void add_service_endpoints(Router& router, AgentContext& ctx);

}  // namespace gatehouse::tools
