#pragma once
// POST /v1/agent/connect/authorize (agent/agent_endpoint.go AgentConnectAuthorize).

#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/router.hpp"

namespace gatehouse::tools {

void add_authorize_endpoint(Router& router, AgentContext& ctx);

}  // namespace gatehouse::tools
