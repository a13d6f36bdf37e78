#pragma once
// /v1/health/{service,connect,checks,node,state}/ (agent/health_endpoint.go): blocking queries
// on the catalog's per-service, per-node and checks-table indexes. `?near`, `?node-meta`,
// `?filter`, `?dc` and `?peer` are accepted and ignored (one node, one datacenter).

#include "tools/dev_agent/agent_context.hpp"
#include "tools/dev_agent/router.hpp"

namespace gatehouse::tools {

void add_health_endpoints(Router& router, AgentContext& ctx);

}  // namespace gatehouse::tools
