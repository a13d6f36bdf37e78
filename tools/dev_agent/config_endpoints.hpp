#pragma once
// /v1/config: config entries (service-intentions, service-defaults).

#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/router.hpp"

namespace gatehouse::tools {

void add_config_endpoints(Router& router, AgentContext& ctx);

}  // namespace gatehouse::tools
