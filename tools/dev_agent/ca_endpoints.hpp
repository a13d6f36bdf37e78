#pragma once
// CA roots (agent and server views), leaf certificates and the CA configuration.

#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/router.hpp"

namespace gatehouse::tools {

void add_ca_endpoints(Router& router, AgentContext& ctx);

}  // namespace gatehouse::tools
