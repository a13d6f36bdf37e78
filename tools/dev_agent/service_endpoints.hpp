#pragma once
// Local services and checks (/v1/agent/service*, /v1/agent/check*), /v1/health/connect and
// /v1/catalog/services.

#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/router.hpp"

namespace gatehouse::tools {

void add_service_endpoints(Router& router, AgentContext& ctx);

}  // namespace gatehouse::tools
